"""Known mistakes of course 1, week 4: building a deep neural network, step by step.

Each function calls the ones below it with its own mistake key, as a student's calls their own
helpers: a mistake in ``linear_backward`` shows in ``L_model_backward`` too.
"""
from __future__ import annotations

import numpy as np

from nnref.grading.mistakes import variants
from nnref.grading.mistakes._common import (cross_entropy_cost, linear_grads, relu, shared,
                                            sigmoid, update_all)
from nnref.grading.mistakes.c1w3_planar import _NO_SCALING
from nnref.grading.mistakes.c1w3_planar import initialize_parameters as _planar_initialize
from nnref.grading.mistakes.c1w3_planar import MISTAKES as _PLANAR


def initialize_parameters(n_x, n_h, n_y, mistake=None):
    if mistake != "seed_not_set":
        np.random.seed(1)
    return _planar_initialize(n_x, n_h, n_y, mistake)


def initialize_parameters_deep(layer_dims, mistake=None):
    if mistake != "seed_not_set":
        np.random.seed(3)
    parameters = {}
    L = len(layer_dims) - (1 if mistake == "deep_last_layer_missing" else 0)
    for l in range(1, L):
        if mistake == "seed_in_loop":
            np.random.seed(3)
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        shape = (n_prev, n) if mistake == "deep_W_shape_swapped" else (n, n_prev)
        scale = {"init_no_scaling": 1, "init_deep_sqrt_scaling": 1 / np.sqrt(n_prev)}.get(mistake,
                                                                                         0.01)
        parameters["W" + str(l)] = np.random.randn(*shape) * scale
        parameters["b" + str(l)] = np.zeros((n, 1))
    return parameters


def linear_forward(A, W, b, mistake=None):
    Z = np.dot(W, A) + (0 if mistake == "linear_forward_without_b" else b)
    return Z, ((W, A, b) if mistake == "linear_cache_order" else (A, W, b))


def linear_activation_forward(A_prev, W, b, activation, mistake=None):
    if mistake == "activation_swapped":
        activation = "relu" if activation == "sigmoid" else "sigmoid"
    Z, linear_cache = linear_forward(A_prev, W, b, mistake)
    A = sigmoid(Z) if activation == "sigmoid" else relu(Z)
    return A, (linear_cache, A if mistake == "activation_cache_is_A" else Z)


def L_model_forward(X, parameters, mistake=None):
    caches = []
    A = X
    L = len(parameters) // 2
    hidden = "sigmoid" if mistake == "forward_all_sigmoid" else "relu"
    last = "relu" if mistake == "forward_all_relu" else "sigmoid"
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)],
                                             parameters["b" + str(l)], hidden, mistake)
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)],
                                          last, mistake)
    if mistake != "forward_last_cache_missing":
        caches.append(cache)
    return AL, caches


def compute_cost(AL, Y, mistake=None):
    return cross_entropy_cost(AL, Y, mistake)


def linear_backward(dZ, cache, mistake=None):
    A_prev, W, b = cache
    dA_prev, dW, db = linear_grads(dZ, A_prev, W, mistake)
    if mistake == "dA_prev_scaled":
        dA_prev = dA_prev / A_prev.shape[1]
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation, mistake=None):
    linear_cache, Z = cache
    if mistake == "backward_activation_swapped":
        activation = "relu" if activation == "sigmoid" else "sigmoid"
    if mistake == "backward_activation_missing":
        dZ = dA
    elif activation == "relu":
        dZ = np.array(dA, copy=True)
        dZ[Z <= 0] = 0
    else:
        s = sigmoid(Z)
        dZ = dA * s * (1 - s)
    return linear_backward(dZ, linear_cache, mistake)


