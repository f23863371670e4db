"""Batch normalization over the batch axis (axis 0), batch-first.

Training (batch statistics), x: (m, n), γ, β: (n,):
    μ = (1/m) Σ_i x_i,   σ² = (1/m) Σ_i (x_i − μ)²   (biased variance, as the paper and Keras)
    x̂ = (x − μ) / √(σ² + ε),   out = γ ⊙ x̂ + β
Backward (the compact form of the chain rule through μ and σ²):
    dβ = Σ_i dout_i,   dγ = Σ_i dout_i ⊙ x̂_i,   dx̂ = dout ⊙ γ
    dx = (1/m) / √(σ² + ε) ⊙ (m·dx̂ − Σ_i dx̂_i − x̂ ⊙ Σ_i dx̂_i ⊙ x̂_i)
Inference (running statistics): out = γ ⊙ (x − moving_mean) / √(moving_var + ε) + β
Running update (Keras's momentum convention): moving = momentum·moving + (1 − momentum)·batch
"""
from __future__ import annotations

import numpy as np

from nnref.functional.optim import ema_update


def batchnorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                      epsilon: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple]:
    """Training-mode forward with the batch's own statistics.

    Args:
        x: (m, n); gamma, beta: (n,); epsilon: added to the variance.
    Returns:
        out: (m, n); mean: (n,); var: (n,) biased batch variance; cache for ``batchnorm_backward``.
    """
    mean = x.mean(axis=0)                         # (n,)
    xc = x - mean                                 # (m, n)
    var = np.mean(xc * xc, axis=0)                # (n,)
    inv_std = 1.0 / np.sqrt(var + epsilon)        # (n,)
    x_hat = xc * inv_std                          # (m, n)
    out = gamma * x_hat + beta
    return out, mean, var, (x_hat, gamma, inv_std)


def batchnorm_inference(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, moving_mean: np.ndarray,
                        moving_var: np.ndarray, epsilon: float) -> np.ndarray:
    """Inference-mode forward with running statistics. x: (m, n); the rest (n,). Returns (m, n)."""
    return gamma * ((x - moving_mean) / np.sqrt(moving_var + epsilon)) + beta


def batchnorm_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients through ``batchnorm_forward``.

    Args:
        dout: (m, n) upstream gradient; cache from ``batchnorm_forward``.
    Returns:
        dx: (m, n); dgamma: (n,); dbeta: (n,).
    """
    x_hat, gamma, inv_std = cache
    m = dout.shape[0]
    dbeta = dout.sum(axis=0)                      # (n,)
    dgamma = np.sum(dout * x_hat, axis=0)         # (n,)
    dx_hat = dout * gamma                         # (m, n)
    dx = (inv_std / m) * (m * dx_hat - dx_hat.sum(axis=0) - x_hat * np.sum(dx_hat * x_hat, axis=0))
    return dx, dgamma, dbeta


def update_moving(moving: np.ndarray, batch_value: np.ndarray, momentum: float) -> None:
    """In place: moving ← momentum·moving + (1 − momentum)·batch_value, the exponentially
    weighted average of ``nnref.functional.optim.ema_update`` (Keras's order of operations)."""
    ema_update(moving, batch_value, momentum)


def unbiased_variance(var: np.ndarray, m: int) -> np.ndarray:
    """Bessel's correction of a biased batch variance: σ²·m/(m − 1) (needs m > 1)."""
    return var * (m / (m - 1))
