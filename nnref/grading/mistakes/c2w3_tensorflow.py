"""Known mistakes of course 2, week 3: introduction to TensorFlow (graded in NumPy form)."""
from __future__ import annotations

import numpy as np

from nnref.course.c2w3_tensorflow import SHAPES
from nnref.grading.mistakes import variants
from nnref.grading.mistakes._common import relu, shared
from nnref.grading.mistakes.c1w2_numpy_basics import _SIGMOID
from nnref.grading.mistakes.c1w2_numpy_basics import sigmoid as _basics_sigmoid

_SHAPES = tuple(SHAPES.items())  # the course's parameter shapes, stated once


def linear_function(mistake=None):
    if mistake != "seed_not_set":
        np.random.seed(1)
    if mistake == "linear_draw_order":
        W = np.random.randn(4, 3)
        X = np.random.randn(3, 1)
    else:
        X = np.random.randn(3, 1)
        W = np.random.randn(4, 3)
    b = np.random.randn(4, 1)
    return np.dot(W, X) + (0 if mistake == "linear_forward_without_b" else b)


def sigmoid(z, mistake=None):
    return _basics_sigmoid(np.asarray(z, dtype=np.float32), mistake)


def one_hot_matrix(label, C=6, mistake=None):
    if mistake == "one_hot_depth_fixed":
        C = 6
    one_hot = np.eye(C, dtype=np.float32)[np.reshape(label, -1)[0]]  # [2] as 2, as the course
    return {"one_hot_column": one_hot.reshape((C, 1)),
            "one_hot_row": one_hot.reshape((1, C))}.get(mistake, one_hot)


def initialize_parameters(mistake=None):
    rng = np.random.default_rng(1)
    parameters = {}
    for key, shape in _SHAPES:
        if key.startswith("W") and mistake == "tf_W_shapes_transposed":
            shape = shape[::-1]
        if key.startswith("b") and mistake == "b_flat":
            shape = shape[:1]
        parameters[key] = rng.normal(size=shape).astype(np.float32)
    return parameters


def forward_propagation(X, parameters, mistake=None):
    A = X
    for l in (1, 2, 3):
        b = 0 if mistake == "linear_forward_without_b" else parameters["b" + str(l)]
        Z = np.dot(parameters["W" + str(l)], A) + b
        A = relu(Z)
    if mistake == "forward_relu_on_output":
        return A
    if mistake == "forward_softmax_on_output":
        return np.exp(Z) / np.sum(np.exp(Z), axis=0, keepdims=True)
    return Z


def _log_softmax(z, axis):
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def compute_total_loss(logits, labels, mistake=None):
    if mistake == "loss_labels_logits_swapped":
        logits, labels = labels, logits
    if mistake == "loss_sigmoid_cross_entropy":
        per_entry = np.maximum(logits, 0) - logits * labels + np.log1p(np.exp(-np.abs(logits)))
        return np.sum(per_entry)
    axis = 1 if mistake == "loss_softmax_over_examples" else 0
    per_example = -np.sum(labels * _log_softmax(logits, axis), axis=axis)
    return np.mean(per_example) if mistake == "loss_mean" else np.sum(per_example)


_WITHOUT_B = ("linear_forward_without_b", "Z = W · X without + b", "Z = tf.matmul(W, X) + b")

MISTAKES = {
    "linear_function": variants(
        linear_function, shared("seed_not_set", seed=1),
        ("linear_draw_order", "W drawn before X", "draw X = randn(3, 1), then W = randn(4, 3), "
         "then b = randn(4, 1): the order sets the numbers"), _WITHOUT_B),
    "sigmoid": variants(sigmoid, *_SIGMOID),
    "one_hot_matrix": variants(
        one_hot_matrix,
        ("one_hot_depth_fixed", "the depth fixed at 6 instead of C", "tf.one_hot(label, C, axis=0)"),
        ("one_hot_column", "a column (C, 1) instead of a vector (C,)",
         "tf.reshape(tf.one_hot(label, C, axis=0), shape=[C])"),
        ("one_hot_row", "a row (1, C) instead of a vector (C,)",
         "tf.reshape(tf.one_hot(label, C, axis=0), shape=[C])")),
    "initialize_parameters": variants(
        initialize_parameters,
        ("tf_W_shapes_transposed", "the weights of shape (n_{l-1}, n_l)",
         "W1 = initializer(shape=(25, 12288)), W2 (12, 25), W3 (6, 12): (units, inputs)"),
        ("b_flat", "the biases of shape (n_l,) instead of (n_l, 1)",
         "b1 = initializer(shape=(25, 1)), b2 (12, 1), b3 (6, 1)")),
    "forward_propagation": variants(
        forward_propagation,
        ("forward_relu_on_output", "ReLU applied to Z3", "return Z3, the logits: no activation "
         "after the last linear step"),
        ("forward_softmax_on_output", "softmax applied to Z3",
         "return Z3, the logits: the loss applies the softmax (from_logits=True)"), _WITHOUT_B),
    "compute_total_loss": variants(
        compute_total_loss,
        ("loss_mean", "the mean over the examples instead of the sum",
         "total_loss = tf.reduce_sum(...): model() divides the epoch's total by m"),
        ("loss_softmax_over_examples", "the softmax taken over the examples (the rows of the "
         "transposed matrices not transposed)", "transpose first: "
         "tf.keras.losses.categorical_crossentropy(tf.transpose(labels), tf.transpose(logits), "
         "from_logits=True)"),
        ("loss_sigmoid_cross_entropy", "the sigmoid cross-entropy instead of the softmax one",
         "tf.keras.losses.categorical_crossentropy(..., from_logits=True)"),
        ("loss_labels_logits_swapped", "labels and logits swapped",
         "categorical_crossentropy(y_true=labels, y_pred=logits, from_logits=True)")),
}