def L_model_backward(AL, Y, caches, mistake=None):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    if mistake == "dAL_sign":
        dAL = Y / AL - (1 - Y) / (1 - AL)
    elif mistake == "dAL_is_AL_minus_Y":
        dAL = AL - Y
    else:
        dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    last = "relu" if mistake == "backward_all_relu" else "sigmoid"
    shift = 1 if mistake == "grads_dA_key_shifted" else 0      # dA{l} for dA{l-1}
    dA, dW, db = linear_activation_backward(dAL, caches[L - 1], last, mistake)
    grads["dA" + str(L - 1 + shift)], grads["dW" + str(L)], grads["db" + str(L)] = dA, dW, db
    for l in reversed(range(L - 1)):
        dA, dW, db = linear_activation_backward(dA, caches[l], "relu", mistake)
        grads["dA" + str(l + shift)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            dA, dW, db
    return grads


def update_parameters(params, grads, learning_rate, mistake=None):
    return update_all(params, grads, learning_rate, mistake)


_INIT = dict((m.key, (m.key, m.name, m.fix)) for m in _PLANAR["initialize_parameters"])
_WITHOUT_B = ("linear_forward_without_b", "Z = W · A without + b", "Z = np.dot(W, A) + b")
_CACHE_IS_A = ("activation_cache_is_A", "the activation cache holding A instead of Z",
               "A, activation_cache = relu(Z) (or sigmoid(Z)): the cache is Z, which the "
               "backward pass needs")
_SWAPPED = ("backward_activation_swapped", "relu_backward and sigmoid_backward swapped",
            "dZ = relu_backward(dA, activation_cache) for 'relu', sigmoid_backward for 'sigmoid'")
_DZ_IS_DA = ("backward_activation_missing", "dZ = dA, without the activation's derivative",
             "dZ = relu_backward(dA, activation_cache) or sigmoid_backward(dA, activation_cache)")
_DEEP_NO_SCALING = ("init_no_scaling", "the weights not multiplied by 0.01",
                    "W{l} = np.random.randn(layer_dims[l], layer_dims[l-1]) * 0.01")

MISTAKES = {
    "initialize_parameters": variants(
        initialize_parameters, shared("seed_not_set", seed=1), _NO_SCALING,
        _INIT["init_W2_first"], _INIT["init_b_random"]),
    "initialize_parameters_deep": variants(
        initialize_parameters_deep, shared("seed_not_set", seed=3),
        shared("seed_in_loop", seed=3), _DEEP_NO_SCALING,
        ("init_deep_sqrt_scaling", "the weights divided by √n_{l-1} instead of multiplied by 0.01",
         "W{l} = np.random.randn(layer_dims[l], layer_dims[l-1]) * 0.01 here (the / √n_{l-1} "
         "is the application's initialization)"),
        ("deep_last_layer_missing", "the last layer missing (L = len(layer_dims) - 1 and "
         "range(1, L))", "L = len(layer_dims); for l in range(1, L): one W, b per layer"),
        ("deep_W_shape_swapped", "W{l} drawn with shape (n_{l-1}, n_l)",
         "np.random.randn(layer_dims[l], layer_dims[l-1]): (units of this layer, units of "
         "the previous)")),
    "linear_forward": variants(
        linear_forward, _WITHOUT_B,
        ("linear_cache_order", "the cache in the order (W, A, b)", "cache = (A, W, b)")),
    "linear_activation_forward": variants(
        linear_activation_forward, _CACHE_IS_A, _WITHOUT_B,
        ("activation_swapped", "relu and sigmoid swapped",
         "activation == 'sigmoid' -> sigmoid(Z), 'relu' -> relu(Z)")),
    "L_model_forward": variants(
        L_model_forward,
        ("forward_all_relu", "ReLU in the last layer too", "the last layer (L) is LINEAR -> "
         "SIGMOID: linear_activation_forward(A, W{L}, b{L}, 'sigmoid')"),
        ("forward_all_sigmoid", "the sigmoid in the hidden layers too",
         "the hidden layers 1..L-1 use 'relu'"),
        ("forward_last_cache_missing", "the last layer's cache not appended",
         "caches.append(cache) after the last layer too: one cache per layer"),
        _CACHE_IS_A, _WITHOUT_B),
    "compute_cost": variants(compute_cost, "cost_no_mean", "cost_sign", "cost_positive_term_only",
                             "cost_not_squeezed"),
    "linear_backward": variants(
        linear_backward, "one_over_m_forgotten", "one_over_m_twice", "db_wrong_axis",
        "db_no_keepdims", "dW_transposed",
        ("dA_prev_scaled", "dA_prev divided by m", "dA_prev = np.dot(W.T, dZ): no 1/m")),
    "linear_activation_backward": variants(
        linear_activation_backward, _SWAPPED, _DZ_IS_DA, "one_over_m_forgotten",
        "db_no_keepdims", "dW_transposed"),
    "L_model_backward": variants(
        L_model_backward,
        ("dAL_sign", "dAL without its minus sign",
         "dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))"),
        ("dAL_is_AL_minus_Y", "dAL = AL - Y (that is dZL: sigmoid_backward applies the "
         "derivative again)", "dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))"),
        ("backward_all_relu", "the last layer differentiated as ReLU",
         "layer L is sigmoid: linear_activation_backward(dAL, current_cache, 'sigmoid')"),
        ("grads_dA_key_shifted", "dA stored under 'dA' + str(l) instead of 'dA' + str(l-1)",
         "grads['dA' + str(l - 1)], grads['dW' + str(l)], grads['db' + str(l)] = ..."),
        _DZ_IS_DA, "one_over_m_forgotten", "db_no_keepdims"),
    "update_parameters": variants(update_parameters, "gd_ascent", "gd_no_learning_rate",
                                  "gd_b_not_updated", "gd_last_layer_skipped"),
}
