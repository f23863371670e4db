"""Hostile submissions, part 2: forged and oversized messages, uncomparable values, leftovers.

The grader treats every byte from the sandbox as hostile; when grading ends, nothing the
submission started or wrote is left on the machine; memory is bounded for the whole process
tree, not per process.
"""
from __future__ import annotations

import os
import time

import pytest

from hostile_helpers import (SURVIVOR, TEST_LIMITS, host_processes_with, kill_processes_with,
                             leak_submission, new_token, output_of, require_bwrap, score_of,
                             solution_source, write)
from nnref.grading import Limits, grade

pytestmark = pytest.mark.usefixtures("bwrap")

# Writes a frame (4-byte length + payload) to every pipe the submission inherited: one is the
# channel to the grader. Cancels every watchdog timer first.
FORGE = '''
import gc, json, os, stat, struct, threading
for _obj in gc.get_objects():
    if isinstance(_obj, threading.Timer):
        _obj.cancel()
def forge(payload):
    data = struct.pack(">I", len(payload)) + payload
    for _name in os.listdir("/proc/self/fd"):
        try:
            if int(_name) > 2 and stat.S_ISFIFO(os.fstat(int(_name)).st_mode):
                os.write(int(_name), data)
        except OSError:
            pass
'''


@pytest.fixture
def bwrap():
    require_bwrap()


# --- 6. the grader trusts nothing the child sends ------------------------------------------

def test_forged_ready_messages_do_not_move_the_loading_deadline(tmp_path):
    attack = FORGE + '''
import time
_end = time.time() + 8
while time.time() < _end:
    forge(json.dumps({"event": "ready", "notes": [], "uid": 0, "npz": False}).encode())
    time.sleep(0.3)
LEAK = True
'''
    report = grade(write(tmp_path, leak_submission(attack)), "c1w2_numpy_basics", TEST_LIMITS)
    assert report.error is None
    assert report.score == 0, report.output
    assert "loading" in report.output.lower()


def test_oversized_forged_messages_are_refused(tmp_path):
    attack = FORGE + '''
for _ in range(20):
    forge(json.dumps({"event": "ready", "notes": ["x" * (40 << 20)], "uid": 0,
                      "npz": False}).encode())
LEAK = True
'''
    limits = Limits(timeout=30, call_timeout=10, memory_mb=2048)
    report = grade(write(tmp_path, leak_submission(attack)), "c1w2_numpy_basics", limits)
    assert report.error is None
    assert report.score == 0, report.output
    assert "bytes" in report.output and "limit" in report.output


def test_a_huge_exception_message_is_cut_short(tmp_path):
    text = solution_source() + '\ndef basic_sigmoid(x):\n    raise ValueError("\\n" * 2_000_000)\n'
    report = grade(write(tmp_path, text), "c1w2_numpy_basics", TEST_LIMITS)
    assert report.error is None
    assert report.score == 90
    assert len(output_of(report, "basic_sigmoid")) < 10_000


def test_an_uncomparable_value_fails_only_its_case(tmp_path):
    text = (solution_source("c2w2_optimization")
            + "\ndef update_lr(learning_rate0, epoch_num, decay_rate):\n    return 10**100\n")
    report = grade(write(tmp_path, text), "c2w2_optimization", TEST_LIMITS)
    assert report.error is None, report.error
    assert score_of(report, "update_lr") == 0
    assert report.score == report.max_score - 10, report.output


def test_a_forged_result_with_a_malformed_change_list_fails_cleanly(tmp_path):
    text = solution_source() + FORGE + '''
def L2(yhat, y):
    import sys, time
    frame = sys._getframe(1)
    while frame is not None and not isinstance(frame.f_locals.get("call"), dict):
        frame = frame.f_back
    call_id = frame.f_locals["call"]["id"] if frame is not None else 0
    right = float(np.dot(y - yhat, y - yhat))  # the right value, so that only "changed" is off
    forge(json.dumps({"event": "result", "id": call_id, "status": "returned",
                      "value": {"t": "float", "v": right}, "changed": [[]],
                      "blocked_imports": [], "seconds": 0.0, "npz": False}).encode())
    forge(json.dumps({"event": "finished", "dropped_output": 0, "npz": False}).encode())
    time.sleep(60)
'''
    report = grade(write(tmp_path, text), "c1w2_numpy_basics", TEST_LIMITS)
    assert report.error is None, report.error
    assert score_of(report, "L2") == 0
    assert report.score == 85


def test_a_huge_broadcast_view_fails_its_case_with_a_clear_message(tmp_path):
    text = (solution_source()
            + "\ndef L1(yhat, y):\n    return np.broadcast_to(np.float64(1), (2**31,))\n")
    report = grade(write(tmp_path, text), "c1w2_numpy_basics", TEST_LIMITS)
    assert report.error is None
    assert score_of(report, "L1") == 0
    message = output_of(report, "L1")
    assert "too large" in message and "grader's log" not in message
    assert report.score == 85


