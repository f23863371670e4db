"""Course 1, week 4: building a deep neural network, step by step.

The course examples are the course's test cases (its ``np.random.seed(k)`` then ``randn``
draws, reproduced with a local ``RandomState``); the random cases use other layer sizes and
numbers of examples.
"""
from __future__ import annotations

import numpy as np

from nnref.grading.assignments._inputs import course_rng, labels, probabilities, rng
from nnref.grading.spec import AssignmentSpec, Case, FunctionSpec

_DW = "dW = (1/m) dZ · A_prevᵀ (np.dot(dZ, A_prev.T) / m)"
_DB = "db = (1/m) Σ dZ over the examples: np.sum(dZ, axis=1, keepdims=True) / m (a mean, kept (n, 1))"
_DA = "dA_prev = Wᵀ · dZ (np.dot(W.T, dZ))"


def _initialize_parameters():
    return [Case("course example (3, 2, 1)", (3, 2, 1)), Case("(5, 4, 2)", (5, 4, 2)),
            Case("(2, 6, 3)", (2, 6, 3))]


def _initialize_parameters_deep():
    return [Case("course example [5, 4, 3]", ([5, 4, 3],)),
            Case("[4, 6, 3, 1]", ([4, 6, 3, 1],)), Case("[3, 2]", ([3, 2],))]


def _linear(g_or_state, n_prev, n, m, course=False):
    draw = (lambda *shape: g_or_state.randn(*shape)) if course else \
        (lambda *shape: g_or_state.normal(size=shape))
    A = draw(n_prev, m)
    W = draw(n, n_prev)
    b = draw(n, 1)
    return A, W, b


def _linear_forward():
    g = rng(41)
    return [Case("course example", _linear(course_rng(1), 3, 1, 2, course=True)),
            Case("random n=(4, 3), m=5", _linear(g, 4, 3, 5)),
            Case("random n=(2, 6), m=1", _linear(g, 2, 6, 1))]


def _linear_activation_forward():
    g = rng(42)
    A, W, b = _linear(course_rng(2), 3, 1, 2, course=True)
    cases = [Case("course example, sigmoid", (A, W, b, "sigmoid")),
             Case("course example, relu", (A, W, b, "relu"))]
    for activation, (n_prev, n, m) in (("relu", (4, 5, 6)), ("sigmoid", (5, 2, 3))):
        cases.append(Case(f"random n=({n_prev}, {n}), m={m}, {activation}",
                          _linear(g, n_prev, n, m) + (activation,)))
    return cases


def _network(draw, dims, m):
    X = draw(dims[0], m)
    parameters = {}
    for l in range(1, len(dims)):
        parameters["W" + str(l)] = draw(dims[l], dims[l - 1])
        parameters["b" + str(l)] = draw(dims[l], 1)
    return X, parameters


def _L_model_forward():
    course = course_rng(6)
    g = rng(43)
    normal = lambda *shape: g.normal(size=shape)  # noqa: E731
    return [Case("course example, 2 hidden layers", _network(course.randn, [5, 4, 3, 1], 4)),
            Case("random [3, 5, 1], m=6", _network(normal, [3, 5, 1], 6)),
            Case("random [6, 4, 4, 2, 1], m=3", _network(normal, [6, 4, 4, 2, 1], 3))]


def _compute_cost():
    g = rng(44)
    return [Case("course example", (np.array([[.8, .9, 0.4]]), np.asarray([[1, 1, 0]]))),
            Case("random m=7", (probabilities(g, (1, 7)), labels(g, (1, 7)))),
            Case("random m=20", (probabilities(g, (1, 20)), labels(g, (1, 20))))]


def _linear_backward():
    course = course_rng(1)
    dZ = course.randn(3, 4)
    A, W, b = course.randn(5, 4), course.randn(3, 5), course.randn(3, 1)
    g = rng(45)
    cases = [Case("course example", (dZ, (A, W, b)))]
    for n_prev, n, m in ((4, 2, 6), (3, 5, 1)):
        cases.append(Case(f"random n=({n_prev}, {n}), m={m}",
                          (g.normal(size=(n, m)), _linear(g, n_prev, n, m))))
    return cases


def _linear_activation_backward():
    course = course_rng(2)
    dA = course.randn(1, 2)
    A, W, b, Z = course.randn(3, 2), course.randn(1, 3), course.randn(1, 1), course.randn(1, 2)
    g = rng(46)
    cases = [Case("course example, sigmoid", (dA, ((A, W, b), Z), "sigmoid")),
             Case("course example, relu", (dA, ((A, W, b), Z), "relu"))]
    for activation, (n_prev, n, m) in (("relu", (4, 3, 5)), ("sigmoid", (3, 2, 4))):
        cases.append(Case(f"random n=({n_prev}, {n}), m={m}, {activation}",
                          (g.normal(size=(n, m)), (_linear(g, n_prev, n, m), g.normal(size=(n, m))),
                           activation)))
    return cases


def _caches(draw, dims, m):
    """Caches of a network [n_0, ..., n_L]: ((A_prev, W, b), Z) per layer."""
    return [((draw(dims[l - 1], m), draw(dims[l], dims[l - 1]), draw(dims[l], 1)), draw(dims[l], m))
            for l in range(1, len(dims))]


