"""The sandbox's plain-NumPy transcription of the course's helper files against nnref.course.

``nnref/grading/child/course_utils.py`` writes out the course's helper modules (``dnn_utils``,
``dnn_app_utils_v3``, ``reg_utils``, ``gc_utils``...) as students' code imports them while
grading; ``course_reference.py`` (the tests' transcription of the course's solutions) takes
its shared functions from it. Every function of it that nnref.course also has is compared here,
on the same inputs, at 1e-12 relative (the core evaluates a few expressions in another, equally
exact order: see ``course_reference.py``).
"""
from __future__ import annotations

import numpy as np
import pytest

from course_reference import assert_dicts_close
from nnref.course import c1w4_application as app
from nnref.course import c1w4_deep_nn as dnn
from nnref.course import c2w1_gradient_checking as gc
from nnref.course import c2w1_regularization as reg
from nnref.functional import activations
from nnref.grading.child import course_utils as cu

RTOL, ATOL = 1e-12, 1e-15


def _close(actual, expected):
    if isinstance(expected, str):
        assert actual == expected
    elif isinstance(expected, dict):
        assert_dicts_close(actual, expected, RTOL, ATOL)
    elif isinstance(expected, (tuple, list)):
        assert len(actual) == len(expected)
        for a, e in zip(actual, expected):
            _close(a, e)
    else:
        np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL)


def _network(seed, dims, m):
    g = np.random.default_rng(seed)
    X = g.normal(size=(dims[0], m))
    Y = g.integers(0, 2, size=(1, m))
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = g.normal(size=(dims[l], dims[l - 1])) / np.sqrt(dims[l - 1])
        parameters[f"b{l}"] = g.normal(size=(dims[l], 1))
    return g, X, Y, parameters


@pytest.mark.parametrize("seed, dims, m", [(1, [4, 3, 1], 5), (2, [6, 5, 4, 1], 7)])
def test_dnn_utils_and_dnn_app_utils(seed, dims, m):
    g, X, Y, parameters = _network(seed, dims, m)
    Z = g.normal(size=(3, m))
    dA = g.normal(size=(3, m))
    for name in ("sigmoid", "relu"):
        _close(getattr(cu, name)(Z), getattr(dnn, name)(Z))
    for name in ("sigmoid_backward", "relu_backward"):
        _close(getattr(cu, name)(dA, Z), getattr(dnn, name)(dA, Z))
    W, b = parameters["W1"], parameters["b1"]
    _close(cu.linear_forward(X, W, b), dnn.linear_forward(X, W, b))
    for activation in ("sigmoid", "relu"):
        _close(cu.linear_activation_forward(X, W, b, activation),
               dnn.linear_activation_forward(X, W, b, activation))
    AL, caches = cu.L_model_forward(X, parameters)
    _close((AL, caches), dnn.L_model_forward(X, parameters))
    _close(cu.compute_cost(AL, Y), dnn.compute_cost(AL, Y))
    dZ = g.normal(size=(dims[1], m))
    _close(cu.linear_backward(dZ, (X, W, b)), dnn.linear_backward(dZ, (X, W, b)))
    dA1 = g.normal(size=(dims[1], m))
    for activation in ("sigmoid", "relu"):
        cache = ((X, W, b), g.normal(size=(dims[1], m)))
        _close(cu.linear_activation_backward(dA1, cache, activation),
               dnn.linear_activation_backward(dA1, cache, activation))
    grads = cu.L_model_backward(AL, Y, caches)
    _close(grads, dnn.L_model_backward(AL, Y, caches))
    _close(cu.update_parameters(dict(parameters), grads, 0.1),
           dnn.update_parameters(parameters, grads, 0.1))
    p = cu.predict(X, Y, parameters)
    _close(p, app.predict(X, Y, parameters))


@pytest.mark.parametrize("dims", [(5, 4, 1), (3, 7, 2)])
def test_dnn_app_utils_initializers(dims):
    state = np.random.get_state()
    try:
        _close(cu.initialize_parameters(*dims), app.initialize_parameters(*dims))
        _close(cu.initialize_parameters_deep(list(dims)), app.initialize_parameters_deep(list(dims)))
    finally:
        np.random.set_state(state)


def test_plain_activations_and_reg_utils():
    g, X, Y, parameters = _network(3, [3, 4, 2, 1], 6)
    z = g.normal(size=(4, 6))
    _close(cu.plain_sigmoid(z), activations.sigmoid(z))
    _close(cu.plain_relu(z), activations.relu(z))
    a3, cache = cu.reg_forward_propagation(X, parameters)
    _close((a3, cache), reg.forward_propagation(X, parameters))
    _close(cu.reg_compute_cost(a3, Y), reg.compute_cost(a3, Y))


def test_gc_utils_vectors():
    g = np.random.default_rng(4)
    parameters = {k: g.normal(size=s) for k, s in gc.SHAPES.items()}
    theta, keys = cu.dictionary_to_vector(parameters)
    _close((theta, keys), gc.dictionary_to_vector(parameters))
    _close(cu.vector_to_dictionary(theta), gc.vector_to_dictionary(theta))
    grads = {"d" + k: v for k, v in parameters.items()}
    _close(cu.gradients_to_vector(grads), gc.gradients_to_vector(grads))
