"""Known mistakes of course 2, week 1: L2 regularization and dropout (the 3-layer network)."""
from __future__ import annotations

import numpy as np

from nnref.grading.mistakes import variants
from nnref.grading.mistakes._common import linear_grads, relu, shared, sigmoid


def _cross_entropy(A3, Y):
    """reg_utils.compute_cost: (1/m) nansum(-y log a3 - (1 - y) log(1 - a3))."""
    m = Y.shape[1]
    return 1. / m * np.nansum(-Y * np.log(A3) - (1 - Y) * np.log(1 - A3))


def compute_cost_with_regularization(A3, Y, parameters, lambd, mistake=None):
    m = Y.shape[1]
    Ws = [parameters["W" + str(l)] for l in (1, 2, 3)]
    if mistake == "l2_norm_not_squared":
        total = sum(np.linalg.norm(W) for W in Ws)
    else:
        total = sum(np.sum(np.square(W)) for W in Ws)
    if mistake == "l2_biases_included":
        total += sum(np.sum(np.square(parameters["b" + str(l)])) for l in (1, 2, 3))
    coefficient = {"l2_lambda_over_m": lambd / m, "l2_without_m": lambd / 2}.get(mistake,
                                                                                 lambd / (2 * m))
    return _cross_entropy(A3, Y) + coefficient * total


def _backward(X, Y, layers, mistake, mask=None, weight_grad=None):
    """dZ3 = A3 - Y, then the two relu layers; ``mask(l, dA)`` is dropout's, ``weight_grad(W)``
    the L2 term. Returns the course's dict dZ3, dW3, db3, dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1."""
    Z1, A1, W1, Z2, A2, W2, Z3, A3, W3 = layers
    grads = {"dZ3": A3 - Y}
    dA, grads["dW3"], grads["db3"] = linear_grads(grads["dZ3"], A2, W3, mistake)
    for l, A, W, A_prev in ((2, A2, W2, A1), (1, A1, W1, X)):
        grads["dA" + str(l)] = dA if mask is None else mask(l, dA)
        grads["dZ" + str(l)] = np.multiply(grads["dA" + str(l)], np.int64(A > 0))
        dA, grads["dW" + str(l)], grads["db" + str(l)] = linear_grads(grads["dZ" + str(l)],
                                                                      A_prev, W, mistake)
    if weight_grad is not None:
        for l, W in ((1, W1), (2, W2), (3, W3)):
            if mistake != "l2_gradient_last_layer_only" or l == 3:
                grads["dW" + str(l)] = grads["dW" + str(l)] + weight_grad(W)
    return {k: grads[k] for k in ("dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1",
                                  "dZ1", "dW1", "db1")}


def backward_propagation_with_regularization(X, Y, cache, lambd, mistake=None):
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    m = X.shape[1]
    coefficient = {"l2_gradient_over_2m": lambd / (2 * m), "l2_gradient_without_m": lambd,
                   "l2_gradient_squared": lambd / m}.get(mistake, lambd / m)
    power = 2 if mistake == "l2_gradient_squared" else 1
    return _backward(X, Y, (Z1, A1, W1, Z2, A2, W2, Z3, A3, W3), mistake,
                     weight_grad=lambda W: coefficient * W ** power)


def forward_propagation_with_dropout(X, parameters, keep_prob=0.5, mistake=None):
    if mistake != "seed_not_set":
        np.random.seed(1)
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))

    def drop(A, layer):
        draw = np.random.randn if mistake == "dropout_randn" else np.random.rand
        D = draw(A.shape[0], A.shape[1])
        D = (D > keep_prob if mistake == "dropout_mask_inverted" else D < keep_prob).astype(int)
        if mistake == "dropout_first_layer_only" and layer == 2:
            return A, np.ones_like(D)
        if mistake == "dropout_no_rescale":
            return A * D, D
        if mistake == "dropout_times_keep_prob":
            return A * D * keep_prob, D
        return A * D / keep_prob, D

    Z1 = np.dot(W1, X) + b1
    A1, D1 = drop(relu(Z1), 1)
    Z2 = np.dot(W2, A1) + b2
    A2, D2 = drop(relu(Z2), 2)
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)
    return A3, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)


