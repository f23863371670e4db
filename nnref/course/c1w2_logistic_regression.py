"""Course 1, week 2: "Logistic Regression with a Neural Network mindset".

Layout: ``X`` is ``(n_x, m)`` (a flattened image per column), ``Y`` is ``(1, m)``, ``w`` is
``(n_x, 1)`` and ``b`` a scalar. The model, as taught::

    A    = σ(wᵀX + b)                                        (1, m)
    J    = −(1/m)·Σ_i [y_i·log a_i + (1 − y_i)·log(1 − a_i)]
    dw   = (1/m)·X·(A − Y)ᵀ,   db = (1/m)·Σ_i (a_i − y_i)
    w   −= α·dw,  b −= α·db

The forward pass is the dense kernel on transposed views (:mod:`nnref.course.layout`) and the
sigmoid; the cost is the binary cross-entropy kernel; ``dw`` and ``db`` are the course's own
two lines; the update is the gradient-descent kernel.

On the course's cat/non-cat data (``load_dataset()``, pixels / 255), ``model(...)`` with the
defaults reaches 99.04 % train and 70 % test accuracy, as in the course.
"""
from __future__ import annotations

import copy

import numpy as np

from nnref.course import checks, data, layout
from nnref.functional import activations, losses

__all__ = ["sigmoid", "initialize_with_zeros", "propagate", "optimize", "predict", "model",
           "load_dataset"]


def load_dataset(path=None):
    """The cat/non-cat data as the course's ``lr_utils.load_dataset()`` returns them.

    Returns:
        ``(train_set_x_orig, train_set_y, test_set_x_orig, test_set_y, classes)``: uint8
        (209, 64, 64, 3), int (1, 209), uint8 (50, 64, 64, 3), int (1, 50), ``[b'non-cat', b'cat']``.
        The course then flattens (``x.reshape(x.shape[0], -1).T``) and divides by 255.
    """
    return data.catvnoncat(path)


def sigmoid(z):
    """s = 1/(1 + e^(−z)), elementwise (a number or an array of any shape)."""
    return activations.sigmoid(np.asarray(z))


def initialize_with_zeros(dim):
    """``w = np.zeros((dim, 1))`` and ``b = 0.0``."""
    dim = checks.check_int("dim", dim, low=1)
    return np.zeros((dim, 1)), 0.0


def _forward(w, b, X):
    """(Z, A) with Z = wᵀX + b and A = σ(Z), both (1, m)."""
    Z = layout.linear_forward(X, w.T, b)                   # (1, m)
    return Z, activations.sigmoid(Z)


def _check_wbX(w, b, X):
    X = checks.check_matrix("X", X)
    if not isinstance(w, np.ndarray) or w.shape != (X.shape[0], 1):
        raise ValueError(f"w must have shape ({X.shape[0]}, 1), one weight per row of X. "
                         f"Received: w={checks.shown(w)}")
    if np.ndim(b) != 0:
        raise ValueError(f"b must be a scalar. Received: b={checks.shown(b)}")
    return X


def propagate(w, b, X, Y):
    """Cost and gradients of logistic regression.

    Args:
        w: (n_x, 1); b: scalar; X: (n_x, m); Y: (1, m) labels in {0, 1}.
    Returns:
        ``(grads, cost)``: ``grads = {"dw": (n_x, 1), "db": scalar}``; ``cost`` a 0-d array
        (the course's ``np.squeeze(np.array(cost))``).
    """
    X = _check_wbX(w, b, X)
    m = X.shape[1]
    Y = checks.check_labels("Y", Y, m)
    _, A = _forward(w, b, X)                                                     # (1, m)
    cost = losses.binary_crossentropy(Y, A, reduction="sum") / m                 # the course's −(1/m)·Σ
    dZ = A - Y                                                                   # (1, m)
    dw = 1 / m * np.dot(X, dZ.T)                                                 # (n_x, 1)
    db = 1 / m * np.sum(dZ)                                                      # scalar
    grads = {"dw": dw, "db": db}
    return grads, np.squeeze(np.array(cost))


def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    """Gradient descent on (w, b) for ``num_iterations`` steps.

    ``w`` and ``b`` are copied first (the caller's are not modified). The cost is recorded (and
    printed, with ``print_cost``, as "Cost after iteration i: ...") every 100 iterations.

    Returns:
        ``(params, grads, costs)``: ``{"w", "b"}`` after training, ``{"dw", "db"}`` of the last
        step, and the list of recorded costs (0-d arrays).
    """
    num_iterations = checks.check_int("num_iterations", num_iterations, low=1)
    learning_rate = checks.check_real("learning_rate", learning_rate, low=0)
    w, b = copy.deepcopy(w), copy.deepcopy(b)
    costs = []
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        dw, db = grads["dw"], grads["db"]
        w = layout.descend(w, dw, learning_rate)
        b = layout.descend(b, db, learning_rate)
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print("Cost after iteration %i: %f" % (i, cost))
    return {"w": w, "b": b}, {"dw": dw, "db": db}, costs


def predict(w, b, X):
    """Labels 1.0 where σ(wᵀX + b) > 0.5, else 0.0, as a float array of shape (1, m)."""
    X = checks.check_matrix("X", X)
    w = np.asarray(w).reshape(X.shape[0], 1)
    _, A = _forward(w, b, X)
    return (A > 0.5).astype(np.float64)


def _accuracy_percent(Y_prediction, Y):
    return 100 - np.mean(np.abs(Y_prediction - Y)) * 100


def model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5,
          print_cost=False):
    """Initialize with zeros, optimize, predict on both sets.

    With ``print_cost`` the costs every 100 iterations and the train/test accuracies
    ("train accuracy: 99.04306220095694 %") are printed, as in the course.

    Returns:
        ``{"costs", "Y_prediction_test", "Y_prediction_train", "w", "b", "learning_rate",
        "num_iterations"}``.
    """
    X_train = checks.check_matrix("X_train", X_train)
    X_test = checks.check_matrix("X_test", X_test)
    w, b = initialize_with_zeros(X_train.shape[0])
    params, grads, costs = optimize(w, b, X_train, Y_train, num_iterations, learning_rate, print_cost)
    w, b = params["w"], params["b"]
    Y_prediction_test = predict(w, b, X_test)
    Y_prediction_train = predict(w, b, X_train)
    if print_cost:
        print("train accuracy: {} %".format(_accuracy_percent(Y_prediction_train, Y_train)))
        print("test accuracy: {} %".format(_accuracy_percent(Y_prediction_test, Y_test)))
    return {"costs": costs, "Y_prediction_test": Y_prediction_test,
            "Y_prediction_train": Y_prediction_train, "w": w, "b": b,
            "learning_rate": learning_rate, "num_iterations": num_iterations}
