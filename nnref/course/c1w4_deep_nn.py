"""Course 1, week 4: "Building your Deep Neural Network: Step by Step".

An L-layer network, [LINEAR → RELU] × (L − 1) → LINEAR → SIGMOID, in the course's layout
(``A[l]``: ``(n_l, m)``, ``W{l}``: ``(n_l, n_{l-1})``, ``b{l}``: ``(n_l, 1)``)::

    Z[l] = W[l]·A[l-1] + b[l],   A[l] = g(Z[l])
    J    = −(1/m)·Σ_i [y_i·log a_i + (1 − y_i)·log(1 − a_i)]
    dA[L] = −(Y/A[L] − (1 − Y)/(1 − A[L]))
    dZ[l] = dA[l] ⊙ g'(Z[l])
    dW[l] = (1/m)·dZ[l]·A[l-1]ᵀ,   db[l] = (1/m)·Σ_i dZ[l],   dA[l-1] = W[l]ᵀ·dZ[l]
    W[l] −= α·dW[l],  b[l] −= α·db[l]

Caches, as the course's: ``linear_cache = (A_prev, W, b)``, ``activation_cache = Z``,
``cache = (linear_cache, activation_cache)``; ``L_model_forward`` returns the list of the L caches.
Every formula is an nnref kernel (dense forward/backward on transposed views, the activation
pairs, the binary cross-entropy and its gradient); this module only arranges them.

Seeding, as the course's solution: ``initialize_parameters`` calls ``np.random.seed(1)``,
``initialize_parameters_deep`` calls ``np.random.seed(3)`` and scales by 0.01.
(The application assignment, :mod:`nnref.course.c1w4_application`, has its own
``initialize_parameters_deep``: seed 1 and W / √n_{l-1}.)
"""
from __future__ import annotations

import numpy as np

from nnref.course import backprop, checks, layout
from nnref.functional import activations, losses

__all__ = ["sigmoid", "relu", "sigmoid_backward", "relu_backward", "initialize_parameters",
           "initialize_parameters_deep", "linear_forward", "linear_activation_forward",
           "L_model_forward", "compute_cost", "linear_backward", "linear_activation_backward",
           "L_model_backward", "update_parameters"]

ACTIVATIONS = ("sigmoid", "relu")


# ----------------------------------------------------------------------------- dnn_utils helpers
def sigmoid(Z):
    """Returns ``(A, cache)``: A = 1/(1 + e^(−Z)) and cache = Z."""
    return activations.sigmoid(Z), Z


def relu(Z):
    """Returns ``(A, cache)``: A = max(0, Z) and cache = Z."""
    return activations.relu(Z), Z


def sigmoid_backward(dA, cache):
    """dZ = dA ⊙ s ⊙ (1 − s), s = σ(Z) with Z = cache."""
    Z = cache
    return activations.sigmoid_backward(dA, Z, activations.sigmoid(Z))


def relu_backward(dA, cache):
    """dZ = dA where Z > 0, else 0 (Z = cache); a new array, dA is not modified."""
    Z = cache
    return activations.relu_backward(dA, Z, None)


# ----------------------------------------------------------------------------- initialization
def initialize_parameters(n_x, n_h, n_y):
    """``np.random.seed(1)``; W1 = randn(n_h, n_x)·0.01, b1 = 0, W2 = randn(n_y, n_h)·0.01, b2 = 0."""
    n_x, n_h, n_y = (checks.check_int(k, v, low=1) for k, v in
                     (("n_x", n_x), ("n_h", n_h), ("n_y", n_y)))
    return layout.initialize_layers([n_x, n_h, n_y], scaling="0.01", seed=1)


def initialize_parameters_deep(layer_dims):
    """``np.random.seed(3)``; for l = 1..L: W{l} = randn(n_l, n_{l-1})·0.01, b{l} = zeros((n_l, 1))."""
    return layout.initialize_layers(layer_dims, scaling="0.01", seed=3)


