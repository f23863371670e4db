"""The 3-layer network of course 2's utility files (``init_utils``, ``reg_utils``, ``opt_utils``).

LINEAR → RELU → LINEAR → RELU → LINEAR → SIGMOID, in the course's layout::

    z1 = W1·X + b1,  a1 = relu(z1),  z2 = W2·a1 + b2,  a2 = relu(z2),  z3 = W3·a2 + b3,  a3 = σ(z3)
    cache = (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3)

These utilities fold 1/m into the output gradient (unlike course 1 week 4)::

    dz3 = (1/m)·(a3 − Y),   dW3 = dz3·a2ᵀ,   db3 = Σ dz3,   da2 = W3ᵀ·dz3,   dz2 = da2 ⊙ [z2 > 0], ...

The dW and db are the same numbers as week 4's ``(1/m)·dZ·Aᵀ`` up to rounding; ``dz``/``da``
are 1/m times week 4's. The graded functions of the regularization and gradient-checking
assignments use week 4's placement (``dZ3 = A3 − Y``, ``dW3 = (1/m)·dZ3·A2ᵀ``):
``graded_backward``.

Also here: the cross-entropy of these files (``1/m · nansum``, so that the course's "random"
initialization prints ``inf`` rather than ``nan``), ``update_parameters`` (which, as the
course's, rebinds the entries of the dict it is given and returns it), ``predict`` and
``predict_dec``. The data sets (``make_circles``, ``make_moons``) are in
:mod:`nnref.course.data`.
"""
from __future__ import annotations

import numpy as np

from nnref.course import backprop, checks, layout
from nnref.functional import activations, losses

CACHE_KEYS = ("z1", "a1", "W1", "b1", "z2", "a2", "W2", "b2", "z3", "a3", "W3", "b3")


def forward_propagation(X, parameters):
    """Returns ``(a3, cache)``: a3 (1, m) and the course's 12-item cache tuple."""
    X = checks.check_matrix("X", X)
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    z1 = layout.linear_forward(X, W1, b1)      # (n_1, m)
    a1 = activations.relu(z1)
    z2 = layout.linear_forward(a1, W2, b2)     # (n_2, m)
    a2 = activations.relu(z2)
    z3 = layout.linear_forward(a2, W3, b3)     # (1, m)
    a3 = activations.sigmoid(z3)
    return a3, (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3)


def backward_propagation(X, Y, cache):
    """Gradients with 1/m folded into dz3. Returns the course's dict: dz3, dW3, db3, da2, dz2,
    dW2, db2, da1, dz1, dW1, db1."""
    m = X.shape[1]
    (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3) = cache
    dz3 = 1. / m * losses.binary_crossentropy_backward(Y, z3, from_logits=True, reduction="sum")
    grads = backprop.backward(dz3, [(X, W1, z1), (a1, W2, z2), (a2, W3, z3)], scale=1.0,
                              compute_dA0=False)
    return {(k[0] + k[1].lower() + k[2:] if k[1] in "ZA" else k): v for k, v in grads.items()}


def graded_backward(X, Y, layers, through_dA=None, weight_grad=None):
    """The backward pass of the graded functions (regularization, gradient checking), with
    course 1's placement of 1/m::

        dZ3 = A3 − Y,   dW3 = (1/m)·dZ3·A2ᵀ (+ weight_grad(W3)),   db3 = (1/m)·Σ dZ3,
        dA2 = W3ᵀ·dZ3 (then through_dA(2, dA2)),   dZ2 = dA2 ⊙ [Z2 > 0],   ...

    Args:
        X: (n_x, m); Y: (1, m); layers: (Z1, A1, W1, Z2, A2, W2, Z3, A3, W3).
        through_dA, weight_grad: the hooks of :func:`nnref.course.backprop.backward`.
    Returns:
        The course's dict: dZ3, dW3, db3, dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1.
    """
    m = X.shape[1]
    Z1, A1, W1, Z2, A2, W2, Z3, A3, W3 = layers
    dZ3 = losses.binary_crossentropy_backward(Y, Z3, from_logits=True, reduction="sum")  # A3 − Y
    return backprop.backward(dZ3, [(X, W1, Z1), (A1, W2, Z2), (A2, W3, Z3)], scale=1. / m,
                             through_dA=through_dA, weight_grad=weight_grad, compute_dA0=False)


def cross_entropy_terms(a3, Y):
    """The per-example terms −y·log a − (1 − y)·log(1 − a), (1, m) (the course's ``logprobs``)."""
    return losses.binary_crossentropy(Y, a3, reduction="none")


def compute_loss(a3, Y):
    """J = (1/m)·nansum(logprobs): a 0·log 0 term is skipped, a wrong certain prediction is inf."""
    m = Y.shape[1] if np.ndim(Y) == 2 else np.shape(Y)[0]
    return 1. / m * np.nansum(cross_entropy_terms(a3, Y))


def update_parameters(parameters, grads, learning_rate):
    """W{l} −= α·dW{l}, b{l} −= α·db{l}, for l = 1..L.

    As the course's: the entries of ``parameters`` are replaced by new arrays (the dict is
    modified and returned; the arrays it held before are not).
    """
    L = checks.check_grads(parameters, grads)
    learning_rate = checks.check_real("learning_rate", learning_rate, low=0)
    for k in range(1, L + 1):
        for p in ("W", "b"):
            key = p + str(k)
            parameters[key] = layout.descend(parameters[key], grads["d" + key], learning_rate)
    return parameters


def predict(X, y, parameters):
    """Integer labels (1, m), 1 where a3 > 0.5; prints "Accuracy: " + the fraction correct."""
    a3, _ = forward_propagation(X, parameters)
    p = (a3 > 0.5).astype(int)
    print("Accuracy: " + str(np.mean((p[0, :] == np.reshape(y, (1, -1))[0, :]))))
    return p


def predict_dec(parameters, X):
    """Boolean predictions (1, m), a3 > 0.5 (used to plot the decision boundary)."""
    a3, _ = forward_propagation(X, parameters)
    return a3 > 0.5
