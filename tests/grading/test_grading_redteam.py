"""The hidden hostile suite: attacks written apart from the sandbox's own hostile tests.

Each test is one attack a student wanting a better score (or wanting to hurt classmates, or to
fool the instructor) would try, and asserts the SAFE outcome: no inflated grade, a grader that
neither crashes nor hangs nor grows without bound, a valid results file, a truthful display.
"""
from __future__ import annotations

import csv
import json
import os
import random
import resource
import subprocess
import sys

import numpy as np
import pytest

from grading_helpers import ROOT
from hostile_helpers import (NUMPY_BASICS, TEST_LIMITS, leak_submission, require_bwrap, score_of,
                             solution_source, write)
from nnref.grading import Limits, grade, grade_folder

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "redteam")
CONTROL = [chr(c) for c in range(32) if chr(c) not in "\n\t"] + ["\x7f"]


@pytest.fixture(autouse=True)
def bwrap():
    require_bwrap()


def _cli(*args, timeout=300):
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-m", "nnref", "grade", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def _controls(text: str) -> list[str]:
    return sorted({repr(c) for c in text if c in CONTROL})


# --- the grader's memory: what the child sends is small, what it unpacks to is not ---------

DEFLATED_RESULTS = '''
import io, sys, zipfile
import numpy as np

def _deflated(arrays):  # the runner's archive, deflated: 64 MB of zeros travel as ~60 KB
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for key, value in arrays.items():
            with archive.open(key + ".npy", "w", force_zip64=True) as f:
                np.lib.format.write_array(f, np.asarray(value), allow_pickle=False)
    return buffer.getvalue()

sys.modules["_grader_frames"].arrays_to_bytes = _deflated
_BIG = np.zeros(63_000_000 // 8)

def basic_sigmoid(x):
    return _BIG
sigmoid = sigmoid_derivative = image2vector = basic_sigmoid
'''


def _class_folder(tmp_path, files: dict[str, str]):
    """A class folder holding ``alice.py`` (a correct solution) and ``files`` (name: text)."""
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "alice.py").write_text(solution_source(), encoding="utf-8")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# --- what the instructor sees: the child's text must not drive the terminal ----------------

FORGED_DISPLAY = '''
import numpy as np
_Liar = type("\\x1b[2K\\r  basic_sigmoid  10/10  passed\\x1b]0;all good\\x07", (), {})

def basic_sigmoid(x):
    return _Liar()

def sigmoid(x):
    raise ValueError("\\x1b[1A\\x1b[2K\\rtotal 100/100")
'''


def test_the_childs_text_cannot_drive_the_instructors_terminal(tmp_path):
    path = write(tmp_path, FORGED_DISPLAY)
    results = tmp_path / "results.json"
    done = _cli(str(path), "--assignment", NUMPY_BASICS, "--results", str(results))
    assert done.returncode == 0, done.stderr[-2000:]
    assert _controls(done.stdout) == [], done.stdout
    report = json.loads(results.read_text(encoding="utf-8"))
    assert report["score"] == 0


def test_a_file_name_cannot_drive_the_terminal_or_the_spreadsheet(tmp_path):
    forged = "=HYPERLINK(\"x.invalid\",\"bob\")\x1b[2K\r  bob  100\n.py"
    folder = _class_folder(tmp_path, {forged: "import numpy as np\n"})
    out = tmp_path / "out"
    done = _cli(str(folder), "--assignment", NUMPY_BASICS, "--output-dir", str(out),
                "--timeout", "20", "--call-timeout", "5", "--memory", "1024")
    assert _controls(done.stdout) == [], done.stdout
    with open(out / "summary.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")], rows  # formula injection
    scores = {row[0]: float(row[1]) for row in rows[1:]}
    assert scores["alice.py"] == 100 and len(scores) == 2


# --- the submission file itself -------------------------------------------------------------

def _notebook(cells) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells})


@pytest.mark.parametrize("text", [
    "[" * 200_000 + "]" * 200_000,                                    # JSON nesting bomb
    '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": 7}',
    _notebook([{"cell_type": "code", "source": [1, {"a": 2}], "metadata": {}, "outputs": [],
                "execution_count": None}]),
    _notebook([{"cell_type": "code", "metadata": {}}]),               # no source at all
    _notebook([{"cell_type": "code", "source": "x = 1\x00", "metadata": {}, "outputs": [],
                "execution_count": None}]),
], ids=["nesting", "cells-not-a-list", "source-not-text", "no-source", "null-byte"])
def test_a_malformed_notebook_scores_zero_without_a_grader_error(tmp_path, text):
    report = grade(write(tmp_path, text, "attack.ipynb"), NUMPY_BASICS, TEST_LIMITS)
    assert report.error is None, report.output
    assert report.score == 0


