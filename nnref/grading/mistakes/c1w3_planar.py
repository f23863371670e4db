"""Known mistakes of course 1, week 3: planar data classification with one hidden layer.

``nn_model`` calls this module's other functions with its own mistake key, as a student's does.
"""
from __future__ import annotations

import numpy as np

from nnref.grading.mistakes import variants
from nnref.grading.mistakes._common import (cross_entropy_cost, linear_grads, relu, shared,
                                            sigmoid, update_all)


def layer_sizes(X, Y, mistake=None):
    if mistake == "layer_sizes_columns":
        return (X.shape[1], 4, Y.shape[1])
    if mistake == "layer_sizes_n_y_one":
        return (X.shape[0], 4, 1)
    if mistake == "layer_sizes_swapped":
        return (Y.shape[0], 4, X.shape[0])
    return (X.shape[0], 4, Y.shape[0])


def initialize_parameters(n_x, n_h, n_y, mistake=None):
    scale = 1 if mistake == "init_no_scaling" else 0.01
    if mistake == "init_W2_first":
        W2 = np.random.randn(n_y, n_h) * scale
        W1 = np.random.randn(n_h, n_x) * scale
    else:
        W1 = np.random.randn(n_h, n_x) * scale
        W2 = None
    b1 = np.random.randn(n_h, 1) * scale if mistake == "init_b_random" else np.zeros((n_h, 1))
    if W2 is None:
        W2 = np.random.randn(n_y, n_h) * scale
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def forward_propagation(X, parameters, mistake=None):
    W1, b1, W2, b2 = (parameters[k] for k in ("W1", "b1", "W2", "b2"))
    Z1 = np.dot(W1, X) + b1
    A1 = {"forward_relu_hidden": relu, "forward_sigmoid_hidden": sigmoid}.get(mistake, np.tanh)(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = np.tanh(Z2) if mistake == "forward_tanh_output" else sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def compute_cost(A2, Y, mistake=None):
    cost = cross_entropy_cost(A2, Y, mistake)
    return cost if mistake == "cost_not_squeezed" else float(cost)


def backward_propagation(parameters, cache, X, Y, mistake=None):
    W1, W2 = parameters["W1"], parameters["W2"]
    Z1, A1, A2 = cache["Z1"], cache["A1"], cache["A2"]
    dZ2 = Y - A2 if mistake == "dz_sign" else A2 - Y                          # (n_y, m)
    dA1, dW2, db2 = linear_grads(dZ2, A1, W2, mistake)
    derivative = {"tanh_derivative_from_Z": 1 - np.power(Z1, 2),
                  "tanh_derivative_not_squared": 1 - A1,
                  "tanh_derivative_missing": 1}.get(mistake, 1 - np.power(A1, 2))
    dZ1 = dA1 * derivative                                                    # (n_h, m)
    _, dW1, db1 = linear_grads(dZ1, X, W1, mistake)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters, grads, learning_rate=1.2, mistake=None):
    if mistake == "update_learning_rate_ignored":
        learning_rate = 1.2
    return update_all(parameters, grads, learning_rate, mistake)


def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False, mistake=None):
    if mistake != "seed_not_set":
        np.random.seed(3)
    n_x, n_h_default, n_y = layer_sizes(X, Y)
    if mistake == "nn_model_n_h_from_layer_sizes":
        n_h = n_h_default
    parameters = initialize_parameters(n_x, n_h, n_y, mistake)
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters, mistake)
        grads = backward_propagation(parameters, cache, X, Y, mistake)
        updated = update_parameters(parameters, grads, mistake=mistake)
        if mistake != "nn_model_update_discarded":
            parameters = updated
    return parameters


def predict(parameters, X, mistake=None):
    A2, _ = forward_propagation(X, parameters, mistake)
    if mistake == "predict_returns_A":
        return A2
    if mistake == "predict_inverted":
        return A2 <= 0.5
    return A2 > 0.5


