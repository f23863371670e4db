"""nnref: the deep-learning course algorithms, written from scratch in NumPy.

Submodules are imported on first use (``nnref.layers``, ``nnref.models``, ...), so that
``import nnref`` is fast and the command line starts quickly.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = (
    "activations", "callbacks", "course", "data", "datasets", "ewa", "functional",
    "gradcheck", "grading", "initializers", "layers", "losses", "models", "optimizers",
    "regularizers", "schedules", "training", "tuning", "weights", "augment", "backend",
)
_BACKEND_FUNCTIONS = ("set_backend", "get_backend")     # nnref.set_backend("numpy")


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"nnref.{name}")
    if name in _BACKEND_FUNCTIONS:
        return getattr(importlib.import_module("nnref.backend"), name)
    raise AttributeError(f"module 'nnref' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES) + list(_BACKEND_FUNCTIONS))