# --- 7. leftovers and memory of the whole tree ---------------------------------------------

def _ipc_keys() -> str:
    with open("/proc/sysvipc/shm", encoding="ascii") as f:
        return f.read()


@pytest.fixture(scope="module")
def leftovers(tmp_path_factory):
    require_bwrap()
    token = new_token()
    key = int(token[-7:], 16)
    attack = SURVIVOR + f'''
import ctypes, os, socket, time
for _folder in ("/tmp", "/var/tmp", "/dev/shm"):
    try:
        with open(os.path.join(_folder, "{token}"), "wb") as _f:
            _f.write(b"x" * (1 << 20))
    except OSError:
        pass
_libc = ctypes.CDLL(None)
_libc.shmget({key}, 1 << 20, 0o1000 | 0o666)  # IPC_CREAT
survive("""
import socket, time
s = socket.socket(socket.AF_UNIX)
s.bind("\\\\0{token}")
s.listen()
time.sleep(30)  # {token}
""")
time.sleep(0.5)
LEAK = True
'''
    path = write(tmp_path_factory.mktemp("leftovers"), leak_submission(attack))
    report = grade(path, "c1w2_numpy_basics", TEST_LIMITS)
    time.sleep(0.5)
    found = {
        "files": [f for f in ("/tmp", "/var/tmp", "/dev/shm") if os.path.exists(f"{f}/{token}")],
        "processes": host_processes_with(token),
        "shm": f" {key} " in _ipc_keys(),
        "socket": token in open("/proc/net/unix", encoding="utf-8", errors="replace").read(),
    }
    yield report, found
    kill_processes_with(token)
    for folder in ("/tmp", "/var/tmp", "/dev/shm"):
        if os.path.exists(f"{folder}/{token}"):
            os.remove(f"{folder}/{token}")
    if found["shm"]:
        os.system(f"ipcrm -M {key} >/dev/null 2>&1")


def test_leftovers_the_submission_loaded_normally(leftovers):
    report, _ = leftovers
    assert report.score == 100, report.output


@pytest.mark.parametrize("kind", ["files", "processes", "shm", "socket"])
def test_nothing_is_left_behind(leftovers, kind):
    _, found = leftovers
    assert not found[kind], found


def test_memory_is_bounded_for_the_whole_process_tree(tmp_path):
    attack = '''
import os, time
import numpy as np
_read, _write = os.pipe()
_children = []
for _ in range(4):
    _pid = os.fork()
    if _pid == 0:
        try:
            _block = np.ones((200 << 20) // 8)  # 200 MiB, touched: 800 MiB for four
            os.write(_write, b"1")
        except BaseException:
            pass
        time.sleep(5)
        os._exit(0)
    _children.append(_pid)
_got = b""
_end = time.time() + 8
os.set_blocking(_read, False)
while len(_got) < 4 and time.time() < _end:
    try:
        _got += os.read(_read, 4)
    except BlockingIOError:
        time.sleep(0.05)
# The leak is four blocks held at once: every child that allocated must still be alive (a
# limit for the whole tree may let each allocate in turn, stopping the others to make room).
LEAK = len(_got) == 4 and all(os.waitpid(_pid, os.WNOHANG) == (0, 0) for _pid in _children)
'''
    limits = Limits(timeout=30, call_timeout=15, memory_mb=512)
    report = grade(write(tmp_path, leak_submission(attack)), "c1w2_numpy_basics", limits)
    assert report.error is None
    assert report.score == 0, report.output
    assert "memory" in report.output


def test_without_a_cgroup_the_grader_watches_the_memory_of_the_uid(tmp_path, monkeypatch):
    from nnref.grading import process

    if os.geteuid() != 0:
        pytest.skip("the sandbox has a uid of its own only when the grader runs as root")

    class NoCgroup:
        folders = procs_files = enforced = []

        def __init__(self, *args):
            pass

        def events(self):
            return []

        def remove(self):
            pass

    monkeypatch.setattr(process, "Cgroup", NoCgroup)
    test_memory_is_bounded_for_the_whole_process_tree(tmp_path)


def test_a_fork_bomb_is_bounded_and_named(tmp_path):
    attack = '''
import os, time
_children = 0
for _ in range(200):
    try:
        if os.fork() == 0:
            time.sleep(10)
            os._exit(0)
        _children += 1
    except OSError:
        break
LEAK = _children >= 200
'''
    from nnref.grading.cgroups import Cgroup

    probe = Cgroup(1 << 30, 8)
    counted = bool(probe.folders)  # a cgroup counts them (else only the uid's process limit)
    probe.remove()
    limits = Limits(timeout=30, call_timeout=15, memory_mb=1024, max_processes=32)
    report = grade(write(tmp_path, leak_submission(attack)), "c1w2_numpy_basics", limits)
    assert report.error is None
    assert report.score == 0, report.output
    assert ("limit of 32 processes" in report.output) == counted, report.output
