"""Input: the first item of a Sequential model that fixes the input width, as ``keras.Input``.

``Sequential([nnref.Input(shape=(784,)), layers.Dense(10)])`` builds the model at once, like
``input_dim=784``. nnref layers take flat (m, n) inputs, so ``shape`` is ``(n,)``.
"""
from __future__ import annotations

from nnref.layers.base import input_width


class InputLayer:
    """Keras's ``InputLayer``; made by :func:`Input`. Not a computing layer: it has no weights."""

    def __init__(self, shape=None, batch_size=None, dtype=None, name=None, batch_shape=None):
        if batch_shape is not None:
            if shape is not None:
                raise ValueError("Pass shape or batch_shape, not both. Received: "
                                 f"shape={shape!r}, batch_shape={batch_shape!r}")
            shape = tuple(batch_shape)[1:]
        if shape is None:
            raise ValueError("Input needs shape=(n,). Received: shape=None")
        self.input_dim = input_width(shape, "shape")
        self.shape = (self.input_dim,)
        self.batch_size = batch_size
        self.dtype = dtype
        self.name = name

    def __repr__(self):
        return f"<Input shape=(None, {self.input_dim})>"


def Input(shape=None, batch_size=None, dtype=None, name=None, batch_shape=None) -> InputLayer:
    """``keras.Input(shape=(n,))``: use as the first item of a Sequential model."""
    return InputLayer(shape, batch_size, dtype, name, batch_shape)
