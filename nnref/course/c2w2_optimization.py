"""Course 2, week 2: "Optimization Methods".

Mini-batch gradient descent, momentum and Adam on the 3-layer network of ``opt_utils``
(:mod:`nnref.course._three_layer`, He initialization with ``np.random.seed(3)``), as taught.
Each function runs the code that computes its rule, whose docstring states it::

    update_parameters_with_gd          W −= α·dW (the three-layer ``update_parameters``)
    update_parameters_with_momentum    ``optim.momentum_update``, ``convention="course"``
    update_parameters_with_adam        ``optim.adam_update``, ``convention="course"``
                                       (the course's v, s are the kernel's m, v)
    update_lr, schedule_lr_decay       ``nnref.schedules.InverseTimeDecay``, per epoch

(:mod:`nnref.functional.optim`'s kernels and the schedule are bit-identical to the course's
expressions.)
As the course's, the update functions replace the entries of the dicts they are given
(``parameters``, ``v``, ``s``) with new arrays and return them; the arrays held before are
not modified.

``random_mini_batches`` calls ``np.random.seed(seed)`` and shuffles the columns with
``np.random.permutation(m)``; ``model`` starts from ``seed = 10`` and adds 1 every epoch.
``model`` returns the parameters (the course also plots the costs).
"""
from __future__ import annotations

import math

import numpy as np

from nnref.course import checks, layout
from nnref.course._three_layer import (backward_propagation, cross_entropy_terms,
                                       forward_propagation, predict, predict_dec,
                                       update_parameters)
from nnref.course.data import make_moons
from nnref.functional import optim
from nnref.schedules import InverseTimeDecay

__all__ = ["load_dataset", "initialize_parameters", "forward_propagation", "backward_propagation",
           "compute_cost", "update_parameters_with_gd", "random_mini_batches",
           "initialize_velocity", "update_parameters_with_momentum", "initialize_adam",
           "update_parameters_with_adam", "update_lr", "schedule_lr_decay", "model", "predict",
           "predict_dec"]

OPTIMIZERS = ("gd", "momentum", "adam")


def load_dataset():
    """The course's moons: ``np.random.seed(3)``, ``make_moons(n_samples=300, noise=.2)``.

    Returns ``(train_X, train_Y)``: (2, 300) float64 and (1, 300) int.
    """
    np.random.seed(3)
    train_X, train_Y = make_moons(n_samples=300, noise=.2)
    return train_X.T, train_Y.reshape((1, -1))


def initialize_parameters(layer_dims):
    """``np.random.seed(3)``; W{l} = randn(n_l, n_{l-1})·√(2/n_{l-1}), b{l} = zeros((n_l, 1))."""
    return layout.initialize_layers(layer_dims, scaling="he", seed=3)


def compute_cost(a3, Y):
    """The *summed* cross-entropy Σ_i [−y_i·log a3_i − (1 − y_i)·log(1 − a3_i)] of a mini-batch
    (``model`` divides the epoch's total by m)."""
    return np.sum(cross_entropy_terms(a3, Y))


# ----------------------------------------------------------------------------- updates
def update_parameters_with_gd(parameters, grads, learning_rate):
    """W{l} −= α·dW{l}, b{l} −= α·db{l}. Returns ``parameters`` (its entries replaced): the
    three-layer modules' ``update_parameters`` under this assignment's name."""
    return update_parameters(parameters, grads, learning_rate)


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    """``np.random.seed(seed)``; shuffle the columns of (X, Y) with one permutation, then cut
    them into mini-batches of ``mini_batch_size`` (the last one smaller when m is not a multiple).

    Args:
        X: (n_x, m); Y: (1, m); mini_batch_size: an integer >= 1; seed: the NumPy seed.
    Returns:
        The list of ``(mini_batch_X, mini_batch_Y)``: (n_x, size), (1, size).
    """
    X = checks.check_matrix("X", X)
    m = X.shape[1]
    Y = checks.check_labels("Y", Y, m)
    mini_batch_size = checks.check_int("mini_batch_size", mini_batch_size, low=1)
    np.random.seed(seed)
    permutation = list(np.random.permutation(m))
    shuffled_X = X[:, permutation]
    shuffled_Y = Y.reshape((1, m))[:, permutation]
    num_complete_minibatches = math.floor(m / mini_batch_size)
    mini_batches = []
    for k in range(num_complete_minibatches):
        cols = slice(k * mini_batch_size, (k + 1) * mini_batch_size)
        mini_batches.append((shuffled_X[:, cols], shuffled_Y[:, cols]))
    if m % mini_batch_size != 0:
        cols = slice(num_complete_minibatches * mini_batch_size, m)
        mini_batches.append((shuffled_X[:, cols], shuffled_Y[:, cols]))
    return mini_batches


def _zeros_like_parameters(parameters):
    L = checks.num_layers(parameters)
    state = {}
    for l in range(1, L + 1):
        state["dW" + str(l)] = np.zeros(parameters["W" + str(l)].shape)
        state["db" + str(l)] = np.zeros(parameters["b" + str(l)].shape)
    return state


def initialize_velocity(parameters):
    """v = {"dW1": zeros, "db1": zeros, ...}, of the parameters' shapes (float64)."""
    return _zeros_like_parameters(parameters)


def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    """The course's momentum step (``optim.momentum_update``, its rule) for every W{l}, b{l}.

    Returns ``(parameters, v)``, the two dicts given, their entries replaced.
    """
    L = checks.check_grads(parameters, grads)
    checks.check_grads(parameters, v)
    beta = checks.check_real("beta", beta, low=0, high=1)
    learning_rate = checks.check_real("learning_rate", learning_rate, low=0)
    for l in range(1, L + 1):
        for p in ("W", "b"):
            key, dkey = p + str(l), "d" + p + str(l)
            param, velocity = parameters[key].copy(), v[dkey].copy()
            optim.momentum_update(param, grads[dkey], velocity, learning_rate, beta, "course")
            parameters[key], v[dkey] = param, velocity
    return parameters, v


