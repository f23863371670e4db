"""Loss objects for the Keras-like API: ``loss(y_true, y_pred) -> float`` and
``loss.gradient(y_true, y_pred) -> ∂loss/∂y_pred`` (same shape as ``y_pred``).

The formulas are in ``nnref.functional.losses``. Batch-first shapes: ``y_pred`` is (m, C) for the
categorical losses and (m, k) for the binary one. Labels are validated here, at the public edge.

The base class, with what it does with labels and sample weights, is ``Loss`` in
:mod:`nnref.loss_base` (re-exported here).

Keras difference: with ``from_logits=False`` Keras clips probabilities into [1e-7, 1 − 1e-7];
these classes do the same (``epsilon=1e-7``, Keras's default); pass ``epsilon=0`` for the course
formula without a clip.
"""
from __future__ import annotations

import numpy as np

from nnref.functional import losses as F
from nnref.loss_base import Loss, as_float_labels


class BinaryCrossentropy(Loss):
    """Mean of −[y·log p + (1−y)·log(1−p)] over every output unit and example (Keras's)."""

    name = "binary_crossentropy"

    def _value(self, y, x, reduction=None):
        return F.binary_crossentropy(y, x, **{**self._kwargs(), "reduction": reduction or self.reduction})

    def _gradient(self, y, x):
        return F.binary_crossentropy_backward(y, x, **self._kwargs())


class CategoricalCrossentropy(Loss):
    """Mean over examples of −Σ_k y_k·log p_k; y_true one-hot (m, C)."""

    name = "categorical_crossentropy"

    def _value(self, y, x, reduction=None):
        return F.categorical_crossentropy(y, x, **{**self._kwargs(), "reduction": reduction or self.reduction})

    def _gradient(self, y, x):
        return F.categorical_crossentropy_backward(y, x, **self._kwargs())

    def compute_with_gradient(self, y, y_pred, sample_weight=None):
        """From logits without sample weights: one softmax for both (the common training step)."""
        if not self.from_logits or sample_weight is not None or self.reduction == "none":
            return super().compute_with_gradient(y, y_pred, sample_weight)
        return F.categorical_crossentropy_with_gradient(y, y_pred, reduction=self.reduction)


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


class MeanSquaredError(Loss):
    """Mean over examples of mean_k (y_pred_k − y_k)² (Keras's ``MeanSquaredError``, "mse")."""

    name = "mean_squared_error"

    def __init__(self, reduction: str = "mean"):
        super().__init__(reduction=reduction)

    def _kwargs(self) -> dict:
        return {"reduction": self.reduction}

    def _labels(self, y_true, y_pred):
        """One target per example, (m,) or (m, 1), broadcasts over the k outputs (Keras)."""
        y = np.asarray(y_true)
        if y.ndim == 1 and y_pred.shape[1] != 1 and y.shape[0] == y_pred.shape[0]:
            y = np.broadcast_to(y[:, None], y_pred.shape)
        elif y.ndim == 2 and y.shape[1] == 1 and y.shape[0] == y_pred.shape[0]:
            y = np.broadcast_to(y, y_pred.shape)
        return as_float_labels(y, y_pred)

    def _value(self, y, x, reduction=None):
        return F.mean_squared_error(y, x, reduction=reduction or self.reduction)

    def _gradient(self, y, x):
        return F.mean_squared_error_backward(y, x, reduction=self.reduction)

    def __repr__(self):
        return f"{type(self).__name__}(reduction={self.reduction!r})"


class MeanAbsoluteError(MeanSquaredError):
    """Mean over examples of mean_k |y_pred_k − y_k| (Keras's ``MeanAbsoluteError``, "mae")."""

    name = "mean_absolute_error"

    def _value(self, y, x, reduction=None):
        return F.mean_absolute_error(y, x, reduction=reduction or self.reduction)

    def _gradient(self, y, x):
        return F.mean_absolute_error_backward(y, x, reduction=self.reduction)


class LossFunctionWrapper(MeanSquaredError):
    """A loss from two functions, Keras's loss-function contract plus a gradient:

        fn(y_true, y_pred) -> (m,)            each example's loss ℓ_i (Keras's contract)
        gradient(y_true, y_pred) -> (m, k)    ∂ℓ_i/∂y_pred[i], row by row, NOT divided by m

    y_true arrives as float labels of y_pred's shape. The loss is mean_i ℓ_i ("mean") or Σ_i ℓ_i
    ("sum"), and nnref scales the gradient accordingly. Check a new gradient with
    ``nnref.gradcheck`` before training with it.
    """

    def __init__(self, fn, gradient, reduction: str = "mean", name: str | None = None):
        super().__init__(reduction=reduction)
        if not callable(fn) or not callable(gradient):
            raise TypeError(f"fn and gradient must be callable. Received: fn={fn!r}, "
                            f"gradient={gradient!r}")
        self.fn, self.gradient_fn = fn, gradient
        self.name = name or getattr(fn, "__name__", "loss")

    _labels = Loss._labels          # y_true as given (no broadcast over the outputs)

    def _value(self, y, x, reduction=None):
        values = np.asarray(self.fn(y, x), dtype=x.dtype)
        if values.shape != (len(x),):
            raise ValueError(f"The loss function {self.name!r} must return one value per example, "
                             f"shape ({len(x)},). Received: shape {values.shape}")
        reduction = reduction or self.reduction
        return values if reduction == "none" else F._reduce(values, reduction, len(x))

    def _gradient(self, y, x):
        grad = np.asarray(self.gradient_fn(y, x), dtype=x.dtype)
        if grad.shape != x.shape:
            raise ValueError(f"The gradient of {self.name!r} must have y_pred's shape {x.shape}. "
                             f"Received: shape {grad.shape}")
        return grad / len(x) if self.reduction == "mean" else grad

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}


LOSSES = {
    "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "mae": MeanAbsoluteError,
}


def get(identifier) -> Loss:
    """A Loss instance from an instance, a name (probabilities, not logits, as in Keras), or a
    function ``fn(y_true, y_pred) -> (m,)`` that carries its gradient as ``fn.gradient`` (see
    ``LossFunctionWrapper``: nnref has no automatic differentiation)."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str) and identifier in LOSSES:
        return LOSSES[identifier]()
    if callable(identifier) and not isinstance(identifier, type):
        gradient = getattr(identifier, "gradient", None)
        if not callable(gradient):
            raise TypeError(
                "A loss function needs its gradient: nnref has no automatic differentiation. "
                "Set fn.gradient = g with g(y_true, y_pred) -> ∂ℓ_i/∂y_pred (m, units), or pass "
                "losses.LossFunctionWrapper(fn, gradient=g). "
                f"Received: loss={getattr(identifier, '__name__', identifier)!r} without .gradient")
        return LossFunctionWrapper(identifier, gradient)
    raise ValueError(f"Unknown loss: expected a Loss, a loss function or one of {sorted(LOSSES)}. "
                     f"Received: loss={identifier!r}")
