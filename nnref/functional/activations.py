"""Activation functions as forward/backward pairs.

Every activation is a pair ``forward(z) -> a`` and ``backward(da, z, a) -> dz``; the backward
takes both the pre-activation ``z`` and the output ``a`` so that each derivative is written in its
cheapest exact form (sigmoid and tanh from ``a``, relu from ``z``). Shapes: ``z``, ``a``, ``da``
and ``dz`` all have the same shape; ``softmax`` normalises over ``axis`` (the last axis in the
batch-first layout, axis 0 in the course's ``(n, m)`` layout).

``ACTIVATIONS`` maps each name to its pair; ``get(name)`` looks one up.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from nnref._checks import check_type

# Keras 3's keras.activations.leaky_relu default (the LeakyReLU *layer* defaults to 0.3).
LEAKY_RELU_SLOPE = 0.2


def linear(z: np.ndarray) -> np.ndarray:
    """a = z."""
    return z


def linear_backward(da: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """dz = da."""
    return da


def sigmoid(z: np.ndarray) -> np.ndarray:
    """a = 1 / (1 + e^(-z)), evaluated without overflow for any finite z.

    For z >= 0 it is 1 / (1 + e^-z); for z < 0 the equal form e^z / (1 + e^z), so the
    exponential never exceeds 1.
    """
    e = np.exp(-np.abs(z))                        # in (0, 1]
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_backward(da: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """dz = da · a · (1 − a)."""
    return da * a * (1.0 - a)


def tanh(z: np.ndarray) -> np.ndarray:
    """a = tanh(z)."""
    return np.tanh(z)


def tanh_backward(da: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """dz = da · (1 − a²)."""
    return da * (1.0 - a * a)


def relu(z: np.ndarray) -> np.ndarray:
    """a = max(0, z)."""
    return np.maximum(z, 0)


def relu_backward(da: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """dz = da where z > 0, else 0 (the course's ``dZ[Z <= 0] = 0``)."""
    return np.where(z > 0, da, 0).astype(da.dtype, copy=False)


def leaky_relu(z: np.ndarray, negative_slope: float = LEAKY_RELU_SLOPE) -> np.ndarray:
    """a = z for z > 0, negative_slope · z otherwise (Keras: ``activations.leaky_relu``)."""
    return np.where(z > 0, z, negative_slope * z)


def leaky_relu_backward(da: np.ndarray, z: np.ndarray, a: np.ndarray,
                        negative_slope: float = LEAKY_RELU_SLOPE) -> np.ndarray:
    """dz = da for z > 0, negative_slope · da otherwise."""
    return np.where(z > 0, da, negative_slope * da)


def softplus(z: np.ndarray) -> np.ndarray:
    """a = log(1 + e^z) = max(z, 0) + log1p(e^(−|z|)), finite for any finite z."""
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def softplus_backward(da: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """dz = da · sigmoid(z)."""
    return da * sigmoid(z)


def shifted_exp(z: np.ndarray, axis: int = -1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pieces softmax and log-softmax share along ``axis``: ``(s, e, total)`` with
    s = z − max z (z's shape), e = e^s (z's shape) and total = Σ e (``axis`` kept, size 1)."""
    z = np.asarray(z)
    shifted = z - z.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return shifted, e, e.sum(axis=axis, keepdims=True)


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """a_i = e^(z_i − max z) / Σ_j e^(z_j − max z) along ``axis``; shifting by the max keeps
    every exponential in (0, 1], so logits of any size stay finite."""
    _, e, total = shifted_exp(z, axis)
    return e / total


def softmax_backward(da: np.ndarray, z: np.ndarray, a: np.ndarray, axis: int = -1) -> np.ndarray:
    """dz = a ⊙ (da − Σ_j da_j a_j): the Jacobian-vector product of softmax along ``axis``."""
    return a * (da - np.sum(da * a, axis=axis, keepdims=True))


class Activation(NamedTuple):
    forward: Callable[[np.ndarray], np.ndarray]
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


ACTIVATIONS: dict[str, Activation] = {
    "linear": Activation(linear, linear_backward),
    "sigmoid": Activation(sigmoid, sigmoid_backward),
    "tanh": Activation(tanh, tanh_backward),
    "relu": Activation(relu, relu_backward),
    "leaky_relu": Activation(leaky_relu, leaky_relu_backward),
    "softplus": Activation(softplus, softplus_backward),
    "softmax": Activation(softmax, softmax_backward),
}


def get(name: str | None) -> Activation:
    """The (forward, backward) pair for an activation name; ``None`` means "linear"."""
    if name is None:
        name = "linear"
    check_type("activation", name, str, "a name (str) or None")
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"Unknown activation: expected one of {sorted(ACTIVATIONS)}. "
            f"Received: activation={name!r}") from None
