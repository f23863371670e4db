"""The sandbox process: environment, limits, user, network, seeding, output cap, clean-up."""
from __future__ import annotations

import errno
import os
import tempfile

import numpy as np
import pytest

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
        s.connect(("127.0.0.1", 9))
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
'''

ALLOWED_ENV = {"PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
               "MKL_NUM_THREADS", "MPLBACKEND", "NNREF_SANDBOX"}
LIMITS = Limits(timeout=20, call_timeout=5, memory_mb=768, file_mb=8, output_kb=1)


@pytest.fixture(scope="module")
def probed(tmp_path_factory):
    path = tmp_path_factory.mktemp("probe") / "probe.py"
    path.write_text(PROBE, encoding="utf-8")
    names = ["environment", "folders", "limits", "user", "network", "shout", "first_finder"]
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


def test_fresh_working_folder_is_home_and_tmp_and_is_removed_afterwards(probed):
    _, values, _ = probed
    cwd, home, tmp = values["folders"]
    assert cwd == home == tmp
    assert os.path.basename(cwd) == "work-1"
    assert os.path.dirname(os.path.dirname(cwd)) == tempfile.gettempdir()
    assert not os.path.exists(os.path.dirname(cwd))


def test_resource_limits_are_set_hard(probed):
    _, values, _ = probed
    memory, cpu, fsize, core = values["limits"]
    assert memory == [768 << 20, 768 << 20]
    assert cpu == [21, 22]  # the whole submission's timeout + 1 s, then SIGKILL a second later
    assert fsize == [8 << 20, 8 << 20]
    assert core == [0, 0]


@pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox drops privileges only when run as root")
def test_as_root_the_submission_runs_as_nobody_without_network(probed):
    run, values, _ = probed
    assert values["user"] == run.user == 65534
    assert values["network"] == errno.ENETUNREACH  # an empty network namespace: no loopback


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


def test_without_root_writes_outside_are_detected_in_the_private_folder(tmp_path, monkeypatch):
    from nnref.grading import sandbox

    path = tmp_path / "escape.py"
    path.write_text("with open('../escape.txt', 'w') as f:\n    f.write('out')\n\n\n"
                    "def f():\n    return 1\n", encoding="utf-8")
    monkeypatch.setattr(sandbox.os, "geteuid", lambda: 1000)  # as an unprivileged grader would
    run = run_submission(load_submission(path), [Call(0, "f", 7, (), {})], (), LIMITS)
    assert run.user == os.getuid()  # no privilege drop
    assert run.outcomes[0].value == 1
    assert "the submission wrote outside its working folder: escape.txt" in run.notes


@pytest.mark.parametrize("message", [
    {"event": "result", "id": [0], "status": "returned", "npz": False},   # unhashable id
    {"event": "result", "id": 99, "status": "returned", "npz": False},    # a call not asked for
    {"event": "start", "id": True},
    {"event": "loaded"},                                                   # missing keys
    {"event": "launch"},
])
def test_forged_messages_are_protocol_errors(message):
    import json

    from nnref.grading.sandbox import SandboxRun, _Process, _ProtocolError

    process = _Process("/nonexistent", "token", LIMITS, float("inf"), None, None, [0, 1])
    with pytest.raises(_ProtocolError):
        process._handle(json.dumps(message).encode(), SandboxRun(outcomes={}))
