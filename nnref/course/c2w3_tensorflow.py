"""Course 2, week 3: "Introduction to TensorFlow", in NumPy.

The assignment's functions with NumPy arrays in place of tensors. The network classifies the
SIGNS images (12288 inputs, 6 classes): LINEAR → RELU → LINEAR → RELU → LINEAR, 25-12-6 units,
the softmax folded into the loss::

    Z1 = W1·X + b1,  A1 = relu(Z1),  Z2 = W2·A1 + b2,  A2 = relu(Z2),  Z3 = W3·A2 + b3   (6, m)
    total loss = Σ_i −Σ_k y_ki·log softmax(Z3[:, i])_k        (the *sum* over the batch)

``model`` trains it as the course's TensorFlow code does: Keras's Adam (``learning_rate=1e-4``,
β1 = 0.9, β2 = 0.999, ε = 1e-7, Keras's update formula: the optimizer kernel with
``convention="keras"``), mini-batches of 32 taken in order (no shuffling), the epoch's summed
loss divided by m, train accuracy accumulated over the epoch's mini-batches (before each step).
The TensorFlow original is ``tf_parity.course_c2w3``; a parity test shows both give the same
costs per epoch from the same initial weights.

Layout: as everywhere in :mod:`nnref.course`, one example per column: ``X`` (12288, m), the
one-hot labels ``Y`` (6, m) (the course's ``tf.data`` pipeline holds rows, and transposes each
mini-batch before ``forward_propagation``). dtype: the course works in float32 (its
``normalize`` casts to float32); these functions keep the dtype they are given, float32 or
float64.

``initialize_parameters`` is the course's ``GlorotNormal`` (a normal truncated at 2σ,
σ = √(2/(fan_in + fan_out)) with Keras's fans for a 2-D shape: fan_in = shape[0],
fan_out = shape[1], biases included as the course does) drawn from a NumPy generator: the
distribution is the course's, the draws cannot be TensorFlow's.
"""
from __future__ import annotations

import numbers

import numpy as np

from nnref import datasets, initializers
from nnref.course import backprop, checks, data, layout
from nnref.functional import activations, losses, optim

__all__ = ["load_dataset", "normalize", "linear_function", "sigmoid", "one_hot_matrix",
           "initialize_parameters", "forward_propagation", "compute_total_loss", "model"]

SHAPES = {"W1": (25, 12288), "b1": (25, 1), "W2": (12, 25), "b2": (12, 1), "W3": (6, 12), "b3": (6, 1)}
ADAM = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}   # keras.optimizers.Adam's defaults


def load_dataset(path=None):
    """The SIGNS data in the layout of the course's ``load_dataset()``.

    Returns:
        ``(train_set_x_orig, train_set_y_orig, test_set_x_orig, test_set_y_orig, classes)``:
        uint8 (1080, 64, 64, 3), int (1, 1080), uint8 (120, 64, 64, 3), int (1, 120), (6,).
    """
    return data.image_set_course_layout(datasets.load_signs, path)


def normalize(image):
    """An image as a float32 vector in [0, 1]: ``reshape(image / 255, (-1,))``."""
    return np.reshape(np.asarray(image).astype(np.float32) / np.float32(255.0), (-1,))


def linear_function():
    """Y = W·X + b with ``np.random.seed(1)``; X = randn(3, 1), W = randn(4, 3), b = randn(4, 1).

    Returns Y (4, 1): [[-2.15657382], [2.95891446], [-1.08926781], [-0.84538042]].
    """
    np.random.seed(1)
    X = np.random.randn(3, 1)
    W = np.random.randn(4, 3)
    b = np.random.randn(4, 1)
    return layout.linear_forward(X, W, b)


def sigmoid(z):
    """σ(z) in float32 (the course casts z to float32 first)."""
    return activations.sigmoid(np.asarray(z, dtype=np.float32))


def one_hot_matrix(label, C=6):
    """The one-hot encoding of ``label`` over ``C`` classes, as ``tf.one_hot(label, C, axis=0)``.

    A single label gives a (C,) vector (the course's function), and so does a list or 1-D array
    of one label (the course's ``tf.reshape(..., (C,))``, which its test calls with ``[2]``); a
    1-D array of m > 1 labels gives (C, m), one column per label (the course's reshape refuses
    it). As ``tf.one_hot``, a label outside [0, C) gives a column of zeros. The result is
    float32, as TensorFlow's.
    """
    C = checks.check_int("C", C, low=1)
    labels = np.asarray(label)
    if labels.dtype.kind not in "iu" or labels.ndim > 1:
        raise TypeError(f"label must be an integer or a 1-D array of integers. "
                        f"Received: label={checks.shown(label)} of dtype {labels.dtype}")
    if labels.ndim == 1 and labels.size == 1:
        labels = labels[0]                       # (C, 1) reshaped to (C,), as the course
    return (np.arange(C).reshape((C,) + (1,) * labels.ndim) == labels).astype(np.float32)


def initialize_parameters(*, seed=1, dtype=np.float32):
    """W1 (25, 12288), b1 (25, 1), W2 (12, 25), b2 (12, 1), W3 (6, 12), b3 (6, 1), each drawn
    with Glorot's truncated normal from ``np.random.default_rng(seed)`` (see the module notes)."""
    if not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an integer. Received: seed={seed!r}")
    rng = np.random.default_rng(seed)
    return {k: initializers.glorot_normal(shape, rng, np.dtype(dtype)) for k, shape in SHAPES.items()}


