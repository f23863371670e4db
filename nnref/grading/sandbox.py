"""Run a submission's functions in a sandbox process: never in the grader's.

Each sandbox process runs under bubblewrap (see :mod:`nnref.grading.isolation`): PID, IPC,
network, UTS and mount namespaces of its own, a uid of its own (:mod:`nnref.grading.slots`), a
read-only view holding only the interpreter, the assignment's packages, the runner and this
assignment's course helpers, a private size-capped ``/tmp`` as working folder, memory and
process count bounded for the whole tree (a cgroup where one can be made; else a process limit
on its uid and an address-space limit per process). When it ends, everything it started is
gone with its namespaces.

The plan (the submission's source, the calls and their inputs) is written by the grader into
an anonymous memory file passed as the runner's stdin before it starts; results come back
through a pipe as JSON + ``.npz`` messages (``child/wire.py``), checked by
:mod:`nnref.grading.channel`: nothing the submission sends is unpickled, executed or trusted.
If a call crashes or times out, the remaining cases of that function are skipped and a fresh
process (with a fresh plan) runs the other functions.

``trusted=True`` runs the same program without bubblewrap: for submissions one trusts only
(they could read and change anything the grader's user can).
"""
from __future__ import annotations

import json
import os
import select
import signal
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

from nnref.grading import channel, isolation
from nnref.grading.child import wire
from nnref.grading.helper_files import helper_source
from nnref.grading.slots import Cgroup, UidSlot

