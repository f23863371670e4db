"""Where trials run: ``"process"`` (local process pool, the default), ``"ray"``, ``"serial"``.

A backend executes a list of already-sampled tasks ``(trial_id, round, config)`` and hands each
``TrialRecord`` to ``on_record`` as soon as it is known (the search appends it to its results
file). Which trials run, and in which order they are reported, does not depend on the backend:
the configurations are drawn up front by the search's own seeded sampler, and results are
sorted by ``trial_id``, so the same seed gives the same trials and the same best result on every
backend.

    serial    this process, one trial at a time; a time limit is checked after the trial returns
              (Python cannot interrupt a running function), debugging and closures
    process   K spawned worker processes with one BLAS thread each; a trial over its time limit,
              or one that kills its worker, is stopped, recorded as failed, and the worker replaced
    ray       Ray tasks (one CPU each, no retries) on a local Ray runtime or the cluster at
              ``address``; the trial goes into the object store once, every node is checked to
              load it before the first trial; a trial over its time limit is cancelled with
              ``ray.cancel(force=True)``

Whatever a trial needs travels with it, never as a path (a cluster's workers share neither the
driver's disk nor its environment): bind data to the trial function with
``functools.partial(trial, data=arrays)``; each configuration travels with its task.
"""
from __future__ import annotations

from nnref._checks import check_choice, check_int, check_real
from nnref.tuning.backends.process import ProcessBackend
from nnref.tuning.backends.serial import SerialBackend

BACKENDS = ("process", "ray", "serial")


def get_backend(backend: str = "process", *, workers: int | None = None,
                time_limit: float | None = None, address: str | None = None):
    """A backend by name (see the module docstring), validated; use it as a context manager."""
    workers = check_int("workers", workers, low=1, allow_none=True)
    time_limit = check_real("time_limit", time_limit, low=0, low_open=True, allow_none=True,
                            expected="a finite number of seconds > 0")
    check_choice("backend", backend, BACKENDS)
    if address is not None and backend != "ray":
        raise ValueError(f"address is only used by backend='ray'. Received: address={address!r}, "
                         f"backend={backend!r}")
    if backend == "ray":
        from nnref.tuning.backends.ray_tasks import RayBackend

        return RayBackend(workers=workers, time_limit=time_limit, address=address)
    if backend == "process":
        return ProcessBackend(workers=workers or 1, time_limit=time_limit)
    return SerialBackend(time_limit=time_limit)
