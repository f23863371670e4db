"""Run trials as Ray tasks, on a local Ray runtime or an existing cluster (``address=``).

Ray does the scheduling, the worker processes and the data transfer; this module keeps at most
``workers`` trials in flight and enforces the time limit. Each trial is a Ray *streaming
generator* task that first yields ``"started"``, then the ``TrialRecord``, so a trial's time
limit counts from when it starts running, not from when Ray received it (starting a Ray worker
can take seconds):

    trial_ref = ray.put(trial)                   # once: the trial and the data it carries
    check_workers(ray, trial_ref)                # every node can import nnref and load the trial
    remote = ray.remote(stream_trial).options(num_cpus=1, max_retries=0, num_returns="streaming")
    gen    = remote.remote(trial_ref, trial_id, config, metric, round)      # ≤ workers in flight
    ray.wait(gens, num_returns=1, timeout=<time to the nearest deadline>)    # "started", then the record
    over the limit → ray.cancel(gen, force=True) (kills that worker), the trial is recorded failed
    a task error (worker crash, out of memory) → the trial is recorded failed with Ray's message

Nothing a trial needs travels as a path: a cluster's workers share neither the driver's disk nor
its environment. The trial function, with whatever it carries (``functools.partial(f,
data=arrays)``), goes into Ray's object store once and every task receives it by reference
(NumPy arrays arrive as read-only views of the node's shared memory, not copies); each
configuration travels with its task. Before the first trial, one task per node checks that the
node can import nnref and load the trial (its function's module included): a cluster without
them fails at once with a ``RuntimeError`` naming the node and the import error, rather than
with every trial. Such modules can also travel with the job:
``ray.init(address=..., runtime_env={"py_modules": [nnref, my_module]})`` before the search.

Install with ``pip install "nnref[ray]"``. Without ``address`` and when Ray is not running yet,
a local runtime is started with ``num_cpus=workers``, no dashboard, and shut down at the end;
with ``address`` the driver connects to that cluster (``"auto"``: the one started on this
machine by ``ray start``) and disconnects at the end. Either way its workers run with one
BLAS thread (``BLAS_ENV``, as the process pool's, so both give the same numbers). A runtime that is
already initialized (``ray.init`` by the caller) is used as it is and left running.
"""
from __future__ import annotations

import time
import warnings

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
        self._shipped = None  # (trial, its ObjectRef): put once per trial, however many rounds

    def __enter__(self):
        ray = _import_ray()
        if not ray.is_initialized():
            job_env = {"env_vars": dict(BLAS_ENV)}
            if self.address is None:
                ray.init(num_cpus=self.workers, include_dashboard=False, runtime_env=job_env)
            else:
                ray.init(address=self.address, runtime_env=job_env)
            self._started = True
        return self

    def __exit__(self, *exc_info):
        self._shipped = None
        if self._started:
            _import_ray().shutdown()
            self._started = False
        return False

    def _ship(self, ray, trial):
        """The trial's ObjectRef: put in the object store and checked on every node, once."""
        if self._shipped is None or self._shipped[0] is not trial:
            trial_ref = ray.put(trial)
            check_workers(ray, trial_ref)
            self._shipped = (trial, trial_ref)
        return self._shipped[1]

    def run(self, trial, metric, tasks, on_record):
        ray = _import_ray()
        if not ray.is_initialized():
            raise RuntimeError("RayBackend.run must be called inside `with RayBackend(...):`")
        pending = list(tasks)[::-1]  # pop() from the end: submission in trial_id order
        if not pending:
            return
        trial_ref = self._ship(ray, trial)
        workers = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        remote = ray.remote(stream_trial).options(num_cpus=1, max_retries=0, num_returns="streaming")
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


def worker_nnref_version(trial) -> str:
    """The check task: ``trial`` arrives unpickled (its module imported); nnref's version."""
    import nnref

    return nnref.__version__


def check_workers(ray, trial_ref) -> None:
    """Run ``worker_nnref_version(trial)`` on every alive node with a CPU, before any trial.

    Raises ``RuntimeError`` naming the node and the error when a node cannot import nnref or
    load the trial; warns when a node runs another nnref version than this process.
    """
    import nnref
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    check = ray.remote(worker_nnref_version)
    nodes = [n for n in ray.nodes() if n.get("Alive") and n.get("Resources", {}).get("CPU", 0) >= 1]
    checks = [(node, check.options(num_cpus=1, max_retries=0, scheduling_strategy=NodeAffinitySchedulingStrategy(
        node["NodeID"], soft=False)).remote(trial_ref)) for node in nodes]
    for node, ref in checks:
        where = node.get("NodeManagerAddress", node["NodeID"])
        try:
            version = ray.get(ref)
        except ray.exceptions.RayError as exc:
            lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
            raise RuntimeError(
                f"backend='ray': the Ray workers on node {where} cannot load the trial: {lines[-1]}. "
                "Every node of the cluster needs nnref (pip install \"nnref[ray]\") and the module "
                "the trial function is defined in; or send them with the job: ray.init(address=..., "
                "runtime_env={\"py_modules\": [nnref, your_module]}) before the search.") from None
        if version != nnref.__version__:
            warnings.warn(f"the Ray workers on node {where} run nnref {version}, this process "
                          f"nnref {nnref.__version__}: their results may differ", RuntimeWarning, stacklevel=3)
