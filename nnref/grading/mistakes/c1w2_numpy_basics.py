"""Known mistakes of course 1, week 2: Python basics with NumPy."""
from __future__ import annotations

import math

import numpy as np

from nnref.grading.mistakes import variants


def basic_sigmoid(x, mistake=None):
    if mistake == "sigmoid_tanh":
        return math.tanh(x)
    if mistake == "sigmoid_exp_of_x":
        return 1 / (1 + math.exp(x))
    if mistake == "sigmoid_precedence":
        return 1 / 1 + math.exp(-x)
    return 1 / (1 + math.exp(-x))


def sigmoid(x, mistake=None):
    if mistake == "sigmoid_exp_of_x":
        return 1 / (1 + np.exp(x))
    if mistake == "sigmoid_precedence":
        return 1 / 1 + np.exp(-x)
    if mistake == "sigmoid_tanh":
        return np.tanh(x)
    return 1 / (1 + np.exp(-x))


def sigmoid_derivative(x, mistake=None):
    s = 1 / (1 + np.exp(-x))
    if mistake == "sigmoid_derivative_of_x":
        return x * (1 - x)
    if mistake == "sigmoid_derivative_s_only":
        return s
    if mistake == "sigmoid_derivative_squared":
        return s * (1 - s) ** 2
    return s * (1 - s)


def image2vector(image, mistake=None):
    length, height, depth = image.shape
    if mistake == "image_row_vector":
        return image.reshape((1, length * height * depth))
    if mistake == "image_fortran_order":
        return image.reshape((length * height * depth, 1), order="F")
    if mistake == "image_flat":
        return image.reshape(length * height * depth)
    return image.reshape((length * height * depth, 1))


def normalize_rows(x, mistake=None):
    if mistake == "normalize_columns":
        return x / np.linalg.norm(x, axis=0, keepdims=True)
    if mistake == "normalize_squared_norm":
        return x / np.sum(x ** 2, axis=1, keepdims=True)
    if mistake == "normalize_l1":
        return x / np.sum(np.abs(x), axis=1, keepdims=True)
    if mistake == "normalize_whole_matrix":
        return x / np.linalg.norm(x)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def softmax(x, mistake=None):
    x_exp = np.exp(x)
    if mistake == "softmax_columns":
        return x_exp / np.sum(x_exp, axis=0, keepdims=True)
    if mistake == "softmax_whole_matrix":
        return x_exp / np.sum(x_exp)
    if mistake == "softmax_without_exp":
        return x / np.sum(x, axis=1, keepdims=True)
    return x_exp / np.sum(x_exp, axis=1, keepdims=True)


def L1(yhat, y, mistake=None):
    if mistake == "loss_mean":
        return np.mean(np.abs(y - yhat))
    if mistake == "l1_without_abs":
        return np.sum(y - yhat)
    if mistake == "l1_squared":
        return np.sum((y - yhat) ** 2)
    return np.sum(np.abs(y - yhat))


def L2(yhat, y, mistake=None):
    if mistake == "loss_mean":
        return np.mean((y - yhat) ** 2)
    if mistake == "l2_square_root":
        return np.sqrt(np.sum((y - yhat) ** 2))
    if mistake == "l2_not_squared":
        return np.sum(np.abs(y - yhat))
    if mistake == "l2_squared_sum":
        return np.sum(y - yhat) ** 2
    return np.dot(y - yhat, y - yhat)


_SIGMOID = (("sigmoid_exp_of_x", "sigmoid with exp(x) instead of exp(-x)",
             "s = 1 / (1 + np.exp(-x)): the exponent is -x"),
            ("sigmoid_precedence", "1 / 1 + exp(-x) (a missing bracket)",
             "s = 1 / (1 + np.exp(-x)): bracket the denominator"),
            ("sigmoid_tanh", "tanh instead of the sigmoid", "s = 1 / (1 + np.exp(-x))"))
_LOSS_MEAN = ("loss_mean", "the mean over the examples instead of the sum",
              "the course's L1 and L2 are sums: np.sum(...), not np.mean(...)")

MISTAKES = {
    "basic_sigmoid": variants(basic_sigmoid, *_SIGMOID),
    "sigmoid": variants(sigmoid, *_SIGMOID),
    "sigmoid_derivative": variants(
        sigmoid_derivative,
        ("sigmoid_derivative_of_x", "x (1 - x) instead of s (1 - s)",
         "compute s = sigmoid(x) first, then ds = s * (1 - s)"),
        ("sigmoid_derivative_s_only", "the sigmoid itself, not its derivative",
         "ds = s * (1 - s)"),
        ("sigmoid_derivative_squared", "s (1 - s)² instead of s (1 - s)", "ds = s * (1 - s)")),
    "image2vector": variants(
        image2vector,
        ("image_row_vector", "a row vector (1, n) instead of a column",
         "v = image.reshape((length * height * depth, 1)): one column"),
        ("image_fortran_order", "the pixels in column-major (Fortran) order",
         "v = image.reshape((length * height * depth, 1)), NumPy's default (C) order"),
        ("image_flat", "a 1-D array of shape (n,) instead of a column (n, 1)",
         "v = image.reshape((length * height * depth, 1)): two dimensions")),
    "normalize_rows": variants(
        normalize_rows,
        ("normalize_columns", "each column normalized instead of each row",
         "x_norm = np.linalg.norm(x, axis=1, keepdims=True): axis=1, along each row"),
        ("normalize_squared_norm", "divided by the squared norm (no square root)",
         "x_norm = np.linalg.norm(x, ord=2, axis=1, keepdims=True) = √Σ x²"),
        ("normalize_l1", "divided by the L1 norm (Σ |x|)", "use the L2 norm: √Σ x²"),
        ("normalize_whole_matrix", "divided by the norm of the whole matrix",
         "one norm per row: np.linalg.norm(x, axis=1, keepdims=True)")),
    "softmax": variants(
        softmax,
        ("softmax_columns", "softmax over the columns (axis=0) instead of each row",
         "x_sum = np.sum(x_exp, axis=1, keepdims=True): one sum per row"),
        ("softmax_whole_matrix", "divided by the sum over the whole matrix",
         "x_sum = np.sum(x_exp, axis=1, keepdims=True): one sum per row"),
        ("softmax_without_exp", "x / Σ x without the exponentials",
         "x_exp = np.exp(x), then s = x_exp / x_sum")),
    "L1": variants(L1, _LOSS_MEAN,
                   ("l1_without_abs", "Σ (y - yhat) without the absolute value",
                    "L1 = np.sum(np.abs(y - yhat))"),
                   ("l1_squared", "Σ (y - yhat)² (the L2 loss)",
                    "L1 = np.sum(np.abs(y - yhat)): absolute values, not squares")),
    "L2": variants(L2, _LOSS_MEAN,
                   ("l2_square_root", "the square root of the sum of squares (the L2 norm)",
                    "L2 = np.sum((y - yhat) ** 2) = np.dot(y - yhat, y - yhat): no square root"),
                   ("l2_not_squared", "Σ |y - yhat| (the L1 loss)", "square the differences"),
                   ("l2_squared_sum", "(Σ (y - yhat))², the square of the sum",
                    "the sum of the squares: np.sum((y - yhat) ** 2)")),
}
