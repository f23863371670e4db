"""Data utilities for the Keras-style (batch-first) API: images to inputs, labels to one-hot,
standardization, splits and mini-batches.

Batch-first means examples are rows: ``x`` is ``(m, n)``, one-hot labels ``(m, C)``. The course's
layout ``(n, m)`` / ``(C, m)`` is the transpose; ``one_hot`` builds either.
"""
from __future__ import annotations

from collections.abc import Iterator
from numbers import Integral

import numpy as np

from nnref import _checks
from nnref._checks import ArgumentTypeError, check_float_dtype


# ----------------------------------------------------------------------------- argument checks
def _array(x, name: str) -> np.ndarray:
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray. Received: {name} of type {type(x).__name__}")
    return x


def as_rng(seed, name: str = "seed") -> np.random.Generator:
    """A ``numpy.random.Generator`` from an int seed, an existing Generator (used as is) or None
    (fresh OS entropy, not reproducible)."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, Integral):
        raise ArgumentTypeError(f"{name} must be a non-negative int, a numpy.random.Generator or "
                                f"None. Received: {name}={seed!r}")
    if seed < 0:
        raise ValueError(f"{name} must be non-negative. Received: {name}={seed}")
    return np.random.default_rng(int(seed))


def _check_same_length(x: np.ndarray, y, x_name: str = "x", y_name: str = "y") -> None:
    if y is None:
        return
    _array(y, y_name)
    if y.ndim == 0 or y.shape[0] != x.shape[0]:
        raise ValueError(f"{x_name} and {y_name} must have the same number of examples (first axis). "
                         f"Received: {x_name}.shape={x.shape}, {y_name}.shape={y.shape}")


# ----------------------------------------------------------------------------- images
def scale_images(x: np.ndarray, dtype="float64") -> np.ndarray:
    """Pixel values 0..255 to [0, 1]: ``x / 255`` computed in ``dtype``.

    Args:
        x: uint8 images, any shape (e.g. ``(m, 64, 64, 3)`` or flattened ``(m, 12288)``).
        dtype: "float64" (default) or "float32"; the cast happens before the division, so float32
            results are float32's correctly rounded ``x / 255`` (as ``tf.cast(x, tf.float32) / 255.``).
    Returns:
        Same shape, ``dtype``.
    """
    _array(x, "x")
    dt = check_float_dtype(dtype)
    if x.dtype != np.uint8:
        raise ValueError(f"x must hold uint8 pixel values 0..255 (scaling twice is a common bug). "
                         f"Received: x.dtype={x.dtype}")
    return x.astype(dt) / 255  # python int: the result stays in dt


def flatten_images(x: np.ndarray, *, scale: bool = False, dtype=None) -> np.ndarray:
    """``(m, h, w, c)`` images to ``(m, h·w·c)`` rows, in C order (the course's
    ``x.reshape(x.shape[0], -1)``; its ``(n_x, m)`` layout is the transpose).

    Args:
        x: images ``(m, h, w, c)`` (any number of trailing axes ≥ 1).
        scale: also divide by 255 (``x`` must then be uint8), as ``scale_images``.
        dtype: the output dtype. None keeps ``x``'s dtype (or float64 when ``scale``).
    Returns:
        ``(m, h·w·c)``.
    """
    _array(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must have shape (m, ...) with at least 2 axes. Received: x.shape={x.shape}")
    flat = x.reshape(x.shape[0], -1)  # (m, h*w*c)
    if scale:
        return scale_images(flat, "float64" if dtype is None else dtype)
    return flat if dtype is None else flat.astype(check_float_dtype(dtype))


# ----------------------------------------------------------------------------- labels
def _class_indices(labels, name: str = "labels") -> np.ndarray:
    """Integer class indices ``(m,)`` from ``(m,)``, ``(1, m)`` or ``(m, 1)`` labels."""
    labels = _array(labels, name)
    if labels.ndim == 2 and 1 in labels.shape:
        labels = labels.reshape(-1)
    if labels.ndim != 1:
        raise ValueError(f"{name} must have shape (m,), (1, m) or (m, 1). Received: {name}.shape={labels.shape}")
    if labels.dtype.kind == "f" and np.all(np.isfinite(labels)) and np.all(labels == np.round(labels)):
        labels = labels.astype(np.int64)  # whole-number floats, e.g. football's 0.0/1.0
    if labels.dtype.kind not in "iub":
        raise ValueError(f"{name} must be integer class indices. Received: {name}.dtype={labels.dtype}")
    return labels.astype(np.int64, copy=False)


def one_hot(labels, num_classes: int, layout: str = "batch_first", dtype="float64") -> np.ndarray:
    """Class indices to one-hot rows (or columns).

    ``Y[i, c] = 1 if labels[i] == c else 0``. The course's ``convert_to_one_hot(Y, C)``
    (``np.eye(C)[Y.reshape(-1)].T``) is ``layout="course"``.

    Args:
        labels: integer class indices in ``[0, num_classes)``, shape ``(m,)``, ``(1, m)`` or ``(m, 1)``.
        num_classes: C ≥ 1.
        layout: "batch_first" -> ``(m, C)`` (Keras); "course" -> ``(C, m)``.
        dtype: "float64" or "float32".
    """
    idx = _class_indices(labels)
    num_classes = _checks.check_int("num_classes", num_classes, low=1)
    if layout not in ("batch_first", "course"):
        raise ValueError(f"layout must be 'batch_first' or 'course'. Received: layout={layout!r}")
    if idx.size and (idx.min() < 0 or idx.max() >= num_classes):
        raise ValueError(f"labels must be in [0, num_classes={num_classes}). "
                         f"Received: labels in [{idx.min()}, {idx.max()}]")
    y = np.zeros((idx.shape[0], num_classes), dtype=check_float_dtype(dtype))  # (m, C)
    y[np.arange(idx.shape[0]), idx] = 1
    return y if layout == "batch_first" else y.T.copy()  # (C, m)


def from_one_hot(y: np.ndarray, layout: str = "batch_first") -> np.ndarray:
    """Class indices ``(m,)`` int64 from one-hot (or probability) rows ``(m, C)`` (``layout=
    "course"``: columns ``(C, m)``): the argmax over the class axis."""
    _array(y, "y")
    if layout not in ("batch_first", "course"):
        raise ValueError(f"layout must be 'batch_first' or 'course'. Received: layout={layout!r}")
    if y.ndim != 2 or 0 in y.shape:
        raise ValueError(f"y must have shape (m, C) (or (C, m) with layout='course'). Received: y.shape={y.shape}")
    return np.argmax(y, axis=1 if layout == "batch_first" else 0).astype(np.int64)


# ----------------------------------------------------------------------------- standardization
class Standardizer:
    """Per-feature standardization fitted on the training set: ``z = (x − μ) / σ``.

    ``μ`` and ``σ`` (population std, ``ddof=0``) are computed over the examples (axis 0) by
    ``fit`` and then applied unchanged to any other data (validation, test). A constant feature
    (σ = 0) is only centred (its scale is taken as 1), as scikit-learn's ``StandardScaler``.
    Keras's ``Normalization`` layer instead divides by ``sqrt(max(var, ε))``.

    Attributes (after ``fit``): ``mean_`` ``(n,)``, ``std_`` ``(n,)``, ``scale_`` ``(n,)`` (σ with
    zeros replaced by 1), all in the dtype of the data fitted (integer data -> float64).
    """

    def __init__(self):
        self.mean_ = self.std_ = self.scale_ = None

    @staticmethod
    def _check_x(x, name: str = "x") -> np.ndarray:
        _array(x, name)
        if x.ndim != 2 or x.shape[0] == 0:
            raise ValueError(f"{name} must have shape (m, n) with m ≥ 1. Received: {name}.shape={x.shape}")
        if x.dtype.kind not in "fiub":
            raise ValueError(f"{name} must be numeric. Received: {name}.dtype={x.dtype}")
        if not np.all(np.isfinite(x)):
            raise ValueError(f"{name} must be finite. Received: {name} with NaN or inf")
        return x if x.dtype.kind == "f" else x.astype(np.float64)

    def fit(self, x: np.ndarray) -> "Standardizer":
        """Compute ``mean_``, ``std_``, ``scale_`` from ``x`` ``(m, n)``; returns self."""
        x = self._check_x(x)
        self.mean_ = x.mean(axis=0)  # (n,)
        self.std_ = x.std(axis=0)  # (n,)
        self.scale_ = np.where(self.std_ > 0, self.std_, np.ones_like(self.std_))
        return self

    def _check_fitted(self, x, name: str) -> np.ndarray:
        if self.mean_ is None:
            raise ValueError("This Standardizer is not fitted yet: call fit(x_train) first.")
        x = self._check_x(x, name)
        if x.shape[1] != self.mean_.shape[0]:
            raise ValueError(f"{name} must have {self.mean_.shape[0]} features (as fitted). "
                             f"Received: {name}.shape={x.shape}")
        return x

    def transform(self, x: np.ndarray) -> np.ndarray:
        """``(x − mean_) / scale_``, ``(m, n)``, in ``x``'s float dtype."""
        x = self._check_fitted(x, "x")
        return ((x - self.mean_.astype(x.dtype)) / self.scale_.astype(x.dtype))

    def fit_transform(self, x: np.ndarray) -> np.ndarray:
        return self.fit(x).transform(x)

    def inverse_transform(self, z: np.ndarray) -> np.ndarray:
        """``z · scale_ + mean_``, ``(m, n)``: undoes ``transform``."""
        z = self._check_fitted(z, "z")
        return z * self.scale_.astype(z.dtype) + self.mean_.astype(z.dtype)


