"""Cross-entropy losses and their gradients, numerically stable.

Binary, per element (y ∈ [0, 1], p = σ(z)):
    from probabilities: ℓ = −[y·log p + (1 − y)·log(1 − p)]
    from logits:        ℓ = max(z, 0) − z·y + log(1 + e^(−|z|))     (the same value, no overflow)
    gradient:           ∂ℓ/∂p = (p − y) / (p(1 − p)),   ∂ℓ/∂z = σ(z) − y
Categorical, per example (y a one-hot or probability row along ``axis``):
    from probabilities: ℓ = −Σ_k y_k·log p_k
    from logits:        ℓ = −Σ_k y_k·log_softmax(z)_k,  log_softmax(z) = z − max z − log Σ e^(z − max z)
    gradient:           ∂ℓ/∂p = −y/p,   ∂ℓ/∂z = softmax(z)·Σ_k y_k − y
Reduction: "mean" averages over examples (and, for the binary loss, over every output unit, as
Keras's mean over the last axis then the batch); "sum" adds them (the course's
``compute_total_loss``); "none" returns the per-example values.

Keras difference: from probabilities Keras clips p into [ε, 1 − ε] with ε = 1e-7 (and divides a
categorical row by its sum). Pass ``epsilon=1e-7`` to reproduce the clip; the course formula
(``epsilon=0``) does not clip. Where the clip is active the gradient is 0, as Keras's.
"""
from __future__ import annotations

import numpy as np

from nnref.functional.activations import shifted_exp, sigmoid, softmax

REDUCTIONS = ("mean", "sum", "none")


def _reduce(per_example: np.ndarray, reduction: str, count: int):
    if reduction == "mean":
        return per_example.sum() / count
    if reduction == "sum":
        return per_example.sum()
    if reduction == "none":
        return per_example
    raise ValueError(f"reduction must be one of {REDUCTIONS}. Received: reduction={reduction!r}")


def _scale(reduction: str, count: int) -> float:
    return 1.0 / count if reduction == "mean" else 1.0


def _clip(p: np.ndarray, epsilon: float) -> np.ndarray:
    return np.clip(p, epsilon, 1.0 - epsilon) if epsilon > 0 else p


def binary_crossentropy(y: np.ndarray, x: np.ndarray, *, from_logits: bool = False,
                        reduction: str = "mean", epsilon: float = 0.0):
    """Binary cross-entropy. y, x: (m, k) (or any equal shapes); x holds p or logits z.

    "mean" divides by the number of elements; "none" returns the elementwise loss.
    """
    if from_logits:
        elem = np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))
    else:
        p = _clip(x, epsilon)
        elem = -(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))
    return _reduce(elem, reduction, elem.size)


def binary_crossentropy_backward(y: np.ndarray, x: np.ndarray, *, from_logits: bool = False,
                                 reduction: str = "mean", epsilon: float = 0.0) -> np.ndarray:
    """∂loss/∂x for ``binary_crossentropy``; same shape as x."""
    scale = _scale(reduction, x.size)
    if from_logits:
        return (sigmoid(x) - y) * scale
    p = _clip(x, epsilon)
    grad = -(y / p - (1.0 - y) / (1.0 - p)) * scale
    if epsilon > 0:
        grad = np.where((x < epsilon) | (x > 1.0 - epsilon), 0, grad).astype(x.dtype, copy=False)
    return grad


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """z − max z − log Σ e^(z − max z) along ``axis``: finite for logits of any size."""
    shifted, _, total = shifted_exp(z, axis)
    return _log_softmax(shifted, total)


def _log_softmax(shifted, total):
    return shifted - np.log(total)


def categorical_crossentropy(y: np.ndarray, x: np.ndarray, *, from_logits: bool = False,
                             reduction: str = "mean", axis: int = -1, epsilon: float = 0.0):
    """Categorical cross-entropy. y, x: (m, C) batch-first (axis=-1) or (C, m) (axis=0)."""
    logp = log_softmax(x, axis=axis) if from_logits else np.log(_clip(x, epsilon))
    return _crossentropy(y, logp, reduction, axis)


def _crossentropy(y, logp, reduction, axis):
    per_example = -(y * logp).sum(axis=axis)      # (m,)
    return _reduce(per_example, reduction, per_example.size)


def categorical_crossentropy_backward(y: np.ndarray, x: np.ndarray, *, from_logits: bool = False,
                                      reduction: str = "mean", axis: int = -1,
                                      epsilon: float = 0.0) -> np.ndarray:
    """∂loss/∂x for ``categorical_crossentropy``; same shape as x."""
    if from_logits:
        return _softmax_crossentropy_gradient(y, softmax(x, axis=axis), reduction, axis)
    scale = _scale(reduction, x.size // x.shape[axis])
    p = _clip(x, epsilon)
    grad = -(y / p) * scale
    if epsilon > 0:
        grad = np.where((x < epsilon) | (x > 1.0 - epsilon), 0, grad).astype(x.dtype, copy=False)
    return grad


def _softmax_crossentropy_gradient(y, p, reduction, axis):
    scale = _scale(reduction, p.size // p.shape[axis])
    return (p * y.sum(axis=axis, keepdims=True) - y) * scale


def categorical_crossentropy_with_gradient(y: np.ndarray, z: np.ndarray, *, reduction: str = "mean",
                                           axis: int = -1) -> tuple:
    """``(categorical_crossentropy(y, z, from_logits=True), its gradient)`` from one pass of
    :func:`shifted_exp` (training needs both every step), the same numbers bit for bit."""
    shifted, e, total = shifted_exp(z, axis)
    value = _crossentropy(y, _log_softmax(shifted, total), reduction, axis)
    return value, _softmax_crossentropy_gradient(y, e / total, reduction, axis)


def mean_squared_error(y: np.ndarray, x: np.ndarray, *, reduction: str = "mean"):
    """Mean squared error. y, x: (m, k). Per example ℓ = mean_k (x_k − y_k)² ("none": (m,));
    "mean" averages over examples too, i.e. over every element, as Keras."""
    per_example = np.mean(np.square(x - y), axis=-1)                 # (m,)
    return _reduce(per_example, reduction, per_example.size)


def mean_squared_error_backward(y: np.ndarray, x: np.ndarray, *, reduction: str = "mean"):
    """∂loss/∂x = 2(x − y)/k (/m for "mean"); same shape as x."""
    m = x.size // x.shape[-1]
    return (x - y) * (2.0 / x.shape[-1] * _scale(reduction, m))


def mean_absolute_error(y: np.ndarray, x: np.ndarray, *, reduction: str = "mean"):
    """Mean absolute error. Per example ℓ = mean_k |x_k − y_k|."""
    per_example = np.mean(np.abs(x - y), axis=-1)                    # (m,)
    return _reduce(per_example, reduction, per_example.size)


def mean_absolute_error_backward(y: np.ndarray, x: np.ndarray, *, reduction: str = "mean"):
    """∂loss/∂x = sign(x − y)/k (/m for "mean"), 0 where x = y (TensorFlow's sign)."""
    m = x.size // x.shape[-1]
    return np.sign(x - y) * (1.0 / x.shape[-1] * _scale(reduction, m))
