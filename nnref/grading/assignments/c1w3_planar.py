"""Course 1, week 3: planar data classification with one hidden layer.

``backward_propagation``'s first case is the course's own test input, whose cache is random
(its ``A1``, ``A2`` are not the activations of its ``Z1``, ``Z2``: the course reads the A's);
the others take their cache from the course's ``forward_propagation`` (the answer key), so that
the cached values agree as in a real pass.
"""
from __future__ import annotations

import importlib

import numpy as np

from nnref.grading.assignments._inputs import course_rng, labels, probabilities, rng
from nnref.grading.compare import TypeRule
from nnref.grading.spec import AssignmentSpec, Case, FunctionSpec

_DZ2 = "dZ2 = A2 - Y"
_DW2 = "dW2 = (1/m) dZ2 · A1ᵀ"
_DB2 = "db2 = (1/m) np.sum(dZ2, axis=1, keepdims=True)"
_DW1 = "dW1 = (1/m) dZ1 · Xᵀ with dZ1 = W2ᵀ · dZ2 * (1 - A1²) (tanh' = 1 - tanh²)"
_DB1 = "db1 = (1/m) np.sum(dZ1, axis=1, keepdims=True), dZ1 = W2ᵀ · dZ2 * (1 - A1²)"


def _parameters(draw, n_x, n_h, n_y):
    return {"W1": draw(n_h, n_x), "b1": draw(n_h, 1), "W2": draw(n_y, n_h), "b2": draw(n_y, 1)}


def _layer_sizes():
    course = course_rng(1)
    g = rng(31)
    return [Case("course example", (course.randn(5, 3), course.randn(2, 3))),
            Case("random X (3, 7), Y (1, 7)", (g.normal(size=(3, 7)), labels(g, (1, 7))))]


def _initialize_parameters():
    # Seeded 2 before the call, as the course's test does: its current template draws without
    # seeding, its earlier one called np.random.seed(2) itself, and the course accepts both.
    return [Case("course example (2, 4, 1), the course's seed 2", (2, 4, 1), seed=2),
            Case("(3, 5, 2), the course's seed 2", (3, 5, 2), seed=2)]


def _forward_propagation():
    course = course_rng(1)
    g = rng(32)
    normal = lambda *shape: g.normal(size=shape)  # noqa: E731
    return [Case("course example", (course.randn(2, 3), _parameters(course.randn, 2, 4, 1))),
            Case("random n=(3, 5, 1), m=6", (normal(3, 6), _parameters(normal, 3, 5, 1)))]


def _compute_cost():
    g = rng(33)
    return [Case("course example", (np.array([[0.5002307, 0.49985831, 0.50023963]]),
                                    np.array([[1, 0, 0]]))),
            # the course's test also passes A2 of shape (m,) with Y of shape (1, m)
            Case("course example, A2 of shape (5,)", (np.array([0.7, 0.3, 0.8, 0.9, 0.9]),
                                                      np.array([[1, 0, 1, 1, 1]]))),
            Case("random m=9", (probabilities(g, (1, 9)), labels(g, (1, 9))))]


def _backward_propagation():
    forward = importlib.import_module("nnref.course.c1w3_planar").forward_propagation
    course = course_rng(1)   # the course's test: seed 1; X, Y, W1, W2, then a random cache
    X, Y = course.randn(3, 7), course.randn(1, 7) > 0
    parameters = {"W1": course.randn(9, 3), "W2": course.randn(1, 9),
                  "b1": np.zeros((9, 1)), "b2": np.zeros((1, 1))}
    cache = {k: course.randn(*shape) for k, shape in (("A1", (9, 7)), ("A2", (1, 7)),
                                                      ("Z1", (9, 7)), ("Z2", (1, 7)))}
    cases = [Case("course example (a random cache: A1, A2 are read, Z1, Z2 are not)",
                  (parameters, cache, X, Y))]
    for label, seed, (n_x, n_h, m) in (("course-style example", 1, (2, 4, 3)),
                                       ("random n=(3, 5, 1), m=7", 34, (3, 5, 7))):
        g = rng(seed)
        normal = lambda *shape: g.normal(size=shape)  # noqa: E731
        X, Y = normal(n_x, m), labels(g, (1, m))
        parameters = _parameters(normal, n_x, n_h, 1)
        _, cache = forward(X, parameters)
        cases.append(Case(label, (parameters, cache, X, Y)))
    return cases