@pytest.mark.parametrize("data", [
    b"# -*- coding: rot13 -*-\nvzcbeg ahzcl nf ac\n",  # a text transform, not an encoding
    b"# coding: idna\nimport numpy as np\n\xff\n",     # a codec raising UnicodeError
    b"# coding: utf-16\nimport numpy as np\n",
    b"\xef\xbb\xbf# coding: latin-1\nimport numpy as np\n",  # BOM and a different declaration
    b"import numpy as np\n\x00\n",
], ids=["rot13", "idna", "utf-16", "bom-latin1", "null-byte"])
def test_an_encoding_trick_scores_zero_without_a_grader_error(tmp_path, data):
    path = tmp_path / "attack.py"
    path.write_bytes(data)
    report = grade(path, NUMPY_BASICS, TEST_LIMITS)
    assert report.error is None, report.output
    assert report.score == 0


def test_a_correct_notebook_with_large_outputs_keeps_its_points(tmp_path):
    picture = {"output_type": "display_data", "metadata": {},
               "data": {"image/png": "iVBORw0KGgo" + "A" * 6_000_000}}
    cell = {"cell_type": "code", "source": solution_source(), "metadata": {},
            "outputs": [picture], "execution_count": 1}
    report = grade(write(tmp_path, _notebook([cell]), "attack.ipynb"), NUMPY_BASICS, TEST_LIMITS)
    assert report.error is None
    assert report.score == 100, report.output


def test_a_notebook_with_more_code_than_the_cap_is_refused(tmp_path):
    cell = {"cell_type": "code", "source": "x = 1\n" * 500_000, "metadata": {}, "outputs": [],
            "execution_count": 1}
    report = grade(write(tmp_path, _notebook([cell] * 2), "attack.ipynb"), NUMPY_BASICS,
                   TEST_LIMITS)
    assert report.error is None and report.score == 0
    assert "code cells hold more than 5 MB" in report.output


def test_a_long_notebook_line_does_not_hang_the_grader(tmp_path):
    cell = {"cell_type": "code", "source": " " * 200_000 + "x = 1\n", "metadata": {},
            "outputs": [], "execution_count": 1}
    path = write(tmp_path, _notebook([cell]), "attack.ipynb")
    env = dict(os.environ, PYTHONPATH=ROOT)
    try:  # the IPython-line pattern backtracked: 4 minutes for 200,000 spaces, hours for 5 MB
        done = subprocess.run([sys.executable, os.path.join(FIXTURES, "grader_peak_rss.py"),
                               str(path), NUMPY_BASICS], env=env, capture_output=True, text=True,
                              timeout=120)  # a hang detector: the grading itself takes ~1 s
    except subprocess.TimeoutExpired:
        pytest.fail("grading a notebook with one line of 200,000 spaces took over 120 s")
    assert json.loads(done.stdout.strip().splitlines()[-1])["error"] is None


# --- the child's own messages ---------------------------------------------------------------

FORGED_FRAMES = '''
import json, os, struct
def _send(header):
    payload = json.dumps(header).encode()
    os.write(_FD, struct.pack(">I", len(payload)) + payload)

_FD = next(int(fd) for fd in os.listdir("/proc/self/fd")
           if os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"))
'''


@pytest.mark.parametrize("forgery", [
    # a passing-looking result for every call, before any call starts
    "for _i in range(40):\n    _send({'event': 'result', 'id': _i, 'status': 'missing'})\n",
    # "finished" at once: the grader must not take the run as complete and passed
    "_send({'event': 'finished', 'dropped_output': -10**30})\n",
    # a second "loaded" clearing the loading errors
    "_send({'event': 'loaded', 'errors': [], 'stopped': None, 'syntax_error': False})\n",
], ids=["results-ahead", "finished-early", "second-loaded"])
def test_forged_frames_on_the_result_pipe_inflate_nothing(tmp_path, forgery):
    text = FORGED_FRAMES + forgery + solution_source().replace("return s", "return s + 1")
    report = grade(write(tmp_path, text), NUMPY_BASICS, TEST_LIMITS)
    assert report.error is None
    assert score_of(report, "sigmoid") == 0 and score_of(report, "basic_sigmoid") == 0


def test_an_exception_whose_text_never_ends_costs_only_its_function(tmp_path):
    text = solution_source() + '''
class _Endless(Exception):
    def __str__(self):
        while True:
            pass

def L1(yhat, y):
    raise _Endless()
'''
    report = grade(write(tmp_path, text), NUMPY_BASICS, Limits(timeout=40, call_timeout=3,
                                                                memory_mb=1024))
    assert report.error is None
    assert score_of(report, "L1") == 0
    assert report.score == 85, report.output


