"""What ``fit`` and ``evaluate`` do to their data before training, with Keras 3's rules.

- ``validation_split=f``: the LAST ⌊m·(1 − f)⌋..m rows (before any shuffling) become the
  validation set, as Keras's ``train_validation_split``.
- ``class_weight={class: w}``: each example's weight is that of its class (the argmax of a
  one-hot row, the rounded label otherwise; classes not in the dict weigh 1.0), as Keras.
- ``sample_weight``: (m,) non-negative finite weights. Losses weigh each example's loss (the
  sum is still divided by the batch size); the compiled ``metrics`` are unweighted, as Keras's.
"""
from __future__ import annotations

import math

import numpy as np

from nnref._checks import check_real, check_type


def split_validation(x, y, sample_weight, validation_split):
    """((x, y, w) for training, (x, y, w) for validation)."""
    validation_split = check_real("validation_split", validation_split, low=0, high=1,
                                  high_open=True)
    m = int(np.shape(x)[0])
    split_at = int(math.floor(m * (1.0 - validation_split)))
    if split_at in (0, m):
        raise ValueError(f"Training data contains {m} samples, which is not sufficient to split it "
                         f"into a validation and training set as specified by "
                         f"`validation_split={validation_split}`. Either provide more data, or a "
                         "different value for the `validation_split` argument.")
    cut = lambda a, lo, hi: None if a is None else a[lo:hi]
    return ((x[:split_at], cut(y, 0, split_at), cut(sample_weight, 0, split_at)),
            (x[split_at:], cut(y, split_at, m), cut(sample_weight, split_at, m)))


def unpack_validation(validation_data):
    """(x_val, y_val, sample_weight_val or None) from a pair or a triple, as Keras takes it."""
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
        raise ValueError("validation_data must be a tuple (x_val, y_val) or (x_val, y_val, "
                         f"sample_weight_val). Received: {type(validation_data).__name__}"
                         f"{'' if not hasattr(validation_data, '__len__') else f' of length {len(validation_data)}'}")
    x, y, *rest = validation_data
    return x, y, (rest[0] if rest else None)


def class_weights_to_sample_weights(y, class_weight, dtype) -> np.ndarray:
    """(m,) weights: class_weight[class of each example], 1.0 for classes not in the dict."""
    check_type("class_weight", class_weight, dict, "a dict {class index: weight}")
    for key, value in class_weight.items():
        check_real(f"class_weight[{key!r}]", value)
    y = np.asarray(y)
    if y.ndim > 1:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else y[..., 0]
    classes = np.round(y).astype(np.int64)
    return np.array([class_weight.get(int(c), 1.0) for c in classes], dtype=dtype)


def check_sample_weight(sample_weight, m: int, dtype, name: str = "sample_weight") -> np.ndarray | None:
    """(m,) array of the model's dtype, or None; a clear error otherwise."""
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight)
    if w.ndim == 2 and w.shape[1] == 1:
        w = w[:, 0]
    if w.dtype.kind not in "biuf" or w.shape != (m,):
        raise ValueError(f"{name} must be {m} numbers, one per example, shape ({m},). "
                         f"Received: {name} of shape {w.shape} and dtype {w.dtype}")
    w = w.astype(dtype, copy=False)
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError(f"{name} must be finite and >= 0. Received: min={w.min()}, max={w.max()}")
    return w


def example_weights(y, m, dtype, sample_weight, class_weight) -> np.ndarray | None:
    """The per-example weights fit uses: from sample_weight or class_weight (not both)."""
    if class_weight is not None and sample_weight is not None:
        raise ValueError("Arguments `sample_weight` and `class_weight` cannot be specified at the "
                         f"same time. Received: sample_weight={type(sample_weight).__name__}, "
                         f"class_weight={class_weight!r}")
    if class_weight is not None:
        return class_weights_to_sample_weights(y, class_weight, dtype)
    return check_sample_weight(sample_weight, m, dtype)
