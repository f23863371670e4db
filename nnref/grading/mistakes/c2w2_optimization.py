"""Known mistakes of course 2, week 2: optimization methods."""
from __future__ import annotations

import math

import numpy as np

from nnref.grading.mistakes import variants
from nnref.grading.mistakes._common import shared, update_all, zeros_state


def update_parameters_with_gd(parameters, grads, learning_rate, mistake=None):
    return update_all(parameters, grads, learning_rate, mistake)


def random_mini_batches(X, Y, mini_batch_size=64, seed=0, mistake=None):
    if mistake != "seed_not_set":
        np.random.seed(seed)
    m = X.shape[1]
    permutation = list(np.random.permutation(m))
    if mistake == "no_shuffle":
        permutation = list(range(m))
    shuffled_X = X[:, permutation]
    if mistake == "shuffle_different_permutations":
        permutation = list(np.random.permutation(m))
    shuffled_Y = Y[:, permutation].reshape((1, m))
    num_complete = math.floor(m / mini_batch_size)
    mini_batches = [(shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size],
                     shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size])
                    for k in range(num_complete)]
    if m % mini_batch_size != 0 and mistake != "last_batch_dropped":
        start = num_complete * mini_batch_size
        if mistake == "last_batch_full_size":   # the last mini_batch_size columns
            start = m - mini_batch_size
        mini_batches.append((shuffled_X[:, start:], shuffled_Y[:, start:]))
    return mini_batches


def initialize_velocity(parameters, mistake=None):
    return zeros_state(parameters, mistake)


def initialize_adam(parameters, mistake=None):
    return zeros_state(parameters, mistake), zeros_state(parameters, mistake)


def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate, mistake=None):
    L = len(parameters) // 2
    for l in range(1, L + 1):
        for p in ("W", "b"):
            key, dkey = p + str(l), "d" + p + str(l)
            if mistake == "momentum_no_one_minus_beta":
                v[dkey] = beta * v[dkey] + grads[dkey]
            elif mistake == "momentum_betas_swapped":
                v[dkey] = (1 - beta) * v[dkey] + beta * grads[dkey]
            else:
                v[dkey] = beta * v[dkey] + (1 - beta) * grads[dkey]
            step = grads[dkey] if mistake == "momentum_step_with_gradient" else v[dkey]
            parameters[key] = parameters[key] - learning_rate * step
    return parameters, v


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9,
                                beta2=0.999, epsilon=1e-8, mistake=None):
    L = len(parameters) // 2
    v_corrected, s_corrected = {}, {}
    b1, b2 = (beta2, beta1) if mistake == "adam_betas_swapped" else (beta1, beta2)
    for l in range(1, L + 1):
        for p in ("W", "b"):
            key, dkey = p + str(l), "d" + p + str(l)
            g = grads[dkey]
            v[dkey] = b1 * v[dkey] + (1 - b1) * g
            s[dkey] = b2 * s[dkey] + (1 - b2) * (g if mistake == "adam_gradient_not_squared"
                                                 else g ** 2)
            if mistake == "adam_no_bias_correction":
                v_corrected[dkey], s_corrected[dkey] = v[dkey], s[dkey]
            elif mistake == "adam_bias_correction_without_t":
                v_corrected[dkey], s_corrected[dkey] = v[dkey] / (1 - b1), s[dkey] / (1 - b2)
            else:
                v_corrected[dkey] = v[dkey] / (1 - b1 ** t)
                s_corrected[dkey] = s[dkey] / (1 - b2 ** t)
            vc, sc = v_corrected[dkey], s_corrected[dkey]
            if mistake == "adam_step_with_uncorrected":
                vc, sc = v[dkey], s[dkey]
            if mistake == "adam_epsilon_inside_sqrt":
                step = vc / np.sqrt(sc + epsilon)
            else:
                step = vc / (np.sqrt(sc) + epsilon)
            parameters[key] = parameters[key] - learning_rate * step
    return parameters, v, s, v_corrected, s_corrected


def update_lr(learning_rate0, epoch_num, decay_rate, mistake=None):
    if mistake == "decay_precedence":
        return learning_rate0 / (1 + decay_rate) * epoch_num
    if mistake == "decay_without_one":
        return learning_rate0 / (decay_rate * epoch_num)
    if mistake == "decay_without_lr0":
        return 1 / (1 + decay_rate * epoch_num)
    return learning_rate0 / (1 + decay_rate * epoch_num)


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000, mistake=None):
    if mistake == "schedule_without_floor":
        return learning_rate0 / (1 + decay_rate * (epoch_num / time_interval))
    if mistake == "schedule_without_interval":
        return learning_rate0 / (1 + decay_rate * epoch_num)
    if mistake == "schedule_interval_multiplied":
        return learning_rate0 / (1 + decay_rate * np.floor(epoch_num * time_interval))
    return learning_rate0 / (1 + decay_rate * np.floor(epoch_num / time_interval))


