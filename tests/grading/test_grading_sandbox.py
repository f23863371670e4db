"""The sandbox process: environment, file view, limits, uid, network, seeding, output cap, the
message protocol and the trusted (unsandboxed) mode."""
from __future__ import annotations

import errno
import os
import tempfile

import numpy as np
import pytest

from conftest import skip_or_fail
from nnref.grading.loading import load_submission
from nnref.grading.sandbox import Call, Limits, run_submission

PROBE = '''
import errno
import os
import resource
import socket
import sys

import numpy as np


def environment():
    return sorted(os.environ)


def folders():
    return [os.getcwd(), os.environ["HOME"], os.environ["TMPDIR"]]


def limits():
    return [list(resource.getrlimit(r)) for r in (resource.RLIMIT_AS, resource.RLIMIT_CPU,
                                                 resource.RLIMIT_FSIZE, resource.RLIMIT_CORE)]


def user():
    return os.getuid()


def network():
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("192.0.2.1", 9))  # a documentation address: any route out would try it
    except OSError as exc:
        return exc.errno
    return 0


def draw(n):
    return np.random.rand(n)


def shout():
    print("y" * 100_000)
    return 0


def first_finder():
    return type(sys.meta_path[0]).__name__


def view():
    return sorted(os.listdir("/")), os.access("/", os.W_OK), sys.path


def tensorflow_version():
    import tensorflow as tf
    return tf.__version__
'''

ALLOWED_ENV = {"PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
               "MKL_NUM_THREADS", "MPLBACKEND", "TF_CPP_MIN_LOG_LEVEL", "PWD"}
LIMITS = Limits(timeout=20, call_timeout=5, memory_mb=768, file_mb=8, output_kb=1)


@pytest.fixture(scope="module")
def probed(tmp_path_factory):
    from nnref.grading import isolation

    if isolation.problem():
        skip_or_fail(isolation.problem())
    path = tmp_path_factory.mktemp("probe") / "probe.py"
    path.write_text(PROBE, encoding="utf-8")
    names = ["environment", "folders", "limits", "user", "network", "shout", "first_finder", "view"]
    calls = [Call(i, name, 5000 + i, (), {}) for i, name in enumerate(names)]
    calls += [Call(10, "draw", 1234, (3,), {}), Call(11, "draw", 4321, (3,), {})]
    run = run_submission(load_submission(path), calls, (), LIMITS)
    values = {}
    for call in calls:
        outcome = run.outcomes[call.id]
        assert outcome.status == "returned", outcome.detail
        values[(call.function, call.seed)] = outcome.value
    by_name = {name: values[(name, 5000 + i)] for i, name in enumerate(names)}
    return run, by_name, values


def test_environment_is_scrubbed(probed):
    _, values, _ = probed
    assert set(values["environment"]) <= ALLOWED_ENV


def test_working_folder_is_the_private_tmp(probed):
    _, values, _ = probed
    cwd, home, tmp = values["folders"]
    assert cwd == home == tmp == "/tmp"


def test_the_file_view_is_read_only_and_holds_no_grader_code(probed):
    _, values, _ = probed
    top, writable, path = values["view"]
    assert not writable
    assert set(top) <= {"bin", "dev", "lib", "lib64", "proc", "sandbox", "tmp", "usr", "root",
                        "work", "opt", "home", "srv"}  # the interpreter's and packages' roots
    assert not any(os.path.basename(p) in ("nnref", "tf_parity") for p in path)


def test_resource_limits_are_set_hard(probed):
    _, values, _ = probed
    memory, cpu, fsize, core = values["limits"]
    assert memory == [768 << 20, 768 << 20]
    assert cpu == [21, 22]  # the whole submission's timeout + 1 s, then SIGKILL a second later
    assert fsize == [8 << 20, 8 << 20]
    assert core == [0, 0]


