"""A cgroup for each sandbox: memory, process count and (best effort, apart) CPU time.

Where a cgroup (v2, or v1's memory and pids controllers) can be created under the grader's
own, the sandbox's whole process tree gets one: memory (``memory.max`` or
``memory.limit_in_bytes``) and process count (``pids.max``) are bounded for all its processes
together, and :meth:`Cgroup.events` says afterwards whether a limit was hit. CPU time is
bounded apart from these, best effort (v2's ``cpu.max``, or v1's ``cpu`` controller): where it
cannot be, the memory and process limits stand as they are, and :attr:`Cgroup.enforced` says
which limits the cgroup holds. Where no memory cgroup can be made, the grader watches the
sandbox's uid instead (:func:`nnref.grading.slots.rss_of`).
"""
from __future__ import annotations

import os
import random
import signal
import time

_CGROUP_ROOT = "/sys/fs/cgroup"
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
            own = _own_cgroups()
        except OSError:
            own = {}  # no cgroup can be made: as when none is writable
        try:
            self._create(own, name, memory_bytes, max_processes)
        except OSError:
            self.remove()
            self.folders, self.version = [], None
        if cpus is not None:
            try:
                self._bound_cpu(own, name, cpus)
            except OSError:
                self._remove_cpu()

    @property
    def enforced(self) -> list[str]:
        """The limits this cgroup holds: "memory", "processes" and/or "cpu"."""
        return (["memory", "processes"] if self.folders else []) + (
            ["cpu"] if self.cpu_folder else [])

    def _bound_cpu(self, own, name, cpus) -> None:
        quota = max(1000, round(cpus * CPU_PERIOD_US))
        if self.version == 2:
            _write_text(self.folders[0], "cpu.max", f"{quota} {CPU_PERIOD_US}")
            self.cpu_folder = self.folders[0]
            return
        if "cpu" not in own:
            raise FileNotFoundError("no cpu controller")
        folder = os.path.join(_CGROUP_ROOT, "cpu" + own["cpu"], name)
        os.mkdir(folder)
        self.cpu_folder = folder
        _write(folder, "cpu.cfs_period_us", CPU_PERIOD_US)
        _write(folder, "cpu.cfs_quota_us", quota)

    def _remove_cpu(self) -> None:
        if self.cpu_folder is not None:
            _remove_folder(self.cpu_folder)
        self.cpu_folder = None

    def _create(self, own, name, memory_bytes, max_processes) -> None:
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