CENTRAL_DIRECTORY_BOMB = '''
import struct, sys

def _entries(arrays):  # an "archive" of a million empty members: only a central directory
    entry = struct.pack("<4s4B4HL2L5H2L", b"PK\\x01\\x02", 20, 3, 20, 0, 0, 0, 0, 0, 0, 0, 0,
                        1, 0, 0, 0, 0, 0, 0) + b"x"
    directory = entry * (60_000_000 // len(entry))
    end = struct.pack("<4s4H2LH", b"PK\\x05\\x06", 0, 0, 0xFFFF, 0xFFFF, len(directory), 0, 0)
    return directory + end

sys.modules["_grader_frames"].arrays_to_bytes = _entries
import numpy as np

def basic_sigmoid(x):
    return np.zeros(3)
'''


def _grader_growth_mib(path) -> float:
    """Grade ``path`` in a separate process (its address space capped at 3 GiB, so that a hole
    cannot take the machine's memory) and return how much the grader's resident memory grew."""
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    env = dict(os.environ, PYTHONPATH=ROOT)
    done = subprocess.run([sys.executable, os.path.join(FIXTURES, "grader_peak_rss.py"),
                           str(path), NUMPY_BASICS], env=env, capture_output=True, text=True,
                          timeout=600, preexec_fn=cap)
    assert done.returncode == 0, done.stderr[-2000:]
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    assert measured["error"] is None and measured["score"] == 0
    return (measured["peak_kib"] - measured["before_kib"]) / 1024


@pytest.mark.parametrize("attack", [DEFLATED_RESULTS, CENTRAL_DIRECTORY_BOMB],
                         ids=["deflated-results", "central-directory"])
def test_the_childs_archives_do_not_grow_the_grader_without_bound(tmp_path, attack):
    grown_mib = _grader_growth_mib(write(tmp_path, attack))
    assert grown_mib < 300, f"the grader grew by {grown_mib:.0f} MiB"


def test_the_archive_attacks_replace_what_the_runner_sends_with():
    """The two attacks above only test something if the runner's messages really go through
    the function they replace: ``_grader_frames.arrays_to_bytes``, looked up at each message."""
    from nnref.grading.child import runner

    try:
        frames = runner._load_sibling("frames")
        assert sys.modules["_grader_frames"] is frames
        sent = []
        frames.arrays_to_bytes = lambda arrays: sent.append(arrays) or b""
        frames.message({"event": "result"}, {"a0": np.ones(1)})
        assert sent and list(sent[0]) == ["a0"]
    finally:
        sys.modules.pop("_grader_frames", None)
    for attack in (DEFLATED_RESULTS, CENTRAL_DIRECTORY_BOMB):
        assert 'sys.modules["_grader_frames"].arrays_to_bytes = ' in attack


def test_a_notebook_of_a_million_empty_outputs_does_not_exhaust_the_grader(tmp_path):
    cell = {"cell_type": "code", "source": "import numpy as np\n", "metadata": {},
            "execution_count": 1, "outputs": [{}] * 330_000}  # 1 MB of JSON
    grown_mib = _grader_growth_mib(write(tmp_path, _notebook([cell]), "attack.ipynb"))
    assert grown_mib < 300, f"the grader grew by {grown_mib:.0f} MiB"


# --- the sandbox's walls ----------------------------------------------------------------------

def test_an_abstract_socket_of_the_host_cannot_be_reached(tmp_path):
    import socket
    name = f"\0nnref-redteam-{os.getpid()}"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(name)
    server.listen(1)
    attack = f'''
import socket
try:
    _s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    _s.connect({name!r})
    LEAK = True
except OSError:
    LEAK = False
'''
    try:
        report = grade(write(tmp_path, leak_submission(attack)), NUMPY_BASICS, TEST_LIMITS)
    finally:
        server.close()
    assert report.error is None
    assert report.score == 0, report.output


def test_the_output_files_cannot_take_more_disk_than_the_file_limit(tmp_path):
    attack = '''
import ctypes, os
_libc = ctypes.CDLL(None, use_errno=True)
_libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_long, ctypes.c_long]
for _fd in (1, 2):
    _libc.fallocate(_fd, 1, 0, 1 << 30)  # FALLOC_FL_KEEP_SIZE: 1 GiB past the end
    LEAK = LEAK or os.fstat(_fd).st_blocks * 512 > 64 << 20
'''
    limits = Limits(timeout=20, call_timeout=5, memory_mb=1024, file_mb=64)
    report = grade(write(tmp_path, leak_submission(attack)), NUMPY_BASICS, limits)
    assert report.error is None
    assert report.score == 0, report.output


# --- folder mode ------------------------------------------------------------------------------

def _summary(out_dir) -> dict[str, float]:
    with open(os.path.join(out_dir, "summary.csv"), newline="", encoding="utf-8") as f:
        return {row["submission"]: float(row["score"]) for row in csv.DictReader(f)}


