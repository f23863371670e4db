"""Course 2, week 1: "Initialization".

Three initializations of the 3-layer network of ``init_utils`` (see
:mod:`nnref.course._three_layer`) on the course's "circles" data (``load_dataset()``):

- ``initialize_parameters_zeros``: every W and b zero (the symmetry is never broken);
- ``initialize_parameters_random``: ``np.random.seed(3)``, W = randn·10, b = 0;
- ``initialize_parameters_he``: ``np.random.seed(3)``, W = randn·√(2/n_{l-1}), b = 0.

``model(X, Y, learning_rate=0.01, num_iterations=15000, print_cost=True, initialization="he")``
trains [n_x, 10, 5, 1] by gradient descent and returns the parameters. The course also plots the
recorded costs; nnref has no plotting in its course functions (nothing else differs).
"""
from __future__ import annotations

import numpy as np

from nnref.course import checks, layout
from nnref.course._three_layer import (backward_propagation, compute_loss, forward_propagation,
                                       predict, predict_dec, update_parameters)
from nnref.course.data import make_circles

__all__ = ["load_dataset", "initialize_parameters_zeros", "initialize_parameters_random",
           "initialize_parameters_he", "model", "forward_propagation", "backward_propagation",
           "compute_loss", "update_parameters", "predict", "predict_dec"]

INITIALIZATIONS = ("zeros", "random", "he")


def load_dataset():
    """The course's circles: ``np.random.seed(1)``, 300 training points; ``np.random.seed(2)``,
    100 test points (``make_circles(noise=0.05)``).

    Returns:
        ``(train_X, train_Y, test_X, test_Y)``: (2, 300) float64, (1, 300) int, (2, 100), (1, 100).
    """
    np.random.seed(1)
    train_X, train_Y = make_circles(n_samples=300, noise=.05)
    np.random.seed(2)
    test_X, test_Y = make_circles(n_samples=100, noise=.05)
    return train_X.T, train_Y.reshape((1, -1)), test_X.T, test_Y.reshape((1, -1))


def initialize_parameters_zeros(layers_dims):
    """W{l} = zeros((n_l, n_{l-1})), b{l} = zeros((n_l, 1))."""
    return layout.initialize_layers(layers_dims, scaling="zeros", name="layers_dims")


def initialize_parameters_random(layers_dims):
    """``np.random.seed(3)``; W{l} = randn(n_l, n_{l-1})·10, b{l} = zeros((n_l, 1))."""
    return layout.initialize_layers(layers_dims, scaling="10", seed=3, name="layers_dims")


def initialize_parameters_he(layers_dims):
    """``np.random.seed(3)``; W{l} = randn(n_l, n_{l-1})·√(2/n_{l-1}), b{l} = zeros((n_l, 1))."""
    return layout.initialize_layers(layers_dims, scaling="he", seed=3, name="layers_dims")


def model(X, Y, learning_rate=0.01, num_iterations=15000, print_cost=True, initialization="he"):
    """Train [n_x, 10, 5, 1] (relu, relu, sigmoid) with the chosen initialization.

    Prints "Cost after iteration i: ..." every 1000 iterations with ``print_cost``.
    Returns the trained ``parameters``.
    """
    X = checks.check_matrix("X", X)
    Y = checks.check_labels("Y", Y, X.shape[1])
    checks.check_choice("initialization", initialization, INITIALIZATIONS)
    num_iterations = checks.check_int("num_iterations", num_iterations)
    layers_dims = [X.shape[0], 10, 5, 1]
    if initialization == "zeros":
        parameters = initialize_parameters_zeros(layers_dims)
    elif initialization == "random":
        parameters = initialize_parameters_random(layers_dims)
    else:
        parameters = initialize_parameters_he(layers_dims)
    for i in range(num_iterations):
        a3, cache = forward_propagation(X, parameters)
        cost = compute_loss(a3, Y)
        grads = backward_propagation(X, Y, cache)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and i % 1000 == 0:
            print("Cost after iteration {}: {}".format(i, cost))
    return parameters
