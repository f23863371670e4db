"""``Loss``, the base class of every nnref loss (Keras 3 keeps its ``Loss`` in ``losses/loss.py``
beside the built-ins): labels validated at the public edge, converted once by ``prepare``, then
``compute`` / ``compute_gradient`` / ``per_example`` on prepared arrays without checks.

Sample weights (``fit(sample_weight=...)``, ``class_weight``): Σ_i w_i·ℓ_i / m over the m
examples of the batch (Keras's "sum_over_batch_size"), and the gradient's row i scaled by w_i.
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


def as_float_labels(y_true, y_pred: np.ndarray, name: str = "y_true") -> np.ndarray:
    """Labels of y_pred's shape (m, k), in y_pred's float dtype ((m,) labels for k = 1 too)."""
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
        return as_float_labels(y_true, y_pred)

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

    def compute_with_gradient(self, y: np.ndarray, y_pred: np.ndarray,
                              sample_weight=None) -> tuple:
        """``(compute(...), compute_gradient(...))``, what a training step needs; a subclass
        may share work between the two (the same numbers)."""
        return self.compute(y, y_pred, sample_weight), self.compute_gradient(y, y_pred, sample_weight)

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
