"""nnref: the deep-learning course algorithms, written from scratch in NumPy.

Submodules are imported on first use (``nnref.layers``, ``nnref.models``, ...), so that
``import nnref`` is fast and the command line starts quickly.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

from nnref.check import check  # noqa: E402  (nnref.check(fn): light, imports on first call)

_SUBMODULES = (
    "activations", "callbacks", "course", "data", "datasets", "ewa", "functional",
    "gradcheck", "grading", "initializers", "layers", "losses", "models", "optimizers",
    "regularizers", "schedules", "training", "tuning", "weights", "augment", "metrics", "saving",
    "utils", "backend",
)
# Keras's top-level names, for scripts that say `keras.Input`, `keras.Sequential`; and the
# engine switch, `nnref.set_backend("numpy")`.
_TOP_LEVEL = {"Input": "nnref.layers", "Sequential": "nnref.models",
              "set_backend": "nnref.backend", "get_backend": "nnref.backend"}


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"nnref.{name}")
    if name in _TOP_LEVEL:
        return getattr(importlib.import_module(_TOP_LEVEL[name]), name)
    raise AttributeError(f"module 'nnref' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES) + list(_TOP_LEVEL))