def _forward(X, parameters):
    """Z3 and the cache (Z1, A1, Z2, A2) of the forward pass."""
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = layout.linear_forward(X, W1, b1)       # (25, m)
    A1 = activations.relu(Z1)
    Z2 = layout.linear_forward(A1, W2, b2)      # (12, m)
    A2 = activations.relu(Z2)
    Z3 = layout.linear_forward(A2, W3, b3)      # (6, m)
    return Z3, (Z1, A1, Z2, A2)


def forward_propagation(X, parameters):
    """Z3 (6, m), the logits of LINEAR → RELU → LINEAR → RELU → LINEAR on X (12288, m)."""
    return _forward(checks.check_matrix("X", X), parameters)[0]


def compute_total_loss(logits, labels):
    """Σ over the batch of the softmax cross-entropy: logits, labels (6, m) -> a scalar."""
    logits = checks.check_matrix("logits", logits)
    if np.shape(labels) != logits.shape:
        raise ValueError(f"labels must have the shape of logits, {logits.shape}. "
                         f"Received: labels of shape {np.shape(labels)}")
    return losses.categorical_crossentropy(labels, logits, from_logits=True, reduction="sum", axis=0)


def _gradients(X, Y, parameters):
    """(total loss, Z3, grads) of one mini-batch; grads keyed like the parameters."""
    Z3, (Z1, A1, Z2, A2) = _forward(X, parameters)
    W1, W2, W3 = parameters["W1"], parameters["W2"], parameters["W3"]
    loss = compute_total_loss(Z3, Y)
    dZ3 = losses.categorical_crossentropy_backward(Y, Z3, from_logits=True, reduction="sum", axis=0)
    grads = backprop.backward(dZ3, [(X, W1, Z1), (A1, W2, Z2), (A2, W3, Z3)], scale=1.0,
                              compute_dA0=False)
    return loss, Z3, {k: grads["d" + k] for k in ("W1", "b1", "W2", "b2", "W3", "b3")}


def _correct(Z3, Y):
    """How many columns have argmax(Z3) == argmax(Y) (Keras's CategoricalAccuracy count)."""
    return int(np.sum(np.argmax(Z3, axis=0) == np.argmax(Y, axis=0)))


def model(X_train, Y_train, X_test, Y_test, learning_rate=0.0001, num_epochs=1500,
          minibatch_size=32, print_cost=True, *, initial_parameters=None, record_every=10):
    """Train with Adam on in-order mini-batches; the course's ``model``.

    Args:
        X_train: (12288, m) pixels / 255; Y_train: (6, m) one-hot; X_test, Y_test likewise.
        learning_rate, num_epochs, minibatch_size, print_cost: as the course.
        initial_parameters: starting weights (copied; default ``initialize_parameters()`` in
            the dtype of X_train). Not in the course: it lets the parity test start both
            implementations from the same weights.
        record_every: record (and with ``print_cost`` print) every this many epochs; the
            course's 10.
    Returns:
        ``(parameters, costs, train_acc, test_acc)``: as the course, the costs and accuracies
        are recorded only when ``print_cost`` is true, at epochs 0, record_every, ...
    """
    X_train = checks.check_matrix("X_train", X_train)
    X_test = checks.check_matrix("X_test", X_test)
    for name, Y, X in (("Y_train", Y_train, X_train), ("Y_test", Y_test, X_test)):
        if np.shape(Y) != (SHAPES["b3"][0], X.shape[1]):
            raise ValueError(f"{name} must be one-hot of shape (6, {X.shape[1]}). "
                             f"Received: {name} of shape {np.shape(Y)}")
    num_epochs = checks.check_int("num_epochs", num_epochs)
    minibatch_size = checks.check_int("minibatch_size", minibatch_size, low=1)
    record_every = checks.check_int("record_every", record_every, low=1)
    learning_rate = checks.check_real("learning_rate", learning_rate, low=0)
    if initial_parameters is None:
        parameters = initialize_parameters(dtype=X_train.dtype)
    else:
        parameters = {k: np.array(initial_parameters[k], copy=True) for k in SHAPES}
    m_state = {k: np.zeros_like(w) for k, w in parameters.items()}
    v_state = {k: np.zeros_like(w) for k, w in parameters.items()}
    costs, train_acc, test_acc = [], [], []
    m = X_train.shape[1]
    t = 0
    for epoch in range(num_epochs):
        epoch_total_loss = 0.
        correct = 0
        for start in range(0, m, minibatch_size):
            cols = slice(start, start + minibatch_size)
            minibatch_X, minibatch_Y = X_train[:, cols], Y_train[:, cols]
            minibatch_total_loss, Z3, grads = _gradients(minibatch_X, minibatch_Y, parameters)
            correct += _correct(Z3, minibatch_Y)
            t += 1
            for k, w in parameters.items():
                optim.adam_update(w, grads[k], m_state[k], v_state[k], t, learning_rate,
                                  convention="keras", **ADAM)
            epoch_total_loss += minibatch_total_loss
        epoch_total_loss /= m
        if print_cost and epoch % record_every == 0:
            train_accuracy = correct / m
            test_accuracy = _correct(forward_propagation(X_test, parameters), Y_test) / X_test.shape[1]
            print("Cost after epoch %i: %f" % (epoch, epoch_total_loss))
            print("Train accuracy:", train_accuracy)
            print("Test_accuracy:", test_accuracy)
            costs.append(epoch_total_loss)
            train_acc.append(train_accuracy)
            test_acc.append(test_accuracy)
    return parameters, costs, train_acc, test_acc