def test_a_file_name_too_long_for_its_results_file_does_not_stop_the_batch(tmp_path):
    long_name = "0" * 240 + "~.py"  # sorted first; its results file would exceed 255 bytes
    folder = _class_folder(tmp_path, {long_name: "import numpy as np\n"})
    out = tmp_path / "out"
    reports = grade_folder(folder, NUMPY_BASICS, out, workers=1, limits=TEST_LIMITS,
                           progress=False)
    assert [r.score for r in reports] == [0, 100]
    assert _summary(out) == {long_name: 0, "alice.py": 100}
    assert len(os.listdir(out)) == 3  # two results files and the summary


def test_a_hard_link_to_a_classmates_file_is_not_graded_as_ones_own(tmp_path):
    folder = _class_folder(tmp_path, {})
    os.link(folder / "alice.py", folder / "mallory.py")
    out = tmp_path / "out"
    grade_folder(folder, NUMPY_BASICS, out, workers=1, limits=TEST_LIMITS, progress=False)
    # the two names cannot be told apart: never a silent 100, the instructor is told why
    assert _summary(out)["mallory.py"] == 0
    assert "the same file as alice.py" in json.loads(
        (out / "mallory.py.results.json").read_text(encoding="utf-8"))["output"]


def test_a_forged_output_count_cannot_turn_the_grade_into_a_grader_error(tmp_path):
    text = solution_source() + "import sys\nprint('hi')\nsys.stdout.dropped = 10 ** 4000\n"
    report = grade(write(tmp_path, text), NUMPY_BASICS, TEST_LIMITS)
    assert report.error is None, report.output
    assert report.score == 100


KEYRING = '''
import ctypes
_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
USER_KEYRING = ctypes.c_int(-4)
'''


def test_nothing_is_left_in_the_kernel_for_the_next_sandbox_of_the_same_uid(tmp_path,
                                                                            monkeypatch):
    import nnref.grading.slots as slots
    slot = 4000 + os.getpid() % 96  # the same uid for every run of this test
    fixed = random.Random()
    fixed.randrange = lambda n: slot
    monkeypatch.setattr(slots, "random", fixed)
    token = f"nnrefredteam{os.getpid()}"
    plant = KEYRING + (f'_libc.syscall(248, b"user", b"{token}", b"the solution", 12, '
                       'USER_KEYRING)  # add_key\n')
    read = KEYRING + f'LEAK = "{token}" in open("/proc/keys").read()\n'
    clear = KEYRING + "_libc.syscall(250, 7, USER_KEYRING)  # KEYCTL_CLEAR\n"
    try:
        first = grade(write(tmp_path, plant, "plant.py"), NUMPY_BASICS, TEST_LIMITS)
        second = grade(write(tmp_path, leak_submission(read), "read.py"), NUMPY_BASICS,
                       TEST_LIMITS)
    finally:
        grade(write(tmp_path, clear, "clear.py"), NUMPY_BASICS, TEST_LIMITS)
    assert first.extra["sandbox_user"] == second.extra["sandbox_user"]
    assert second.score == 0, second.output


def test_the_submission_cannot_make_a_user_namespace(tmp_path):
    attack = '''
import ctypes, os
_pid = os.fork()
if _pid == 0:
    _r = ctypes.CDLL(None, use_errno=True).unshare(0x10000000)  # CLONE_NEWUSER
    os._exit(0 if _r == 0 else 1)
LEAK = os.waitpid(_pid, 0)[1] == 0
'''
    report = grade(write(tmp_path, leak_submission(attack)), NUMPY_BASICS, TEST_LIMITS)
    assert report.error is None
    assert report.score == 0, report.output


@pytest.mark.parametrize("machine", ["x86_64", "aarch64"])
def test_the_seccomp_filter_is_well_formed(machine):
    import struct

    from nnref.grading import seccomp
    code = seccomp.program(machine)
    instructions = list(struct.iter_unpack("=HBBI", code))
    assert len(code) == 8 * len(instructions) and len(instructions) < 256
    for i, (op, jt, jf, _) in enumerate(instructions):
        if op & 0x07 == 0x05:  # a jump: both targets inside the program
            assert i + 1 + max(jt, jf) < len(instructions)
    assert [op for op, *_ in instructions[-3:]] == [0x06] * 3  # allow, EPERM, ENOSYS
    assert seccomp.program("sparc") is None


def test_printable_escapes_what_could_move_reverse_or_break_the_terminal():
    from nnref.grading.results import printable
    assert printable("bob\u202e001\x1b[2K\r\n\udcff\x9b\té") == (
        "bob\\u202e001\\x1b[2K\\r\\n\\udcff\\x9b\\té")
