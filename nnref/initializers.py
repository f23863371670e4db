"""Weight initializers by name.

An initializer is a callable ``init(shape, rng, dtype) -> ndarray``; ``shape`` is
``(fan_in, fan_out)`` for a Dense kernel (Keras layout) or ``(n,)`` for a vector.
Randomness comes only from the ``numpy.random.Generator`` passed in.

Keras's names (same distributions, not the same draws: Keras uses TensorFlow's RNG):
    zeros, ones, random_normal (σ = 0.05), random_uniform (±0.05),
    glorot_normal  truncated normal, σ = √(2/(fan_in + fan_out))
    glorot_uniform U(±√(6/(fan_in + fan_out)))
    he_normal      truncated normal, σ = √(2/fan_in)
    he_uniform     U(±√(6/fan_in))
"Truncated" is Keras's: values beyond 2σ are re-drawn, and σ is first divided by 0.87962566103423978
(the std of a unit normal truncated at ±2) so the result has the stated std.
The course's own scalings, drawn as ``randn(shape) · scale``:
    course_random  scale 0.01                     (course 1 week 4: "W = np.random.randn(...) * 0.01")
    course_xavier  scale √(1/fan_in)              (course 2 week 1, Xavier initialization)
    course_he      scale √(2/fan_in)              (course 2 week 1, He initialization)
"""
from __future__ import annotations

from typing import Callable

import numpy as np

Initializer = Callable[[tuple, np.random.Generator, np.dtype], np.ndarray]

_TRUNCATED_STD = 0.87962566103423978


def _fans(shape: tuple) -> tuple[int, int]:
    if len(shape) == 1:
        return shape[0], shape[0]
    return shape[0], shape[-1]


def truncated_normal(shape: tuple, rng: np.random.Generator, std: float) -> np.ndarray:
    """Normal(0, std) samples, each outside ±2·std re-drawn until inside."""
    out = rng.standard_normal(shape)
    bad = np.abs(out) > 2.0
    while bad.any():
        out[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2.0
    return out * std


def zeros(shape, rng, dtype):
    return np.zeros(shape, dtype=dtype)


def ones(shape, rng, dtype):
    return np.ones(shape, dtype=dtype)


def random_normal(shape, rng, dtype):
    return (rng.standard_normal(shape) * 0.05).astype(dtype)


def random_uniform(shape, rng, dtype):
    return rng.uniform(-0.05, 0.05, shape).astype(dtype)


def glorot_normal(shape, rng, dtype):
    fan_in, fan_out = _fans(shape)
    return truncated_normal(shape, rng, np.sqrt(2.0 / (fan_in + fan_out)) / _TRUNCATED_STD).astype(dtype)


def glorot_uniform(shape, rng, dtype):
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, shape).astype(dtype)


def he_normal(shape, rng, dtype):
    fan_in, _ = _fans(shape)
    return truncated_normal(shape, rng, np.sqrt(2.0 / fan_in) / _TRUNCATED_STD).astype(dtype)


def he_uniform(shape, rng, dtype):
    fan_in, _ = _fans(shape)
    limit = np.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, shape).astype(dtype)


def _course_scaled(scale_of_fan_in: Callable[[int], float]) -> Initializer:
    def init(shape, rng, dtype):
        fan_in, _ = _fans(shape)
        return (rng.standard_normal(shape) * scale_of_fan_in(fan_in)).astype(dtype)
    return init


course_random = _course_scaled(lambda n: 0.01)
course_xavier = _course_scaled(lambda n: np.sqrt(1.0 / n))
course_he = _course_scaled(lambda n: np.sqrt(2.0 / n))

INITIALIZERS: dict[str, Initializer] = {
    "zeros": zeros, "ones": ones, "random_normal": random_normal, "random_uniform": random_uniform,
    "glorot_normal": glorot_normal, "glorot_uniform": glorot_uniform,
    "he_normal": he_normal, "he_uniform": he_uniform,
    "course_random": course_random, "course_xavier": course_xavier, "course_he": course_he,
}


def get(identifier: str | Initializer, argument: str = "initializer") -> Initializer:
    """An initializer from its name, or a callable ``(shape, rng, dtype) -> ndarray`` as is.
    ``argument`` is the caller's parameter name (e.g. "kernel_initializer") for the error message."""
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in INITIALIZERS:
        return INITIALIZERS[identifier]
    raise ValueError(f"Unknown initializer: expected one of {sorted(INITIALIZERS)} or a callable "
                     f"(shape, rng, dtype). Received: {argument}={identifier!r}")
