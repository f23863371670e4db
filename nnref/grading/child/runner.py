"""The sandbox's main program: load a submission and call its functions on the grader's inputs.

Run by the grader as ``python -I -S runner.py FD`` inside the sandbox (see
``nnref/grading/isolation.py``): already in its own namespaces, as a uid of its own, with a
read-only view of the file system and a private ``/tmp`` as working folder. The plan (what to
run, and the inputs) arrives on stdin, written by the grader before this program starts, read
once and never again; every result goes back through the pipe ``FD`` as framed messages (see
``frames.py``; the values inside are ``wire.py``'s):

    {"event": "ready"}                                          limits set
    {"event": "loaded", "errors": [...], "stopped": str|null}    the submission was executed
    {"event": "start", "id": 3}                                 call 3 begins
    {"event": "result", "id": 3, "status": ..., ...} [+ npz]    call 3 ended (with its inputs
                                                                as they are after the call)
    {"event": "timeout", "id": 3}                               call 3 ran out of time
    {"event": "finished"}

Nothing here is a security boundary (the submission runs in this interpreter and can change
anything in it); the grader trusts none of these messages. Before any student code runs, this
program sets the resource limits (address space, CPU time, file size, processes, no core
dumps), caps what ``sys.stdout``/``sys.stderr`` keep, and serves the course's helper modules
(and refuses ``import nnref`` with a clear message). Each call is seeded (``np.random.seed(seed)``,
as the grader does before calling the course's function) and limited in wall-clock time by a
watchdog thread that ends the process (the grader enforces its own deadlines too).

It imports only the standard library, NumPy and its sibling files, loaded by path.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import io
import json
import os
import resource
import sys
import threading
import traceback
import types

EXIT_TIMEOUT = 124        # the watchdog ended the process: a call or the loading ran too long
EXIT_RUNNER_ERROR = 70    # this program failed (not the submission)
SUBMISSION = "submission"  # the student's module name


def _load_sibling(name: str):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"_grader_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# --- channel to the grader -----------------------------------------------------------------

class Channel:
    def __init__(self, fd: int, frames):
        self.fd = fd
        self.frames = frames
        self.lock = threading.Lock()

    def send(self, header: dict, arrays=None) -> None:
        data = self.frames.message(header, arrays)
        with self.lock:
            view = memoryview(data)
            while view:
                view = view[os.write(self.fd, view):]


# --- isolation -----------------------------------------------------------------------------

def set_limits(limits: dict) -> None:
    """Hard and soft limits alike, so the submission cannot raise them again."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if limits.get("memory_bytes"):
        resource.setrlimit(resource.RLIMIT_AS, (limits["memory_bytes"],) * 2)
    if limits.get("cpu_seconds"):
        cpu = int(limits["cpu_seconds"])
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))  # SIGXCPU at soft, SIGKILL at hard
    if limits.get("file_bytes"):
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"],) * 2)  # SIGXFSZ past it
    if limits.get("max_processes"):  # counts this sandbox's uid only (a uid of its own)
        resource.setrlimit(resource.RLIMIT_NPROC, (limits["max_processes"],) * 2)


class CappedOutput(io.TextIOBase):
    """A text stream writing to a file descriptor, keeping at most ``cap`` bytes."""

    def __init__(self, fd: int, cap: int, name: str):
        self._fd, self._cap, self._name = fd, cap, name
        self._pending: list[bytes] = []
        self._pending_size = 0
        self.kept = 0
        self.dropped = 0

    @property
    def encoding(self):
        return "utf-8"

    @property
    def name(self):
        return self._name

    def writable(self):
        return True

    def isatty(self):
        return False

    def fileno(self):
        return self._fd

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        room = self._cap - self.kept
        if room <= 0:  # past the cap: count (characters, as bytes for ASCII) and drop, cheaply
            self.dropped += len(text)
            return len(text)
        data = text.encode("utf-8", "replace")
        kept = data[:room]
        self._pending.append(kept)
        self._pending_size += len(kept)
        self.kept += len(kept)
        self.dropped += len(data) - len(kept)
        if self._pending_size >= 65536:
            self.flush()
        return len(text)

    def flush(self):
        data, self._pending, self._pending_size = b"".join(self._pending), [], 0
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self._fd, view):]
        except OSError:  # the file-size limit (the submission wrote to the fd itself), a closed fd
            self.dropped += len(view)


