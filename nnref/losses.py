"""Loss objects for the Keras-like API: ``loss(y_true, y_pred) -> float`` and
``loss.gradient(y_true, y_pred) -> ∂loss/∂y_pred`` (same shape as ``y_pred``).

The formulas are in ``nnref.functional.losses``. Batch-first shapes: ``y_pred`` is (m, C) for the
categorical losses and (m, k) for the binary one. Labels are validated here, at the public edge.

Keras difference: with ``from_logits=False`` Keras clips probabilities into [1e-7, 1 − 1e-7];
these classes do the same (``epsilon=1e-7``, Keras's default); pass ``epsilon=0`` for the course
formula without a clip.
"""
from __future__ import annotations

import numpy as np

from nnref.functional import losses as F

KERAS_EPSILON = 1e-7


def _check_pred(y_pred) -> np.ndarray:
    if not isinstance(y_pred, np.ndarray) or y_pred.dtype.kind != "f":
        raise TypeError(f"y_pred must be a floating-point ndarray. Received: y_pred of type "
                        f"{type(y_pred).__name__}{'' if not hasattr(y_pred, 'dtype') else ' dtype ' + str(y_pred.dtype)}")
    if y_pred.ndim != 2:
        raise ValueError(f"y_pred must be 2-D (m, units). Received: y_pred.shape={y_pred.shape}")
    return y_pred


def _as_float_labels(y_true, y_pred: np.ndarray, name: str = "y_true") -> np.ndarray:
    y = np.asarray(y_true)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers. Received: {name}.dtype={y.dtype}")
    if y.ndim == 1 and y_pred.ndim == 2 and y_pred.shape[1] == 1:
        y = y.reshape(-1, 1)
    if y.shape != y_pred.shape:
        raise ValueError(f"{name} must have the shape of the predictions, {y_pred.shape}. "
                         f"Received: {name}.shape={y.shape}")
    return y.astype(y_pred.dtype, copy=False)


class Loss:
    """Base class: subclasses turn labels into the form the kernel takes in ``_labels``."""

    name = "loss"

    def __init__(self, from_logits: bool = False, reduction: str = "mean",
                 epsilon: float = KERAS_EPSILON):
        if reduction not in F.REDUCTIONS:
            raise ValueError(f"reduction must be one of {F.REDUCTIONS}. Received: reduction={reduction!r}")
        if not 0 <= epsilon < 0.5:
            raise ValueError(f"epsilon must be in [0, 0.5). Received: epsilon={epsilon!r}")
        self.from_logits = bool(from_logits)
        self.reduction = reduction
        self.epsilon = epsilon

    def _labels(self, y_true, y_pred: np.ndarray) -> np.ndarray:
        return _as_float_labels(y_true, y_pred)

    def _kwargs(self) -> dict:
        return {"from_logits": self.from_logits, "reduction": self.reduction, "epsilon": self.epsilon}

    def __call__(self, y_true, y_pred) -> float:
        y_pred = _check_pred(y_pred)
        return self._value(self._labels(y_true, y_pred), y_pred)

    def prepare(self, y_true, units: int, dtype) -> np.ndarray:
        """Validate labels once and convert them to the (m, units) float array of ``dtype`` that
        ``compute`` and ``compute_gradient`` take (training converts the labels once, not per step)."""
        m = np.shape(y_true)[0] if np.ndim(y_true) else 0
        return self._labels(y_true, np.empty((m, units), dtype=dtype))

    def compute(self, y: np.ndarray, y_pred: np.ndarray) -> float:
        """The loss for labels already converted by ``prepare`` (no checks)."""
        return self._value(y, y_pred)

    def compute_gradient(self, y: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        """∂loss/∂y_pred for labels already converted by ``prepare`` (no checks)."""
        return self._gradient(y, y_pred)

    def gradient(self, y_true, y_pred) -> np.ndarray:
        y_pred = _check_pred(y_pred)
        return self._gradient(self._labels(y_true, y_pred), y_pred)

    def get_config(self) -> dict:
        return {"name": self.name, **self._kwargs()}

    def __repr__(self):
        return f"{type(self).__name__}(from_logits={self.from_logits}, reduction={self.reduction!r})"


class BinaryCrossentropy(Loss):
    """Mean of −[y·log p + (1−y)·log(1−p)] over every output unit and example (Keras's)."""

    name = "binary_crossentropy"

    def _value(self, y, x):
        return F.binary_crossentropy(y, x, **self._kwargs())

    def _gradient(self, y, x):
        return F.binary_crossentropy_backward(y, x, **self._kwargs())


class CategoricalCrossentropy(Loss):
    """Mean over examples of −Σ_k y_k·log p_k; y_true one-hot (m, C)."""

    name = "categorical_crossentropy"

    def _value(self, y, x):
        return F.categorical_crossentropy(y, x, **self._kwargs())

    def _gradient(self, y, x):
        return F.categorical_crossentropy_backward(y, x, **self._kwargs())


class SparseCategoricalCrossentropy(CategoricalCrossentropy):
    """Categorical cross-entropy with integer labels (m,) in [0, C)."""

    name = "sparse_categorical_crossentropy"

    def _labels(self, y_true, y_pred):
        y = np.asarray(y_true)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.dtype.kind not in "iu":
            raise TypeError(f"y_true must hold integer class labels. Received: y_true.dtype={y.dtype}")
        if y.shape != (y_pred.shape[0],):
            raise ValueError(f"y_true must have shape ({y_pred.shape[0]},), one label per example. "
                             f"Received: y_true.shape={y.shape}")
        n_classes = y_pred.shape[1]
        if y.size and (y.min() < 0 or y.max() >= n_classes):
            raise ValueError(f"y_true labels must be in [0, {n_classes}). "
                             f"Received: labels from {y.min()} to {y.max()}")
        onehot = np.zeros(y_pred.shape, dtype=y_pred.dtype)
        onehot[np.arange(y.size), y] = 1
        return onehot


LOSSES = {
    "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
}


def get(identifier) -> Loss:
    """A Loss instance from an instance or a name (probabilities, not logits, as in Keras)."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str) and identifier in LOSSES:
        return LOSSES[identifier]()
    raise ValueError(f"Unknown loss: expected a Loss or one of {sorted(LOSSES)}. "
                     f"Received: loss={identifier!r}")
