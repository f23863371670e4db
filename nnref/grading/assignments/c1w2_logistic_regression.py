"""Course 1, week 2: logistic regression with a neural-network mindset.

The training functions run for a few hundred steps on small seeded data (the course's
cat/non-cat run takes minutes and is checked by nnref.course's own tests).
"""
from __future__ import annotations

import numpy as np

from nnref.grading.assignments._inputs import labels, rng
from nnref.grading.compare import TypeRule
from nnref.grading.spec import AssignmentSpec, Case, FunctionSpec

_DW = "dw = (1/m) X · (A - Y)ᵀ, shape (n_x, 1)"
_DB = "db = (1/m) Σ (A - Y): the mean over the examples"
_COST = "cost = -(1/m) Σ [Y log(A) + (1 - Y) log(1 - A)] with A = sigmoid(wᵀX + b)"
_STEP = "repeat num_iterations times: grads, cost = propagate(...); w = w - learning_rate * dw; " \
        "b = b - learning_rate * db; record the cost when i % 100 == 0"


def _course_wbXY():
    return (np.array([[1.], [2.]]), 2., np.array([[1., 2., -1.], [3., 4., -3.2]]),
            np.array([[1, 0, 1]]))


def _random_wbXY(g, n_x, m):
    return (g.normal(scale=0.5, size=(n_x, 1)), float(g.normal()), g.normal(size=(n_x, m)),
            labels(g, (1, m)))


def _sigmoid():
    g = rng(21)
    return [Case("course example [0, 2]", (np.array([0, 2]),)),
            Case("random (2, 3)", (g.normal(size=(2, 3)),)),
            Case("random (1, 5)", (g.normal(scale=4.0, size=(1, 5)),))]


def _initialize_with_zeros():
    return [Case("course example dim=2", (2,)), Case("dim=5", (5,)), Case("dim=1", (1,))]


def _propagate():
    g = rng(22)
    return [Case("course example", _course_wbXY()),
            Case("random n_x=4, m=6", _random_wbXY(g, 4, 6)),
            Case("random n_x=2, m=11", _random_wbXY(g, 2, 11))]


def _optimize():
    g = rng(23)
    return [Case("course example, 100 iterations, learning_rate=0.009", _course_wbXY(),
                 {"num_iterations": 100, "learning_rate": 0.009, "print_cost": False}),
            Case("random n_x=3, m=8, 201 iterations, learning_rate=0.1", _random_wbXY(g, 3, 8),
                 {"num_iterations": 201, "learning_rate": 0.1, "print_cost": False})]


def _predict():
    g = rng(24)
    return [Case("course example", (np.array([[0.1124579], [0.23106775]]), -0.3,
                                    np.array([[1., -1.1, -3.2], [1.2, 2., 0.1]]))),
            Case("random n_x=4, m=9", _random_wbXY(g, 4, 9)[:3]),
            Case("random n_x=2, m=5", _random_wbXY(g, 2, 5)[:3])]


def _model():
    g = rng(25)
    X_train, X_test = g.normal(size=(4, 20)), g.normal(size=(4, 10))
    w_true = g.normal(size=(1, 4))
    Y_train = (w_true @ X_train > 0).astype(np.int64)
    Y_test = (w_true @ X_test > 0).astype(np.int64)
    return [Case("random n_x=4, m=20, 300 iterations, learning_rate=0.1",
                 (X_train, Y_train, X_test, Y_test),
                 {"num_iterations": 300, "learning_rate": 0.1}),
            Case("random n_x=4, m=20, 50 iterations, learning_rate=0.5",
                 (X_train, Y_train, X_test, Y_test), {"num_iterations": 50, "learning_rate": 0.5})]


def _array(reason):
    return TypeRule("ndarray", reason)


SPEC = AssignmentSpec(
    name="c1w2_logistic_regression",
    title="Logistic regression with a neural network mindset",
    functions=(
        FunctionSpec("sigmoid", 10, _sigmoid, ("s",),
                     {"*": "s = 1 / (1 + np.exp(-z)), elementwise"},
                     types={"s": _array("Wrong type. Expected np.ndarray")}),
        FunctionSpec("initialize_with_zeros", 10, _initialize_with_zeros, ("w", "b"),
                     {"w": "w = np.zeros((dim, 1))", "b": "b = 0.0 (a float)"},
                     types={"b": TypeRule("float", "Wrong type for b. <type> != float"),
                            "w": _array("Wrong type for w. <type> != np.ndarray")}),
        FunctionSpec("propagate", 25, _propagate, ("grads", "cost"),
                     {"dw": _DW, "db": _DB, "cost": _COST, "*": _COST},
                     types={"dw": _array("Wrong type for grads['dw']. <type> != np.ndarray")}),
        FunctionSpec("optimize", 20, _optimize, ("params", "grads", "costs"),
                     {"dw": _DW, "db": _DB, "costs": _STEP, "*": _STEP},
                     types={"costs": TypeRule("list", "Wrong type for costs. It must be a list"),
                            "dw": _array("Wrong type for grads['dw']. <type> != np.ndarray"),
                            "w": _array("Wrong type for params['w']. <type> != np.ndarray")}),
        FunctionSpec("predict", 15, _predict, ("Y_prediction",),
                     {"*": "A = sigmoid(wᵀX + b); Y_prediction[0, i] = 1 if A[0, i] > 0.5 else 0, "
                           "shape (1, m)"},
                     types={"Y_prediction": _array("Wrong type for pred. <type> != np.ndarray")}),
        FunctionSpec("model", 20, _model, ("d",),
                     {"costs": _STEP,
                      "*": "w, b = initialize_with_zeros(X_train.shape[0]); optimize(...); "
                           "predict on the test and train sets; return the course's dict"},
                     types={"costs": TypeRule("list", "Wrong type for d['costs']. <type> != list"),
                            "w": _array("Wrong type for d['w']. <type> != np.ndarray"),
                            "Y_prediction_*": _array("Wrong type for d['Y_prediction_test']. "
                                                     "<type> != np.ndarray")}),
    ),
)
