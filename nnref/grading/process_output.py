"""What a sandbox process leaves behind, seen from the grader: its output files (in memory,
read back capped) and how it ended, in words. The exit codes are the runner's own."""
from __future__ import annotations

import os
import signal

from nnref.grading import channel
from nnref.grading.child.runner import EXIT_RUNNER_ERROR, EXIT_TIMEOUT


def output_file(name: str):
    """A file for the sandbox's stdout or stderr, in memory: the file-size limit holds for all
    of it (on a disk file, ``fallocate(FALLOC_FL_KEEP_SIZE)`` takes disk past that limit), its
    pages count against the memory of the sandbox that writes them, and it is gone once closed."""
    return os.fdopen(os.memfd_create(f"nnref-{name}"), "w+b")


def read_capped(file, cap: int) -> tuple[str, int]:
    """The first ``cap`` bytes of ``file`` (an output file), as text, and its size."""
    try:
        size = os.fstat(file.fileno()).st_size
        data = os.pread(file.fileno(), cap, 0)
    except OSError:
        return "", 0
    return data.decode("utf-8", errors="replace"), size


def exit_text(returncode, stderr) -> str:
    """How the sandbox process ended, in words, from its return code (and its stderr when the
    runner itself failed)."""
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
        last = read_capped(stderr, 1 << 20)[0].strip().splitlines()[-1:] or ["no message"]
        return f"the sandbox's runner failed: {channel.text(last[0])}"
    return f"the process exited with status {returncode} (os._exit or a crash)"
