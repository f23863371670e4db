"""Known mistakes of course 1, week 4: the deep network application.

Students write only the two training loops here; the helpers (forward, backward, update, and
the application's own initializations) are the course's ``dnn_app_utils_v3``, so the mistakes
are those of the loops. Not listed: discarding update_parameters' result, which the course's
helper makes harmless (it updates the dict it is given, in place).
"""
from __future__ import annotations

import numpy as np

from nnref.grading.mistakes import variants
from nnref.grading.mistakes.c1w4_deep_nn import (L_model_backward, L_model_forward,
                                                 compute_cost, initialize_parameters,
                                                 linear_activation_backward,
                                                 linear_activation_forward, update_parameters)


def _initialize_parameters_deep(layer_dims):
    """dnn_app_utils_v3's: ``np.random.seed(1)``, W{l} = randn(n_l, n_{l-1}) / √n_{l-1}."""
    np.random.seed(1)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = (np.random.randn(layer_dims[l], layer_dims[l - 1])
                                    / np.sqrt(layer_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def _record(i, cost, costs, num_iterations, mistake):
    if mistake == "cost_every_iteration" or i % 100 == 0 or i == num_iterations:
        costs.append(cost)


def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000,
                    print_cost=False, mistake=None):
    if mistake == "learning_rate_ignored":
        learning_rate = 0.0075
    costs = []
    n_x, n_h, n_y = layers_dims
    parameters = initialize_parameters(n_x, n_h, n_y)      # seeds 1 itself
    for i in range(num_iterations):
        W1, b1, W2, b2 = (parameters[k] for k in ("W1", "b1", "W2", "b2"))
        A1, cache1 = linear_activation_forward(X, W1, b1, "relu")
        A2, cache2 = linear_activation_forward(A1, W2, b2, "sigmoid")
        cost = compute_cost(A2, Y)
        if mistake == "dA2_sign":
            dA2 = np.divide(Y, A2) - np.divide(1 - Y, 1 - A2)
        elif mistake == "dA2_is_A2_minus_Y":
            dA2 = A2 - Y
        else:
            dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, "sigmoid")
        _, dW1, db1 = linear_activation_backward(dA1, cache1, "relu")
        grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
        parameters = update_parameters(parameters, grads, learning_rate)
        _record(i, cost, costs, num_iterations, mistake)
    return parameters, costs


def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000,
                  print_cost=False, mistake=None):
    if mistake == "learning_rate_ignored":
        learning_rate = 0.0075
    costs = []
    if mistake == "step_by_step_initialization":
        np.random.seed(3)
        parameters = {}
        for l in range(1, len(layers_dims)):
            parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * 0.01
            parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    else:
        parameters = _initialize_parameters_deep(layers_dims)
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        _record(i, cost, costs, num_iterations, mistake)
    return parameters, costs


_LOOP = (
    ("learning_rate_ignored", "the learning rate fixed at its default 0.0075",
     "pass the learning_rate given to update_parameters(parameters, grads, learning_rate)"),
    ("cost_every_iteration", "the cost recorded at every iteration",
     "costs.append(cost) when i % 100 == 0 (or at the last iteration)"),
)

MISTAKES = {
    "two_layer_model": variants(
        two_layer_model, *_LOOP,
        ("dA2_sign", "dA2 without its minus sign",
         "dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))"),
        ("dA2_is_A2_minus_Y", "dA2 = A2 - Y (that is dZ2: sigmoid_backward applies the "
         "derivative again)", "dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))")),
    "L_layer_model": variants(
        L_layer_model, *_LOOP,
        ("step_by_step_initialization", "the step-by-step assignment's initialization "
         "(seed 3, × 0.01)", "initialize_parameters_deep(layers_dims) of this assignment's "
         "dnn_app_utils (seed 1, W / √n_{l-1})")),
}
