"""The course's ``(n_x, m)`` layout on top of the batch-first kernels, and the course's checks.

Course layout: ``A`` is ``(n, m)`` (one example per column), ``W`` is ``(n_l, n_{l-1})``,
``b`` is ``(n_l, 1)``. Kernel layout (:mod:`nnref.functional.dense`): ``x`` is ``(m, n)``,
``W`` is ``(n_in, n_out)``, ``b`` is ``(n_out,)``. The course's ``Z = W·A + b`` is the kernel's
``out = x·W + b`` on transposed views::

    Z = (Aᵀ·Wᵀ + bᵀ)ᵀ

No array is copied: ``A.T`` and ``W.T`` are views, and BLAS runs the same product.
"""
from __future__ import annotations

import numbers

import numpy as np

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

    Course 1 week 4 and the regularization/gradient-checking assignments pass the unscaled
    ``dZ = A − Y`` and ``scale = 1/m``; the course 2 utilities (``init_utils``, ``opt_utils``)
    fold 1/m into ``dz3`` and pass ``scale = 1``; the TensorFlow assignment's total loss has no
    1/m at all.

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


# ----------------------------------------------------------------------------- checks
def shown(value):
    """``value`` as shown in an error message (an array shows as its shape)."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape}"
    return repr(value.item() if isinstance(value, np.generic) else value)


def check_matrix(name: str, value) -> np.ndarray:
    """A 2-D numeric ndarray (the course's ``(n, m)`` arrays); TypeError/ValueError otherwise."""
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a 2-D numpy array (n, m). Received: {name}={shown(value)}")
    if value.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (n, m). Received: {name} of shape {value.shape}")
    if value.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers. Received: {name} of dtype {value.dtype}")
    return value


def check_labels(name: str, Y, m: int) -> np.ndarray:
    """Labels of m examples: an ndarray of shape (1, m) (or (m,), which the course broadcasts)."""
    if not isinstance(Y, np.ndarray):
        raise TypeError(f"{name} must be a numpy array of shape (1, {m}). Received: {name}={shown(Y)}")
    if Y.shape not in ((1, m), (m,)):
        raise ValueError(f"{name} must have shape (1, {m}), one label per column of X. "
                         f"Received: {name} of shape {Y.shape}")
    return Y


def check_int(name: str, value, low: int = 0) -> int:
    """An integer >= low (bools refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer. Received: {name}={shown(value)}")
    if value < low:
        raise ValueError(f"{name} must be an integer >= {low}. Received: {name}={shown(value)}")
    return int(value)


def check_real(name: str, value, low=None, high=None, low_open=False) -> float:
    """A finite real number in [low, high] (``(low, high]`` with ``low_open``)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number. Received: {name}={shown(value)}")
    x = float(value)
    ok = np.isfinite(x) and (low is None or (x > low if low_open else x >= low)) \
        and (high is None or x <= high)
    if not ok:
        lo = "" if low is None else f"{'>' if low_open else '>='} {low:g}"
        hi = "" if high is None else f"<= {high:g}"
        rule = " and ".join(p for p in (lo, hi) if p) or "finite"
        raise ValueError(f"{name} must be {rule}. Received: {name}={shown(value)}")
    return x


def check_layer_dims(name: str, layer_dims, min_len: int = 2) -> list[int]:
    """A list of layer sizes [n_x, n_1, ..., n_L], each a positive integer."""
    if isinstance(layer_dims, (str, bytes)) or not hasattr(layer_dims, "__len__"):
        raise TypeError(f"{name} must be a list of layer sizes. Received: {name}={layer_dims!r}")
    if len(layer_dims) < min_len:
        raise ValueError(f"{name} must list at least {min_len} layer sizes. "
                         f"Received: {name}={list(layer_dims)!r}")
    return [check_int(f"{name}[{i}]", n, low=1) for i, n in enumerate(layer_dims)]


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


def check_choice(name: str, value, choices):
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}. Received: {name}={value!r}")
    return value


def num_layers(parameters: dict) -> int:
    """L for a dict holding W1, b1, ..., WL, bL (the course's ``len(parameters) // 2``)."""
    if not isinstance(parameters, dict):
        raise TypeError(f"parameters must be a dict of W1, b1, ... Received: {type(parameters).__name__}")
    L = len(parameters) // 2
    missing = [k for l in range(1, L + 1) for k in (f"W{l}", f"b{l}") if k not in parameters]
    if L == 0 or missing:
        raise ValueError(f"parameters must hold W1, b1, ..., WL, bL. "
                         f"Received keys: {sorted(parameters)}")
    return L


def check_grads(parameters: dict, grads: dict, prefix: str = "d") -> int:
    """Check that ``grads`` has ``dW{l}``/``db{l}`` of the parameters' shapes; return L."""
    L = num_layers(parameters)
    for l in range(1, L + 1):
        for p in ("W", "b"):
            key = f"{prefix}{p}{l}"
            if key not in grads:
                raise ValueError(f"grads must hold {key} for parameter {p}{l}. "
                                 f"Received keys: {sorted(grads)}")
            if np.shape(grads[key]) != np.shape(parameters[f"{p}{l}"]):
                raise ValueError(f"grads[{key!r}] must have the shape of parameters['{p}{l}'], "
                                 f"{np.shape(parameters[f'{p}{l}'])}. "
                                 f"Received: {np.shape(grads[key])}")
    return L