def _L_model_backward():
    course = course_rng(3)
    AL = course.randn(1, 2)
    Y = np.array([[1, 0]])
    A1, W1, b1, Z1 = course.randn(4, 2), course.randn(3, 4), course.randn(3, 1), course.randn(3, 2)
    A2, W2, b2, Z2 = course.randn(3, 2), course.randn(1, 3), course.randn(1, 1), course.randn(1, 2)
    g = rng(47)
    normal = lambda *shape: g.normal(size=shape)  # noqa: E731
    return [Case("course example, 2 layers", (AL, Y, (((A1, W1, b1), Z1), ((A2, W2, b2), Z2)))),
            Case("random [4, 5, 3, 1], m=6",
                 (probabilities(g, (1, 6)), labels(g, (1, 6)), _caches(normal, [4, 5, 3, 1], 6))),
            Case("random [2, 1], m=3",
                 (probabilities(g, (1, 3)), labels(g, (1, 3)), _caches(normal, [2, 1], 3)))]


def _update_parameters():
    course = course_rng(2)
    W1, b1, W2, b2 = course.randn(3, 4), course.randn(3, 1), course.randn(1, 3), course.randn(1, 1)
    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    dW1, db1, dW2, db2 = course.randn(3, 4), course.randn(3, 1), course.randn(1, 3), course.randn(1, 1)
    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    g = rng(48)
    dims = [5, 4, 3, 1]
    params3 = {}
    grads3 = {}
    for l in range(1, len(dims)):
        for name, shape in (("W", (dims[l], dims[l - 1])), ("b", (dims[l], 1))):
            params3[f"{name}{l}"] = g.normal(size=shape)
            grads3[f"d{name}{l}"] = g.normal(size=shape)
    return [Case("course example, learning_rate=0.1", (parameters, grads, 0.1)),
            Case("random 3 layers, learning_rate=0.05", (params3, grads3, 0.05))]


SPEC = AssignmentSpec(
    name="c1w4_deep_nn",
    title="Building your deep neural network, step by step",
    provided=("dnn_utils",),
    functions=(
        FunctionSpec("initialize_parameters", 5, _initialize_parameters, ("parameters",),
                     {"*": "start with np.random.seed(1); W1 = np.random.randn(n_h, n_x) * 0.01, "
                           "b1 = np.zeros((n_h, 1)), then W2, b2 in that order"}, datatype=True),
        FunctionSpec("initialize_parameters_deep", 10, _initialize_parameters_deep, ("parameters",),
                     {"*": "start with np.random.seed(3); for l = 1..L-1: W{l} = "
                           "np.random.randn(layer_dims[l], layer_dims[l-1]) * 0.01, b{l} = zeros"},
                     datatype=True),
        FunctionSpec("linear_forward", 10, _linear_forward, ("Z", "cache"),
                     {"Z": "Z = W · A + b (np.dot(W, A) + b)", "cache": "cache = (A, W, b)"},
                     datatype=True),
        FunctionSpec("linear_activation_forward", 10, _linear_activation_forward, ("A", "cache"),
                     {"A": "Z, linear_cache = linear_forward(A_prev, W, b), then A, "
                           "activation_cache = sigmoid(Z) or relu(Z)",
                      "cache": "cache = (linear_cache, activation_cache)"}, datatype=True),
        FunctionSpec("L_model_forward", 15, _L_model_forward, ("AL", "caches"),
                     {"AL": "[LINEAR -> RELU] for layers 1..L-1, then LINEAR -> SIGMOID for "
                            "layer L; L = len(parameters) // 2",
                      "caches": "append every layer's cache from linear_activation_forward, in order"},
                     datatype=True),
        FunctionSpec("compute_cost", 10, _compute_cost, ("cost",),
                     {"*": "cost = -(1/m) Σ [Y log(AL) + (1 - Y) log(1 - AL)], then "
                           "np.squeeze(cost) to get a scalar"}),
        FunctionSpec("linear_backward", 10, _linear_backward, ("dA_prev", "dW", "db"),
                     {"dA_prev": _DA, "dW": _DW, "db": _DB}, datatype=True),
        FunctionSpec("linear_activation_backward", 10, _linear_activation_backward,
                     ("dA_prev", "dW", "db"),
                     {"dA_prev": "dZ = relu_backward(dA, activation_cache) or sigmoid_backward(...), "
                                 "then linear_backward(dZ, linear_cache); " + _DA,
                      "dW": _DW, "db": _DB}, datatype=True),
        FunctionSpec("L_model_backward", 15, _L_model_backward, ("grads",),
                     {"dA*": "dAL = -(Y/AL - (1-Y)/(1-AL)); the last layer is sigmoid, the "
                             "others relu; grads['dA' + str(l-1)] = " + _DA,
                      "dW*": "grads['dW' + str(l)]: " + _DW,
                      "db*": "grads['db' + str(l)]: " + _DB,
                      "*": "keys dA{l-1}, dW{l}, db{l} for l = L..1"}, datatype=True),
        FunctionSpec("update_parameters", 5, _update_parameters, ("parameters",),
                     {"*": "W{l} = W{l} - learning_rate * dW{l}, b{l} = b{l} - learning_rate * "
                           "db{l}, for l = 1..L"}, datatype=True),
    ),
)
