"""Activation and Softmax: parameter-free layers applying one activation."""
from __future__ import annotations

from nnref.functional import activations
from nnref.layers.base import Layer


class Activation(Layer):
    """y = activation(x), for any name in ``nnref.activations.ACTIVATIONS``."""

    def __init__(self, activation: str, name: str | None = None, **kwargs):
        super().__init__(name, **kwargs)
        self._act = activations.get(activation)
        self.activation = activation

    def _config(self):
        return {"activation": self.activation}

    def forward(self, x, training=False):
        self._x = x
        self._y = self._act.forward(x)
        return self._y

    def backward(self, dy):
        self.grads = []
        return self._act.backward(dy, self._x, self._y)


class Softmax(Activation):
    """y = softmax(x) over the last axis (Keras ``layers.Softmax()``)."""

    def __init__(self, name: str | None = None, **kwargs):
        super().__init__("softmax", name=name, **kwargs)

    def _config(self):
        return {}