def test_the_submission_runs_as_a_uid_of_its_own_without_network(probed):
    from nnref.grading.slots import SLOTS, UID_BASE

    run, values, _ = probed
    if os.geteuid() == 0:
        assert values["user"] == run.user and UID_BASE <= run.user < UID_BASE + SLOTS
    assert values["network"] == errno.ENETUNREACH  # a network namespace with loopback only


def test_concurrent_sandboxes_get_distinct_uids(tmp_path):
    from nnref.grading.slots import UidSlot

    if os.geteuid() != 0:
        pytest.skip("uids are chosen only when the grader runs as root")
    with UidSlot() as first, UidSlot() as second:
        assert first != second


def test_a_c2w3_submission_can_import_tensorflow(tmp_path):
    from conftest import require_module
    from nnref.grading.isolation import packages_for

    require_module("tensorflow")
    path = tmp_path / "tf.py"
    path.write_text(PROBE, encoding="utf-8")
    run = run_submission(load_submission(path), [Call(0, "tensorflow_version", 1, (), {})], (),
                         Limits(timeout=120, call_timeout=90), packages=packages_for("c2w3_tensorflow"))
    import tensorflow

    assert run.outcomes[0].value == tensorflow.__version__, run.outcomes[0].detail


def test_each_call_starts_from_its_case_seed(probed):
    _, _, values = probed
    for seed in (1234, 4321):
        np.testing.assert_array_equal(values[("draw", seed)], np.random.RandomState(seed).rand(3))


def test_output_is_capped_but_counted(probed):
    run, _, _ = probed
    assert len(run.stdout.encode()) <= 1024
    assert run.stdout.startswith("yyyy")
    assert run.output_bytes >= 100_000


def test_the_import_guard_comes_first(probed):
    _, values, _ = probed
    assert values["first_finder"] == "ImportGuard"


def test_limits_validate_their_arguments():
    with pytest.raises(ValueError,
                       match="call_timeout must be a positive number. Received: call_timeout=0"):
        Limits(call_timeout=0)
    with pytest.raises(ValueError, match="memory_mb must be at least 256"):
        Limits(memory_mb=100)


def test_trusted_mode_runs_without_bubblewrap(tmp_path, monkeypatch):
    from nnref.grading import isolation

    path = tmp_path / "plain.py"
    path.write_text("def f(x):\n    return x + 1\n", encoding="utf-8")
    monkeypatch.setattr(isolation, "bwrap_path", lambda: None)  # it must not be needed
    run = run_submission(load_submission(path), [Call(0, "f", 7, (1,), {})], (), LIMITS,
                         trusted=True)
    assert run.outcomes[0].value == 2


def test_without_bubblewrap_untrusted_code_is_refused(tmp_path, monkeypatch):
    from nnref.grading import isolation
    from nnref.grading.sandbox import SandboxUnavailable

    monkeypatch.setattr(isolation, "bwrap_path", lambda: None)
    isolation.problem.cache_clear()
    path = tmp_path / "plain.py"
    path.write_text("def f(x):\n    return x + 1\n", encoding="utf-8")
    try:
        with pytest.raises(SandboxUnavailable, match="apt-get install -y bubblewrap"):
            run_submission(load_submission(path), [Call(0, "f", 7, (1,), {})], (), LIMITS)
    finally:
        isolation.problem.cache_clear()


def _protocol():
    from nnref.grading.channel import Protocol

    return Protocol([0, 1], call_timeout=2.0, deadline=float("inf"))


@pytest.mark.parametrize("messages", [
    [{"event": "loaded"}],                                                  # before "ready"
    [{"event": "ready"}, {"event": "ready"}],                               # twice
    [{"event": "ready"}, {"event": "loaded"}, {"event": "result", "id": [0], "status": "x"}],
    [{"event": "ready"}, {"event": "loaded"}, {"event": "start", "id": 99}],
    [{"event": "ready"}, {"event": "loaded"}, {"event": "start", "id": True}],
    [{"event": "ready"}, {"event": "loaded"}, {"event": "start", "id": 1},
     {"event": "result", "id": 1, "status": "returned"}, {"event": "start", "id": 0}],  # order
    [{"event": "ready"}, {"event": "loaded"}, {"event": "result", "id": 0, "status": "returned"}],
    [{"event": "ready"}, {"event": "launch"}],
    ["ready"],
])
def test_forged_messages_are_protocol_errors(messages):
    from nnref.grading.channel import ProtocolError

    protocol = _protocol()
    with pytest.raises(ProtocolError):
        for message in messages:
            protocol.event(message)