# ----------------------------------------------------------------------------- forward
def linear_forward(A, W, b):
    """Z = W·A + b. A: (n_{l-1}, m), W: (n_l, n_{l-1}), b: (n_l, 1).

    Returns ``(Z, cache)``: Z (n_l, m) and ``cache = (A, W, b)``.
    """
    return layout.linear_forward(A, W, b), (A, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    """A = g(W·A_prev + b) for ``activation`` "sigmoid" or "relu".

    Returns ``(A, cache)`` with ``cache = (linear_cache, activation_cache)``.
    """
    checks.check_choice("activation", activation, ACTIVATIONS)
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = sigmoid(Z) if activation == "sigmoid" else relu(Z)
    return A, (linear_cache, activation_cache)


def L_model_forward(X, parameters):
    """[LINEAR → RELU] × (L − 1) → LINEAR → SIGMOID.

    Returns ``(AL, caches)``: AL (n_L, m) and the list of L caches of
    :func:`linear_activation_forward`.
    """
    L = checks.num_layers(parameters)
    caches = []
    A = X
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)],
                                             "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)],
                                          "sigmoid")
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y):
    """J = −(1/m)·Σ_i [y_i·log a_i + (1 − y_i)·log(1 − a_i)], m = Y.shape[1].

    Returns a 0-d ndarray, as the course's ``np.squeeze`` of its (1, 1) product does (the
    application's ``costs`` list holds these, and the course's test checks they are arrays).
    """
    AL = checks.check_matrix("AL", AL)
    Y = checks.check_labels("Y", Y, AL.shape[1])
    m = AL.shape[1]
    return np.squeeze(np.asarray(losses.binary_crossentropy(Y, AL, reduction="sum") / m))


# ----------------------------------------------------------------------------- backward
def linear_backward(dZ, cache, *, compute_dA_prev=True):
    """dW = (1/m)·dZ·A_prevᵀ, db = (1/m)·Σ_i dZ, dA_prev = Wᵀ·dZ, with ``cache = (A_prev, W, b)``.

    Returns ``(dA_prev, dW, db)``: (n_{l-1}, m), (n_l, n_{l-1}), (n_l, 1) (dA_prev None with
    ``compute_dA_prev=False``).
    """
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return layout.linear_backward(dZ, A_prev, W, 1 / m, compute_dA_prev=compute_dA_prev)


def linear_activation_backward(dA, cache, activation, *, compute_dA_prev=True):
    """Backward through g(W·A_prev + b): dZ = dA ⊙ g'(Z), then :func:`linear_backward`.

    Returns ``(dA_prev, dW, db)`` (dA_prev None with ``compute_dA_prev=False``).
    """
    checks.check_choice("activation", activation, ACTIVATIONS)
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    else:
        dZ = sigmoid_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache, compute_dA_prev=compute_dA_prev)


def L_model_backward(AL, Y, caches, *, compute_dA0=True):
    """Gradients of the cost for every layer: the sigmoid layer L, then the relu layers
    L − 1, ..., 1 through the course's one backward loop (:func:`nnref.course.backprop.backward`)::

        dAL = −(Y/AL − (1 − Y)/(1 − AL))        (1, m)
        dZ[L] = dAL ⊙ σ'(Z[L])                    (1, m)
        for l = L, ..., 1:
            dW[l] = (1/m)·dZ[l]·A[l-1]ᵀ,  db[l] = (1/m)·Σ dZ[l],  dA[l-1] = W[l]ᵀ·dZ[l]
            dZ[l-1] = dA[l-1] ⊙ [Z[l-1] > 0]

    ``compute_dA0=False`` leaves out ``dA0`` (a training loop never uses it).
    Returns ``grads`` with ``dA{l-1}``, ``dW{l}``, ``db{l}`` for l = 1..L (``dA0`` is ∂J/∂X).
    """
    L = len(caches)
    m = AL.shape[1]
    Y = Y.reshape(AL.shape)
    dAL = losses.binary_crossentropy_backward(Y, AL, reduction="sum")   # −(Y/AL − (1−Y)/(1−AL))
    dZL = sigmoid_backward(dAL, caches[L - 1][1])                         # (1, m)
    layers = [(A_prev, W, Z) for (A_prev, W, _), Z in caches]
    grads = backprop.backward(dZL, layers, scale=1 / m, compute_dA0=compute_dA0)
    return {k: grads[k] for l in reversed(range(1, L + 1))
            for k in ("dA" + str(l - 1), "dW" + str(l), "db" + str(l)) if k in grads}


def update_parameters(params, grads, learning_rate):
    """W{l} −= α·dW{l}, b{l} −= α·db{l}; returns a new dict (``params`` is not modified,
    as the course's ``copy.deepcopy(params)``)."""
    L = checks.check_grads(params, grads)
    learning_rate = checks.check_real("learning_rate", learning_rate, low=0)
    parameters = {}
    for l in range(1, L + 1):
        for p in ("W", "b"):
            parameters[p + str(l)] = layout.descend(params[p + str(l)], grads["d" + p + str(l)],
                                                     learning_rate)
    return parameters
