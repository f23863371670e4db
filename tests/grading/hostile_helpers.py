"""Helpers of the hostile grading tests: attack files built on a correct solution.

An attack is a piece of code run while the submission loads. Most attacks set ``LEAK`` (did the
attack reach what it must not reach?); :func:`leak_submission` keeps the correct solution's
functions only when ``LEAK`` is true, so a leak scores full marks and a closed hole scores 0.
Every attack marks what it leaves behind with a random token, so that the tests can look for
it on the host afterwards (and clean up).
"""
from __future__ import annotations

import os
import shutil
import signal
import uuid

from conftest import skip_or_fail
from grading_helpers import SOLUTIONS, TEST_LIMITS  # noqa: F401  (re-exported for the tests)

NUMPY_BASICS = "c1w2_numpy_basics"
NUMPY_BASICS_FUNCTIONS = ("basic_sigmoid", "sigmoid", "sigmoid_derivative", "image2vector",
                          "normalize_rows", "softmax", "L1", "L2")


def require_bwrap() -> None:
    """The hostile suite needs the real sandbox: skipped locally, a failure in CI."""
    if shutil.which("bwrap") is None and not os.path.exists("/usr/bin/bwrap"):
        skip_or_fail("bubblewrap (bwrap) is not installed: apt-get install -y bubblewrap")


def solution_source(assignment: str = NUMPY_BASICS) -> str:
    with open(os.path.join(SOLUTIONS, f"{assignment}.py"), encoding="utf-8") as f:
        return f.read()


def leak_submission(attack: str, functions=NUMPY_BASICS_FUNCTIONS,
                    assignment: str = NUMPY_BASICS) -> str:
    """``attack`` (which sets LEAK), the correct solution, kept only if LEAK is true."""
    return (f"LEAK = False\n{attack}\n{solution_source(assignment)}\n"
            f"if not LEAK:\n    for _name in {tuple(functions)!r}:\n"
            "        globals().pop(_name, None)\n")


def write(tmp_path, text: str, name: str = "attack.py"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def new_token() -> str:
    return "nnrefhostile" + uuid.uuid4().hex[:12]


def host_processes_with(token: str) -> list[int]:
    """Ids of the host's processes whose command line holds ``token``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if token.encode() in f.read():
                    found.append(int(entry))
        except OSError:
            pass
    return found


def kill_processes_with(token: str) -> None:
    for pid in host_processes_with(token):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


# A process that outlives its parent: it leaves the session (setsid) and replaces itself with a
# fresh interpreter whose environment is empty (no marker variable left to find it by).
SURVIVOR = '''
import os as _os, sys as _sys
def survive(code):
    if _os.fork() == 0:
        _os.setsid()
        if _os.fork() == 0:
            _os.execve(_sys.executable, [_sys.executable, "-c", code], {})
        _os._exit(0)
'''


def score_of(report, function: str) -> float:
    return next(t.score for t in report.tests if t.name == function)


def output_of(report, function: str) -> str:
    return next(t.output for t in report.tests if t.name == function)