_TANH_FROM_Z = ("tanh_derivative_from_Z", "dZ1 with 1 - Z1² instead of 1 - A1²",
                "dZ1 = W2ᵀ · dZ2 * (1 - np.power(A1, 2)): tanh'(Z1) = 1 - tanh(Z1)² = 1 - A1²")
_NO_SCALING = ("init_no_scaling", "the weights not multiplied by 0.01",
               "W1 = np.random.randn(n_h, n_x) * 0.01, W2 = np.random.randn(n_y, n_h) * 0.01")
_RELU_HIDDEN = ("forward_relu_hidden", "ReLU in the hidden layer instead of tanh",
                "A1 = np.tanh(Z1)")
_DZ_SIGN = ("dz_sign", "dZ2 = Y - A2 instead of A2 - Y", "dZ2 = A2 - Y")

MISTAKES = {
    "layer_sizes": variants(
        layer_sizes,
        ("layer_sizes_columns", "the sizes read from shape[1] (the number of examples)",
         "n_x = X.shape[0], n_y = Y.shape[0]: the rows"),
        ("layer_sizes_n_y_one", "n_y fixed at 1 instead of Y.shape[0]", "n_y = Y.shape[0]"),
        ("layer_sizes_swapped", "n_x read from Y and n_y from X",
         "n_x = X.shape[0] (the input layer), n_y = Y.shape[0] (the output layer)")),
    "initialize_parameters": variants(
        initialize_parameters,
        _NO_SCALING,
        ("init_W2_first", "W2 drawn before W1", "draw W1, then W2: the order sets the numbers"),
        ("init_b_random", "b1 drawn at random instead of zeros", "b1 = np.zeros((n_h, 1))")),
    "forward_propagation": variants(
        forward_propagation,
        _RELU_HIDDEN,
        ("forward_sigmoid_hidden", "the sigmoid in the hidden layer instead of tanh",
         "A1 = np.tanh(Z1)"),
        ("forward_tanh_output", "tanh at the output instead of the sigmoid",
         "A2 = sigmoid(Z2)")),
    "compute_cost": variants(compute_cost, "cost_no_mean", "cost_sign",
                             "cost_positive_term_only", "cost_not_squeezed"),
    "backward_propagation": variants(
        backward_propagation, _TANH_FROM_Z,
        ("tanh_derivative_not_squared", "dZ1 with 1 - A1 instead of 1 - A1²",
         "dZ1 = W2ᵀ · dZ2 * (1 - np.power(A1, 2))"),
        ("tanh_derivative_missing", "dZ1 without the tanh derivative (W2ᵀ · dZ2 alone)",
         "dZ1 = W2ᵀ · dZ2 * (1 - np.power(A1, 2))"),
        _DZ_SIGN, "one_over_m_forgotten", "db_no_keepdims", "db_wrong_axis", "dW_transposed"),
    "update_parameters": variants(
        update_parameters, "gd_ascent", "gd_no_learning_rate", "gd_b_not_updated",
        ("update_learning_rate_ignored", "the learning rate fixed at 1.2 instead of the argument",
         "use the learning_rate given (1.2 is only its default)")),
    "nn_model": variants(
        nn_model, shared("seed_not_set", seed=3),
        ("nn_model_n_h_from_layer_sizes", "n_h taken from layer_sizes (4) instead of the argument",
         "n_x = layer_sizes(X, Y)[0], n_y = layer_sizes(X, Y)[2]; use the n_h given"),
        ("nn_model_update_discarded", "the updated parameters never assigned back",
         "parameters = update_parameters(parameters, grads)"),
        _TANH_FROM_Z, "one_over_m_forgotten", _NO_SCALING),
    "predict": variants(
        predict,
        ("predict_returns_A", "the probabilities A2 instead of the predictions",
         "predictions = (A2 > 0.5)"),
        ("predict_inverted", "the predictions inverted (A2 <= 0.5)", "predictions = (A2 > 0.5)"),
        _RELU_HIDDEN),
}
