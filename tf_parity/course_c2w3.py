"""The TensorFlow originals of course 2, week 3 ("Introduction to TensorFlow").

The course's own TensorFlow code for the functions that :mod:`nnref.course.c2w3_tensorflow`
writes in NumPy, kept as close to the course as a library allows:

- ``initialize_parameters``: ``tf.keras.initializers.GlorotNormal(seed=1)`` for every W and b;
- ``forward_propagation``: ``tf.math.add(tf.linalg.matmul(W, X), b)`` and Keras's relu;
- ``compute_total_loss``: ``tf.reduce_sum`` of ``tf.keras.losses.categorical_crossentropy``
  on the transposed logits/labels, ``from_logits=True``;
- ``model``: ``tf.GradientTape`` and ``tf.keras.optimizers.Adam(learning_rate)``, mini-batches
  of 32 in order, the epoch's summed loss / m, ``CategoricalAccuracy`` metrics.

Two changes, both for the parity test: mini-batches are sliced from arrays instead of a
``tf.data`` pipeline (same batches, same order: the course's ``dataset.batch(32)`` never
shuffles), and the inputs are in the course layout ``(n_x, m)`` (the course's pipeline holds rows
and transposes each mini-batch, which is the same thing). ``dtype`` (the course: float32) and
``initial_parameters`` / ``record_every`` are the same options as the NumPy ``model``.
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf

from nnref.course.c2w3_tensorflow import SHAPES      # the course's parameter shapes


def normalize(image):
    """The course's: cast to float32, / 255, flatten."""
    image = tf.cast(image, tf.float32) / 255.0
    return tf.reshape(image, [-1, ])


def linear_function():
    """Y = W·X + b with ``np.random.seed(1)`` (the course's)."""
    np.random.seed(1)
    X = tf.constant(np.random.randn(3, 1), name="X")
    W = tf.Variable(np.random.randn(4, 3), name="W")
    b = tf.Variable(np.random.randn(4, 1), name="b")
    return tf.add(tf.matmul(W, X), b)


def sigmoid(z):
    """The course's: cast to float32, Keras's sigmoid."""
    z = tf.cast(z, tf.float32)
    return tf.keras.activations.sigmoid(z)


def one_hot_matrix(label, C=6):
    """The course's: ``tf.one_hot(label, C, axis=0)`` reshaped to (C,)."""
    return tf.reshape(tf.one_hot(label, C, axis=0), shape=[C, ])


def initialize_parameters(dtype="float32"):
    """The course's GlorotNormal(seed=1) draws, as tf.Variables of ``dtype``."""
    initializer = tf.keras.initializers.GlorotNormal(seed=1)
    return {k: tf.Variable(initializer(shape=shape, dtype=dtype), name=k)
            for k, shape in SHAPES.items()}


def forward_propagation(X, parameters):
    """LINEAR → RELU → LINEAR → RELU → LINEAR; X (12288, m) -> Z3 (6, m)."""
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = tf.math.add(tf.linalg.matmul(W1, X), b1)
    A1 = tf.keras.activations.relu(Z1)
    Z2 = tf.math.add(tf.linalg.matmul(W2, A1), b2)
    A2 = tf.keras.activations.relu(Z2)
    Z3 = tf.math.add(tf.linalg.matmul(W3, A2), b3)
    return Z3


def compute_total_loss(logits, labels):
    """Σ over the batch of the softmax cross-entropy; logits, labels (6, m)."""
    return tf.reduce_sum(tf.keras.losses.categorical_crossentropy(
        tf.transpose(labels), tf.transpose(logits), from_logits=True))


def model(X_train, Y_train, X_test, Y_test, learning_rate=0.0001, num_epochs=1500,
          minibatch_size=32, print_cost=True, *, initial_parameters=None, record_every=10,
          dtype="float32"):
    """The course's training loop. Returns ``(parameters, costs, train_acc, test_acc)`` with the
    parameters as NumPy arrays and the recorded values as Python floats."""
    X_train = tf.constant(X_train, dtype=dtype)
    Y_train = tf.constant(Y_train, dtype=dtype)
    X_test = tf.constant(X_test, dtype=dtype)
    Y_test = tf.constant(Y_test, dtype=dtype)
    if initial_parameters is None:
        parameters = initialize_parameters(dtype)
    else:
        parameters = {k: tf.Variable(np.asarray(initial_parameters[k]), dtype=dtype, name=k)
                      for k in SHAPES}
    trainable_variables = [parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3")]
    optimizer = tf.keras.optimizers.Adam(learning_rate)
    train_accuracy = tf.keras.metrics.CategoricalAccuracy()
    test_accuracy = tf.keras.metrics.CategoricalAccuracy()
    costs, train_acc, test_acc = [], [], []
    m = int(X_train.shape[1])
    for epoch in range(num_epochs):
        epoch_total_loss = 0.
        train_accuracy.reset_state()
        for start in range(0, m, minibatch_size):
            minibatch_X = X_train[:, start:start + minibatch_size]
            minibatch_Y = Y_train[:, start:start + minibatch_size]
            with tf.GradientTape() as tape:
                Z3 = forward_propagation(minibatch_X, parameters)
                minibatch_total_loss = compute_total_loss(Z3, minibatch_Y)
            train_accuracy.update_state(tf.transpose(minibatch_Y), tf.transpose(Z3))
            grads = tape.gradient(minibatch_total_loss, trainable_variables)
            optimizer.apply_gradients(zip(grads, trainable_variables))
            epoch_total_loss += minibatch_total_loss
        epoch_total_loss /= m
        if print_cost and epoch % record_every == 0:
            print("Cost after epoch %i: %f" % (epoch, epoch_total_loss))
            print("Train accuracy:", train_accuracy.result())
            test_accuracy.update_state(tf.transpose(Y_test),
                                       tf.transpose(forward_propagation(X_test, parameters)))
            print("Test_accuracy:", test_accuracy.result())
            costs.append(float(epoch_total_loss))
            train_acc.append(float(train_accuracy.result()))
            test_acc.append(float(test_accuracy.result()))
            test_accuracy.reset_state()
    return ({k: v.numpy() for k, v in parameters.items()}, costs, train_acc, test_acc)
