"""The course's own functions, in the course's own form: one module per assignment.

Same names, arguments, defaults and return structures as the solutions of the deeplearning.ai
courses 1 and 2 ("Neural Networks and Deep Learning", "Improving Deep Neural Networks"), the
course's ``(n_x, m)`` layout (one example per column), and the course's ``np.random.seed(...)``
calls in the same places, so seeded results equal the course's. Each module is a thin layer over
the numeric core (:mod:`nnref.functional`): each formula is written once, there, except the
course's own two lines kept on purpose (``c1w2_logistic_regression``'s ``dw`` and ``db``).

| module | assignment |
|---|---|
| ``c1w2_numpy_basics`` | Python Basics with NumPy |
| ``c1w2_logistic_regression`` | Logistic Regression with a Neural Network mindset |
| ``c1w3_planar`` | Planar data classification with one hidden layer |
| ``c1w4_deep_nn`` | Building your Deep Neural Network: Step by Step |
| ``c1w4_application`` | Deep Neural Network for Image Classification: Application |
| ``c2w1_initialization`` | Initialization |
| ``c2w1_regularization`` | Regularization |
| ``c2w1_gradient_checking`` | Gradient Checking |
| ``c2w2_optimization`` | Optimization Methods |
| ``c2w3_tensorflow`` | Introduction to TensorFlow (in NumPy; the original is ``tf_parity.course_c2w3``) |

Shared by the assignments:

| module | what |
|---|---|
| ``layout`` | the ``(n, m)`` ↔ batch-first adapters (dense forward/backward, the update), the seeded initializers |
| ``checks`` | the course's argument checks over ``nnref._checks`` |
| ``backprop`` | the one backward loop of every course network (hooks: 1/m, dropout masks, L2) |
| ``data`` | the course's data sets: planar flower, moons, circles, the image sets' course layout |

Modules are imported on first use: ``from nnref.course import c1w4_deep_nn`` or
``nnref.course.c1w4_deep_nn``.
"""
from __future__ import annotations

import importlib

MODULES = (
    "c1w2_numpy_basics",
    "c1w2_logistic_regression",
    "c1w3_planar",
    "c1w4_deep_nn",
    "c1w4_application",
    "c2w1_initialization",
    "c2w1_regularization",
    "c2w1_gradient_checking",
    "c2w2_optimization",
    "c2w3_tensorflow",
)

__all__ = list(MODULES)


def __getattr__(name: str):
    if name in MODULES:
        return importlib.import_module(f"nnref.course.{name}")
    raise AttributeError(f"module 'nnref.course' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(MODULES))
