"""Known mistakes of course 2, week 1: gradient checking (1-D, then the 4-5-3-1 network).

Not listed: (J_plus - J_minus) / 2 * ε. It makes gradapprox about 0, so the difference about
1, the value of every mistake that loses gradapprox (or makes the numerator equal the
denominator): the difference cannot tell which.
"""
from __future__ import annotations

import numpy as np

from nnref.grading.mistakes import variants
from nnref.grading.mistakes._common import relu, sigmoid

_SHAPES = (("W1", (5, 4)), ("b1", (5, 1)), ("W2", (3, 5)), ("b2", (3, 1)), ("W3", (1, 3)),
           ("b3", (1, 1)))


def forward_propagation(x, theta, mistake=None):
    return theta + x if mistake == "forward_sum" else theta * x


def backward_propagation(x, theta, mistake=None):
    if mistake == "backward_returns_theta":
        return theta
    if mistake == "backward_returns_J":
        return theta * x
    return x


def _approximation(J_plus, J_minus, J, epsilon, mistake):
    if mistake == "gc_one_sided":
        return (J_plus - J) / epsilon
    if mistake == "gc_divide_by_epsilon":
        return (J_plus - J_minus) / epsilon
    return (J_plus - J_minus) / (2 * epsilon)


def _difference(grad, gradapprox, mistake):
    numerator = np.linalg.norm(grad - gradapprox)
    if mistake == "gc_without_denominator":
        return numerator
    return numerator / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))


def gradient_check(x, theta, epsilon=1e-7, print_msg=False, mistake=None):
    J_plus = forward_propagation(x, theta + epsilon)
    J_minus = forward_propagation(x, theta - epsilon)
    gradapprox = _approximation(J_plus, J_minus, forward_propagation(x, theta), epsilon, mistake)
    grad = backward_propagation(x, theta)
    return _difference(grad, gradapprox, mistake)


def _cost(X, Y, theta):
    """The notebook's forward_propagation_n on the parameters held in the column theta."""
    parameters, start = {}, 0
    for key, shape in _SHAPES:
        size = shape[0] * shape[1]
        parameters[key] = theta[start:start + size].reshape(shape)
        start += size
    A1 = relu(np.dot(parameters["W1"], X) + parameters["b1"])
    A2 = relu(np.dot(parameters["W2"], A1) + parameters["b2"])
    A3 = sigmoid(np.dot(parameters["W3"], A2) + parameters["b3"])
    logprobs = np.multiply(-np.log(A3), Y) + np.multiply(-np.log(1 - A3), 1 - Y)
    return 1. / X.shape[1] * np.sum(logprobs)


def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False, mistake=None):
    parameters_values = np.concatenate([np.reshape(parameters[k], (-1, 1)) for k, _ in _SHAPES])
    grad = np.concatenate([np.reshape(gradients["d" + k], (-1, 1)) for k, _ in _SHAPES])
    J = _cost(X, Y, parameters_values)
    gradapprox = np.zeros(parameters_values.shape)
    for i in range(parameters_values.shape[0]):
        theta_plus = parameters_values if mistake == "gc_no_copy" else np.copy(parameters_values)
        theta_plus[i] = theta_plus[i] + epsilon
        J_plus = _cost(X, Y, theta_plus)
        theta_minus = np.copy(parameters_values)
        theta_minus[i] = theta_minus[i] - epsilon
        J_minus = _cost(X, Y, theta_minus)
        gradapprox[i] = _approximation(J_plus, J_minus, J, epsilon, mistake)
    return _difference(grad, gradapprox, mistake)


_APPROX = (
    ("gc_one_sided", "a one-sided difference (J(θ + ε) - J(θ)) / ε",
     "gradapprox = (J_plus - J_minus) / (2 * epsilon): the centred difference"),
    ("gc_divide_by_epsilon", "the centred difference divided by ε instead of 2ε",
     "gradapprox = (J_plus - J_minus) / (2 * epsilon)"),
    ("gc_without_denominator", "the difference without its denominator",
     "difference = ‖grad - gradapprox‖ / (‖grad‖ + ‖gradapprox‖) with np.linalg.norm"),
)

MISTAKES = {
    "forward_propagation": variants(
        forward_propagation, ("forward_sum", "J = theta + x instead of theta * x",
                              "J = np.dot(theta, x) (= theta * x)")),
    "backward_propagation": variants(
        backward_propagation,
        ("backward_returns_theta", "dtheta = theta (the derivative with respect to x)",
         "dtheta = x: J = theta * x changes by x per unit of theta"),
        ("backward_returns_J", "dtheta = theta * x (J itself)", "dtheta = x")),
    # On the 1-D check, a one-sided difference and a missing denominator stay within the course's
    # np.allclose tolerance of the right difference: they cannot be told apart, so not listed.
    "gradient_check": variants(gradient_check, *(m for m in _APPROX if m[0] == "gc_divide_by_epsilon")),
    "gradient_check_n": variants(
        gradient_check_n, *_APPROX,
        ("gc_no_copy", "theta_plus = parameters_values without np.copy (the perturbations "
         "accumulate)", "theta_plus = np.copy(parameters_values) before theta_plus[i] += ε")),
}
