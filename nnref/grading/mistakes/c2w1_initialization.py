"""Known mistakes of course 2, week 1: initialization (zeros, large random, He)."""
from __future__ import annotations

import numpy as np

from nnref.grading.mistakes import variants
from nnref.grading.mistakes._common import shared


def _layers(layers_dims, scale, mistake, seed=None):
    """W{l} = scale(n_l, n_{l-1}) * randn(n_l, n_{l-1}) (zeros when scale is None), b{l} = 0."""
    if seed is not None and mistake != "seed_not_set":
        np.random.seed(seed)
    parameters = {}
    L = len(layers_dims) - (1 if mistake == "deep_last_layer_missing" else 0)
    for l in range(1, L):
        if seed is not None and mistake == "seed_in_loop":
            np.random.seed(seed)
        n, n_prev = layers_dims[l], layers_dims[l - 1]
        shape = (n_prev, n) if mistake == "deep_W_shape_swapped" else (n, n_prev)
        parameters["W" + str(l)] = (np.zeros(shape) if scale is None
                                    else np.random.randn(*shape) * scale(n, n_prev))
        parameters["b" + str(l)] = np.zeros(n if mistake == "b_flat" else (n, 1))
    return parameters


def initialize_parameters_zeros(layers_dims, mistake=None):
    return _layers(layers_dims, None, mistake)


def initialize_parameters_random(layers_dims, mistake=None):
    factor = {"random_no_scaling": 1, "random_times_001": 0.01}.get(mistake, 10)
    return _layers(layers_dims, lambda n, n_prev: factor, mistake, seed=3)


def initialize_parameters_he(layers_dims, mistake=None):
    def scale(n, n_prev):
        return {"he_fan_out": np.sqrt(2 / n), "he_without_2": np.sqrt(1 / n_prev),
                "he_without_sqrt": 2 / n_prev}.get(mistake, np.sqrt(2 / n_prev))
    return _layers(layers_dims, scale, mistake, seed=3)


_LAST = ("deep_last_layer_missing", "the last layer missing (range(1, L - 1) or "
         "L = len(layers_dims) - 1)", "L = len(layers_dims); for l in range(1, L)")
_SWAPPED = ("deep_W_shape_swapped", "W{l} of shape (n_{l-1}, n_l)",
            "W{l} has shape (layers_dims[l], layers_dims[l-1])")
_B_FLAT = ("b_flat", "b{l} of shape (n_l,) instead of (n_l, 1)",
           "b{l} = np.zeros((layers_dims[l], 1))")
_SEEDS = (shared("seed_not_set", seed=3), shared("seed_in_loop", seed=3))

MISTAKES = {
    "initialize_parameters_zeros": variants(initialize_parameters_zeros, _LAST, _SWAPPED, _B_FLAT),
    "initialize_parameters_random": variants(
        initialize_parameters_random, *_SEEDS,
        ("random_no_scaling", "the weights not multiplied by 10",
         "W{l} = np.random.randn(layers_dims[l], layers_dims[l-1]) * 10"),
        ("random_times_001", "the weights multiplied by 0.01 instead of 10",
         "this exercise uses large weights: * 10"), _LAST),
    "initialize_parameters_he": variants(
        initialize_parameters_he, *_SEEDS,
        ("he_fan_out", "He scaling by the layer's own size √(2/n_l)",
         "np.sqrt(2 / layers_dims[l-1]): the previous layer's size"),
        ("he_without_2", "√(1/n_{l-1}) (Xavier) instead of √(2/n_{l-1})",
         "np.sqrt(2 / layers_dims[l-1])"),
        ("he_without_sqrt", "2/n_{l-1} without the square root",
         "np.sqrt(2 / layers_dims[l-1])"), _LAST),
}
