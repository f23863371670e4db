"""Course 1, week 3: "Planar data classification with one hidden layer".

A 2-layer network, tanh hidden layer and sigmoid output, in the course's layout
(``X``: ``(n_x, m)``, ``Y``: ``(1, m)``)::

    Z1 = W1·X + b1,   A1 = tanh(Z1),   Z2 = W2·A1 + b2,   A2 = σ(Z2)
    J  = −(1/m)·Σ_i [y_i·log a2_i + (1 − y_i)·log(1 − a2_i)]
    dZ2 = A2 − Y,                 dW2 = (1/m)·dZ2·A1ᵀ,   db2 = (1/m)·Σ dZ2
    dZ1 = W2ᵀ·dZ2 ⊙ (1 − A1²),    dW1 = (1/m)·dZ1·Xᵀ,    db1 = (1/m)·Σ dZ1
    W −= α·dW,  b −= α·db         (α = 1.2)

Seeding, as the course's solution: ``nn_model`` calls ``np.random.seed(3)`` and then
``initialize_parameters`` (which draws ``randn · 0.01`` without seeding: the course's test of
``initialize_parameters`` seeds 2 itself). ``load_planar_dataset`` is the course's "flower"
generator (``np.random.seed(1)``, m = 400, a = 4).
"""
from __future__ import annotations

import numpy as np

from nnref.course import backprop, checks, layout
from nnref.course.data import load_planar_dataset
from nnref.functional import activations, losses

__all__ = ["load_planar_dataset", "layer_sizes", "initialize_parameters", "forward_propagation",
           "compute_cost", "backward_propagation", "update_parameters", "nn_model", "predict"]


def layer_sizes(X, Y):
    """(n_x, n_h, n_y) = (X.shape[0], 4, Y.shape[0])."""
    X = checks.check_matrix("X", X)
    Y = checks.check_matrix("Y", Y)
    return (X.shape[0], 4, Y.shape[0])


def initialize_parameters(n_x, n_h, n_y):
    """W1 = randn(n_h, n_x)·0.01, b1 = 0 (n_h, 1), W2 = randn(n_y, n_h)·0.01, b2 = 0 (n_y, 1).

    Draws from NumPy's global generator without seeding it (seed before calling, as the course's
    test does with ``np.random.seed(2)``).
    """
    n_x, n_h, n_y = (checks.check_int(k, v, low=1) for k, v in
                     (("n_x", n_x), ("n_h", n_h), ("n_y", n_y)))
    return layout.initialize_layers([n_x, n_h, n_y], scaling="0.01")


def forward_propagation(X, parameters):
    """Returns ``(A2, cache)``: A2 (1, m) and ``{"Z1", "A1", "Z2", "A2"}``."""
    W1, b1, W2, b2 = (parameters[k] for k in ("W1", "b1", "W2", "b2"))
    Z1 = layout.linear_forward(X, W1, b1)       # (n_h, m)
    A1 = activations.tanh(Z1)
    Z2 = layout.linear_forward(A1, W2, b2)      # (n_y, m)
    A2 = activations.sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def compute_cost(A2, Y):
    """The cross-entropy cost J (a Python float), m = Y.shape[1].

    A2: (1, m), or (m,) as the course's own test passes it (its product with Y of shape
    (1, m) broadcasts to (1, m), as in the course's code).
    """
    Y = checks.check_matrix("Y", Y)
    m = Y.shape[1]
    if not isinstance(A2, np.ndarray) or A2.shape not in ((1, m), (m,)):
        raise ValueError(f"A2 must be an array of shape (1, {m}) (or ({m},)), one value per "
                         f"column of Y. Received: A2={checks.shown(A2)}")
    return float(losses.binary_crossentropy(Y, A2, reduction="sum") / m)


def backward_propagation(parameters, cache, X, Y):
    """Returns ``{"dW1", "db1", "dW2", "db2"}`` of the parameters' shapes.

    Reads ``W1``, ``W2`` and the cache's ``A1`` and ``A2`` only, as the course's code does
    (``Z1``, ``Z2`` are not read: the course's test passes a cache whose A's are not the
    activations of its Z's, and expects the gradients computed from the A's).
    """
    m = X.shape[1]
    W1, W2 = parameters["W1"], parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y                                                  # (1, m): dJ/dZ2 · m
    grads = backprop.backward(dZ2, [(X, W1, None), (A1, W2, None)], scale=1 / m,
                              hidden_backward=lambda l, dA1: activations.tanh_backward(dA1, None, A1),
                              compute_dA0=False)                  # dZ1 = W2ᵀ·dZ2 ⊙ (1 − A1²)
    return {k: grads[k] for k in ("dW1", "db1", "dW2", "db2")}


def update_parameters(parameters, grads, learning_rate=1.2):
    """One gradient-descent step; returns a new dict (``parameters`` is not modified)."""
    checks.check_grads(parameters, grads)
    learning_rate = checks.check_real("learning_rate", learning_rate, low=0)
    return {k: layout.descend(parameters[k], grads["d" + k], learning_rate)
            for k in ("W1", "b1", "W2", "b2")}


def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False):
    """Train the 2-layer network; ``np.random.seed(3)`` then ``initialize_parameters``.

    Prints "Cost after iteration i: ..." every 1000 iterations with ``print_cost``.
    Returns the trained ``parameters``.
    """
    np.random.seed(3)
    n_x, _, n_y = layer_sizes(X, Y)
    num_iterations = checks.check_int("num_iterations", num_iterations)
    parameters = initialize_parameters(n_x, n_h, n_y)
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        cost = compute_cost(A2, Y)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads)
        if print_cost and i % 1000 == 0:
            print("Cost after iteration %i: %f" % (i, cost))
    return parameters


def predict(parameters, X):
    """Boolean predictions (1, m): True where A2 > 0.5."""
    A2, _ = forward_propagation(X, parameters)
    return A2 > 0.5
