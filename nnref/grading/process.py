"""One sandbox process, seen from the grader: start it, read its messages, enforce deadlines."""
from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import time

from nnref.grading import channel, isolation
from nnref.grading.cgroups import Cgroup
from nnref.grading.changes import changed_paths
from nnref.grading.child import frames, wire
from nnref.grading.child.runner import EXIT_TIMEOUT
from nnref.grading.outcomes import (LIMIT_NOTES, CallOutcome, SandboxRun, Setup,
                                    result_allowance)
from nnref.grading.process_output import exit_text
from nnref.grading.slots import UidSlot, rss_of


class SandboxProcess:
    """One sandbox process: start it, read its messages, enforce the deadlines.

    After :meth:`communicate`, ``stopped_in`` says where it stopped: None (it finished, or
    ended between two calls), "load", or the id of the call that crashed or timed out.
    """

    def __init__(self, setup: Setup, deadline, out, err, calls):
        self.setup, self.limits, self.out, self.err = setup, setup.limits, out, err
        self.calls = {c.id: c for c in calls}
        self.protocol = channel.Protocol([c.id for c in calls], self.limits.call_timeout, deadline)
        self.stopped_in = None
        self.failure = ""
        self.failure_status = "crashed"
        self.waiting = None                  # a result header whose npz frame comes next
        self.watched = None                  # a uid whose memory the grader watches itself

    def communicate(self, plan: bytes, run: SandboxRun) -> "SandboxProcess":
        plan_fd = os.memfd_create("nnref-plan")  # written now, read once by the runner (stdin)
        os.write(plan_fd, plan)
        os.lseek(plan_fd, 0, os.SEEK_SET)
        read_fd, write_fd = os.pipe()
        filter_fd = None
        cgroup = None if self.setup.trusted else Cgroup(
            self.limits.memory_mb << 20, self.limits.max_processes, self.limits.cpus)
        run.limits_enforced = cgroup.enforced if cgroup is not None else []
        with UidSlot() if not self.setup.trusted else _NoSlot() as uid:
            run.user = uid if uid is not None else run.user
            try:
                cwd = self._cwd(run)
                filter_fd = None if self.setup.trusted else isolation.filter_file()
                proc = subprocess.Popen(
                    self._command(uid, write_fd, filter_fd), cwd=cwd, env=self._env(cwd),
                    stdin=plan_fd, stdout=self.out, stderr=self.err,
                    pass_fds=(write_fd,) + ((filter_fd,) if filter_fd is not None else ()),
                    start_new_session=True,
                    preexec_fn=_join(cgroup) if cgroup and cgroup.procs_files else None)
            finally:
                for fd in (write_fd, plan_fd, filter_fd):
                    if fd is not None:
                        os.close(fd)
            # without a cgroup, the grader itself watches the memory of the sandbox's uid
            self.watched = uid if uid is not None and not (cgroup and cgroup.folders) else None
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
                            LIMIT_NOTES[h].format(limits=self.limits) for h in hits)
        return self

    def _command(self, uid, fd, filter_fd) -> list[str]:
        if self.setup.trusted:
            runner = os.path.join(self.setup.private, "runner", "runner.py")
            return [isolation.interpreter(), "-I", "-S", runner, str(fd)]
        return isolation.command(self.setup.files, self.setup.packages, uid, self.limits.tmp_mb,
                                 fd, filter_fd)

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
        reader = frames.FrameReader(wire.MAX_BYTES + (1 << 20))
        eof = False
        next_check = 0.0
        while True:
            now = time.monotonic()
            limit = self.protocol.limit()
            if now >= limit:
                self._stop("timeout", self._timeout_text(limit == self.protocol.deadline))
                return
            if self.watched is not None and now >= next_check:
                next_check = now + 0.1
                if rss_of(self.watched) > self.limits.memory_mb << 20:
                    run.limits_hit.append("memory")
                    self._stop("crashed", LIMIT_NOTES["memory"].format(limits=self.limits))
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
        self._stop(status, exit_text(code, self.err))  # ended without saying "finished"

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
                run.notes += channel.texts(header.get("notes", []))  # stand-ins for demo imports
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
            run.output_bytes += channel.count_field(header.get("dropped_output"), "dropped_output")
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
        value, after, problem = channel.decode_result(header, npz, result_allowance(call))
        if problem:
            outcome.status, outcome.detail = "unencodable", problem
        elif outcome.status == "returned":
            outcome.value = value
        if after is not None:
            try:
                outcome.changed = (changed_paths(tuple(call.args), tuple(after[0]))
                                   + changed_paths(dict(call.kwargs), after[1]))
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


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
