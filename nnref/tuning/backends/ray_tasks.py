"""Run trials as Ray tasks, on a local Ray runtime or an existing cluster (``address=``).

Ray does the scheduling, the worker processes and the data transfer; this module keeps at most
``workers`` trials in flight and enforces the time limit. Each trial is a Ray *streaming
generator* task that first yields ``"started"``, then the ``TrialRecord``, so a trial's time
limit counts from when it starts running, not from when Ray received it (starting a Ray worker
can take seconds):

    remote = ray.remote(stream_trial).options(num_cpus=1, max_retries=0, num_returns="streaming")
    gen    = remote.remote(trial_ref, trial_id, config, metric, round)      # ≤ workers in flight
    ray.wait(gens, num_returns=1, timeout=<time to the nearest deadline>)    # "started", then the record
    over the limit → ray.cancel(gen, force=True) (kills that worker), the trial is recorded failed
    a task error (worker crash, out of memory) → the trial is recorded failed with Ray's message

Install with ``pip install "nnref[ray]"``. Without ``address`` and when Ray is not running yet,
a local runtime is started with ``num_cpus=workers``, no dashboard, one BLAS thread per worker,
and shut down at the end; a runtime that is already initialized (``ray.init`` by the caller)
is used as it is and left running.
"""
from __future__ import annotations

import time

from nnref.tuning.backends.process import BLAS_ENV
from nnref.tuning.trial import failed_record, run_trial, timeout_error

_STARTED = "started"


def _import_ray():
    try:
        import ray
    except ImportError as exc:
        raise ImportError('backend="ray" needs Ray: pip install "nnref[ray]"') from exc
    return ray


class RayBackend:
    """Trials as Ray tasks; see the module docstring."""

    def __init__(self, workers: int | None = None, time_limit: float | None = None,
                 address: str | None = None):
        self.workers, self.time_limit, self.address = workers, time_limit, address
        self._started = False

    def __enter__(self):
        ray = _import_ray()
        if not ray.is_initialized():
            if self.address is None:
                ray.init(num_cpus=self.workers, include_dashboard=False,
                         runtime_env={"env_vars": dict(BLAS_ENV)})
            else:
                ray.init(address=self.address)
            self._started = True
        return self

    def __exit__(self, *exc_info):
        if self._started:
            _import_ray().shutdown()
            self._started = False
        return False

    def run(self, trial, metric, tasks, on_record):
        ray = _import_ray()
        if not ray.is_initialized():
            raise RuntimeError("RayBackend.run must be called inside `with RayBackend(...):`")
        workers = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        remote = ray.remote(stream_trial).options(num_cpus=1, max_retries=0, num_returns="streaming")
        trial_ref = ray.put(trial)  # serialized once, shared by every task
        pending = list(tasks)[::-1]  # pop() from the end: submission in trial_id order
        running = {}                 # generator -> (trial_id, round, config, started or None)
        try:
            while pending or running:
                while pending and len(running) < workers:
                    trial_id, round_, config = task = pending.pop()
                    running[remote.remote(trial_ref, trial_id, config, metric, round_)] = (*task, None)
                ready, _ = ray.wait(list(running), num_returns=1, timeout=self._timeout(running))
                for gen in ready:
                    self._receive(ray, gen, running, on_record)
                self._stop_overdue(ray, running, on_record)
        finally:
            for gen in running:
                ray.cancel(gen, force=True)

    def _timeout(self, running) -> float | None:
        """Seconds until the nearest deadline of a started trial (None: no deadline)."""
        starts = [started for *_, started in running.values() if started is not None]
        if self.time_limit is None or not starts:
            return None
        return max(0.0, min(starts) + self.time_limit - time.perf_counter())

    def _receive(self, ray, gen, running, on_record):
        trial_id, round_, config, started = running[gen]
        try:
            item = ray.get(next(gen))
        except (ray.exceptions.RayError, StopIteration) as exc:
            elapsed = 0.0 if started is None else time.perf_counter() - started
            item = failed_record(trial_id, config, f"{type(exc).__name__}: {exc}", elapsed, round_)
        if item == _STARTED:
            running[gen] = (trial_id, round_, config, time.perf_counter())
            return
        del running[gen]
        on_record(item)

    def _stop_overdue(self, ray, running, on_record):
        if self.time_limit is None:
            return
        now = time.perf_counter()
        for gen, (trial_id, round_, config, started) in list(running.items()):
            if started is not None and now - started >= self.time_limit:
                ray.cancel(gen, force=True)
                del running[gen]
                on_record(failed_record(trial_id, config, timeout_error(self.time_limit),
                                        now - started, round_))


def stream_trial(trial, trial_id, config, metric, round_):
    """The Ray task: say that the trial has started, then run it (``run_trial``)."""
    yield _STARTED
    yield run_trial(trial, trial_id, config, metric, round_)