def backward_propagation_with_dropout(X, Y, cache, keep_prob, mistake=None):
    (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache
    masks = {1: D1, 2: D2}

    def mask(l, dA):
        if mistake == "dropout_back_mask_missing" or (
                mistake == "dropout_back_layer_1_forgotten" and l == 1):
            return dA
        if mistake == "dropout_back_no_rescale":
            return dA * masks[l]
        return dA * masks[l] / keep_prob

    return _backward(X, Y, (Z1, A1, W1, Z2, A2, W2, Z3, A3, W3), mistake, mask=mask)


MISTAKES = {
    "compute_cost_with_regularization": variants(
        compute_cost_with_regularization,
        ("l2_lambda_over_m", "the L2 cost with λ/m instead of λ/(2m)",
         "L2_regularization_cost = (1/m) (λ/2) (ΣW1² + ΣW2² + ΣW3²): lambd / (2 * m)"),
        ("l2_without_m", "the L2 cost without 1/m", "multiply by 1/m: (1/m) (λ/2) Σ W²"),
        ("l2_biases_included", "the biases included in the L2 cost",
         "only the weights: np.sum(np.square(W1)) + np.sum(np.square(W2)) + "
         "np.sum(np.square(W3))"),
        ("l2_norm_not_squared", "the norms ‖W‖ instead of their squares",
         "np.sum(np.square(W)): the squared Frobenius norm")),
    "backward_propagation_with_regularization": variants(
        backward_propagation_with_regularization,
        ("l2_gradient_over_2m", "the L2 gradient with λ/(2m) instead of λ/m",
         "dW = (1/m) dZ · A_prevᵀ + (λ/m) W: the 2 of the square cancels the 1/2"),
        ("l2_gradient_without_m", "the L2 gradient without 1/m", "add (lambd / m) * W"),
        ("l2_gradient_squared", "the L2 gradient with W² instead of W", "add (lambd / m) * W"),
        ("l2_gradient_last_layer_only", "the L2 term added to dW3 only",
         "add (lambd / m) * W{l} to dW1, dW2 and dW3"),
        "one_over_m_forgotten", "db_no_keepdims"),
    "forward_propagation_with_dropout": variants(
        forward_propagation_with_dropout,
        ("dropout_no_rescale", "dropout without dividing by keep_prob",
         "A = A * D / keep_prob: inverted dropout keeps the expected value of A"),
        ("dropout_times_keep_prob", "the kept activations multiplied by keep_prob instead "
         "of divided", "A = A * D / keep_prob"),
        ("dropout_mask_inverted", "the mask D = (rand > keep_prob): it keeps 1 - keep_prob",
         "D = (np.random.rand(A.shape[0], A.shape[1]) < keep_prob).astype(int)"),
        ("dropout_randn", "the mask drawn with np.random.randn instead of np.random.rand",
         "D = np.random.rand(...) < keep_prob: uniform numbers in [0, 1)"),
        ("dropout_first_layer_only", "dropout applied to the first hidden layer only",
         "apply dropout to A1 and to A2 (not to A3)"),
        shared("seed_not_set", seed=1)),
    "backward_propagation_with_dropout": variants(
        backward_propagation_with_dropout,
        ("dropout_back_no_rescale", "the backward dropout without dividing by keep_prob",
         "dA = dA * D / keep_prob, as in the forward pass"),
        ("dropout_back_mask_missing", "dA not multiplied by the dropout mask D",
         "dA2 = dA2 * D2 / keep_prob and dA1 = dA1 * D1 / keep_prob"),
        ("dropout_back_layer_1_forgotten", "the mask not applied to dA1",
         "dA1 = dA1 * D1 / keep_prob too"), "one_over_m_forgotten", "db_no_keepdims"),
}
