"""Weight penalties added to the cost, and their gradients.

    L2:   R(W) = l2·Σ W²             ∂R/∂W = 2·l2·W
    L1:   R(W) = l1·Σ |W|            ∂R/∂W = l1·sign(W)   (0 at W = 0, the subgradient Keras uses)
    L1L2: the sum of both

The course writes the L2 term as λ/(2m)·Σ_l ‖W_l‖²_F, which is ``l2_penalty`` with l2 = λ/(2m);
its gradient λ/m·W is 2·l2·W.
"""
from __future__ import annotations

import numpy as np


def l2_penalty(W: np.ndarray, l2: float) -> float:
    """l2·Σ W²."""
    return l2 * np.sum(np.square(W))


def l2_penalty_grad(W: np.ndarray, l2: float) -> np.ndarray:
    """2·l2·W (same shape as W)."""
    return (2.0 * l2) * W


def l1_penalty(W: np.ndarray, l1: float) -> float:
    """l1·Σ |W|."""
    return l1 * np.sum(np.abs(W))


def l1_penalty_grad(W: np.ndarray, l1: float) -> np.ndarray:
    """l1·sign(W) (same shape as W)."""
    return l1 * np.sign(W)
