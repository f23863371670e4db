"""Course 2, week 1: "Gradient Checking".

The 1-D warm-up, J(θ) = θ·x, and the N-dimensional check of a 3-layer network, [4, 5, 3, 1]
(relu, relu, sigmoid), on the course's flattened parameter vector θ (47, 1)::

    gradapprox_i = (J(θ + ε·e_i) − J(θ − ε·e_i)) / (2ε)
    difference   = ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂)

The centred differences and the relative difference are :mod:`nnref.gradcheck`'s (bit-identical
to the course's loop: the same perturbed values, the same quotient). With ``print_msg`` the
course's messages are printed (threshold 2e-7).

Difference from the course: the course's ``backward_propagation_n`` contains two deliberate
mistakes for the student to find (``dW2`` doubled, ``db1`` with 4/m); nnref's is correct, so
``gradient_check_n`` on its gradients reports a difference below 2e-7. Feeding it gradients with
the course's two mistakes reproduces the course's 0.2850931567761623 (see the tests).
"""
from __future__ import annotations

import numpy as np

from nnref import gradcheck
from nnref.course import checks
from nnref.course._three_layer import forward_propagation as _forward_3
from nnref.course._three_layer import cross_entropy_terms, graded_backward

__all__ = ["forward_propagation", "backward_propagation", "gradient_check",
           "forward_propagation_n", "backward_propagation_n", "gradient_check_n",
           "dictionary_to_vector", "vector_to_dictionary", "gradients_to_vector"]

PARAMETER_KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")
GRADIENT_KEYS = ("dW1", "db1", "dW2", "db2", "dW3", "db3")
# The course's hard-coded shapes: layer sizes [4, 5, 3, 1], 47 numbers in all.
SHAPES = {"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}
MISTAKE_THRESHOLD = 2e-7


def _report(difference, print_msg):
    if print_msg:
        if difference > MISTAKE_THRESHOLD:
            print("\033[93m" + "There is a mistake in the backward propagation! difference = "
                  + str(difference) + "\033[0m")
        else:
            print("\033[92m" + "Your backward propagation works perfectly fine! difference = "
                  + str(difference) + "\033[0m")


# ----------------------------------------------------------------------------- 1-D
def forward_propagation(x, theta):
    """J = θ·x."""
    return theta * x


def backward_propagation(x, theta):
    """dJ/dθ = x."""
    return x


def gradient_check(x, theta, epsilon=1e-7, print_msg=False):
    """The relative difference between ``backward_propagation`` and the centred difference
    (J(θ + ε) − J(θ − ε)) / 2ε; a float."""
    epsilon = checks.check_real("epsilon", epsilon, low=0, low_open=True)
    theta_vec = np.array([theta], dtype=np.float64)
    gradapprox = gradcheck.numerical_gradient(lambda: forward_propagation(x, theta_vec[0]),
                                              theta_vec, epsilon)
    grad = backward_propagation(x, theta)
    difference = gradcheck.relative_difference(grad, gradapprox)
    _report(difference, print_msg)
    return difference


# ----------------------------------------------------------------------------- N-dimensional
def forward_propagation_n(X, Y, parameters):
    """The cost J = (1/m)·Σ_i [−y_i·log a3_i − (1 − y_i)·log(1 − a3_i)] and the 12-item cache.

    Returns ``(cost, cache)``; ``cache = (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)``.
    """
    X = checks.check_matrix("X", X)
    m = X.shape[1]
    A3, cache = _forward_3(X, parameters)
    cost = 1. / m * np.sum(cross_entropy_terms(A3, Y))
    return cost, cache


def backward_propagation_n(X, Y, cache):
    """The correct gradients of :func:`forward_propagation_n` (course 1's 1/m placement).

    Returns the course's dict: dZ3, dW3, db3, dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1.
    """
    X = checks.check_matrix("X", X)
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    return graded_backward(X, Y, (Z1, A1, W1, Z2, A2, W2, Z3, A3, W3))


def dictionary_to_vector(parameters):
    """θ: W1, b1, W2, b2, W3, b3 flattened (row-major) into one (n, 1) column.

    Returns ``(theta, keys)``: ``keys[i]`` names the parameter that ``theta[i]`` comes from.
    """
    missing = [k for k in PARAMETER_KEYS if k not in parameters]
    if missing:
        raise ValueError(f"parameters must hold {list(PARAMETER_KEYS)}. Missing: {missing}")
    vectors = [np.reshape(parameters[k], (-1, 1)) for k in PARAMETER_KEYS]
    keys = [k for k, v in zip(PARAMETER_KEYS, vectors) for _ in range(v.shape[0])]
    return np.concatenate(vectors, axis=0), keys


def vector_to_dictionary(theta):
    """The inverse of :func:`dictionary_to_vector` for the course's [4, 5, 3, 1] network:
    θ (47, 1) -> {"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}.

    The arrays are views of θ, as the course's slices.
    """
    theta = np.asarray(theta)
    size = sum(int(np.prod(s)) for s in SHAPES.values())
    if theta.size != size:
        raise ValueError(f"theta must hold the {size} parameters of the [4, 5, 3, 1] network. "
                         f"Received: theta of shape {theta.shape}")
    parameters, start = {}, 0
    for key, shape in SHAPES.items():
        n = int(np.prod(shape))
        parameters[key] = theta[start:start + n].reshape(shape)
        start += n
    return parameters


def gradients_to_vector(gradients):
    """dW1, db1, dW2, db2, dW3, db3 flattened into one (n, 1) column (the order of θ)."""
    missing = [k for k in GRADIENT_KEYS if k not in gradients]
    if missing:
        raise ValueError(f"gradients must hold {list(GRADIENT_KEYS)}. Missing: {missing}")
    return np.concatenate([np.reshape(gradients[k], (-1, 1)) for k in GRADIENT_KEYS], axis=0)


def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False):
    """The relative difference between ``gradients`` and the centred differences of
    :func:`forward_propagation_n`, one parameter at a time; a float.

    ``parameters`` and ``gradients`` are not modified (θ is a copy).
    """
    epsilon = checks.check_real("epsilon", epsilon, low=0, low_open=True)
    parameters_values, _ = dictionary_to_vector(parameters)      # (47, 1), a new array
    grad = gradients_to_vector(gradients)
    theta = vector_to_dictionary(parameters_values)              # views: follow the perturbation
    gradapprox = gradcheck.numerical_gradient(
        lambda: forward_propagation_n(X, Y, theta)[0], parameters_values, epsilon)
    difference = gradcheck.relative_difference(grad, gradapprox)
    _report(difference, print_msg)
    return difference