def _update_parameters():
    g = rng(35)
    normal = lambda *shape: g.normal(size=shape)  # noqa: E731

    def grads(n_x, n_h, n_y):
        return {"d" + k: v for k, v in _parameters(normal, n_x, n_h, n_y).items()}

    return [Case("default learning_rate=1.2", (_parameters(normal, 2, 4, 1), grads(2, 4, 1))),
            Case("learning_rate=0.5", (_parameters(normal, 3, 5, 1), grads(3, 5, 1), 0.5))]


def _flower_like(g, m):
    X = g.normal(size=(2, m))
    Y = (np.sin(2 * X[0:1]) + X[1:2] > 0).astype(np.int64)
    return X, Y


def _nn_model():
    g = rng(36)
    X, Y = _flower_like(g, 24)
    return [Case("random m=24, n_h=4, 100 iterations", (X, Y, 4), {"num_iterations": 100}),
            Case("random m=24, n_h=2, 30 iterations", (X, Y, 2), {"num_iterations": 30})]


def _predict():
    g = rng(37)
    normal = lambda *shape: g.normal(size=shape)  # noqa: E731
    return [Case("random n=(2, 4, 1), m=10", (_parameters(normal, 2, 4, 1), normal(2, 10))),
            Case("random n=(3, 3, 1), m=5", (_parameters(normal, 3, 3, 1), normal(3, 5)))]


def _array(reason):
    return TypeRule("ndarray", reason)


# the course's tests: assert type(output["W1"]) == np.ndarray, f"Wrong type for W1. ..."
_ARRAYS = {f"{d}{p}{l}": _array(f"Wrong type for {d}{p}{l}. Expected: <class 'numpy.ndarray'>")
           for d in ("", "d") for p in "Wb" for l in "12"}


SPEC = AssignmentSpec(
    name="c1w3_planar",
    title="Planar data classification with one hidden layer",
    provided=("planar_utils",),
    functions=(
        FunctionSpec("layer_sizes", 5, _layer_sizes, ("n_x", "n_h", "n_y"),
                     {"*": "(n_x, n_h, n_y) = (X.shape[0], 4, Y.shape[0])"},
                     types={"()": TypeRule("tuple", "Output must be a tuple")}),
        FunctionSpec("initialize_parameters", 10, _initialize_parameters, ("parameters",),
                     {"*": "W1 = np.random.randn(n_h, n_x) * 0.01, b1 = zeros (n_h, 1), "
                           "W2 = np.random.randn(n_y, n_h) * 0.01, b2 = zeros (n_y, 1), in that "
                           "order (the course's test seeds 2 before calling)"},
                     types=_ARRAYS),
        FunctionSpec("forward_propagation", 15, _forward_propagation, ("A2", "cache"),
                     {"Z1": "Z1 = W1 · X + b1", "A1": "A1 = np.tanh(Z1)",
                      "Z2": "Z2 = W2 · A1 + b2", "A2": "A2 = sigmoid(Z2)",
                      "cache": "cache = {'Z1': Z1, 'A1': A1, 'Z2': Z2, 'A2': A2}"},
                     types={name: _array(f"Wrong type for {text}. Expected: <class 'numpy.ndarray'>")
                            for name, text in (("A2", "A2"), ("Z1", "cache['Z1']"),
                                               ("A1", "cache['A1']"), ("Z2", "cache['Z2']"))}),
        FunctionSpec("compute_cost", 10, _compute_cost, ("cost",),
                     {"*": "cost = -(1/m) Σ [Y log(A2) + (1 - Y) log(1 - A2)], as a float"},
                     types={"cost": TypeRule("float", "Wrong type. Float expected")}),
        FunctionSpec("backward_propagation", 20, _backward_propagation, ("grads",),
                     {"dW2": _DZ2 + "; " + _DW2, "db2": _DZ2 + "; " + _DB2, "dW1": _DW1,
                      "db1": _DB1}, types=_ARRAYS),
        FunctionSpec("update_parameters", 10, _update_parameters, ("parameters",),
                     {"*": "W = W - learning_rate * dW and b = b - learning_rate * db for both "
                           "layers (learning_rate defaults to 1.2)"}, types=_ARRAYS),
        FunctionSpec("nn_model", 20, _nn_model, ("parameters",),
                     {"*": "np.random.seed(3); n_x, n_y from layer_sizes; initialize_parameters; "
                           "then num_iterations × (forward, cost, backward, update with the "
                           "default learning rate 1.2)"}, types=_ARRAYS),
        FunctionSpec("predict", 10, _predict, ("predictions",),
                     {"*": "A2, cache = forward_propagation(X, parameters); predictions = "
                           "(A2 > 0.5)"}),
    ),
)
