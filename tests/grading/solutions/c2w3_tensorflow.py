# A student's solution of "Introduction to TensorFlow" (course 2, week 3) in its NumPy form:
# the graded functions with NumPy arrays in place of tensors. Used by the grading tests: it
# must score full marks.
import numpy as np


def linear_function():
    np.random.seed(1)
    X = np.random.randn(3, 1)
    W = np.random.randn(4, 3)
    b = np.random.randn(4, 1)
    Y = np.dot(W, X) + b
    return Y


def sigmoid(z):
    z = np.asarray(z, dtype=np.float32)
    a = 1 / (1 + np.exp(-z))
    return a


def one_hot_matrix(label, C=6):
    one_hot = np.zeros((C,), dtype=np.float32)
    one_hot[label] = 1
    return one_hot


def initialize_parameters():
    rng = np.random.default_rng(1)  # the course's GlorotNormal(seed=1): only the shapes are graded
    shapes = {"W1": (25, 12288), "b1": (25, 1), "W2": (12, 25), "b2": (12, 1), "W3": (6, 12), "b3": (6, 1)}
    parameters = {}
    for name, shape in shapes.items():
        std = np.sqrt(2 / (shape[0] + shape[1]))
        parameters[name] = np.clip(rng.normal(0, std, size=shape), -2 * std, 2 * std).astype(np.float32)
    return parameters


def forward_propagation(X, parameters):
    W1 = parameters['W1']
    b1 = parameters['b1']
    W2 = parameters['W2']
    b2 = parameters['b2']
    W3 = parameters['W3']
    b3 = parameters['b3']
    Z1 = np.dot(W1, X) + b1
    A1 = np.maximum(Z1, 0)
    Z2 = np.dot(W2, A1) + b2
    A2 = np.maximum(Z2, 0)
    Z3 = np.dot(W3, A2) + b3
    return Z3


def compute_total_loss(logits, labels):
    shifted = logits - np.max(logits, axis=0, keepdims=True)
    log_softmax = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
    total_loss = -np.sum(labels * log_softmax)
    return total_loss
