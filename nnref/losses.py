"""Loss objects for the Keras-like API: ``loss(y_true, y_pred) -> float`` and
``loss.gradient(y_true, y_pred) -> ∂loss/∂y_pred`` (same shape as ``y_pred``).

The formulas are in ``nnref.functional.losses``. Batch-first shapes: ``y_pred`` is (m, C) for the
categorical losses and (m, k) for the binary one. Labels are validated here, at the public edge.

Sample weights (``fit(sample_weight=...)``, ``class_weight``): Σ_i w_i·ℓ_i / m over the m
examples of the batch (Keras's "sum_over_batch_size"), and the gradient's row i scaled by w_i.

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

    def compute(self, y: np.ndarray, y_pred: np.ndarray, sample_weight=None) -> float:
        """The loss for labels already converted by ``prepare`` (no checks); ``sample_weight``
        (m,) weighs each example's loss, the sum still divided by m (Keras)."""
        if sample_weight is None:
            return self._value(y, y_pred)
        total = float(np.dot(sample_weight, self.per_example(y, y_pred)))
        return total / len(y_pred) if self.reduction == "mean" else total

    def compute_gradient(self, y: np.ndarray, y_pred: np.ndarray, sample_weight=None) -> np.ndarray:
        """∂loss/∂y_pred for labels already converted by ``prepare`` (no checks)."""
        grad = self._gradient(y, y_pred)
        return grad if sample_weight is None else grad * sample_weight[:, None]

    def per_example(self, y: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        """Each example's loss (m,), for prepared labels: mean over the output units for the
        element-wise losses, as Keras."""
        values = self._value(y, y_pred, reduction="none")
        return values if values.ndim == 1 else values.mean(axis=-1)

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
        return _as_float_labels(y, y_pred)

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
