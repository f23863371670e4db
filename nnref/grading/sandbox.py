"""Run a submission's functions in a sandbox process: never in the grader's.

Each sandbox process runs under bubblewrap (see :mod:`nnref.grading.isolation`): PID, IPC,
network, UTS and mount namespaces of its own, a uid of its own (:mod:`nnref.grading.slots`), a
seccomp filter refusing the kernel interfaces no namespace covers (:mod:`nnref.grading.seccomp`,
on machines it knows), a read-only view holding only the interpreter, the assignment's
packages, the runner and this assignment's course helpers, a private size-capped ``/tmp`` as
working folder, memory and process count bounded for the whole tree (a cgroup where one can be
made; else a process limit on its uid and an address-space limit per process), and its CPU time
bounded to ``Limits.cpus`` CPUs where a cpu cgroup can be made (best effort,
:mod:`nnref.grading.cgroups`). When it ends, everything it started is gone with its namespaces.

The plan (the submission's source, the calls and their inputs) is written by the grader into
an anonymous memory file passed as the runner's stdin before it starts; results come back
through a pipe as JSON + ``.npz`` messages (``child/wire.py``, ``child/frames.py``), checked by
:mod:`nnref.grading.channel`: nothing the submission sends is unpickled, executed or trusted.
If a call crashes or times out, the remaining cases of that function are skipped and a fresh
process (with a fresh plan) runs the other functions.

``trusted=True`` runs the same program without bubblewrap: for submissions one trusts only
(they could read and change anything the grader's user can).
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time

from nnref.grading import isolation
from nnref.grading.child import frames, wire
from nnref.grading.helper_files import helper_source
from nnref.grading.outcomes import (LIMIT_NOTES, Call, CallOutcome, Limits, SandboxRun,
                                    SandboxUnavailable, Setup)
from nnref.grading.process import SandboxProcess
from nnref.grading.process_output import output_file, read_capped

__all__ = ["Call", "CallOutcome", "Limits", "SandboxRun", "SandboxUnavailable", "run_submission"]

CHILD_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "child")
CHILD_FILES = ("runner.py", "frames.py", "wire.py", "values.py", "standins.py", "student_code.py")  # the runner and its siblings, bound as they are
COURSE_FILES = ("course_utils.py",)     # course helpers: only this assignment's code is kept
BLOCKED_MODULES = isolation.BLOCKED_PACKAGES


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
        setup = Setup(files, tuple(provided), tuple(packages), limits, trusted, private)
        return _run(setup, submission, calls)
    finally:
        shutil.rmtree(private, ignore_errors=True)

def _runner_files(private: str, provided: tuple[str, ...]) -> dict[str, str]:
    files = {name: os.path.join(CHILD_DIR, name) for name in CHILD_FILES}
    for name in COURSE_FILES:
        files[name] = os.path.join(private, name)
        with open(files[name], "w", encoding="utf-8") as f:
            f.write(helper_source(name, provided))
    return files

def _run(setup: Setup, submission, calls) -> SandboxRun:
    limits = setup.limits
    run = SandboxRun(outcomes={})
    deadline = time.monotonic() + limits.timeout
    by_id = {c.id: c for c in calls}
    with output_file("stdout") as out, output_file("stderr") as err:
        pending = list(calls)
        while True:
            run.processes += 1
            plan = _plan(submission, pending, setup, quiet_load=run.processes > 1)
            state = SandboxProcess(setup, deadline, out, err, pending).communicate(plan, run)
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
        run.stdout, out_size = read_capped(out, limits.output_kb << 10)
        run.stderr, err_size = read_capped(err, limits.output_kb << 10)
    run.output_bytes += out_size + err_size  # kept in the files (or written to fds 1, 2) + dropped
    for hit in dict.fromkeys(run.limits_hit):
        run.notes.append(LIMIT_NOTES[hit].format(limits=limits))
    return run

def _plan(submission, calls, setup: Setup, quiet_load) -> bytes:
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
                   # on the sandbox's own uid (as root): a backstop a little above the cgroup's
                   # exact count, so that where there is a cgroup, it is the one hit (and named)
                   "max_processes": int(limits.max_processes) + 16 if os.geteuid() == 0 else 0},
    }
    return frames.frame(json.dumps(plan).encode("utf-8")) + frames.frame(frames.arrays_to_bytes(arrays))