# ----------------------------------------------------------------------------- splits and batches
def train_val_split(x: np.ndarray, y: np.ndarray, val_fraction: float, *, shuffle: bool = True,
                    seed=None):
    """Split off a validation set.

    ``n_val = round(m · val_fraction)`` examples (at least 1, at most m − 1) go to validation:
    a random subset when ``shuffle`` (from ``seed``: int, Generator or None), else the last ones
    (Keras's ``validation_split``, which takes the last fraction unshuffled).

    Args:
        x: ``(m, ...)``; y: ``(m, ...)``; val_fraction: in (0, 1).
    Returns:
        ``(x_train, y_train, x_val, y_val)``, new arrays, training examples in their original
        relative order when ``shuffle=False``.
    """
    _array(x, "x")
    if x.ndim == 0:
        raise ValueError(f"x must have shape (m, ...). Received: x.shape={x.shape}")
    _check_same_length(x, y)
    _checks.check_real("val_fraction", val_fraction, low=0, high=1, low_open=True, high_open=True)
    m = x.shape[0]
    n_val = int(round(m * val_fraction))
    if not 1 <= n_val <= m - 1:
        raise ValueError(f"val_fraction={val_fraction} of m={m} examples leaves an empty training or "
                         f"validation set (n_val={n_val}); use more data or another fraction.")
    order = as_rng(seed).permutation(m) if _checks.check_bool("shuffle", shuffle) else np.arange(m)
    train_idx, val_idx = order[: m - n_val], order[m - n_val:]
    return x[train_idx], y[train_idx], x[val_idx], y[val_idx]


