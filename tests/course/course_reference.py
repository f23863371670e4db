"""The course's own solution code, written out plainly in NumPy, for the nnref.course tests.

These are the expressions of the course's notebooks and utility files (``dnn_utils``,
``init_utils``, ``reg_utils``, ``gc_utils``, ``opt_utils``), against which the thin layers over
the nnref core are compared. What the helper files define is written out once, in the grading
sandbox's ``nnref/grading/child/course_utils.py`` (plain NumPy, no nnref), and taken from
there (compared with nnref.course in test_course_utils_transcription.py). Comparisons allow ~1e-12 relative: the core
evaluates a few expressions in a different (equally exact) order, e.g. the overflow-free
sigmoid ``e^z/(1 + e^z)`` for z < 0 and the dense product on transposed views.
"""
from __future__ import annotations

import numpy as np

from nnref.grading.child.course_utils import plain_relu as relu
from nnref.grading.child.course_utils import plain_sigmoid as sigmoid
from nnref.grading.child.course_utils import reg_forward_propagation as three_forward


# ----------------------------------------------------------------------------- course 1 week 2
def lr_propagate(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    cost = -1 / m * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    dw = 1 / m * np.dot(X, (A - Y).T)
    db = 1 / m * np.sum(A - Y)
    return {"dw": dw, "db": db}, np.squeeze(np.array(cost))


def lr_optimize(w, b, X, Y, num_iterations, learning_rate):
    costs = []
    for i in range(num_iterations):
        grads, cost = lr_propagate(w, b, X, Y)
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        if i % 100 == 0:
            costs.append(cost)
    return {"w": w, "b": b}, grads, costs


# ----------------------------------------------------------------------------- course 1 week 3
def planar_forward(X, parameters):
    Z1 = np.dot(parameters["W1"], X) + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = np.dot(parameters["W2"], A1) + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def planar_cost(A2, Y):
    m = Y.shape[1]
    logprobs = np.multiply(np.log(A2), Y) + np.multiply(np.log(1 - A2), 1 - Y)
    return float(-np.sum(logprobs) / m)


def planar_backward(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = 1 / m * np.dot(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


# ----------------------------------------------------------------------------- course 1 week 4
def deep_forward(X, parameters):
    """Returns AL and the list of (A_prev, W, b, Z) per layer."""
    L = len(parameters) // 2
    A, layers = X, []
    for l in range(1, L + 1):
        W, b = parameters["W" + str(l)], parameters["b" + str(l)]
        Z = np.dot(W, A) + b
        layers.append((A, W, b, Z))
        A = sigmoid(Z) if l == L else relu(Z)
    return A, layers


def deep_cost(AL, Y):
    m = Y.shape[1]
    return np.squeeze((-1 / m) * np.sum(np.multiply(Y, np.log(AL)) + np.multiply(1 - Y, np.log(1 - AL))))


def deep_backward(AL, Y, layers):
    grads = {}
    L = len(layers)
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in reversed(range(1, L + 1)):
        A_prev, W, b, Z = layers[l - 1]
        m = A_prev.shape[1]
        if l == L:
            s = 1 / (1 + np.exp(-Z))
            dZ = dA * s * (1 - s)
        else:
            dZ = np.array(dA, copy=True)
            dZ[Z <= 0] = 0
        grads["dW" + str(l)] = 1 / m * np.dot(dZ, A_prev.T)
        grads["db" + str(l)] = 1 / m * np.sum(dZ, axis=1, keepdims=True)
        grads["dA" + str(l - 1)] = dA = np.dot(W.T, dZ)
    return grads


def gd(parameters, grads, learning_rate):
    """The course's update_parameters: out of place, into a new dict."""
    out = dict(parameters)
    for l in range(1, len(parameters) // 2 + 1):
        out["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        out["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return out


# ----------------------------------------------------------------------------- course 2 (3 layers)
def three_backward_utils(X, Y, cache):
    """init_utils / reg_utils / opt_utils: 1/m folded into dz3."""
    m = X.shape[1]
    (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3) = cache
    dz3 = 1. / m * (a3 - Y)
    dW3 = np.dot(dz3, a2.T)
    db3 = np.sum(dz3, axis=1, keepdims=True)
    da2 = np.dot(W3.T, dz3)
    dz2 = np.multiply(da2, np.int64(a2 > 0))
    dW2 = np.dot(dz2, a1.T)
    db2 = np.sum(dz2, axis=1, keepdims=True)
    da1 = np.dot(W2.T, dz2)
    dz1 = np.multiply(da1, np.int64(a1 > 0))
    dW1 = np.dot(dz1, X.T)
    db1 = np.sum(dz1, axis=1, keepdims=True)
    return {"dz3": dz3, "dW3": dW3, "db3": db3, "da2": da2, "dz2": dz2, "dW2": dW2, "db2": db2,
            "da1": da1, "dz1": dz1, "dW1": dW1, "db1": db1}


def three_backward_graded(X, Y, cache, lambd=0.0, D1=None, D2=None, keep_prob=1.0):
    """backward_propagation_with_regularization / _with_dropout / _n (correct): 1/m on dW."""
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1. / m * np.dot(dZ3, A2.T) + (lambd / m) * W3
    db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    if D2 is not None:
        dA2 = dA2 * D2 / keep_prob
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1. / m * np.dot(dZ2, A1.T) + (lambd / m) * W2
    db2 = 1. / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    if D1 is not None:
        dA1 = dA1 * D1 / keep_prob
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1. / m * np.dot(dZ1, X.T) + (lambd / m) * W1
    db1 = 1. / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
            "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def three_logprobs(a3, Y):
    return np.multiply(-np.log(a3), Y) + np.multiply(-np.log(1 - a3), 1 - Y)


def random_parameters(layer_dims, seed):
    """W{l} = randn, b{l} = randn, drawn after np.random.seed(seed) (test inputs)."""
    np.random.seed(seed)
    p = {}
    for l in range(1, len(layer_dims)):
        p["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1])
        p["b" + str(l)] = np.random.randn(layer_dims[l], 1)
    return p


def assert_dicts_close(actual, expected, rtol=1e-12, atol=1e-15):
    """Same keys, same shapes, values within rtol (the core's evaluation order; see above)."""
    assert set(actual) == set(expected), (sorted(actual), sorted(expected))
    for k in expected:
        assert np.shape(actual[k]) == np.shape(expected[k]), k
        np.testing.assert_allclose(actual[k], expected[k], rtol=rtol, atol=atol, err_msg=k)
