"""Known mistakes of course 1, week 2: logistic regression with a neural-network mindset.

``optimize`` and ``model`` call this module's ``propagate`` and ``predict`` with their own
mistake key, as a student's do: a mistake in ``propagate`` shows in ``optimize`` too.
"""
from __future__ import annotations

import copy

import numpy as np

from nnref.grading.mistakes import variants
from nnref.grading.mistakes._common import cross_entropy_cost, descend, linear_grads
from nnref.grading.mistakes._common import sigmoid as _sigmoid
from nnref.grading.mistakes.c1w2_numpy_basics import _SIGMOID
from nnref.grading.mistakes.c1w2_numpy_basics import sigmoid as _basics_sigmoid


def sigmoid(z, mistake=None):
    return _basics_sigmoid(z, mistake)


def initialize_with_zeros(dim, mistake=None):
    shape = {"w_row_vector": (1, dim), "w_flat": (dim,)}.get(mistake, (dim, 1))
    b = np.zeros((1, 1)) if mistake == "b_array" else 0.0
    return np.zeros(shape), b


def _forward(w, b, X, mistake):
    Z = np.dot(w.T, X) + (0 if mistake == "logistic_without_b" else b)   # (1, m)
    return Z, _sigmoid(Z)


def propagate(w, b, X, Y, mistake=None):
    Z, A = _forward(w, b, X, mistake)
    cost = cross_entropy_cost(A, Y, mistake)
    dZ = Y - A if mistake == "dz_sign" else A - Y                         # (1, m)
    _, dwT, db = linear_grads(dZ, X, w.T, mistake)                        # (1, n_x), (1, 1)
    dw = dwT if mistake == "dw_row" else dwT.T
    return {"dw": dw, "db": db[0, 0]}, cost


def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False,
             mistake=None):
    w, b = copy.deepcopy(w), copy.deepcopy(b)
    if mistake == "ignores_learning_rate":
        learning_rate = 0.009
    costs = []
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y, mistake)
        dw, db = grads["dw"], grads["db"]
        w = descend(w, dw, learning_rate, "W", 1, 1, mistake)
        b = descend(b, db, learning_rate, "b", 1, 1, mistake)
        if i % 100 == 0 or mistake == "cost_every_iteration":
            costs.append(cost)
    return {"w": w, "b": b}, {"dw": dw, "db": db}, costs


def predict(w, b, X, mistake=None):
    w = w.reshape(X.shape[0], 1)
    Z, A = _forward(w, b, X, mistake)
    if mistake == "predict_returns_A":
        return A
    if mistake == "predict_threshold_on_Z":
        return (Z > 0.5).astype(float)
    if mistake == "predict_inverted":
        return (A <= 0.5).astype(float)
    return (A > 0.5).astype(float)


def model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5,
          print_cost=False, mistake=None):
    w, b = initialize_with_zeros(X_train.shape[0])
    if mistake == "model_ignores_arguments":
        params, grads, costs = optimize(w, b, X_train, Y_train, mistake=mistake)
    else:
        params, grads, costs = optimize(w, b, X_train, Y_train, num_iterations, learning_rate,
                                        mistake=mistake)
    if mistake != "model_untrained_w":
        w, b = params["w"], params["b"]
    X_for_test, X_for_train = ((X_train, X_test) if mistake == "model_predictions_swapped"
                               else (X_test, X_train))
    return {"costs": costs, "Y_prediction_test": predict(w, b, X_for_test),
            "Y_prediction_train": predict(w, b, X_for_train), "w": w, "b": b,
            "learning_rate": learning_rate, "num_iterations": num_iterations}


_WITHOUT_B = ("logistic_without_b", "b left out of Z = wᵀX + b",
              "A = sigmoid(np.dot(w.T, X) + b)")
_DZ_SIGN = ("dz_sign", "the gradients of Y - A instead of A - Y (the opposite sign)",
            "dw = (1/m) X · (A - Y)ᵀ, db = (1/m) Σ (A - Y)")

MISTAKES = {
    "sigmoid": variants(sigmoid, *_SIGMOID),
    "initialize_with_zeros": variants(
        initialize_with_zeros,
        ("w_row_vector", "w of shape (1, dim) instead of (dim, 1)", "w = np.zeros((dim, 1))"),
        ("w_flat", "w of shape (dim,) instead of (dim, 1)", "w = np.zeros((dim, 1)): a column"),
        ("b_array", "b as an array (1, 1) instead of the float 0.0", "b = 0.0")),
    "propagate": variants(
        propagate, "cost_no_mean", "cost_sign", "cost_positive_term_only", "cost_not_squeezed",
        "one_over_m_forgotten", _DZ_SIGN,
        ("dw_row", "dw as a row (A - Y) · Xᵀ of shape (1, n_x)",
         "dw = (1/m) np.dot(X, (A - Y).T): shape (n_x, 1), like w"), _WITHOUT_B),
    "optimize": variants(
        optimize, "gd_ascent", "gd_b_not_updated", "one_over_m_forgotten", "cost_no_mean",
        ("ignores_learning_rate", "the learning rate fixed at 0.009 instead of the argument",
         "use the learning_rate given: w = w - learning_rate * dw"),
        ("cost_every_iteration", "the cost recorded at every iteration",
         "record the cost when i % 100 == 0")),
    "predict": variants(
        predict,
        ("predict_returns_A", "the probabilities A instead of 0/1 predictions",
         "Y_prediction[0, i] = 1 if A[0, i] > 0.5 else 0"),
        ("predict_threshold_on_Z", "the threshold applied to Z = wᵀX + b instead of A",
         "A = sigmoid(wᵀX + b) first, then A > 0.5"),
        ("predict_inverted", "the predictions inverted (1 where A <= 0.5)",
         "Y_prediction = 1 where A > 0.5, 0 elsewhere"), _WITHOUT_B),
    "model": variants(
        model, "one_over_m_forgotten", "cost_no_mean",
        ("model_ignores_arguments", "optimize called without num_iterations and learning_rate "
         "(its defaults used)", "optimize(w, b, X_train, Y_train, num_iterations, "
         "learning_rate, print_cost)"),
        ("model_untrained_w", "the predictions made with the initial zeros, not the trained w, b",
         "w = params['w'], b = params['b'] after optimize, then predict"),
        ("model_predictions_swapped", "Y_prediction_test computed on X_train and "
         "Y_prediction_train on X_test", "Y_prediction_test = predict(w, b, X_test), "
         "Y_prediction_train = predict(w, b, X_train)")),
}
