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
    """Does what ``config["behaviour"]`` says, then scores like ``quadratic``."""
    behaviour = config["behaviour"]
    if behaviour == "raise":
        raise ValueError(f"bad config lr={config['lr']}")
    if behaviour == "nan":
        return {"score": float("nan")}
    if behaviour == "sleep":
        time.sleep(60)
    if behaviour == "exit":
        os._exit(3)
    return quadratic(config)


def blas_threads(config):
    """Reports the worker's BLAS/OpenMP thread settings."""
    return {"score": 1.0, "omp": int(os.environ.get("OMP_NUM_THREADS", "-1")),
            "openblas": int(os.environ.get("OPENBLAS_NUM_THREADS", "-1")), "pid": os.getpid()}