def test_no_message_moves_a_deadline():
    protocol = _protocol()
    loading = protocol.limit()
    protocol.event({"event": "ready"})
    assert protocol.limit() == loading
    protocol.event({"event": "loaded"})
    protocol.event({"event": "start", "id": 0})
    call = protocol.limit()
    protocol.event({"event": "result", "id": 0, "status": "returned"})
    from nnref.grading.channel import ProtocolError

    with pytest.raises(ProtocolError):  # the same call cannot start again to reset its clock
        protocol.event({"event": "start", "id": 0})
    assert protocol.limit() == float("inf")  # between calls: only the submission's deadline
    assert call < loading


def test_message_size_and_count_are_bounded():
    from nnref.grading.channel import MAX_HEADER, ProtocolError

    protocol = _protocol()
    with pytest.raises(ProtocolError, match="exceeds the limit"):
        protocol.count(b"x" * (MAX_HEADER + 1), header=True)
    protocol = _protocol()
    with pytest.raises(ProtocolError, match="more than 8 messages"):
        for _ in range(9):
            protocol.count(b"{}", header=True)


def test_grader_packages_inside_a_bound_folder_are_hidden(tmp_path, monkeypatch):
    """nnref installed (not editable) next to the standard library, or in its site-packages:
    the folder is bound, the packages in it are covered by an empty tmpfs."""
    from nnref.grading import isolation

    if isolation.problem():
        skip_or_fail(isolation.problem())
    lib = tmp_path / "lib"
    for package in ("nnref", "tf_parity", "site-packages/nnref"):
        (lib / package).mkdir(parents=True)
        (lib / package / "course.py").write_text("ANSWER = 42\n", encoding="utf-8")
    real = isolation.stdlib_paths()
    monkeypatch.setattr(isolation, "stdlib_paths", lambda: real + (str(lib),))
    isolation._view.cache_clear()
    probe = tmp_path / "probe.py"
    probe.write_text(f"import os\ndef f():\n    return sorted(os.listdir({str(lib)!r})), "
                     f"[os.listdir(os.path.join({str(lib)!r}, p)) for p in "
                     "('nnref', 'tf_parity', 'site-packages')]\n", encoding="utf-8")
    try:
        run = run_submission(load_submission(probe), [Call(0, "f", 1, (), {})], (), LIMITS)
    finally:
        isolation._view.cache_clear()
    assert run.outcomes[0].value == (["nnref", "site-packages", "tf_parity"], [[], [], []])


@pytest.mark.parametrize("folder", ["/tmp", "/dev/shm"])
def test_the_writable_folders_are_private_and_size_capped(folder, tmp_path):
    from nnref.grading import isolation

    if isolation.problem():
        skip_or_fail(isolation.problem())
    path = tmp_path / "fill.py"
    path.write_text(f'''
import os
def f():
    try:
        with open("{folder}/fill", "wb") as out:
            for _ in range(100):
                out.write(b"x" * (1 << 20))
    except OSError as exc:
        return exc.strerror, os.path.getsize("{folder}/fill") >> 20
    return "wrote 100 MiB", 100
''', encoding="utf-8")
    limits = Limits(timeout=20, call_timeout=10, tmp_mb=16, file_mb=512)
    run = run_submission(load_submission(path), [Call(0, "f", 1, (), {})], (), limits)
    assert run.outcomes[0].value == ("No space left on device", 16)
    assert not os.path.exists(f"{folder}/fill")  # not the host's
