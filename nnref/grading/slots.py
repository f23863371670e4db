"""A uid of its own and a cgroup for each sandbox running on the machine.

Uids: as root, each sandbox takes a slot ``k`` (an ``flock`` on ``<lock dir>/slot-k``, shared
by every grader process on the machine) and runs as uid/gid ``UID_BASE + k``, a uid no account
uses. No two running sandboxes share one, so none can signal, trace or read another (they are
in different PID namespaces too), and ``RLIMIT_NPROC`` counts one sandbox's processes only.
When the sandbox ends, every process still running as that uid is killed before the slot is
released.

Cgroups: where a cgroup (v2, or v1's memory and pids controllers) can be created under the
grader's own, the sandbox's whole process tree gets one: memory (``memory.max`` or
``memory.limit_in_bytes``) and process count (``pids.max``) are bounded for all its processes
together, and :meth:`Cgroup.events` says afterwards whether a limit was hit. CPU time is
bounded apart from these, best effort (v2's ``cpu.max``, or v1's ``cpu`` controller): where it
cannot be, the memory and process limits stand as they are, and :attr:`Cgroup.enforced` says
which limits a cgroup holds. Where none can be made, the grader sums the resident memory of the sandbox's uid every 0.1 s instead
(:func:`rss_of`) and stops the sandbox above the limit.
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
_CGROUP_ROOT = "/sys/fs/cgroup"


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


CPU_PERIOD_US = 100_000  # the quota is ``cpus`` times this, per period


class Cgroup:
    """A cgroup bounding memory and process count of a sandbox's whole process tree, and (best
    effort, apart) its CPU time to ``cpus`` CPUs."""

    def __init__(self, memory_bytes: int, max_processes: int, cpus: float | None = None):
        self.folders: list[str] = []   # one (v2), or the memory and pids folders (v1)
        self.version = None
        self.cpu_folder = None         # v1's cpu folder, or v2's folder when cpu.max was written
        name = f"nnref-grade-{os.getpid()}-{random.getrandbits(40):x}"
        try:
            self._create(name, memory_bytes, max_processes)
        except OSError:
            self.remove()
            self.folders, self.version = [], None
        if cpus is not None:
            try:
                self._bound_cpu(name, cpus)
            except OSError:
                self._remove_cpu()

    @property
    def enforced(self) -> list[str]:
        """The limits this cgroup holds: "memory", "processes" and/or "cpu"."""
        return (["memory", "processes"] if self.folders else []) + (
            ["cpu"] if self.cpu_folder else [])

    def _bound_cpu(self, name, cpus) -> None:
        quota = max(1000, round(cpus * CPU_PERIOD_US))
        if self.version == 2:
            _write_text(self.folders[0], "cpu.max", f"{quota} {CPU_PERIOD_US}")
            self.cpu_folder = self.folders[0]
            return
        own = _own_cgroups()
        if "cpu" not in own:
            raise FileNotFoundError("no cpu controller")
        folder = os.path.join(_CGROUP_ROOT, "cpu" + own["cpu"], name)
        os.mkdir(folder)
        self.cpu_folder = folder
        _write(folder, "cpu.cfs_period_us", CPU_PERIOD_US)
        _write(folder, "cpu.cfs_quota_us", quota)

    def _remove_cpu(self) -> None:
        if self.cpu_folder is not None and self.cpu_folder not in self.folders:
            _remove_folder(self.cpu_folder)
        self.cpu_folder = None

    def _create(self, name, memory_bytes, max_processes) -> None:
        own = _own_cgroups()
        if "" in own and os.path.exists(os.path.join(_CGROUP_ROOT, "cgroup.controllers")):
            folder = os.path.join(_CGROUP_ROOT + own[""], name)
            os.mkdir(folder)
            self.folders, self.version = [folder], 2
            _write(folder, "memory.max", memory_bytes)
            _write(folder, "memory.swap.max", 0)
            _write(folder, "pids.max", max_processes)
        elif "memory" in own and "pids" in own:
            self.version = 1
            for controller in ("memory", "pids"):
                folder = os.path.join(_CGROUP_ROOT, controller + own[controller], name)
                os.mkdir(folder)
                self.folders.append(folder)
            _write(self.folders[0], "memory.limit_in_bytes", memory_bytes)
            _write(self.folders[1], "pids.max", max_processes)
        else:
            raise FileNotFoundError("no writable cgroup")

    @property
    def _all_folders(self) -> list[str]:
        extra = [self.cpu_folder] if self.cpu_folder and self.cpu_folder not in self.folders else []
        return self.folders + extra

    @property
    def procs_files(self) -> list[str]:
        return [os.path.join(f, "cgroup.procs") for f in self._all_folders]

    def events(self) -> list[str]:
        """The limits that were hit: "memory" and/or "processes"."""
        hit = []
        if self.version == 2:
            if _counter(self.folders[0], "memory.events", ("oom_kill", "max")) > 0:
                hit.append("memory")
            if _counter(self.folders[0], "pids.events", ("max",)) > 0:
                hit.append("processes")
        elif self.version == 1:
            killed = _counter(self.folders[0], "memory.oom_control", ("oom_kill",))
            if killed > 0 or _counter(self.folders[0], "memory.failcnt", ()) > 0 and not \
                    _has_line(self.folders[0], "memory.oom_control", "oom_kill"):
                hit.append("memory")  # (failcnt only where the kernel does not count kills)
            if _counter(self.folders[1], "pids.events", ("max",)) > 0:
                hit.append("processes")
        return hit

    def remove(self) -> None:
        for folder in self._all_folders:
            _remove_folder(folder)


def _remove_folder(folder: str) -> None:
    """Kill what runs in the cgroup ``folder``, then remove it."""
    for _ in range(100):
        try:
            with open(os.path.join(folder, "cgroup.procs"), encoding="ascii") as f:
                for pid in f.read().split():
                    os.kill(int(pid), signal.SIGKILL)
            os.rmdir(folder)
            break
        except (ProcessLookupError, FileNotFoundError):
            continue
        except OSError:
            time.sleep(0.01)


def _own_cgroups() -> dict[str, str]:
    """``{controller: path}`` of this process (``""`` for v2's unified hierarchy)."""
    found = {}
    with open("/proc/self/cgroup", encoding="ascii") as f:
        for line in f:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            for controller in controllers.split(","):
                found[controller] = path.rstrip("/")
    return found


def _write(folder: str, name: str, value: int) -> None:
    _write_text(folder, name, str(int(value)))


def _write_text(folder: str, name: str, text: str) -> None:
    with open(os.path.join(folder, name), "w", encoding="ascii") as f:
        f.write(text)


def _has_line(folder: str, name: str, key: str) -> bool:
    try:
        with open(os.path.join(folder, name), encoding="ascii") as f:
            return any(line.split()[:1] == [key] for line in f)
    except OSError:
        return False


def _counter(folder: str, name: str, keys: tuple[str, ...]) -> int:
    try:
        with open(os.path.join(folder, name), encoding="ascii") as f:
            text = f.read().split()
    except OSError:
        return 0
    if not keys:
        return int(text[0]) if text else 0
    return sum(int(text[i + 1]) for i, word in enumerate(text[:-1]) if word in keys)
