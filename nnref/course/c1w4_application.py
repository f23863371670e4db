"""Course 1, week 4: "Deep Neural Network for Image Classification: Application".

``two_layer_model`` and ``L_layer_model`` train on the cat/non-cat images with the building
blocks of :mod:`nnref.course.c1w4_deep_nn`. This assignment's ``dnn_app_utils`` has its own
initializers, reproduced here:

- ``initialize_parameters(n_x, n_h, n_y)``: ``np.random.seed(1)``, ``randn · 0.01`` (as week 4's);
- ``initialize_parameters_deep(layer_dims)``: ``np.random.seed(1)`` and ``randn / √n_{l-1}``
  (not week 4's seed 3 and ``· 0.01``).

Both models call ``np.random.seed(1)`` first, as the course's. Results on the course's data
(``load_data()``, flattened, / 255), reproduced by the tests:

- ``two_layer_model(..., (12288, 7, 1), num_iterations=2500)``: cost 0.693049735659989 at
  iteration 0, train accuracy 1.0, test 0.72;
- ``L_layer_model(..., [12288, 20, 7, 5, 1], num_iterations=2500)``: cost 0.7717493284237686 at
  iteration 0, train accuracy 0.9856, test 0.8.

Both models skip ∂J/∂X (``dA0``), which the course computes and discards: the results are
the same, the first layer's backward pass costs half as much.

Printing, as the course: "Cost after iteration i: ..." every 100 iterations with ``print_cost``,
and *always* for the last iteration (the course's condition is
``print_cost and i % 100 == 0 or i == num_iterations - 1``); costs are recorded every 100
iterations. ``predict`` prints "Accuracy: ...".
"""
from __future__ import annotations

import numpy as np

from nnref.course import checks, data, layout
from nnref.course.c1w4_deep_nn import (L_model_backward, L_model_forward, compute_cost,
                                       initialize_parameters, linear_activation_backward,
                                       linear_activation_forward, update_parameters)
from nnref.functional import losses

__all__ = ["load_data", "initialize_parameters", "initialize_parameters_deep", "two_layer_model",
           "L_layer_model", "predict", "L_model_forward", "L_model_backward", "compute_cost",
           "linear_activation_forward", "linear_activation_backward", "update_parameters"]


def load_data(path=None):
    """The cat/non-cat data as the course's ``dnn_app_utils.load_data()`` returns them.

    Returns:
        ``(train_x_orig, train_y, test_x_orig, test_y, classes)``: uint8 (209, 64, 64, 3),
        int (1, 209), uint8 (50, 64, 64, 3), int (1, 50), ``[b'non-cat', b'cat']``.
    """
    return data.catvnoncat(path)


def initialize_parameters_deep(layer_dims):
    """``np.random.seed(1)``; W{l} = randn(n_l, n_{l-1}) / √n_{l-1}, b{l} = zeros((n_l, 1))."""
    return layout.initialize_layers(layer_dims, scaling="1/sqrt(n)", seed=1)


def _check_training(X, Y, learning_rate, num_iterations):
    X = checks.check_matrix("X", X)
    Y = checks.check_labels("Y", Y, X.shape[1])
    learning_rate = checks.check_real("learning_rate", learning_rate, low=0)
    num_iterations = checks.check_int("num_iterations", num_iterations, low=1)
    return X, Y, learning_rate, num_iterations


def _report(i, cost, costs, num_iterations, print_cost):
    """The course's bookkeeping (its operator precedence included)."""
    if print_cost and i % 100 == 0 or i == num_iterations - 1:
        print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
    if i % 100 == 0 or i == num_iterations:
        costs.append(cost)


def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    """LINEAR → RELU → LINEAR → SIGMOID, trained by gradient descent.

    Args:
        X: (n_x, m); Y: (1, m); layers_dims: (n_x, n_h, n_y).
    Returns:
        ``(parameters, costs)``: the trained W1, b1, W2, b2 and the costs every 100 iterations.
    """
    X, Y, learning_rate, num_iterations = _check_training(X, Y, learning_rate, num_iterations)
    np.random.seed(1)
    costs = []
    if len(checks.check_layer_dims("layers_dims", layers_dims)) != 3:
        raise ValueError(f"layers_dims must be (n_x, n_h, n_y). Received: layers_dims={layers_dims!r}")
    (n_x, n_h, n_y) = layers_dims
    parameters = initialize_parameters(n_x, n_h, n_y)
    for i in range(num_iterations):
        W1, b1, W2, b2 = (parameters[k] for k in ("W1", "b1", "W2", "b2"))
        A1, cache1 = linear_activation_forward(X, W1, b1, "relu")
        A2, cache2 = linear_activation_forward(A1, W2, b2, "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = losses.binary_crossentropy_backward(Y, A2, reduction="sum")   # −(Y/A2 − (1−Y)/(1−A2))
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, "sigmoid")
        _, dW1, db1 = linear_activation_backward(dA1, cache1, "relu", compute_dA_prev=False)
        grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
        parameters = update_parameters(parameters, grads, learning_rate)
        _report(i, cost, costs, num_iterations, print_cost)
    return parameters, costs


def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    """[LINEAR → RELU] × (L − 1) → LINEAR → SIGMOID, trained by gradient descent.

    Args:
        X: (n_x, m); Y: (1, m); layers_dims: [n_x, n_1, ..., n_L].
    Returns:
        ``(parameters, costs)``: the trained parameters and the costs every 100 iterations.
    """
    X, Y, learning_rate, num_iterations = _check_training(X, Y, learning_rate, num_iterations)
    np.random.seed(1)
    costs = []
    parameters = initialize_parameters_deep(layers_dims)
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches, compute_dA0=False)           # dA0 unused
        parameters = update_parameters(parameters, grads, learning_rate)
        _report(i, cost, costs, num_iterations, print_cost)
    return parameters, costs


def predict(X, y, parameters):
    """Labels (1, m) of 0./1. (1 where AL > 0.5); prints "Accuracy: " + the fraction correct."""
    X = checks.check_matrix("X", X)
    m = X.shape[1]
    probas, _ = L_model_forward(X, parameters)
    p = (probas > 0.5).astype(np.float64)                  # (1, m)
    print("Accuracy: " + str(np.sum((p == y) / m)))
    return p
