"""What the grader knows about a sandbox run: its limits, its calls and what happened to them."""
from __future__ import annotations

from dataclasses import dataclass, field

from nnref.grading.child.wire import MAX_BYTES, nbytes


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or not permitted: untrusted code is not run."""


@dataclass(frozen=True)
class Limits:
    """Resource limits of one submission's sandbox.

    Args:
        timeout: wall-clock seconds for the whole submission (loading and every call).
        call_timeout: wall-clock seconds for one call, and for loading the submission.
        memory_mb: memory of the whole sandbox (its cgroup, where one can be made) and
            address space of each of its processes (``RLIMIT_AS``), in MiB.
        file_mb: largest file the submission may write, its output included (``RLIMIT_FSIZE``).
        output_kb: what is kept of each of stdout and stderr, in KiB.
        max_processes: processes and threads of the whole sandbox (its cgroup's
            ``pids.max``; as root also ``RLIMIT_NPROC`` on its uid, 16 above it).
        tmp_mb: size of the sandbox's private ``/tmp``.
        cpus: CPU time the whole sandbox may use per second of wall time, in CPUs (its
            cgroup's ``cpu.max`` or ``cpu.cfs_quota_us``, where the cpu controller is
            writable; best effort, see ``SandboxRun.limits_enforced``).
    """

    timeout: float = 60.0
    call_timeout: float = 10.0
    memory_mb: int = 2048
    file_mb: int = 64
    output_kb: int = 64
    max_processes: int = 256
    tmp_mb: int = 128
    cpus: float = 1.0

    def __post_init__(self):
        for name in ("timeout", "call_timeout", "memory_mb", "file_mb", "output_kb",
                     "max_processes", "tmp_mb", "cpus"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"{name} must be a positive number. Received: {name}={value!r}")
        if self.memory_mb < 256:
            raise ValueError(f"memory_mb must be at least 256 (the interpreter and NumPy need "
                             f"it). Received: memory_mb={self.memory_mb!r}")
        if self.cpus < 0.01:
            raise ValueError(f"cpus must be at least 0.01 (the kernel's smallest CPU quota is 1 ms "
                             f"per 100 ms). Received: cpus={self.cpus!r}")


@dataclass(frozen=True)
class Call:
    id: int
    function: str
    seed: int
    args: tuple
    kwargs: dict
    result_bytes: int = 0  # size of the expected value's arrays (see result_allowance)


def result_allowance(call: Call) -> int:
    """The most a result of ``call`` (its value and its inputs after the call) may unpack to:
    a few times what an honest one takes (a value of a wider dtype, an input turned into a
    copy), so that a submission cannot make the grader keep more than that."""
    return min(MAX_BYTES, 8 * (nbytes((call.args, call.kwargs)) + call.result_bytes) + (1 << 20))


@dataclass
class CallOutcome:
    """What happened to one call.

    ``status``: "returned" (``value`` holds the decoded value), "raised", "missing",
    "unencodable", "timeout", "crashed", "skipped" (an earlier case of the function crashed
    or timed out) or "not_run" (the submission did not load, or its time ran out).
    """

    status: str
    value: object = None
    detail: str = ""
    changed: list = field(default_factory=list)  # paths of the inputs changed in place
    blocked_imports: list = field(default_factory=list)
    limit: str | None = None   # "memory" or "file size": the exception came from a sandbox limit


@dataclass
class SandboxRun:
    outcomes: dict[int, CallOutcome]
    load_errors: list[str] = field(default_factory=list)
    load_stopped: str | None = None
    syntax_error: bool = False
    blocked_imports: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""
    output_bytes: int = 0       # all that was printed, kept or dropped
    processes: int = 0          # sandbox processes started (1 unless a call crashed)
    loads: int = 0              # "loaded" reports received
    user: int | None = None     # uid the submission ran as (None: the grader's, or a namespace's)
    limits_hit: list[str] = field(default_factory=list)  # "memory", "processes"
    limits_enforced: list[str] = field(default_factory=list)  # by a cgroup: "memory", "cpu", ...


@dataclass
class Setup:
    files: dict          # name in the runner's folder -> file on the host
    provided: tuple      # course helper modules put in the submission's namespace
    packages: tuple
    limits: Limits
    trusted: bool
    private: str         # the grader's folder: the helper file (the runner's copy when trusted)


LIMIT_NOTES = {
    "memory": "the sandbox reached its memory limit ({limits.memory_mb} MiB for all its "
              "processes together): a process was stopped",
    "processes": "the sandbox reached its limit of {limits.max_processes} processes and threads",
}
