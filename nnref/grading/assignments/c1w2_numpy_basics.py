"""Course 1, week 2: Python basics with NumPy."""
from __future__ import annotations

import numpy as np

from nnref.grading.assignments._inputs import rng
from nnref.grading.spec import AssignmentSpec, Case, FunctionSpec

_EXAMPLE_X = np.array([1, 2, 3])  # the course's example vector (integers)
_EXAMPLE_IMAGE = np.array([  # the course's (3, 3, 2) example image
    [[0.67826139, 0.29380381], [0.90714982, 0.52835647], [0.4215251, 0.45017551]],
    [[0.92814219, 0.96677647], [0.85304703, 0.52351845], [0.19981397, 0.27417313]],
    [[0.60659855, 0.00533165], [0.10820313, 0.49978937], [0.34144279, 0.94630077]]])
_YHAT = np.array([.9, 0.2, 0.1, .4, .9])
_Y = np.array([1, 0, 0, 1, 1])


def _basic_sigmoid():
    return [Case("course example x=1", (1,)), Case("x=-2.5", (-2.5,)), Case("x=0.3", (0.3,))]


def _vector_cases():
    g = rng(12)
    return [Case("course example [1, 2, 3]", (_EXAMPLE_X.copy(),)),
            Case("random (3, 4)", (g.normal(size=(3, 4)),)),
            Case("random (2, 5, 2)", (g.normal(scale=3.0, size=(2, 5, 2)),))]


def _image2vector():
    g = rng(13)
    return [Case("course example (3, 3, 2)", (_EXAMPLE_IMAGE.copy(),)),
            Case("random (4, 5, 3)", (g.uniform(size=(4, 5, 3)),)),
            Case("random (2, 3, 4)", (g.uniform(size=(2, 3, 4)),))]


def _normalize_rows():
    g = rng(14)
    return [Case("course example", (np.array([[0., 3., 4.], [1., 6., 4.]]),)),
            Case("random (5, 3)", (g.normal(size=(5, 3)),)),
            Case("random (2, 7)", (g.uniform(1, 5, size=(2, 7)),))]


def _softmax():
    g = rng(15)
    return [Case("course example", (np.array([[9, 2, 5, 0, 0], [7, 5, 0, 0, 0]]),)),
            Case("random (3, 6)", (g.normal(size=(3, 6)),)),
            Case("random (4, 2)", (g.normal(scale=2.0, size=(4, 2)),))]


def _losses():
    g = rng(16)
    return [Case("course example", (_YHAT.copy(), _Y.copy())),
            Case("random m=7", (g.uniform(size=7), g.integers(0, 2, size=7))),
            Case("random m=12", (g.uniform(size=12), g.integers(0, 2, size=12)))]


SPEC = AssignmentSpec(
    name="c1w2_numpy_basics",
    title="Python basics with NumPy",
    functions=(
        FunctionSpec("basic_sigmoid", 10, _basic_sigmoid, ("s",),
                     {"*": "basic_sigmoid(x) = 1 / (1 + math.exp(-x)) for a real number x"},
                     datatype=True),
        FunctionSpec("sigmoid", 10, _vector_cases, ("s",),
                     {"*": "s = 1 / (1 + np.exp(-x)), elementwise, same shape as x"},
                     datatype=True),
        FunctionSpec("sigmoid_derivative", 10, _vector_cases, ("ds",),
                     {"*": "ds = s * (1 - s) with s = sigmoid(x), elementwise"}, datatype=True),
        FunctionSpec("image2vector", 10, _image2vector, ("v",),
                     {"*": "v = image.reshape(length * height * depth, 1): one column, in "
                           "NumPy's (C) order"}, datatype=True),
        FunctionSpec("normalize_rows", 15, _normalize_rows, ("x",),
                     {"*": "divide each row by its L2 norm: x / np.linalg.norm(x, axis=1, "
                           "keepdims=True)"}, datatype=True, old_names=("normalizeRows",)),
        FunctionSpec("softmax", 15, _softmax, ("s",),
                     {"*": "row-wise: s = np.exp(x) / np.sum(np.exp(x), axis=1, keepdims=True)"},
                     datatype=True),
        FunctionSpec("L1", 15, _losses, ("loss",),
                     {"*": "L1 = Σ |y - yhat|: a sum over the examples, not a mean"},
                     datatype=True),
        FunctionSpec("L2", 15, _losses, ("loss",),
                     {"*": "L2 = Σ (y - yhat)²: a sum over the examples, not a mean, and no "
                           "square root"}, datatype=True),
    ),
)
