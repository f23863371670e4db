"""A local pool of worker processes that can stop one trial without losing the others.

Each worker is a ``spawn``-ed process (a fresh interpreter: no forked locks or BLAS thread pools)
started with one BLAS/OpenMP thread (``BLAS_ENV``, set in the environment *before* the spawn,
because NumPy's BLAS reads it when it is first imported). It loads the trial function once,
says it is ready, then runs tasks sent over its pipe and sends back each ``TrialRecord``.

The parent waits on every worker's pipe and process sentinel at once
(``multiprocessing.connection.wait``) with a timeout set by the nearest trial deadline:
    a record arrives       → hand it on, give the worker the next task
    a deadline passes      → kill that worker, record the trial as failed, spawn a replacement
    a worker dies mid-task → record the trial as failed (with the exit code), spawn a replacement
``concurrent.futures.ProcessPoolExecutor`` cannot do the middle two: killing one of its workers
breaks the whole pool.

The trial function, with any data bound to it, is pickled to each worker once, when it is
spawned. It must be picklable by reference (a top-level function of an importable
module, or a ``functools.partial`` of one); scripts that run a search must guard their entry
point with ``if __name__ == "__main__":``, as with any spawned process.
"""
from __future__ import annotations

import contextlib
import os
import pickle
import signal
import time
from collections import deque
from multiprocessing import current_process, get_context
from multiprocessing.connection import wait

from nnref.tuning.trial import failed_record, run_trial, timeout_error

BLAS_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
}
_READY = "ready"
GUARD_HINT = ('a script that runs a search on worker processes (backend="process", the default) '
              'must start it under '
              '`if __name__ == "__main__":` (each worker process imports the script; without the '
              'guard the import starts the search again)')


def _worker_main(conn, trial, metric):
    """Worker loop: ``(trial_id, round, config)`` in, ``TrialRecord`` out; ``None`` ends it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    conn.send(_READY)
    while True:
        task = conn.recv()
        if task is None:
            return
        trial_id, round_, config = task
        conn.send(run_trial(trial, trial_id, config, metric, round_))


@contextlib.contextmanager
def _environment(values: dict[str, str]):
    """Set environment variables for the duration of the block (the spawned child inherits them)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class _Worker:
    """One worker process, its pipe, and the task it is running (if any)."""

    def __init__(self, ctx, trial, metric):
        self.conn, child_conn = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child_conn, trial, metric), daemon=True)
        with _environment(BLAS_ENV):
            self.process.start()
        child_conn.close()
        self.ready = False
        self.task = None       # (trial_id, round, config) while busy
        self.started = 0.0     # perf_counter() when the task was sent
        self.deadline = None   # perf_counter() value after which the task is stopped

    def assign(self, task, time_limit):
        self.conn.send(task)
        self.task, self.started = task, time.perf_counter()
        self.deadline = None if time_limit is None else self.started + time_limit

    def receive(self):
        """The next message, or None if the worker has died (its pipe is closed)."""
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            return None

    def stop(self, graceful: bool):
        if graceful and self.process.is_alive():
            with contextlib.suppress(OSError):
                self.conn.send(None)
            self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


class ProcessBackend:
    """Run trials on ``workers`` local processes; see the module docstring."""

    def __init__(self, workers: int = 1, time_limit: float | None = None):
        self.workers, self.time_limit = workers, time_limit

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False

    def run(self, trial, metric, tasks, on_record):
        if getattr(current_process(), "_inheriting", False):    # a worker importing the script
            raise SystemExit(f"nnref.tuning: {GUARD_HINT}.")       # one line, not a traceback
        try:
            pickle.dumps(trial)
        except Exception as exc:  # noqa: BLE001 - any pickling failure means the same thing
            raise TypeError(
                "trial must be picklable for backend='process' (a top-level function of an "
                f"importable module, or a functools.partial of one). Received: trial={trial!r} ({exc})"
            ) from exc
        pending = deque(tasks)
        if not pending:
            return
        ctx = get_context("spawn")
        pool = [_Worker(ctx, trial, metric) for _ in range(min(self.workers, len(pending)))]
        graceful = False
        try:
            while pending or any(w.task is not None for w in pool):
                for worker in pool:
                    if worker.ready and worker.task is None and pending:
                        worker.assign(pending.popleft(), self.time_limit)
                self._step(pool, ctx, trial, metric, on_record)
            graceful = True
        finally:
            for worker in pool:
                worker.stop(graceful)

    def _step(self, pool, ctx, trial, metric, on_record):
        """Wait for the next event (a message, a death, a deadline) and handle it."""
        deadlines = [w.deadline for w in pool if w.deadline is not None]
        timeout = max(0.0, min(deadlines) - time.perf_counter()) if deadlines else None
        ready = set(wait([w.conn for w in pool] + [w.process.sentinel for w in pool], timeout))
        for i, worker in enumerate(pool):
            if worker.conn in ready or worker.process.sentinel in ready:
                message = worker.receive() if worker.conn.poll() else None
                if message == _READY:
                    worker.ready = True
                    continue
                if message is not None:
                    on_record(message)
                    worker.task = worker.deadline = None
                    continue
                # The pipe is closed: the worker process has died.
                worker.process.join()
                code = worker.process.exitcode
                if not worker.ready:
                    raise RuntimeError(
                        f"a worker process died while loading the trial function (exit code {code}); "
                        f"see its message above. Is the trial function importable from a fresh "
                        f"interpreter? And {GUARD_HINT}.")
                if worker.task is not None:
                    trial_id, round_, config = worker.task
                    on_record(failed_record(trial_id, config,
                                            f"WorkerDied: the worker process exited with code {code}",
                                            time.perf_counter() - worker.started, round_))
                pool[i] = self._replace(worker, ctx, trial, metric)
            elif worker.deadline is not None and time.perf_counter() >= worker.deadline:
                trial_id, round_, config = worker.task
                on_record(failed_record(trial_id, config, timeout_error(self.time_limit),
                                        time.perf_counter() - worker.started, round_))
                pool[i] = self._replace(worker, ctx, trial, metric)

    @staticmethod
    def _replace(worker, ctx, trial, metric):
        worker.stop(graceful=False)
        return _Worker(ctx, trial, metric)