def initialize_adam(parameters):
    """``(v, s)``: two dicts {"dW1": zeros, "db1": zeros, ...} of the parameters' shapes."""
    return _zeros_like_parameters(parameters), _zeros_like_parameters(parameters)


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9,
                                beta2=0.999, epsilon=1e-8):
    """One Adam step (t >= 1 counts the steps taken, this one included).

    Returns ``(parameters, v, s, v_corrected, s_corrected)``: the three dicts given (entries
    replaced) and two new dicts of the bias-corrected moments.
    """
    L = checks.check_grads(parameters, grads)
    checks.check_grads(parameters, v)
    checks.check_grads(parameters, s)
    t = checks.check_int("t", t, low=1)
    learning_rate = checks.check_real("learning_rate", learning_rate, low=0)
    beta1 = checks.check_real("beta1", beta1, low=0, high=1)
    beta2 = checks.check_real("beta2", beta2, low=0, high=1)
    epsilon = checks.check_real("epsilon", epsilon, low=0)
    v_corrected, s_corrected = {}, {}
    for l in range(1, L + 1):
        for p in ("W", "b"):
            key, dkey = p + str(l), "d" + p + str(l)
            param, m1, m2 = parameters[key].copy(), v[dkey].copy(), s[dkey].copy()
            v_corrected[dkey], s_corrected[dkey] = optim.adam_update(
                param, grads[dkey], m1, m2, t, learning_rate, beta1, beta2, epsilon, "course")
            parameters[key], v[dkey], s[dkey] = param, m1, m2
    return parameters, v, s, v_corrected, s_corrected


# ----------------------------------------------------------------------------- decay
def update_lr(learning_rate0, epoch_num, decay_rate):
    """The course's ``update_lr``: ``InverseTimeDecay(learning_rate0, 1, decay_rate)`` (its
    formula) at ``epoch_num`` >= 0."""
    learning_rate0 = checks.check_real("learning_rate0", learning_rate0, low=0, low_open=True)
    epoch_num = checks.check_int("epoch_num", epoch_num)
    return InverseTimeDecay(learning_rate0, 1, decay_rate, unit="epoch")(epoch_num)


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    """The course's ``schedule_lr_decay``: ``InverseTimeDecay(learning_rate0, time_interval,
    decay_rate, staircase=True)`` (its formula) at ``epoch_num`` >= 0."""
    learning_rate0 = checks.check_real("learning_rate0", learning_rate0, low=0, low_open=True)
    epoch_num = checks.check_int("epoch_num", epoch_num)
    time_interval = checks.check_real("time_interval", time_interval, low=0, low_open=True)
    return InverseTimeDecay(learning_rate0, time_interval, decay_rate, staircase=True,
                            unit="epoch")(epoch_num)


# ----------------------------------------------------------------------------- model
def model(X, Y, layers_dims, optimizer, learning_rate=0.0007, mini_batch_size=64, beta=0.9,
          beta1=0.9, beta2=0.999, epsilon=1e-8, num_epochs=5000, print_cost=True, decay=None,
          decay_rate=1):
    """Train the 3-layer network with "gd", "momentum" or "adam" on shuffled mini-batches.

    ``decay`` (``update_lr`` or ``schedule_lr_decay``) sets α = decay(α0, epoch, decay_rate)
    after every epoch. With ``print_cost`` the mean cost (the epoch's summed cost / m) is
    printed every 1000 epochs, and the learning rate too when decaying.
    Returns the trained ``parameters``.
    """
    X = checks.check_matrix("X", X)
    Y = checks.check_labels("Y", Y, X.shape[1])
    checks.check_choice("optimizer", optimizer, OPTIMIZERS)
    num_epochs = checks.check_int("num_epochs", num_epochs)
    if decay is not None and not callable(decay):
        raise TypeError(f"decay must be a function (learning_rate0, epoch_num, decay_rate) or None. "
                        f"Received: decay={decay!r}")
    t = 0
    seed = 10
    m = X.shape[1]
    learning_rate0 = learning_rate
    parameters = initialize_parameters(layers_dims)
    if optimizer == "momentum":
        v = initialize_velocity(parameters)
    elif optimizer == "adam":
        v, s = initialize_adam(parameters)
    for i in range(num_epochs):
        seed = seed + 1
        minibatches = random_mini_batches(X, Y, mini_batch_size, seed)
        cost_total = 0
        for minibatch_X, minibatch_Y in minibatches:
            a3, caches = forward_propagation(minibatch_X, parameters)
            cost_total += compute_cost(a3, minibatch_Y)
            grads = backward_propagation(minibatch_X, minibatch_Y, caches)
            if optimizer == "gd":
                parameters = update_parameters_with_gd(parameters, grads, learning_rate)
            elif optimizer == "momentum":
                parameters, v = update_parameters_with_momentum(parameters, grads, v, beta,
                                                                learning_rate)
            else:
                t = t + 1
                parameters, v, s, _, _ = update_parameters_with_adam(
                    parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)
        cost_avg = cost_total / m
        if decay:
            learning_rate = decay(learning_rate0, i, decay_rate)
        if print_cost and i % 1000 == 0:
            print("Cost after epoch %i: %f" % (i, cost_avg))
            if decay:
                print("learning rate after epoch %i: %f" % (i, learning_rate))
    return parameters
