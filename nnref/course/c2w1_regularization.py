"""Course 2, week 1: "Regularization" (L2 and dropout on the football data).

The 3-layer network of ``reg_utils`` (:mod:`nnref.course._three_layer`), [n_x, 20, 3, 1],
initialized with ``np.random.seed(3)`` and W = randn / √n_{l-1}. The graded functions::

    L2:       J = J_cross-entropy + the course's L2 term, dW_l += its gradient: the core's
              ``l2_penalty``/``l2_penalty_grad`` (:mod:`nnref.functional.penalties` states the
              course's form) with the coefficient of ``_l2_coefficient``
    dropout:  D_l = (rand(n_l, m) < keep_prob),   A_l = A_l ⊙ D_l / keep_prob
              dA_l = dA_l ⊙ D_l / keep_prob

The masks go through the core's dropout kernels. As in the course,
``forward_propagation_with_dropout`` calls ``np.random.seed(1)`` on every call, so each
training iteration draws the same masks; its cache is the course's 14-item tuple
``(Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)``.

The graded backward functions use course 1's placement of 1/m (``dZ3 = A3 − Y``,
``dW3 = (1/m)·dZ3·A2ᵀ``); the ungraded ``backward_propagation`` of ``reg_utils`` folds 1/m
into ``dz3``. ``model`` returns the parameters (the course also plots the costs).
"""
from __future__ import annotations

import numpy as np

from nnref import datasets
from nnref.course import checks, layout
from nnref.course._three_layer import backward_propagation, forward_propagation, graded_backward
from nnref.course._three_layer import compute_loss as compute_cost
from nnref.course._three_layer import predict, predict_dec, update_parameters
from nnref.functional import activations, dropout, penalties

__all__ = ["load_2D_dataset", "initialize_parameters", "forward_propagation",
           "backward_propagation", "compute_cost", "compute_cost_with_regularization",
           "backward_propagation_with_regularization", "forward_propagation_with_dropout",
           "backward_propagation_with_dropout", "update_parameters", "model", "predict",
           "predict_dec"]


def load_2D_dataset(path=None):
    """The football data as the course's ``reg_utils.load_2D_dataset()`` returns them.

    Returns:
        ``(train_X, train_Y, test_X, test_Y)``: float64 (2, 211), (1, 211), (2, 200), (1, 200).
    """
    train_X, train_Y, test_X, test_Y = datasets.load_football(path)
    return train_X.T, train_Y.reshape(1, -1), test_X.T, test_Y.reshape(1, -1)


def initialize_parameters(layer_dims):
    """``np.random.seed(3)``; W{l} = randn(n_l, n_{l-1}) / √n_{l-1}, b{l} = zeros((n_l, 1))."""
    return layout.initialize_layers(layer_dims, scaling="1/sqrt(n)", seed=3)


def _l2_coefficient(lambd, m):
    """λ/(2m): the core's l2 coefficient for the course's (1/m)·(λ/2)·Σ‖W‖²."""
    return checks.check_real("lambd", lambd, low=0) / m / 2


def compute_cost_with_regularization(A3, Y, parameters, lambd):
    """J = compute_cost(A3, Y) + the course's L2 term over W1, W2, W3 (``l2_penalty``)."""
    A3 = checks.check_matrix("A3", A3)
    m = checks.check_labels("Y", Y, A3.shape[1]).shape[-1]
    l2 = _l2_coefficient(lambd, m)
    L2_regularization_cost = sum(penalties.l2_penalty(parameters["W" + str(l)], l2)
                                 for l in (1, 2, 3))
    return compute_cost(A3, Y) + L2_regularization_cost


def backward_propagation_with_regularization(X, Y, cache, lambd):
    """Gradients of the L2-regularized cost: dW_l = (1/m)·dZ_l·A_{l-1}ᵀ + ``l2_penalty_grad``.

    Returns the course's dict: dZ3, dW3, db3, dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1.
    """
    X = checks.check_matrix("X", X)
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    l2 = _l2_coefficient(lambd, X.shape[1])
    return graded_backward(X, Y, (Z1, A1, W1, Z2, A2, W2, Z3, A3, W3),
                           weight_grad=lambda W: penalties.l2_penalty_grad(W, l2))


