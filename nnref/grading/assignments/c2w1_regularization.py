"""Course 2, week 1: regularization (L2 and dropout) on the 3-layer network of the notebook.

Caches are made by a real forward pass (the course's ``reg_utils.forward_propagation`` for L2,
the answer key's ``forward_propagation_with_dropout`` for dropout), so that the cached
activations, pre-activations and masks agree with each other as they do in training.
"""
from __future__ import annotations

import importlib

import numpy as np

from nnref.grading.assignments._inputs import (call_with_saved_rng, course_rng, labels, layered,
                                               probabilities, rng)
from nnref.grading.child.course_utils import reg_forward_propagation
from nnref.grading.spec import AssignmentSpec, Case, FunctionSpec

_L2_COST = ("cost = compute_cost(A3, Y) + (1/m) (λ/2) (ΣW1² + ΣW2² + ΣW3²) with "
            "np.sum(np.square(W))")
_L2_DW = "dW{l} = (1/m) dZ{l} · A{l-1}ᵀ + (λ/m) W{l}"
_DB = "db{l} = (1/m) np.sum(dZ{l}, axis=1, keepdims=True) (no regularization term)"
_DROP_BACK = ("dA{l} = dA{l} * D{l} / keep_prob (the same mask as in the forward pass), then "
              "dZ{l} = dA{l} * (A{l} > 0)")


def _network(seed, dims, m, course=False):
    if course:
        state = course_rng(seed)
        X = state.randn(dims[0], m)
        return X, layered(state.randn, dims)
    g = rng(seed)
    normal = lambda *shape: g.normal(size=shape)  # noqa: E731
    return normal(dims[0], m), layered(normal, dims)


def _compute_cost_with_regularization():
    course = course_rng(1)
    Y = np.array([[1, 1, 0, 1, 0]])
    parameters = layered(course.randn, [3, 2, 3, 1])
    A3 = np.array([[0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402]])
    g = rng(61)
    _, parameters2 = _network(62, [4, 5, 3, 1], 7)
    return [Case("course example, lambd=0.1", (A3, Y, parameters, 0.1)),
            Case("random [4, 5, 3, 1], m=7, lambd=0.7",
                 (probabilities(g, (1, 7)), labels(g, (1, 7)), parameters2, 0.7))]


def _backward_propagation_with_regularization():
    cases = []
    for label, seed, dims, m, lambd in (("course-style [3, 2, 3, 1], m=5, lambd=0.7", 63,
                                         [3, 2, 3, 1], 5, 0.7),
                                        ("random [4, 5, 3, 1], m=8, lambd=0.1", 64,
                                         [4, 5, 3, 1], 8, 0.1)):
        X, parameters = _network(seed, dims, m)
        _, cache = reg_forward_propagation(X, parameters)
        cases.append(Case(label, (X, labels(rng(seed + 100), (1, m)), cache, lambd)))
    return cases


def _forward_propagation_with_dropout():
    X, parameters = _network(1, [3, 2, 3, 1], 5, course=True)
    X2, parameters2 = _network(65, [4, 5, 3, 1], 6)
    return [Case("course example, keep_prob=0.7", (X, parameters, 0.7)),
            Case("random [4, 5, 3, 1], m=6, keep_prob=0.8", (X2, parameters2, 0.8))]


def _backward_propagation_with_dropout():
    forward = importlib.import_module("nnref.course.c2w1_regularization").forward_propagation_with_dropout
    cases = []
    for label, seed, dims, m, keep_prob in (("course-style [3, 2, 3, 1], m=5, keep_prob=0.8", 66,
                                             [3, 2, 3, 1], 5, 0.8),
                                            ("random [4, 5, 3, 1], m=7, keep_prob=0.6", 67,
                                             [4, 5, 3, 1], 7, 0.6)):
        X, parameters = _network(seed, dims, m)
        _, cache = call_with_saved_rng(forward, X, parameters, keep_prob)
        cases.append(Case(label, (X, labels(rng(seed + 100), (1, m)), cache, keep_prob)))
    return cases


SPEC = AssignmentSpec(
    name="c2w1_regularization",
    title="Regularization",
    provided=("reg_utils",),
    functions=(
        FunctionSpec("compute_cost_with_regularization", 25, _compute_cost_with_regularization,
                     ("cost",), {"*": _L2_COST}),
        FunctionSpec("backward_propagation_with_regularization", 25,
                     _backward_propagation_with_regularization, ("gradients",),
                     {"dW*": _L2_DW, "db*": _DB,
                      "*": "dZ3 = A3 - Y; dA{l} = W{l+1}ᵀ · dZ{l+1}; dZ{l} = dA{l} * (A{l} > 0); "
                           + _L2_DW}),
        FunctionSpec("forward_propagation_with_dropout", 25, _forward_propagation_with_dropout,
                     ("A3", "cache"),
                     {"*": "np.random.seed(1) first; D{l} = (np.random.rand(*A{l}.shape) < "
                           "keep_prob).astype(int); A{l} = A{l} * D{l} / keep_prob for the two "
                           "hidden layers; cache = (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, "
                           "A3, W3, b3)"}),
        FunctionSpec("backward_propagation_with_dropout", 25, _backward_propagation_with_dropout,
                     ("gradients",),
                     {"dA*": _DROP_BACK, "dZ*": _DROP_BACK,
                      "dW*": "dW{l} = (1/m) dZ{l} · A{l-1}ᵀ", "db*": _DB, "*": _DROP_BACK}),
    ),
)
