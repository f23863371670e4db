"""The course's ``(n_x, m)`` layout on top of the batch-first kernels.

Course layout: ``A`` is ``(n, m)`` (one example per column), ``W`` is ``(n_l, n_{l-1})``,
``b`` is ``(n_l, 1)``. Kernel layout (:mod:`nnref.functional.dense`): ``x`` is ``(m, n)``,
``W`` is ``(n_in, n_out)``, ``b`` is ``(n_out,)``. The course's ``Z = W·A + b`` is the kernel's
``out = x·W + b`` on transposed views::

    Z = (Aᵀ·Wᵀ + bᵀ)ᵀ

No array is copied: ``A.T`` and ``W.T`` are views, and BLAS runs the same product.
"""
from __future__ import annotations

import numpy as np

from nnref.course.checks import check_choice, check_layer_dims
from nnref.functional import optim
from nnref.functional.dense import dense_backward, dense_forward


# ----------------------------------------------------------------------------- the dense kernel
def linear_forward(A: np.ndarray, W: np.ndarray, b) -> np.ndarray:
    """Z = W·A + b.

    Args:
        A: (n_{l-1}, m); W: (n_l, n_{l-1}); b: (n_l, 1), or a scalar (logistic regression).
    Returns:
        Z: (n_l, m), a transposed view of the kernel's (m, n_l) output.
    """
    b_kernel = b.T if np.ndim(b) == 2 else b            # (1, n_l) broadcasts over the m rows
    out, _ = dense_forward(A.T, W.T, b_kernel)          # (m, n_l)
    return out.T                                        # (n_l, m)


def linear_backward(dZ: np.ndarray, A_prev: np.ndarray, W: np.ndarray, scale: float,
                    compute_dA_prev: bool = True):
    """Gradients through Z = W·A_prev + b, with the course's placement of 1/m.

        dA_prev = Wᵀ·dZ                  (never scaled)
        dW      = scale·(dZ·A_prevᵀ)
        db      = scale·Σ_i dZ[:, i]     (n_l, 1)

    Where each assignment puts 1/m (which ``scale`` it passes): :mod:`nnref.course.backprop`.

    Args:
        dZ: (n_l, m); A_prev: (n_{l-1}, m); W: (n_l, n_{l-1}); scale: a Python float.
        compute_dA_prev: False skips Wᵀ·dZ (returned as None) where nothing uses it: the input
            layer inside a training loop, whose product is as costly as the forward one.
    Returns:
        dA_prev: (n_{l-1}, m) or None; dW: (n_l, n_{l-1}); db: (n_l, 1).
    """
    dx, dW_kernel, db_kernel = dense_backward(dZ.T, (A_prev.T, W.T),           # (m, n_{l-1}),
                                              compute_dx=compute_dA_prev)        # (n_{l-1}, n_l), (n_l,)
    dA_prev = None if dx is None else dx.T
    return dA_prev, scale * dW_kernel.T, scale * db_kernel[:, None]


def descend(param, grad, learning_rate):
    """``param − learning_rate·grad`` as a new array: the course's out-of-place update, computed by
    the plain gradient-descent kernel on a copy (``param`` itself is not modified).

    A scalar ``param`` (logistic regression's ``b``) gives a NumPy scalar back.
    """
    out = np.array(param, copy=True)
    optim.sgd_update(out, grad, learning_rate)
    return out if np.ndim(param) else out[()]


# The course's weight scalings, each as the course writes it after ``np.random.randn(n_l, n_{l-1})``.
WEIGHT_SCALINGS = {
    "0.01": lambda W, n_prev: W * 0.01,                      # course 1 (weeks 3, 4)
    "10": lambda W, n_prev: W * 10,                          # course 2 week 1's "random" init
    "1/sqrt(n)": lambda W, n_prev: W / np.sqrt(n_prev),      # dnn_app_utils, reg_utils
    "he": lambda W, n_prev: W * np.sqrt(2. / n_prev),        # course 2 weeks 1-2 (He)
}


def initialize_layers(layer_dims, *, scaling, seed=None, name="layer_dims") -> dict:
    """The course's parameter dict for layer sizes [n_0, ..., n_L], written once for every
    assignment: ``np.random.seed(seed)`` (unless None), then for l = 1..L
    ``W{l} = randn(n_l, n_{l-1})`` scaled by ``WEIGHT_SCALINGS[scaling]`` (or zeros with
    ``scaling="zeros"``) and ``b{l} = zeros((n_l, 1))``, drawn in the order W1, W2, ... (so the
    seeded global generator gives the course's numbers).

    Returns:
        ``{"W1": (n_1, n_0), "b1": (n_1, 1), ..., "WL": (n_L, n_{L-1}), "bL": (n_L, 1)}``.
    """
    layer_dims = check_layer_dims(name, layer_dims)
    check_choice("scaling", scaling, ("zeros", *WEIGHT_SCALINGS))
    if seed is not None:
        np.random.seed(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        if scaling == "zeros":
            parameters["W" + str(l)] = np.zeros((n, n_prev))
        else:
            parameters["W" + str(l)] = WEIGHT_SCALINGS[scaling](np.random.randn(n, n_prev), n_prev)
        parameters["b" + str(l)] = np.zeros((n, 1))
    return parameters
