"""Top-level trial functions for the tuning tests (worker processes and Ray tasks import them)."""
from __future__ import annotations

import math
import os
import time

OPTIMUM_LR, OPTIMUM_UNITS = 1e-2, 20


def quadratic(config):
    """A smooth objective, best at lr = 1e-2 (on a log scale) and units = 20: score <= 0."""
    score = -(math.log10(config["lr"]) - math.log10(OPTIMUM_LR)) ** 2
    if "units" in config:
        score -= ((config["units"] - OPTIMUM_UNITS) / 10) ** 2
    return {"score": score, "loss": -score}


def behaves(config):
    """Does what ``config["behaviour"]`` says, then scores like ``quadratic``.

    ``"hang"`` writes its process id to ``config["pid_file"]`` (when given), then never returns
    (an hour): only a time limit ends it. ``"pid"`` also reports the process that ran it.
    """
    behaviour = config["behaviour"]
    if behaviour == "raise":
        raise ValueError(f"bad config lr={config['lr']}")
    if behaviour == "nan":
        return {"score": float("nan")}
    if behaviour == "hang":
        if "pid_file" in config:
            with open(config["pid_file"], "w") as f:
                f.write(str(os.getpid()))
        time.sleep(3600)
    if behaviour == "exit":
        os._exit(3)
    if behaviour == "pid":
        return {**quadratic(config), "pid": os.getpid()}
    return quadratic(config)


def blas_threads(config):
    """Reports the worker's BLAS/OpenMP thread settings."""
    return {"score": 1.0, "omp": int(os.environ.get("OMP_NUM_THREADS", "-1")),
            "openblas": int(os.environ.get("OPENBLAS_NUM_THREADS", "-1")), "pid": os.getpid()}


def weighted_sum(config, weights):
    """Scores ``config["lr"]`` with ``weights`` (an array shipped with the trial); reports whether
    the array the trial received is writeable (a read-only view of Ray's object store is not)."""
    return {"score": float(config["lr"] * weights.sum()), "writeable": int(weights.flags.writeable),
            "pid": os.getpid()}


# ------------------------------------------------------------ shared by the backend tests
def run_behaviours(backend: str, kinds, *, pid_file=None, **options):
    """Run one ``behaves`` task per kind (trial ids 0, 1, ...) on ``backend``; records by trial id."""
    from nnref.tuning.backends import get_backend

    extra = {} if pid_file is None else {"pid_file": str(pid_file)}
    tasks = [(i, 0, {"lr": 0.01, "behaviour": kind, **extra}) for i, kind in enumerate(kinds)]
    records = []
    with get_backend(backend, **options) as runner:
        runner.run(behaves, "score", tasks, records.append)
    return sorted(records, key=lambda r: r.trial_id)


def check_failures_are_recorded(records):
    """Records of the kinds ["ok", "raise", "nan", "exit", "ok"]: each failure named, the search
    going on after the crash. Returns the crashed trial's record (its error depends on the backend)."""
    assert [r.trial_id for r in records] == list(range(5))
    assert records[0].ok and records[0].metrics["score"] == 0.0
    assert records[1].error == "ValueError: bad config lr=0.01"
    assert records[2].error == "FloatingPointError: metric 'score' is nan"
    assert not records[3].ok
    assert records[4].ok  # ran after the crash
    return records[3]


def check_the_hung_trial_was_stopped(records, pid_file, limit_text):
    """Records of ["hang", "pid"] run with one worker: the first stopped at its limit, the second
    run by another process. Returns the hung trial's process id."""
    hung, after = records
    assert hung.error == f"TimeoutError: trial exceeded its time limit of {limit_text} and was stopped"
    hung_pid = int(open(pid_file).read())  # it did start
    assert after.ok and after.metrics["pid"] != hung_pid
    return hung_pid
