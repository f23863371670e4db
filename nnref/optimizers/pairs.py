"""The checks of ``Optimizer.apply_gradients``'s ``grads_and_vars``, before any update."""
from __future__ import annotations

import numpy as np


def check_pairs(grads_and_vars) -> list:
    """``grads_and_vars`` as a list of ``(grad, param)`` pairs of matching ndarrays (``param``
    floating-point and writeable), each parameter once."""
    pairs = list(grads_and_vars)
    if not pairs:
        raise ValueError("grads_and_vars must contain at least one (grad, param) pair. "
                         "Received: grads_and_vars=[]")
    for i, pair in enumerate(pairs):
        _check_pair(i, pair)
    if len({id(param) for _, param in pairs}) != len(pairs):
        raise ValueError("Each parameter may appear once in grads_and_vars; "
                         "received the same array twice.")
    return pairs


def check_known(params, index: dict, n_built: int) -> None:
    """Every parameter is one the optimizer was built for (``index``: id -> position)."""
    for i, param in enumerate(params):
        if id(param) not in index:
            raise ValueError(
                f"Unknown parameter at grads_and_vars[{i}] (shape {param.shape}): this "
                f"optimizer was built for {n_built} other arrays. Pass the same "
                "array objects every step, or create a new optimizer.")


def _check_pair(i, pair):
    """Check ``grads_and_vars[i]`` is ``(grad, param)`` with matching ndarrays."""
    try:
        grad, param = pair
    except (TypeError, ValueError):
        raise TypeError(f"grads_and_vars[{i}] must be a (grad, param) pair. "
                        f"Received: {type(pair).__name__}") from None
    if not isinstance(param, np.ndarray) or param.dtype.kind != "f":
        raise TypeError(f"The parameter at grads_and_vars[{i}] must be a floating-point NumPy "
                        f"array. Received: {_describe(param)}")
    if not param.flags.writeable:
        raise ValueError(f"The parameter at grads_and_vars[{i}] must be writeable: it is "
                         "updated in place. Received: a read-only array")
    if not isinstance(grad, np.ndarray):
        raise TypeError(f"The gradient at grads_and_vars[{i}] must be a NumPy array. "
                        f"Received: {_describe(grad)}")
    if grad.shape != param.shape:
        raise ValueError(f"The gradient at grads_and_vars[{i}] must have its parameter's shape "
                         f"{param.shape}. Received: grad.shape={grad.shape}")
    if grad.dtype != param.dtype:
        raise TypeError(f"The gradient at grads_and_vars[{i}] must have its parameter's dtype "
                        f"{param.dtype}. Received: grad.dtype={grad.dtype}")


def _describe(x):
    if isinstance(x, np.ndarray):
        return f"array of dtype {x.dtype}"
    return f"{type(x).__name__}"
