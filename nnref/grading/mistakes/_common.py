"""Mistakes shared by several assignments: their names and fixes, and the course-style pieces
that carry them (the cross-entropy cost, the linear backward step, the update, zero states).

Each piece takes the ``mistake`` key and ignores the keys it does not know, so that a
function calling it (``L_model_backward`` calling the linear backward step) makes the same
mistake the way a student's function calling their own helper does.
"""
from __future__ import annotations

import numpy as np

# key -> (name, fix); "{seed}" and "{what}" are filled in by shared()
SHARED = {
    "seed_not_set": ("np.random.seed({seed}) not called",
                     "call np.random.seed({seed}) once, at the start, before drawing"),
    "seed_in_loop": ("np.random.seed({seed}) called again inside the loop",
                     "seed once, before the loop: each layer then draws new numbers"),
    "one_over_m_forgotten": ("the gradients without 1/m",
                             "dW = (1/m) dZ · A_prevᵀ and db = (1/m) Σ dZ: average over the m "
                             "examples"),
    "one_over_m_twice": ("the gradients divided by m twice",
                         "divide by m once: dW = (1/m) dZ · A_prevᵀ, db = (1/m) Σ dZ"),
    "db_wrong_axis": ("db summed over axis 0 (the units) instead of axis 1 (the examples)",
                      "db = (1/m) np.sum(dZ, axis=1, keepdims=True)"),
    "db_no_keepdims": ("db summed without keepdims (shape (n,) instead of (n, 1))",
                       "db = (1/m) np.sum(dZ, axis=1, keepdims=True): keep the shape of b"),
    "dW_transposed": ("dW transposed (A_prev · dZᵀ)",
                      "dW = (1/m) np.dot(dZ, A_prev.T): shape (n_l, n_{{l-1}}), like W"),
    "cost_no_mean": ("the cost summed over the examples, not averaged",
                     "cost = -(1/m) Σ [Y log(A) + (1 - Y) log(1 - A)]: multiply by 1/m"),
    "cost_sign": ("the cost without its minus sign",
                  "cost = -(1/m) Σ [Y log(A) + (1 - Y) log(1 - A)]: the logs are negative"),
    "cost_positive_term_only": ("the cost without its (1 - Y) log(1 - A) term",
                                "cost = -(1/m) Σ [Y log(A) + (1 - Y) log(1 - A)]"),
    "cost_not_squeezed": ("the cost not squeezed (an array of shape (1, 1))",
                          "cost = np.squeeze(cost): a scalar"),
    "gd_ascent": ("the update with + instead of - (gradient ascent)",
                  "W = W - learning_rate * dW: step against the gradient"),
    "gd_no_learning_rate": ("the update without the learning rate",
                            "W = W - learning_rate * dW, b = b - learning_rate * db"),
    "gd_b_not_updated": ("b not updated", "b = b - learning_rate * db, as W"),
    "gd_last_layer_skipped": ("the last layer not updated (range(1, L) instead of "
                              "range(1, L + 1))", "for l in range(1, L + 1): every layer"),
    "state_keys_like_parameters": ("the keys named like the parameters ('W1') instead of the "
                                   "gradients ('dW1')",
                                   "keys 'dW' + str(l) and 'db' + str(l), as the gradients"),
    "state_last_layer_missing": ("the last layer missing (range(1, L) instead of "
                                 "range(1, L + 1))", "for l in range(1, L + 1): every layer"),
    "state_db_shaped_like_W": ("the 'db' entries shaped like W",
                               "v['db' + str(l)] = np.zeros_like(parameters['b' + str(l)])"),
}


def shared(key: str, **fill) -> tuple[str, str, str]:
    """``(key, name, fix)`` of a shared mistake, with its placeholders filled in."""
    name, fix = SHARED[key]
    return key, name.format(**fill), fix.format(**fill)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def relu(z):
    return np.maximum(0, z)


def cross_entropy_cost(A, Y, mistake=None, squeeze=True):
    """-(1/m) Σ [Y log(A) + (1 - Y) log(1 - A)] over A, Y (1, m): a 0-d array, or (1, 1)
    with ``cost_not_squeezed``."""
    m = Y.shape[1]
    if mistake == "cost_positive_term_only":
        terms = Y * np.log(A)
    else:
        terms = Y * np.log(A) + (1 - Y) * np.log(1 - A)
    total = np.sum(terms, axis=1, keepdims=True)              # (1, 1)
    cost = total if mistake == "cost_sign" else -total
    if mistake != "cost_no_mean":
        cost = cost / m
    return cost if mistake == "cost_not_squeezed" or not squeeze else np.squeeze(cost)


def linear_grads(dZ, A_prev, W, mistake=None):
    """``(dA_prev, dW, db)`` of Z = W·A_prev + b, with 1/m: dZ (n, m), A_prev (n_prev, m)."""
    m = A_prev.shape[1]
    scale = {"one_over_m_forgotten": 1, "one_over_m_twice": 1 / m ** 2}.get(mistake, 1 / m)
    dW = scale * (np.dot(A_prev, dZ.T) if mistake == "dW_transposed" else np.dot(dZ, A_prev.T))
    if mistake == "db_wrong_axis":
        db = scale * np.sum(dZ, axis=0, keepdims=True)
    else:
        db = scale * np.sum(dZ, axis=1, keepdims=mistake != "db_no_keepdims")
    return np.dot(W.T, dZ), dW, db


def descend(param, grad, learning_rate, p, l, L, mistake=None):
    """One gradient-descent step of parameter ``p`` ("W" or "b") of layer ``l`` of ``L``."""
    if mistake == "gd_ascent":
        return param + learning_rate * grad
    if mistake == "gd_no_learning_rate":
        return param - grad
    if (mistake == "gd_b_not_updated" and p == "b") or (mistake == "gd_last_layer_skipped"
                                                       and l == L):
        return param
    return param - learning_rate * grad


def update_all(parameters, grads, learning_rate, mistake=None):
    """A new dict: every W{l}, b{l} after one step of :func:`descend`."""
    L = len(parameters) // 2
    return {p + str(l): descend(parameters[p + str(l)], grads["d" + p + str(l)], learning_rate,
                                p, l, L, mistake)
            for l in range(1, L + 1) for p in ("W", "b")}


def zeros_state(parameters, mistake=None):
    """{"dW1": zeros like W1, "db1": zeros like b1, ...} (momentum's v, Adam's v and s)."""
    L = len(parameters) // 2
    prefix = "" if mistake == "state_keys_like_parameters" else "d"
    last = L if mistake == "state_last_layer_missing" else L + 1
    state = {}
    for l in range(1, last):
        state[prefix + "W" + str(l)] = np.zeros_like(parameters["W" + str(l)])
        b_like = "W" if mistake == "state_db_shaped_like_W" else "b"
        state[prefix + "b" + str(l)] = np.zeros_like(parameters[b_like + str(l)])
    return state
