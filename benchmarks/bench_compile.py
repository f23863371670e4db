"""The fused kernels' first-run compilation (nnref[fast]) and their load from the disk cache.

Run by run.py in fresh processes that share one cache folder (``NUMBA_CACHE_DIR``), empty for
the first: the first process compiles, the next ones load the compiled code. Each reports the
seconds ``import numba`` took and, per dtype, the first training step of the SIGNS model (with
Adam; compiling or loading the loops it uses) less a warm step.
"""
from __future__ import annotations

import time

import numpy as np

import workload


def run() -> dict:
    from nnref import backend

    if backend.get_backend() != "numba":
        return {"status": "n/a: numba is not installed (nnref[fast])"}
    started = time.perf_counter()
    import numba  # noqa: F401
    result = {"status": "ran", "import_numba_s": time.perf_counter() - started}
    xs, y = workload.load_signs(*("float32", "float64"))
    for dtype, x in xs.items():
        model = workload.nnref_model(dtype)
        steps = []
        for _ in range(3):
            started = time.perf_counter()
            model.train_on_batch(x[:workload.BATCH_SIZE], y[:workload.BATCH_SIZE])
            steps.append(time.perf_counter() - started)
        result[f"first_step_extra_{dtype}_s"] = steps[0] - float(np.median(steps[1:]))
    return result
