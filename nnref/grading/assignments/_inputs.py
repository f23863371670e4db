"""Building blocks for the cases' inputs.

``course_rng(seed)`` is NumPy's legacy ``RandomState``: drawing from it after ``seed`` gives
the numbers the course's test cases get after ``np.random.seed(seed)``, without touching the
global generator. ``rng(seed)`` is a ``numpy.random.Generator`` for the extra random cases.
"""
from __future__ import annotations

import numpy as np


def course_rng(seed: int) -> np.random.RandomState:
    return np.random.RandomState(seed)


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def probabilities(generator: np.random.Generator, shape) -> np.ndarray:
    """Values in [0.05, 0.95]: activations of a sigmoid output, away from 0 and 1."""
    return generator.uniform(0.05, 0.95, size=shape)


def labels(generator: np.random.Generator, shape) -> np.ndarray:
    """0/1 labels as int64 (as the course's ``Y``)."""
    return generator.integers(0, 2, size=shape)


def layered(draw, dims, prefix=""):
    """``{prefix + "W1": (n_1, n_0), prefix + "b1": (n_1, 1), ...}`` drawn with ``draw(*shape)``."""
    out = {}
    for l in range(1, len(dims)):
        out[f"{prefix}W{l}"] = draw(dims[l], dims[l - 1])
        out[f"{prefix}b{l}"] = draw(dims[l], 1)
    return out


def call_with_saved_rng(fn, *args, **kwargs):
    """Call ``fn`` and restore NumPy's global generator afterwards (for an answer-key function
    that seeds it, used to build realistic inputs)."""
    state = np.random.get_state()
    try:
        return fn(*args, **kwargs)
    finally:
        np.random.set_state(state)
