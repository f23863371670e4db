"""The course's argument checks: its ``(n, m)`` arrays, labels, layer lists and parameter /
gradient dicts. Scalar checks (``check_int``, ``check_real``, ``check_choice``, ``shown``) are
nnref's own (:mod:`nnref._checks`), re-exported here so each course module imports one place.
"""
from __future__ import annotations

import numpy as np

from nnref._checks import check_choice, check_int, check_real, shown

__all__ = ["check_matrix", "check_labels", "check_layer_dims", "num_layers", "check_grads",
           "check_int", "check_real", "check_choice", "shown"]


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


def check_layer_dims(name: str, layer_dims) -> list[int]:
    """A list of layer sizes [n_x, n_1, ..., n_L], each a positive integer."""
    if isinstance(layer_dims, (str, bytes)) or not hasattr(layer_dims, "__len__"):
        raise TypeError(f"{name} must be a list of layer sizes. Received: {name}={layer_dims!r}")
    if len(layer_dims) < 2:
        raise ValueError(f"{name} must list at least 2 layer sizes. "
                         f"Received: {name}={list(layer_dims)!r}")
    return [check_int(f"{name}[{i}]", n, low=1) for i, n in enumerate(layer_dims)]


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


def check_grads(parameters: dict, grads: dict) -> int:
    """Check that ``grads`` has ``dW{l}``/``db{l}`` of the parameters' shapes; return L."""
    L = num_layers(parameters)
    for l in range(1, L + 1):
        for p in ("W", "b"):
            key = f"d{p}{l}"
            if key not in grads:
                raise ValueError(f"grads must hold {key} for parameter {p}{l}. "
                                 f"Received keys: {sorted(grads)}")
            if np.shape(grads[key]) != np.shape(parameters[f"{p}{l}"]):
                raise ValueError(f"grads[{key!r}] must have the shape of parameters['{p}{l}'], "
                                 f"{np.shape(parameters[f'{p}{l}'])}. "
                                 f"Received: {np.shape(grads[key])}")
    return L