def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):
    """LINEAR → RELU + DROPOUT → LINEAR → RELU + DROPOUT → LINEAR → SIGMOID.

    ``np.random.seed(1)``, then for each hidden layer ``D = (np.random.rand(*A.shape) <
    keep_prob).astype(int)`` and ``A = A ⊙ D / keep_prob``.

    Returns:
        ``(A3, cache)``: A3 (1, m); cache ``(Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)``.
    """
    X = checks.check_matrix("X", X)
    keep_prob = checks.check_real("keep_prob", keep_prob, low=0, high=1, low_open=True)
    np.random.seed(1)
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = layout.linear_forward(X, W1, b1)
    A1 = activations.relu(Z1)
    D1 = (np.random.rand(A1.shape[0], A1.shape[1]) < keep_prob).astype(int)
    A1, _ = dropout.dropout_forward(A1, D1, keep_prob)
    Z2 = layout.linear_forward(A1, W2, b2)
    A2 = activations.relu(Z2)
    D2 = (np.random.rand(A2.shape[0], A2.shape[1]) < keep_prob).astype(int)
    A2, _ = dropout.dropout_forward(A2, D2, keep_prob)
    Z3 = layout.linear_forward(A2, W3, b3)
    A3 = activations.sigmoid(Z3)
    return A3, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)


def backward_propagation_with_dropout(X, Y, cache, keep_prob):
    """Gradients through the dropout network: dA_l = dA_l ⊙ D_l / keep_prob before each relu.

    Returns the course's dict: dZ3, dW3, db3, dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1.
    """
    X = checks.check_matrix("X", X)
    keep_prob = checks.check_real("keep_prob", keep_prob, low=0, high=1, low_open=True)
    (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache
    D = {1: D1, 2: D2}
    return graded_backward(X, Y, (Z1, A1, W1, Z2, A2, W2, Z3, A3, W3),
                           through_dA=lambda l, dA: dropout.dropout_backward(dA, (D[l], keep_prob)))


def model(X, Y, learning_rate=0.3, num_iterations=30000, print_cost=True, lambd=0, keep_prob=1):
    """Train [n_x, 20, 3, 1] with L2 (``lambd > 0``) or dropout (``keep_prob < 1``), not both.

    Prints "Cost after iteration i: ..." every 10000 iterations with ``print_cost``.
    Returns the trained ``parameters``.
    """
    X = checks.check_matrix("X", X)
    Y = checks.check_labels("Y", Y, X.shape[1])
    lambd = checks.check_real("lambd", lambd, low=0)
    keep_prob = checks.check_real("keep_prob", keep_prob, low=0, high=1, low_open=True)
    if lambd != 0 and keep_prob < 1:
        raise ValueError(f"use L2 regularization or dropout, not both (as the course). "
                         f"Received: lambd={lambd}, keep_prob={keep_prob}")
    num_iterations = checks.check_int("num_iterations", num_iterations)
    layers_dims = [X.shape[0], 20, 3, 1]
    parameters = initialize_parameters(layers_dims)
    for i in range(num_iterations):
        if keep_prob == 1:
            a3, cache = forward_propagation(X, parameters)
        else:
            a3, cache = forward_propagation_with_dropout(X, parameters, keep_prob)
        if lambd == 0:
            cost = compute_cost(a3, Y)
        else:
            cost = compute_cost_with_regularization(a3, Y, parameters, lambd)
        if lambd == 0 and keep_prob == 1:
            grads = backward_propagation(X, Y, cache)
        elif lambd != 0:
            grads = backward_propagation_with_regularization(X, Y, cache, lambd)
        else:
            grads = backward_propagation_with_dropout(X, Y, cache, keep_prob)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and i % 10000 == 0:
            print("Cost after iteration {}: {}".format(i, cost))
    return parameters
