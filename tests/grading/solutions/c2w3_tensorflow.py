# A student's solution of "Introduction to TensorFlow" (course 2, week 3), written with
# TensorFlow as the course asks (its tests require tensors and tf.Variable parameters). Used by
# the grading tests: it must score full marks.
import numpy as np
import tensorflow as tf


def linear_function():
    np.random.seed(1)
    X = tf.constant(np.random.randn(3, 1), name="X")
    W = tf.constant(np.random.randn(4, 3), name="W")
    b = tf.constant(np.random.randn(4, 1), name="b")
    Y = tf.add(tf.matmul(W, X), b)
    return Y


def sigmoid(z):
    z = tf.cast(z, tf.float32)
    a = tf.keras.activations.sigmoid(z)
    return a


def one_hot_matrix(label, C=6):
    one_hot = tf.reshape(tf.one_hot(label, C, axis=0), (C,))
    return one_hot


def initialize_parameters():
    initializer = tf.keras.initializers.GlorotNormal(seed=1)
    shapes = {"W1": (25, 12288), "b1": (25, 1), "W2": (12, 25), "b2": (12, 1), "W3": (6, 12),
              "b3": (6, 1)}
    return {name: tf.Variable(initializer(shape=shape)) for name, shape in shapes.items()}


def forward_propagation(X, parameters):
    Z1 = tf.math.add(tf.linalg.matmul(parameters["W1"], X), parameters["b1"])
    A1 = tf.keras.activations.relu(Z1)
    Z2 = tf.math.add(tf.linalg.matmul(parameters["W2"], A1), parameters["b2"])
    A2 = tf.keras.activations.relu(Z2)
    Z3 = tf.math.add(tf.linalg.matmul(parameters["W3"], A2), parameters["b3"])
    return Z3


def compute_total_loss(logits, labels):
    total_loss = tf.reduce_sum(tf.keras.losses.categorical_crossentropy(
        tf.transpose(labels), tf.transpose(logits), from_logits=True))
    return total_loss
