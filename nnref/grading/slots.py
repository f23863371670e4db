"""A uid of its own for each sandbox on the machine (its cgroup: :mod:`nnref.grading.cgroups`).

Uids: as root, each sandbox takes a slot ``k`` (an ``flock`` on ``<lock dir>/slot-k``, shared
by every grader process on the machine) and runs as uid/gid ``UID_BASE + k``, a uid no account
uses. No two running sandboxes share one, so none can signal, trace or read another (they are
in different PID namespaces too), and ``RLIMIT_NPROC`` counts one sandbox's processes only.
When the sandbox ends, every process still running as that uid is killed before the slot is
released. Where no memory cgroup can be made, the grader sums the resident memory of the
sandbox's uid every 0.1 s instead (:func:`rss_of`) and stops the sandbox above the limit.
"""
from __future__ import annotations

import fcntl
import os
import random
import signal
import stat
import tempfile
import time

UID_BASE = 2_000_000_000
SLOTS = 4096


def lock_dir() -> str:
    path = os.path.join("/run" if os.path.isdir("/run") else tempfile.gettempdir(), "nnref-grade")
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise RuntimeError(f"{path} must be a folder of the grader's user, mode 0700")
    return path


class UidSlot:
    """``with UidSlot() as uid:`` a uid no other running sandbox has (None when not root)."""

    def __init__(self):
        self.uid = None
        self._fd = None

    def __enter__(self):
        if os.geteuid() != 0:
            return None
        folder = lock_dir()
        start = random.randrange(SLOTS)
        for i in range(SLOTS):
            slot = (start + i) % SLOTS
            fd = os.open(os.path.join(folder, f"slot-{slot}"), os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            self._fd, self.uid = fd, UID_BASE + slot
            kill_uid(self.uid)  # a grader that died may have left its sandbox's processes
            return self.uid
        raise RuntimeError(f"all {SLOTS} sandbox uids are in use")

    def __exit__(self, *exc):
        if self._fd is not None:
            kill_uid(self.uid)
            os.close(self._fd)  # releases the lock
        return False


def _statuses(uid: int):
    """``(pid, status lines)`` of every process whose real uid is ``uid``."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", "rb") as f:
                lines = f.read().splitlines()
        except OSError:
            continue
        for line in lines:
            if line.startswith(b"Uid:"):
                if int(line.split()[1]) == uid:
                    yield int(entry), lines
                break


def processes_of(uid: int) -> list[int]:
    return [pid for pid, _ in _statuses(uid)]


def rss_of(uid: int) -> int:
    """Resident memory of all the processes of ``uid``, in bytes (where no cgroup counts it)."""
    total = 0
    for _, lines in _statuses(uid):
        for line in lines:
            if line.startswith(b"VmRSS:"):
                total += int(line.split()[1]) << 10  # kB
    return total


def kill_uid(uid: int) -> None:
    """SIGKILL every process running as ``uid`` until none is left (they may fork meanwhile)."""
    for _ in range(200):
        pids = processes_of(uid)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.005)
