"""Shared by the tests of both engines: run code under the "numpy" or the "numba" backend.

``use_engine(name, monkeypatch)`` selects the engine; for "numba" every array, however small,
goes through the fused loops (``MIN_SIZE`` = 0) and a counter records each fused call, so a test
can check the loops really ran; "numba-parallel" is numba with every array sent to the parallel
loops (``PARALLEL_SIZE`` = 0, two threads even on one core). Needs numba for both (fails in CI
without it).
"""
from nnref import backend

ENGINES = ("numpy", "numba", "numba-parallel")


def use_engine(name, monkeypatch):
    """Select ``name``; returns a list that receives each fused loop used (numba only)."""
    from conftest import require_module

    monkeypatch.setattr(backend, "_chosen", None)
    used = []
    if name.startswith("numba"):
        require_module("numba")
        from nnref import _fast

        kernel, loop_for = _fast.kernel, _fast.loop_for

        def counting(rule, first):                    # optimizers ask here directly
            loop = loop_for(rule, first)
            used.append(loop)
            return loop

        def counting_kernel(rule, arrays):            # the other callers; asks loop_for unless
            asked = len(used)                         # its own checks refuse the arrays
            loop = kernel(rule, arrays)
            if len(used) == asked:
                used.append(loop)
            return loop

        monkeypatch.setattr(_fast, "MIN_SIZE", 0)
        monkeypatch.setattr(_fast, "loop_for", counting)
        monkeypatch.setattr(_fast, "kernel", counting_kernel)
        if name == "numba-parallel":
            monkeypatch.setattr(_fast, "PARALLEL_SIZE", 0)
            monkeypatch.setattr(_fast, "threads", lambda: 2)
    backend.set_backend(name.split("-")[0])
    return used