def num_batches(m: int, batch_size: int) -> int:
    """⌈m / batch_size⌉: the number of mini-batches per epoch (the last one may be partial)."""
    return -(-_checks.check_int("m", m, low=1) // _checks.check_int("batch_size", batch_size, low=1))


def batches(x: np.ndarray, y: np.ndarray | None = None, batch_size: int = 32, *,
            shuffle: bool = True, seed=None) -> Iterator[tuple[np.ndarray, np.ndarray | None]]:
    """Mini-batches for one epoch: ``(x_batch, y_batch)`` pairs, ``(b, ...)`` with
    ``b = batch_size`` except the last, which keeps the remaining ``m mod batch_size`` examples.

    With ``shuffle`` the examples are taken in the order of one permutation drawn from ``seed``
    (int, Generator or None; pass a Generator to draw a new order each epoch) and each batch is a
    copy; without it batches are consecutive slices (views of ``x``: do not modify them in
    place). ``y_batch`` is None when ``y`` is None.
    """
    _array(x, "x")
    if x.ndim == 0 or x.shape[0] == 0:
        raise ValueError(f"x must have shape (m, ...) with m ≥ 1. Received: x.shape={x.shape}")
    _check_same_length(x, y)
    batch_size = _checks.check_int("batch_size", batch_size, low=1)
    m = x.shape[0]
    order = as_rng(seed).permutation(m) if _checks.check_bool("shuffle", shuffle) else None  # drawn now, not at the first next()

    def generate():
        for start in range(0, m, batch_size):
            rows = slice(start, start + batch_size) if order is None else order[start:start + batch_size]
            yield x[rows], (None if y is None else y[rows])  # (b, ...), (b, ...)

    return generate()
