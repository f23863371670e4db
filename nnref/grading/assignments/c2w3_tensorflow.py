"""Course 2, week 3: introduction to TensorFlow.

The submission's functions are the course's TensorFlow code: the sandbox reads the tensors and
variables they return as arrays (keeping their types), which are graded against the answer key
(``nnref.course``, in NumPy), and their types are checked where the course's tests check them
(an ``EagerTensor``, a ``ResourceVariable``, float32). The cases pass NumPy inputs (TensorFlow's
operations take them) in float64, so that the values compare at the usual tolerance, and call
the functions as the course's tests do (``one_hot_matrix(label, C)``, positionally).
``initialize_parameters`` is graded on its keys, shapes and types only: the course draws the
weights with TensorFlow's ``GlorotNormal(seed=1)``, which NumPy does not reproduce.
"""
from __future__ import annotations

import numpy as np

from nnref.course.c2w3_tensorflow import SHAPES
from nnref.grading.assignments._inputs import rng
from nnref.grading.compare import TypeRule
from nnref.grading.spec import AssignmentSpec, Case, FunctionSpec

_SHAPES = tuple(SHAPES.items())  # the course's parameter shapes, stated once
_FORWARD = ("Z1 = W1 · X + b1, A1 = relu(Z1), Z2 = W2 · A1 + b2, A2 = relu(Z2), Z3 = W3 · A2 + b3; "
            "return the logits Z3 (no softmax)")


def _linear_function():
    # no argument: two cases that differ only by the seed set before the call
    return [Case("course example"), Case("course example, another global seed")]


def _sigmoid():
    g = rng(91)
    return [Case("course example z=-1", (-1,)), Case("z=0", (0.0,)),
            Case("random (3, 2)", (g.normal(scale=3.0, size=(3, 2)),))]


def _one_hot_matrix():
    # C passed by position, as the course's test does (templates name it C or depth)
    return [Case("course example label=1, C=4", (1, 4)), Case("label=5, C=6", (5, 6)),
            Case("label=2, C=3", (2, 3)), Case("course example label=[2], C=5", ([2], 5))]


def _initialize_parameters():
    return [Case("course shapes"), Case("course shapes, another global seed")]


def _parameters(g, n_x):
    shapes = [(k, (shape[0], n_x) if k == "W1" else shape) for k, shape in _SHAPES]
    return {k: g.normal(scale=0.1, size=shape) for k, shape in shapes}


def _forward_propagation():
    g = rng(92)
    return [Case("SIGNS shapes (12288, 2)", (g.uniform(size=(12288, 2)), _parameters(g, 12288))),
            Case("random (64, 5)", (g.uniform(size=(64, 5)), _parameters(g, 64)))]


def _one_hot_columns(g, m):
    return np.eye(6)[:, g.integers(0, 6, size=m)]


_COURSE_LOGITS = np.array([[2.4048107, 5.0334096], [-0.7921977, -4.1523376],
                           [0.9447198, -0.46802214], [1.158121, 3.9810789],
                           [4.768706, 2.3220146], [6.1481323, 3.909829]])


def _compute_total_loss():
    g = rng(93)
    # the course's test: its logits with the labels of its first two examples (5 and 0), then
    # 3 classes (a function that assumes 6 fails it)
    return [Case("course example", (_COURSE_LOGITS, np.eye(6)[:, [5, 0]])),
            Case("course example, 3 classes", (np.array([[1., 0., 0.]] * 3), np.eye(3))),
            Case("random m=4", (g.normal(size=(6, 4)), _one_hot_columns(g, 4))),
            Case("random m=9", (g.normal(scale=3.0, size=(6, 9)), _one_hot_columns(g, 9)))]


_TENSOR = TypeRule("EagerTensor", "Use the TensorFlow API")
_VARIABLE = TypeRule("ResourceVariable", "All parameter must be created using tf.Variable")


SPEC = AssignmentSpec(
    name="c2w3_tensorflow",
    title="Introduction to TensorFlow",
    functions=(
        FunctionSpec("linear_function", 10, _linear_function, ("Y",),
                     {"*": "np.random.seed(1); X = randn(3, 1), W = randn(4, 3), b = randn(4, 1) "
                           "in that order; Y = W · X + b"}, types={"Y": _TENSOR}),
        FunctionSpec("sigmoid", 10, _sigmoid, ("a",), {"*": "a = 1 / (1 + exp(-z)) (in float32)"},
                     types={"a": TypeRule("EagerTensor", "Use tf.float32", dtype="float32")}),
        FunctionSpec("one_hot_matrix", 20, _one_hot_matrix, ("one_hot",),
                     {"*": "a vector of C zeros with a 1 at index label, shape (C,): "
                           "tf.reshape(tf.one_hot(label, C, axis=0), (C,))"}),
        FunctionSpec("initialize_parameters", 20, _initialize_parameters, ("parameters",),
                     {"*": "keys W1, b1, W2, b2, W3, b3 of shapes " + ", ".join(
                         f"{k} {s}" for k, s in _SHAPES) + " (the values are not graded)"},
                     values=False, types={"W?": _VARIABLE, "b?": _VARIABLE}),
        FunctionSpec("forward_propagation", 20, _forward_propagation, ("Z3",), {"*": _FORWARD},
                     types={"Z3": TypeRule("EagerTensor", "Your output is not a tensor")}),
        FunctionSpec("compute_total_loss", 20, _compute_total_loss, ("total_loss",),
                     {"*": "the SUM over the examples (not the mean) of the softmax "
                           "cross-entropy -Σ_k y_k log softmax(z)_k, with logits and labels of "
                           "shape (C, m)"}, types={"total_loss": _TENSOR}),
    ),
)
