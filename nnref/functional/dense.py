"""The fully connected (affine) layer, batch-first.

Forward:  out = x·W + b        x: (m, n_in), W: (n_in, n_out), b: (n_out,), out: (m, n_out)
Backward: dx = dout·Wᵀ, dW = xᵀ·dout, db = Σ_i dout_i

The course's layout is the transpose of this one (Z = W·A + b with A: (n_in, m), W: (n_out, n_in));
nnref.course calls these same kernels on transposed views, which BLAS runs as the same product.
"""
from __future__ import annotations

import numpy as np

DenseCache = tuple  # (x, W)


def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray | None) -> tuple[np.ndarray, DenseCache]:
    """out = x·W + b.

    Args:
        x: (m, n_in) inputs.
        W: (n_in, n_out) kernel.
        b: (n_out,) bias, or None for a layer without bias.
    Returns:
        out: (m, n_out); cache: (x, W) for ``dense_backward``.
    """
    out = x @ W                                   # (m, n_out)
    if b is not None:
        out += b
    return out, (x, W)


def dense_backward(dout: np.ndarray, cache: DenseCache,
                   compute_dx: bool = True) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Gradients of a scalar loss through ``dense_forward``.

    Args:
        dout: (m, n_out) upstream gradient ∂L/∂out.
        cache: (x, W) from ``dense_forward``.
        compute_dx: False skips dx (returned as None). A network's first layer needs no dx, and
            for image inputs its dout·Wᵀ is as costly as the layer's forward product.
    Returns:
        dx: (m, n_in) = dout·Wᵀ; dW: (n_in, n_out) = xᵀ·dout; db: (n_out,) = Σ_i dout_i.
    """
    x, W = cache
    dx = dout @ W.T if compute_dx else None       # (m, n_in)
    dW = x.T @ dout                               # (n_in, n_out)
    db = dout.sum(axis=0)                         # (n_out,)
    return dx, dW, db
