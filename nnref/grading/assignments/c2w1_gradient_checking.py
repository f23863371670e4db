"""Course 2, week 1: gradient checking (1-D, then the notebook's 4-5-3-1 network).

``gradient_check_n`` is given the answer key's parameters, data and gradients (those of the
course's ``backward_propagation_n``) and random gradients; the notebook's
``forward_propagation_n`` and the ``gc_utils`` helpers are the course's.
"""
from __future__ import annotations

import importlib

import numpy as np

from nnref.grading.assignments._inputs import course_rng, layered, rng
from nnref.grading.spec import AssignmentSpec, Case, FunctionSpec

_DIMS = [4, 5, 3, 1]  # the notebook's network: vector_to_dictionary assumes these shapes
_APPROX = ("for each i: theta_plus[i] += ε, theta_minus[i] -= ε; gradapprox[i] = (J_plus[i] - "
           "J_minus[i]) / (2ε); difference = ||grad - gradapprox||₂ / (||grad||₂ + "
           "||gradapprox||₂)")


def _scalar_cases():
    return [Case("course example x=2, theta=4", (2, 4)), Case("x=-1.5, theta=0.3", (-1.5, 0.3)),
            Case("x=3, theta=-2", (3., -2.))]


def _gradient_check():
    return [Case("course example x=2, theta=4", (2, 4)),
            Case("x=3, theta=-1.5, epsilon=1e-5", (3, -1.5, 1e-5))]


def _gradient_check_n():
    key = importlib.import_module("nnref.course.c2w1_gradient_checking")
    course = course_rng(1)
    X = course.randn(4, 3)
    Y = np.array([1, 1, 0])
    parameters = layered(course.randn, _DIMS)
    _, cache = key.forward_propagation_n(X, Y, parameters)
    gradients = key.backward_propagation_n(X, Y, cache)
    g = rng(71)
    X2, Y2 = g.normal(size=(4, 6)), g.integers(0, 2, size=(1, 6))
    parameters2 = layered(lambda *shape: g.normal(size=shape), _DIMS)
    gradients2 = layered(lambda *shape: g.normal(size=shape), _DIMS, prefix="d")
    return [Case("course example (the notebook's backward_propagation_n)",
                 (parameters, gradients, X, Y)),
            Case("random gradients, m=6", (parameters2, gradients2, X2, Y2))]


SPEC = AssignmentSpec(
    name="c2w1_gradient_checking",
    title="Gradient checking",
    provided=("gc_utils",),
    functions=(
        FunctionSpec("forward_propagation", 10, _scalar_cases, ("J",),
                     {"*": "J = theta * x"}),
        FunctionSpec("backward_propagation", 10, _scalar_cases, ("dtheta",),
                     {"*": "dtheta = x (the derivative of J = theta * x with respect to theta)"}),
        # The difference is a quotient of rounding errors (about 1e-10 for a right gradient),
        # which another order of the same operations changes by 10% or more: compared as the
        # course's test does (np.allclose: atol 1e-8); a wrong gradient gives 1e-1 or more.
        FunctionSpec("gradient_check", 30, _gradient_check, ("difference",),
                     {"*": "theta_plus = theta + ε, theta_minus = theta - ε; gradapprox = "
                           "(J_plus - J_minus) / (2ε); grad = backward_propagation(x, theta); "
                           "difference = |grad - gradapprox| / (|grad| + |gradapprox|)"},
                     rtol=1e-5, atol=1e-8),
        # Each gradapprox entry divides a difference of two costs by 2ε = 2e-7, so rounding
        # differences of 1e-16 in the costs (another order of operations) become about 1e-9:
        # compared as the course's notebook checks it (np.isclose: atol 1e-8).
        FunctionSpec("gradient_check_n", 50, _gradient_check_n, ("difference",),
                     {"*": _APPROX}, rtol=1e-5, atol=1e-8),
    ),
)