class ImportGuard(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Blocks the grader's own packages and serves the course's helper modules."""

    def __init__(self, blocked, course_utils):
        self.blocked = set(blocked)
        self.course_utils = course_utils
        self.attempts: list[str] = []

    def find_spec(self, fullname, path=None, target=None):
        if fullname.partition(".")[0] in self.blocked:
            self.attempts.append(fullname)
            raise ImportError(f"import of {fullname!r} is blocked while grading: the grader's "
                              "reference code is not available to submissions", name=fullname)
        if self.course_utils.provides(fullname):
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        self.course_utils.fill_module(module)


class _IPythonStub:
    """What ``get_ipython()`` returns in a notebook submission: every call does nothing."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


# --- watchdog ------------------------------------------------------------------------------

class Watchdog:
    """Ends the process if the armed section outlives its time (student code may catch
    exceptions, so a signal raising one would not do)."""

    def __init__(self, channel: Channel, stdout: CappedOutput, stderr: CappedOutput):
        self.channel, self.streams = channel, (stdout, stderr)
        self._timer = None

    def arm(self, seconds: float, call_id):
        self.disarm()
        self._timer = threading.Timer(seconds, self._expire, args=(call_id,))
        self._timer.daemon = True
        self._timer.start()

    def disarm(self):
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self, call_id):
        try:
            for stream in self.streams:
                stream.flush()
            self.channel.send({"event": "timeout", "id": call_id})
        finally:
            os._exit(EXIT_TIMEOUT)


def read_plan(fd: int = 0) -> tuple[dict, bytes]:
    """The plan on stdin: a JSON frame, then the inputs' npz frame (see ``frames.frame``)."""
    data = bytearray()
    while chunk := os.read(fd, 1 << 20):
        data += chunk
    os.close(fd)
    os.open(os.devnull, os.O_RDONLY)  # fd 0 again, for code that reads stdin
    size = int.from_bytes(data[:4], "big")
    return json.loads(bytes(data[4:4 + size])), bytes(data[8 + size:])


def main() -> None:
    fd = int(sys.argv[1])
    plan, npz = read_plan()
    sys.path[:] = plan["sys_path"]  # the standard library and the assignment's packages
    set_limits(plan["limits"])

    frames = _load_sibling("frames")
    wire = _load_sibling("wire")
    course_utils = _load_sibling("course_utils")
    wire.TENSOR_READER = _load_sibling("values").tensor_value  # TensorFlow results as arrays
    student = _load_sibling("student_code")
    import numpy as np  # after the limits: the submission's NumPy is this one

    channel = Channel(fd, frames)
    channel.send({"event": "ready"})

    inputs = wire.decode(plan["inputs"], frames.arrays_from_bytes(npz, max_bytes=1 << 34))
    del npz
    calls = [(call, args, kwargs) for call, (args, kwargs) in zip(plan["calls"], inputs)]
    seed_fn = np.random.seed  # bound before the submission can replace it

    stdout = CappedOutput(1, plan["output_cap"], "<stdout>")
    stderr = CappedOutput(2, plan["output_cap"], "<stderr>")
    sys.stdout, sys.stderr = stdout, stderr
    course_utils.TEST_NAMES[:] = sorted({f"{c['function']}_test" for c in plan["calls"]})
    guard = ImportGuard(plan["blocked_modules"], course_utils)
    sys.meta_path.insert(0, guard)
    standins = _load_sibling("standins").install(student.is_student_file)  # demo-only imports succeed
    watchdog = Watchdog(channel, stdout, stderr)

    module = types.ModuleType(SUBMISSION)
    module.__file__ = os.path.join(os.getcwd(), "submission.py")
    sys.modules[SUBMISSION] = module
    for helper in plan["provided"]:
        course_utils.fill_module(module, helper)
    # a notebook, or a .py exported from one, calls these (its magics become get_ipython() calls)
    module.get_ipython = lambda: _IPythonStub()
    module.display = lambda *objects, **kwargs: None
    sys.argv = ["submission.py"]

    if plan.get("quiet_load"):
        sys.stdout = sys.stderr = CappedOutput(os.open(os.devnull, os.O_WRONLY), 0, "<null>")
    loaded = student.load_submission(plan, module, watchdog)
    for stream in (stdout, stderr):
        stream.flush()
    sys.stdout, sys.stderr = stdout, stderr
    channel.send({"event": "loaded", **loaded, "blocked_imports": list(guard.attempts),
                  "notes": standins.notes()})
    if not loaded["syntax_error"]:  # functions defined before a sys.exit are graded
        for call, args, kwargs in calls:
            student.run_call(call, args, kwargs, module, wire, channel, watchdog,
                             (stdout, stderr), guard, seed_fn, plan["call_timeout"])
    channel.send({"event": "finished", "dropped_output": stdout.dropped + stderr.dropped})
    os._exit(0)  # skip the submission's atexit handlers and non-daemon threads


if __name__ == "__main__":
    try:
        main()
    except BaseException:  # a failure of this program, reported on stderr for the grader
        try:
            os.write(2, traceback.format_exc().encode("utf-8", "replace"))
        finally:
            os._exit(EXIT_RUNNER_ERROR)
