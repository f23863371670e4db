"""Which engine runs the per-element passes of a training step: "numba" or "numpy".

With the ``nnref[fast]`` extra installed (numba), the optimizer updates run as fused loops
(parallel for arrays of millions of weights) compiled from the same rules NumPy runs (:mod:`nnref.functional.rules`); the results are
identical bit for bit, only faster. Without numba, or after ``set_backend("numpy")``, or with the
environment variable ``NNREF_BACKEND=numpy``, NumPy runs everything.

    import nnref
    nnref.set_backend("numpy")      # or "numba"; nnref.get_backend() tells which is in use

numba is imported only when a large enough array is first updated, so ``import nnref`` and
small jobs (the course functions, grading) never pay its import or compilation.
"""
from __future__ import annotations

import importlib.util
import os
from functools import lru_cache

BACKENDS = ("numpy", "numba")
ENVIRONMENT_VARIABLE = "NNREF_BACKEND"

_chosen: str | None = None          # set_backend's choice; None: the environment's or the default


@lru_cache(maxsize=None)
def numba_available() -> bool:
    """Whether numba is installed (the ``nnref[fast]`` extra; looked up once)."""
    return importlib.util.find_spec("numba") is not None


def _check(name, source) -> str:
    if name not in BACKENDS:
        raise ValueError(f"{source} must be one of {BACKENDS}. Received: {source}={name!r}")
    if name == "numba" and not numba_available():
        raise ImportError(f"{source}='numba' needs numba: pip install \"nnref[fast]\"")
    return name


def set_backend(name: str) -> None:
    """Use ``"numba"`` (fused loops; needs ``nnref[fast]``) or ``"numpy"`` from now
    on, in this process. Overrides the ``NNREF_BACKEND`` environment variable."""
    global _chosen
    _chosen = _check(name, "backend")


def explicit() -> bool:
    """Whether the backend was chosen (``set_backend`` or ``NNREF_BACKEND``), not defaulted."""
    return _chosen is not None or bool(os.environ.get(ENVIRONMENT_VARIABLE))


def get_backend() -> str:
    """The engine in use: ``set_backend``'s choice, else ``$NNREF_BACKEND``, else ``"numba"``
    when numba is installed and ``"numpy"`` otherwise."""
    if _chosen is not None:
        return _chosen
    name = os.environ.get(ENVIRONMENT_VARIABLE)
    if name:
        return _check(name, ENVIRONMENT_VARIABLE)
    return "numba" if numba_available() else "numpy"