CHILD_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "child")
CHILD_FILES = ("runner.py", "wire.py")  # the runner and its siblings, bound as they are
COURSE_FILES = ("course_utils.py",)     # course helpers: only this assignment's code is kept
BLOCKED_MODULES = isolation.BLOCKED_PACKAGES
EXIT_TIMEOUT = 124       # runner.EXIT_TIMEOUT
EXIT_RUNNER_ERROR = 70   # runner.EXIT_RUNNER_ERROR


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or not permitted: untrusted code is not run."""


@dataclass(frozen=True)
class Limits:
    """Resource limits of one submission's sandbox.

    Args:
        timeout: wall-clock seconds for the whole submission (loading and every call).
        call_timeout: wall-clock seconds for one call, and for loading the submission.
        memory_mb: address-space limit of the sandbox process (``RLIMIT_AS``), in MiB.
        file_mb: largest file the submission may write, its output included (``RLIMIT_FSIZE``).
        output_kb: what is kept of each of stdout and stderr, in KiB.
        max_processes: processes and threads of the whole sandbox (its cgroup's
            ``pids.max``, and ``RLIMIT_NPROC`` on its uid when the grader runs as root).
        tmp_mb: size of the sandbox's private ``/tmp``.
    """

    timeout: float = 60.0
    call_timeout: float = 10.0
    memory_mb: int = 2048
    file_mb: int = 64
    output_kb: int = 64
    max_processes: int = 256
    tmp_mb: int = 128

    def __post_init__(self):
        for name in ("timeout", "call_timeout", "memory_mb", "file_mb", "output_kb",
                     "max_processes", "tmp_mb"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"{name} must be a positive number. Received: {name}={value!r}")
        if self.memory_mb < 256:
            raise ValueError(f"memory_mb must be at least 256 (the interpreter and NumPy need "
                             f"it). Received: memory_mb={self.memory_mb!r}")


@dataclass(frozen=True)
class Call:
    id: int
    function: str
    seed: int
    args: tuple
    kwargs: dict


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


def run_submission(submission, calls: list[Call], provided: tuple[str, ...], limits: Limits,
                   *, packages: tuple[str, ...] = isolation.BASE_PACKAGES,
                   trusted: bool = False) -> SandboxRun:
    """Run ``calls`` on ``submission`` (a :class:`nnref.grading.loading.Submission`).

    Raises :class:`SandboxUnavailable` when bubblewrap cannot run here and ``trusted`` is False.
    """
    if not trusted and isolation.problem():
        raise SandboxUnavailable(isolation.problem())
    private = tempfile.mkdtemp(prefix="nnref-grade-")
    try:
        files = _runner_files(private, tuple(provided))
        setup = _Setup(files, tuple(provided), tuple(packages), limits, trusted, private)
        return _run(setup, submission, calls)
    finally:
        shutil.rmtree(private, ignore_errors=True)


@dataclass
class _Setup:
    files: dict          # name in the runner's folder -> file on the host
    provided: tuple      # course helper modules put in the submission's namespace
    packages: tuple
    limits: Limits
    trusted: bool
    private: str         # the grader's folder: the output files, the helper file


def _runner_files(private: str, provided: tuple[str, ...]) -> dict[str, str]:
    files = {name: os.path.join(CHILD_DIR, name) for name in CHILD_FILES}
    for name in COURSE_FILES:
        files[name] = os.path.join(private, name)
        with open(files[name], "w", encoding="utf-8") as f:
            f.write(helper_source(name, provided))
    return files


def _run(setup: _Setup, submission, calls) -> SandboxRun:
    limits = setup.limits
    run = SandboxRun(outcomes={})
    deadline = time.monotonic() + limits.timeout
    by_id = {c.id: c for c in calls}
    with open(os.path.join(setup.private, "stdout"), "wb") as out, \
            open(os.path.join(setup.private, "stderr"), "wb") as err:
        pending = list(calls)
        while True:
            run.processes += 1
            plan = _plan(submission, pending, setup, quiet_load=run.processes > 1)
            state = _Process(setup, deadline, out, err, pending).communicate(plan, run)
            if state.stopped_in == "load":
                run.load_stopped = run.load_stopped or state.failure
                break
            if state.stopped_in is None:
                # finished, or ended between two calls (a thread of the submission ended it):
                # then a fresh process runs the rest, as long as each one makes progress
                left = [c for c in pending if c.id not in run.outcomes]
                if state.failure:
                    run.notes.append(f"{state.failure} (between two calls)")
                if not (state.failure and left and len(left) < len(pending)):
                    break
                pending = left
                if time.monotonic() >= deadline:
                    break
                continue
            # a call crashed or timed out: skip the rest of its function, restart for the others
            crashed = by_id[state.stopped_in]
            run.outcomes[crashed.id] = CallOutcome(state.failure_status, detail=state.failure)
            what = "timed out" if state.failure_status == "timeout" else "crashed"
            for call in pending:
                if call.id not in run.outcomes and call.function == crashed.function:
                    run.outcomes[call.id] = CallOutcome(
                        "skipped", detail=f"not run: an earlier case of {call.function} {what}")
            pending = [c for c in pending if c.id not in run.outcomes]
            if not pending or time.monotonic() >= deadline:
                break
        for call in calls:
            if call.id not in run.outcomes:
                if time.monotonic() >= deadline:
                    detail = f"not run: the submission used all of its {limits.timeout:g} s"
                elif run.syntax_error or run.load_stopped:
                    detail = "not run: the submission could not be loaded"
                else:
                    detail = "not run: the sandbox ended before this call"
                run.outcomes[call.id] = CallOutcome("not_run", detail=detail)
    run.stdout, out_size = _read_capped(os.path.join(setup.private, "stdout"), limits.output_kb << 10)
    run.stderr, err_size = _read_capped(os.path.join(setup.private, "stderr"), limits.output_kb << 10)
    run.output_bytes += out_size + err_size  # kept in the files (or written to fds 1, 2) + dropped
    for hit in dict.fromkeys(run.limits_hit):
        run.notes.append(_LIMIT_NOTES[hit].format(limits=limits))
    return run


_LIMIT_NOTES = {
    "memory": "the sandbox reached its memory limit ({limits.memory_mb} MiB for all its "
              "processes together): a process was stopped",
    "processes": "the sandbox reached its limit of {limits.max_processes} processes and threads",
}


def _plan(submission, calls, setup: _Setup, quiet_load) -> bytes:
    """The plan's bytes: a JSON frame, then the inputs' npz frame."""
    limits = setup.limits
    inputs, arrays = wire.encode([[tuple(call.args), dict(call.kwargs)] for call in calls])
    plan = {
        "kind": submission.kind,
        "sources": [{"label": s.label, "filename": s.filename, "code": s.code}
                    for s in submission.sources],
        "calls": [{"id": c.id, "function": c.function, "seed": int(c.seed)} for c in calls],
        "inputs": inputs,  # [[args, kwargs], ...] in the order of "calls"
        "provided": list(setup.provided),
        "blocked_modules": list(BLOCKED_MODULES),
        "call_timeout": limits.call_timeout,
        "output_cap": limits.output_kb << 10,
        "quiet_load": quiet_load,  # a restarted process: its loading output was seen already
        "sys_path": isolation.sys_path(setup.packages),
        "limits": {"memory_bytes": int(limits.memory_mb) << 20,
                   "cpu_seconds": int(limits.timeout) + 1,
                   "file_bytes": int(limits.file_mb) << 20,
                   "max_processes": int(limits.max_processes) if os.geteuid() == 0 else 0},
    }
    return wire.frame(json.dumps(plan).encode("utf-8")) + wire.frame(wire.arrays_to_bytes(arrays))


class _Process:
    """One sandbox process: start it, read its messages, enforce the deadlines.

    After :meth:`communicate`, ``stopped_in`` says where it stopped: None (it finished, or
    ended between two calls), "load", or the id of the call that crashed or timed out.
    """

    def __init__(self, setup: _Setup, deadline, out, err, calls):
        self.setup, self.limits, self.out, self.err = setup, setup.limits, out, err
        self.calls = {c.id: c for c in calls}
        self.protocol = channel.Protocol([c.id for c in calls], self.limits.call_timeout, deadline)
        self.stopped_in = None
        self.failure = ""
        self.failure_status = "crashed"
        self.waiting = None                  # a result header whose npz frame comes next

    def communicate(self, plan: bytes, run: SandboxRun) -> "_Process":
        plan_fd = os.memfd_create("nnref-plan")  # written now, read once by the runner (stdin)
        os.write(plan_fd, plan)
        os.lseek(plan_fd, 0, os.SEEK_SET)
        read_fd, write_fd = os.pipe()
        cgroup = None if self.setup.trusted else Cgroup(self.limits.memory_mb << 20,
                                                        self.limits.max_processes)
        with UidSlot() if not self.setup.trusted else _NoSlot() as uid:
            run.user = uid if uid is not None else run.user
            try:
                cwd = self._cwd(run)
                proc = subprocess.Popen(
                    self._command(uid, write_fd), cwd=cwd, env=self._env(cwd),
                    stdin=plan_fd, stdout=self.out, stderr=self.err, pass_fds=(write_fd,),
                    start_new_session=True, preexec_fn=_join(cgroup) if cgroup and cgroup.folders
                    else None)
            finally:
                os.close(write_fd)
                os.close(plan_fd)
            try:
                self._read(proc, read_fd, run)
            finally:
                os.close(read_fd)
                _kill_group(proc.pid)
                proc.wait()
                if cgroup is not None:
                    hits = cgroup.events()
                    cgroup.remove()
                    run.limits_hit += hits
                    if hits and self.failure:
                        self.failure += "; " + "; ".join(
                            _LIMIT_NOTES[h].format(limits=self.limits) for h in hits)
        return self

    def _command(self, uid, fd) -> list[str]:
        if self.setup.trusted:
            runner = os.path.join(self.setup.private, "runner", "runner.py")
            return [isolation.interpreter(), "-I", "-S", runner, str(fd)]
        return isolation.command(self.setup.files, self.setup.packages, uid, self.limits.tmp_mb,
                                 fd)

    def _cwd(self, run) -> str:
        if not self.setup.trusted:
            return "/"
        folder = os.path.join(self.setup.private, f"work-{run.processes}")
        os.mkdir(folder, 0o700)
        runner = os.path.join(self.setup.private, "runner")
        if not os.path.isdir(runner):
            os.mkdir(runner)
            for name, source in self.setup.files.items():
                shutil.copyfile(source, os.path.join(runner, name))
        return folder

    def _env(self, cwd) -> dict:
        home = cwd if self.setup.trusted else "/tmp"
        return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "TMPDIR": home,
                "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "OMP_NUM_THREADS": "1",
                "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg",
                "TF_CPP_MIN_LOG_LEVEL": "2"}

    def _read(self, proc, fd, run: SandboxRun) -> None:
        reader = wire.FrameReader(wire.MAX_BYTES + (1 << 20))
        eof = False
        while True:
            now = time.monotonic()
            limit = self.protocol.limit()
            if now >= limit:
                self._stop("timeout", self._timeout_text(limit == self.protocol.deadline))
                return
            if eof:  # the pipe is closed: wait for the process itself
                if proc.poll() is not None:
                    break
                time.sleep(0.01)
                continue
            ready, _, _ = select.select([fd], [], [], min(limit - now, 0.2))
            if not ready:
                if proc.poll() is not None and not select.select([fd], [], [], 0)[0]:
                    break  # ended, and a process it left behind holds the pipe open
                continue
            data = os.read(fd, 1 << 20)
            if not data:
                eof = True
                continue
            try:
                for payload in reader.feed(data):
                    if self._handle(payload, run):
                        return
                if reader.error:
                    raise channel.ProtocolError(reader.error)
            except channel.ProtocolError as exc:
                self._stop("crashed", "the submission sent malformed data to the grader "
                           f"({channel.text(str(exc))})")
                return
        code = proc.returncode
        if not self.setup.trusted and code is not None and 128 < code < 128 + 65:
            code = 128 - code  # bubblewrap's init reports a signal as 128 + its number
        status = "timeout" if code == EXIT_TIMEOUT else "crashed"
        self._stop(status, _exit_text(code,
                                      os.path.join(self.setup.private, "stderr")))  # ended without saying "finished"

    def _handle(self, payload: bytes, run: SandboxRun) -> bool:
        """Act on one frame; True when the process said it finished or timed out."""
        self.protocol.count(payload, header=self.waiting is None)
        if self.waiting is not None:
            header, self.waiting = self.waiting, None
            self._record_result(run, header, payload)
            return False
        header = channel.parse(payload)
        event = self.protocol.event(header)
        if event == "loaded":
            if run.loads == 0:  # a restarted process's loading is known already
                run.load_errors += channel.texts(header.get("errors", []))
                stopped = header.get("stopped")
                run.load_stopped = channel.text(stopped) if stopped else None
                run.syntax_error = header.get("syntax_error") is True
                run.blocked_imports += channel.texts(header.get("blocked_imports", []))
            run.loads += 1
        elif event == "result":
            if header.get("npz") is True:
                self.waiting = header
            else:
                self._record_result(run, header, None)
        elif event == "timeout":
            self._stop("timeout", self._timeout_text(False))
            return True
        elif event == "finished":
            dropped = header.get("dropped_output")
            run.output_bytes += dropped if isinstance(dropped, int) and dropped > 0 else 0
            return True
        return False

    def _timeout_text(self, whole) -> str:
        if whole:
            return f"stopped: the submission used all of its {self.limits.timeout:g} s"
        if self.protocol.current is not None or self.protocol.phase == "calls":
            return f"timed out: the call took more than {self.limits.call_timeout:g} s"
        return f"timed out: loading the submission took more than {self.limits.call_timeout:g} s"

    def _stop(self, status, text) -> None:
        if self.protocol.phase in ("start", "load"):
            self.stopped_in, self.failure = "load", text
        else:
            self.stopped_in, self.failure_status, self.failure = self.protocol.current, status, text

    def _record_result(self, run: SandboxRun, header: dict, npz: bytes | None) -> None:
        call = self.calls[header["id"]]  # checked by the protocol
        status = header.get("status")
        outcome = CallOutcome(status if status in ("returned", "raised", "missing",
                                                   "unencodable") else "crashed")
        outcome.detail = channel.text(header.get("error") or header.get("detail") or "")
        outcome.blocked_imports = channel.texts(header.get("blocked_imports", []))
        value, after, problem = channel.decode_result(header, npz, wire.MAX_BYTES)
        if problem:
            outcome.status, outcome.detail = "unencodable", problem
        elif outcome.status == "returned":
            outcome.value = value
        if after is not None:
            try:
                outcome.changed = (wire.changed_paths(tuple(call.args), tuple(after[0]))
                                   + wire.changed_paths(dict(call.kwargs), after[1]))
            except Exception:  # a forged structure the comparison cannot walk
                outcome.changed = [()]
        if header.get("limit") == "memory":
            outcome.limit = "memory"
            outcome.detail += f"\n(the sandbox's memory limit is {self.limits.memory_mb} MiB)"
        elif header.get("limit") == "file size":
            outcome.limit = "file size"
            outcome.detail += (f"\n(the sandbox's file-size limit is {self.limits.file_mb} MiB, "
                               "output included)")
        run.outcomes[call.id] = outcome


class _NoSlot:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _join(cgroup: Cgroup):
    """A preexec function moving the new process into ``cgroup`` (before bubblewrap runs)."""
    paths = [p.encode() for p in cgroup.procs_files]

    def join():
        for path in paths:
            fd = os.open(path, os.O_WRONLY)
            os.write(fd, b"0")
            os.close(fd)
    return join


def _exit_text(returncode, stderr_path: str) -> str:
    if returncode is None:
        return "the sandbox process stopped answering"
    if returncode < 0:
        number = -returncode
        meaning = {
            signal.SIGSEGV: "a segmentation fault (invalid memory access)",
            signal.SIGXCPU: "the CPU-time limit",
            signal.SIGXFSZ: "the file-size limit (too much output or data written)",
            signal.SIGKILL: "SIGKILL (a limit was reached, or it was killed)",
            signal.SIGABRT: "an abort",
            signal.SIGBUS: "a bus error",
            signal.SIGFPE: "a floating-point exception",
        }.get(number, "a signal")
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        return f"the process was ended by {name}: {meaning}"
    if returncode == EXIT_TIMEOUT:
        return "timed out"
    if returncode == EXIT_RUNNER_ERROR:
        last = _read_capped(stderr_path, 1 << 20)[0].strip().splitlines()[-1:] or ["no message"]
        return f"the sandbox's runner failed: {channel.text(last[0])}"
    return f"the process exited with status {returncode} (os._exit or a crash)"


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _read_capped(path: str, cap: int) -> tuple[str, int]:
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            data = f.read(cap)
    except OSError:
        return "", 0
    return data.decode("utf-8", errors="replace"), size
