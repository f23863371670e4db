"""The layer protocol shared by every nnref layer.

A layer is built once for an input width and dtype (``build``), then:
    forward(x, training) -> y     x: (m, n_in) -> y: (m, n_out), keeping what backward needs
    backward(dy) -> dx            dy: (m, n_out) -> dx: (m, n_in); sets ``grads``, aligned with
                                  ``trainable_weights`` and including each regularizer's gradient
    backward_weights(dy)          the same ``grads`` without dx (for a model's first layer)
``weights`` lists every variable in Keras's order (trainable first, then the running statistics).
"""
from __future__ import annotations

import re

import numpy as np


def snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Layer:
    def __init__(self, name: str | None = None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a str. Received: name={name!r}")
        self.name = name
        self.built = False
        self.input_dim: int | None = None
        self.output_dim: int | None = None
        self.dtype: np.dtype | None = None
        self.trainable_weights: list[np.ndarray] = []
        self.non_trainable_weights: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []

    # -- building -------------------------------------------------------------------------
    def build(self, input_dim: int, dtype: np.dtype, rng: np.random.Generator) -> int:
        """Create the variables for inputs of width ``input_dim``; returns the output width."""
        self.input_dim = int(input_dim)
        self.dtype = np.dtype(dtype)
        self.output_dim = self._build(self.input_dim, self.dtype, rng)
        self.built = True
        return self.output_dim

    def _build(self, input_dim: int, dtype: np.dtype, rng: np.random.Generator) -> int:
        return input_dim

    # -- variables ------------------------------------------------------------------------
    @property
    def weights(self) -> list[np.ndarray]:
        return self.trainable_weights + self.non_trainable_weights

    def get_weights(self) -> list[np.ndarray]:
        return [w.copy() for w in self.weights]

    def check_weights(self, weights) -> list[np.ndarray]:
        """Validate a list of arrays for ``set_weights`` without changing anything."""
        own = self.weights
        weights = list(weights)
        if len(weights) != len(own):
            raise ValueError(f"Layer {self.name!r} expects {len(own)} weight arrays "
                             f"(shapes {[w.shape for w in own]}). Received: {len(weights)} arrays")
        checked = []
        for i, (mine, new) in enumerate(zip(own, weights)):
            new = np.asarray(new)
            if new.shape != mine.shape:
                raise ValueError(f"Layer {self.name!r} weight {i} must have shape {mine.shape}. "
                                 f"Received: shape {new.shape}")
            if new.dtype.kind not in "biuf":
                raise TypeError(f"Layer {self.name!r} weight {i} must be numeric. "
                                f"Received: dtype {new.dtype}")
            if new.dtype.kind == "f" and not np.isfinite(new).all():
                bad = new[~np.isfinite(new)]
                raise ValueError(f"Layer {self.name!r} weight {i} must be finite (no NaN or inf). "
                                 f"Received: {bad.size} non-finite values, e.g. {bad[0]}")
            checked.append(new)
        return checked

    def set_weights(self, weights) -> None:
        """Copy values into the existing arrays (so references held by an optimizer stay valid)."""
        for mine, new in zip(self.weights, self.check_weights(weights)):
            np.copyto(mine, new, casting="unsafe")

    def count_params(self) -> int:
        return sum(w.size for w in self.weights)

    # -- computation ----------------------------------------------------------------------
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dy: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward_weights(self, dy: np.ndarray) -> None:
        """Set ``grads`` like ``backward`` without returning dx: what a model's first layer does
        in training, where nothing needs ∂L/∂x. Layers whose dx is a costly product (Dense)
        override it to skip that product."""
        self.backward(dy)

    def regularization_loss(self) -> float:
        """The penalties this layer adds to the loss (0 without regularizers)."""
        return 0.0

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} output_dim={self.output_dim}>"