_STATE = ("state_keys_like_parameters", "state_last_layer_missing", "state_db_shaped_like_W")

MISTAKES = {
    "update_parameters_with_gd": variants(
        update_parameters_with_gd, "gd_ascent", "gd_no_learning_rate", "gd_b_not_updated",
        "gd_last_layer_skipped"),
    "random_mini_batches": variants(
        random_mini_batches,
        ("shuffle_different_permutations", "X and Y shuffled with two different permutations",
         "draw permutation = list(np.random.permutation(m)) once and index both: "
         "X[:, permutation] and Y[:, permutation]"),
        ("last_batch_dropped", "the last, partial mini-batch dropped",
         "when m % mini_batch_size != 0, append a last mini-batch with the remaining "
         "m - mini_batch_size * num_complete_minibatches columns"),
        ("last_batch_full_size", "the last mini-batch taken as the last mini_batch_size columns",
         "the last mini-batch starts where the complete ones end: columns "
         "num_complete_minibatches * mini_batch_size to m"),
        ("no_shuffle", "the mini-batches cut from X and Y without shuffling",
         "shuffle first: shuffled_X = X[:, permutation], shuffled_Y = Y[:, permutation]"),
        shared("seed_not_set", seed="seed")),
    "initialize_velocity": variants(initialize_velocity, *_STATE),
    "update_parameters_with_momentum": variants(
        update_parameters_with_momentum,
        ("momentum_no_one_minus_beta", "momentum without the (1 - β) factor",
         "v = β v + (1 - β) dW: the gradient is weighted by (1 - β)"),
        ("momentum_betas_swapped", "momentum with β and 1 - β swapped",
         "v = β v + (1 - β) dW: β weights the previous velocity"),
        ("momentum_step_with_gradient", "the update made with the gradient, not the velocity",
         "W = W - α v[dW] (and b = b - α v[db]): step along the velocity")),
    "initialize_adam": variants(initialize_adam, *_STATE),
    "update_parameters_with_adam": variants(
        update_parameters_with_adam,
        ("adam_no_bias_correction", "Adam without bias correction",
         "divide v by (1 - β1^t) and s by (1 - β2^t): v_corrected = v / (1 - beta1**t), "
         "s_corrected = s / (1 - beta2**t)"),
        ("adam_bias_correction_without_t", "the bias correction without the power t",
         "v_corrected = v / (1 - beta1**t), s_corrected = s / (1 - beta2**t): β to the power t"),
        ("adam_epsilon_inside_sqrt", "Adam with ε inside the square root",
         "W = W - α v_corrected / (np.sqrt(s_corrected) + ε): ε is added after the square root"),
        ("adam_gradient_not_squared", "s averaged from the gradient, not its square",
         "s = β2 s + (1 - β2) dW²: np.square(dW) or dW ** 2"),
        ("adam_step_with_uncorrected", "the Adam step made with v and s instead of the "
         "corrected moments", "W = W - α v_corrected / (np.sqrt(s_corrected) + ε)"),
        ("adam_betas_swapped", "Adam with β1 and β2 swapped",
         "β1 (0.9) averages the gradient in v, β2 (0.999) its square in s")),
    "update_lr": variants(
        update_lr,
        ("decay_precedence", "learning_rate0 / (1 + decay_rate) * epoch_num (a missing bracket)",
         "learning_rate = learning_rate0 / (1 + decay_rate * epoch_num)"),
        ("decay_without_one", "the decay without the 1 +",
         "learning_rate = learning_rate0 / (1 + decay_rate * epoch_num)"),
        ("decay_without_lr0", "the decay factor without learning_rate0",
         "learning_rate = learning_rate0 / (1 + decay_rate * epoch_num): multiply by "
         "learning_rate0")),
    "schedule_lr_decay": variants(
        schedule_lr_decay,
        ("schedule_without_floor", "the scheduled decay without np.floor",
         "learning_rate = learning_rate0 / (1 + decay_rate * np.floor(epoch_num / "
         "time_interval)): the rate changes only every time_interval epochs"),
        ("schedule_without_interval", "the scheduled decay without time_interval (update_lr's "
         "formula)", "divide the epoch by time_interval and floor it: "
         "np.floor(epoch_num / time_interval)"),
        ("schedule_interval_multiplied", "epoch_num multiplied by time_interval",
         "np.floor(epoch_num / time_interval): divide by time_interval")),
}
