"""Keras's ``keras.utils`` helpers that Keras scripts use with nnref models."""
from __future__ import annotations

import numpy as np

from nnref.data import one_hot


def to_categorical(x, num_classes: int | None = None, dtype="float64") -> np.ndarray:
    """Class indices (m,) to one-hot rows (m, num_classes), as ``keras.utils.to_categorical``
    (``num_classes`` defaults to max(x) + 1). nnref's default dtype is float64."""
    x = np.asarray(x)
    if num_classes is None:
        num_classes = int(x.max()) + 1
    return one_hot(x, num_classes, dtype=dtype)
