"""Course 1, week 2: "Python Basics with NumPy".

The warm-up functions, as the course's solutions (same names, arguments and results). Every
formula comes from the nnref core: the sigmoid and its derivative from
:mod:`nnref.functional.activations`, the softmax likewise (row-wise here, ``axis=1``), the L1/L2
losses from the weight penalties (``Σ|·|`` and ``Σ(·)²`` with coefficient 1).

Differences from the course's code, all below 1e-15 relative on finite inputs: the core's sigmoid
is the overflow-free form (``e^z/(1 + e^z)`` for z < 0) and the core's softmax subtracts the row
maximum first, so large inputs give finite results where the course's would overflow.
"""
from __future__ import annotations

import numbers

import numpy as np

from nnref.course.checks import shown
from nnref.functional import activations, penalties

__all__ = ["basic_sigmoid", "sigmoid", "sigmoid_derivative", "image2vector", "normalize_rows",
           "softmax", "L1", "L2"]


def basic_sigmoid(x):
    """s = 1/(1 + e^(−x)) for one real number ``x`` (the course's ``math.exp`` version).

    Like the course's, it takes a single number: a list or array raises TypeError (the point of
    the exercise is that ``math.exp`` does not broadcast; use :func:`sigmoid` for arrays).
    Returns a Python float; ``basic_sigmoid(1)`` is 0.7310585786300049.
    """
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        raise TypeError(f"x must be a real number (use sigmoid() for arrays). Received: x={shown(x)}")
    return float(activations.sigmoid(np.float64(x)))


def sigmoid(x):
    """s = 1/(1 + e^(−x)), elementwise. x: a number, list or array of any shape; s: same shape."""
    return activations.sigmoid(np.asarray(x))


def sigmoid_derivative(x):
    """σ'(x) = s·(1 − s) with s = σ(x), elementwise; same shape as x."""
    z = np.asarray(x)
    s = activations.sigmoid(z)
    return activations.sigmoid_backward(1.0, z, s)          # 1·s·(1 − s)


def image2vector(image):
    """An image (length, height, depth) as a column vector (length·height·depth, 1).

    The course's ``image.reshape((image.shape[0] * image.shape[1] * image.shape[2], 1))``: a view
    when ``image`` is contiguous, like the course's.
    """
    if not isinstance(image, np.ndarray) or image.ndim != 3:
        raise ValueError(f"image must be a 3-D array (length, height, depth). "
                         f"Received: image={shown(image)}")
    return image.reshape((image.shape[0] * image.shape[1] * image.shape[2], 1))


def normalize_rows(x):
    """Each row of x divided by its Euclidean norm: x / ‖x_i‖₂. x: (n, d) -> (n, d).

    A new array (x is not modified). A row of zeros gives NaN, as in the course.
    """
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"x must be a 2-D array (n, d). Received: x of shape {x.shape}")
    x_norm = np.linalg.norm(x, ord=2, axis=1, keepdims=True)   # (n, 1)
    return x / x_norm


def softmax(x):
    """Row-wise softmax: s_ij = e^(x_ij) / Σ_k e^(x_ik). x: (n, d) -> (n, d), each row sums to 1."""
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"x must be a 2-D array (n, d), one row per example. "
                         f"Received: x of shape {x.shape}")
    return activations.softmax(x, axis=1)


def _check_pair(yhat, y):
    yhat, y = np.asarray(yhat), np.asarray(y)
    if yhat.shape != y.shape:
        raise ValueError(f"yhat and y must have the same shape. Received: yhat of shape "
                         f"{yhat.shape}, y of shape {y.shape}")
    return yhat, y


def L1(yhat, y):
    """L1 loss: Σ_i |y_i − ŷ_i| (a NumPy float). ``L1([.9, .2, .1, .4, .9], [1, 0, 0, 1, 1])`` is 1.1."""
    yhat, y = _check_pair(yhat, y)
    return penalties.l1_penalty(y - yhat, 1.0)


def L2(yhat, y):
    """L2 loss: Σ_i (y_i − ŷ_i)² (a NumPy float). ``L2([.9, .2, .1, .4, .9], [1, 0, 0, 1, 1])`` is 0.43."""
    yhat, y = _check_pair(yhat, y)
    return penalties.l2_penalty(y - yhat, 1.0)
