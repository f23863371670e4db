"""Dropout: inverted dropout with Keras's meaning of ``rate`` (the probability of dropping)."""
from __future__ import annotations

import numpy as np

from nnref._checks import check_real
from nnref.data import as_rng
from nnref.functional.dropout import dropout_backward, dropout_forward, dropout_mask
from nnref.layers.base import Layer


class Dropout(Layer):
    """Training: y = x ⊙ mask / (1 − rate), mask ~ Bernoulli(1 − rate); inference: y = x.

    Args:
        rate: the drop probability, in [0, 1).
        seed: seeds this layer's own ``numpy.random.Generator``; without it the layer draws from
            a generator the model derives from its ``seed``.
    After a training call, ``last_mask`` holds the boolean keep-mask that was used. Setting
    ``fixed_mask`` (a boolean array of the input's shape) makes training calls use that mask
    instead of drawing one: gradient checks and parity checks do this.
    """

    def __init__(self, rate: float, seed: int | None = None, name: str | None = None, **kwargs):
        super().__init__(name, **kwargs)
        self.rate = check_real("rate", rate, low=0, high=1, high_open=True)
        self.seed = seed
        self.rng = None if seed is None else as_rng(seed)       # int >= 0 or a Generator
        self.last_mask: np.ndarray | None = None
        self.fixed_mask: np.ndarray | None = None

    def _config(self):
        return {"rate": self.rate, "seed": self.seed}

    def _build(self, input_dim, dtype, rng):
        if self.rng is None:
            self.rng = rng
        return input_dim

    def forward(self, x, training=False):
        self._cache = None
        if not training or self.rate == 0:
            return x
        if self.fixed_mask is not None:
            if self.fixed_mask.shape != x.shape:
                raise ValueError(f"fixed_mask must have the input's shape {x.shape}. "
                                 f"Received: fixed_mask.shape={self.fixed_mask.shape}")
            mask = self.fixed_mask
        else:
            mask = dropout_mask(self.rng, x.shape, 1.0 - self.rate)
        self.last_mask = mask
        out, self._cache = dropout_forward(x, mask, 1.0 - self.rate)
        return out

    def backward(self, dy):
        self.grads = []
        return dy if self._cache is None else dropout_backward(dy, self._cache)
