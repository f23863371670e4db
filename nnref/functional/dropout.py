"""Inverted dropout with an explicit mask.

Training:  out = x ⊙ mask / keep_prob, where mask_i ~ Bernoulli(keep_prob), keep_prob = 1 − rate
Backward:  dx = dout ⊙ mask / keep_prob
Inference: out = x (the 1/keep_prob scaling at training time keeps the expected activation).

The mask is an argument, never drawn inside the kernel: nnref's Dropout layer draws it from its
own ``numpy.random.Generator``; the course draws it with ``np.random.rand(...) < keep_prob``; the
parity checks feed the same mask to Keras.
"""
from __future__ import annotations

import numpy as np


def dropout_mask(rng: np.random.Generator, shape: tuple[int, ...], keep_prob: float) -> np.ndarray:
    """A boolean keep-mask: True with probability ``keep_prob`` (``u < keep_prob``, u ~ U[0, 1))."""
    return rng.random(shape) < keep_prob


def dropout_forward(x: np.ndarray, mask: np.ndarray, keep_prob: float) -> tuple[np.ndarray, tuple]:
    """out = x ⊙ mask / keep_prob.

    Args:
        x: any shape; mask: same shape as x (bool or 0/1); keep_prob: in (0, 1].
    Returns:
        out: same shape and dtype as x; cache: (mask, keep_prob).
    """
    out = x * mask
    out /= keep_prob
    return out, (mask, keep_prob)


def dropout_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """dx = dout ⊙ mask / keep_prob."""
    mask, keep_prob = cache
    dx = dout * mask
    dx /= keep_prob
    return dx
