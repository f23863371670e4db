"""Peak memory of ``fit`` against the size of data + parameters + optimizer state.

Run in a fresh process per dtype (the runner does this; TensorFlow is never imported here).
Two measures of the same two-epoch ``fit`` of the SIGNS course model:

- tracemalloc: the peak of all memory Python and NumPy allocated and still held, including the
  data, during ``fit`` (tracing starts before the data are loaded; the peak is reset just before
  ``fit``);
- resident set size: the process's peak RSS during ``fit`` (Linux: the peak is reset through
  /proc/self/clear_refs first; elsewhere ``ru_maxrss`` covers the whole process), which also
  counts the interpreter and the loaded libraries.

The budget is the bytes of x (in the model's dtype) and y, plus the model's weights, plus the
optimizer's state (Adam's m and v).
"""
from __future__ import annotations

import resource
import sys
import tracemalloc

import numpy as np

import workload

EPOCHS = 2


def _reset_peak_rss() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _rss_kib(field: str) -> int | None:
    """VmRSS / VmHWM from /proc/self/status, in KiB (None off Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _maxrss_bytes() -> int:
    scale = 1 if sys.platform == "darwin" else 1024            # macOS reports bytes, Linux KiB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _compile_fused_kernels(dtype: str) -> None:
    """With the numba backend, compile (or load) Adam's fused loop before tracing starts: the
    compiler's objects are a one-off cost of the process, not memory that ``fit`` holds."""
    from nnref import _fast, backend
    from nnref.functional import optim

    if backend.get_backend() == "numba":
        w = np.ones(_fast.MIN_SIZE, dtype)
        optim.adam_update(w, w.copy(), np.zeros_like(w), np.zeros_like(w), 1, 1e-3, 0.9, 0.999,
                          1e-8, work=optim.work_arrays(w, 2))


def run(dtype: str) -> dict:
    _compile_fused_kernels(dtype)
    tracemalloc.start()
    xs, y = workload.load_signs(dtype)
    x = xs[dtype]
    model = workload.nnref_model(dtype)
    rss_before = _rss_kib("VmRSS")
    reset = _reset_peak_rss()
    tracemalloc.reset_peak()
    held_before, _ = tracemalloc.get_traced_memory()
    model.fit(x, y, batch_size=workload.BATCH_SIZE, epochs=EPOCHS, shuffle=True, seed=0, verbose=0)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    sizes = {"data": workload.data_bytes(x, y), **workload.model_bytes(model)}
    budget = sum(sizes.values())
    if reset and _rss_kib("VmHWM") is not None:
        rss_peak, rss_method = _rss_kib("VmHWM") * 1024, "VmHWM during fit"
    else:
        rss_peak, rss_method = _maxrss_bytes(), "ru_maxrss of the whole process"
    return {
        "dtype": dtype, "epochs": EPOCHS, "sizes": sizes, "budget": budget,
        "tracemalloc_held_before_fit": held_before,
        "tracemalloc_peak": traced_peak,
        "tracemalloc_peak_over_budget": traced_peak / budget,
        "rss_before_fit": None if rss_before is None else rss_before * 1024,
        "rss_peak": rss_peak, "rss_method": rss_method,
        "rss_peak_over_budget": rss_peak / budget,
    }
