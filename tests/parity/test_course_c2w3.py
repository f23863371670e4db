"""The course's TensorFlow assignment (tf_parity.course_c2w3) against its NumPy version
(nnref.course.c2w3_tensorflow): same costs per epoch from the same initial weights.

Both train the 25-12-6 network on the SIGNS training images with Keras's Adam (lr 1e-4),
mini-batches of 32 in order, starting from the course's GlorotNormal(seed=1) draws.

Tolerances (measured over 4 epochs: float64 costs equal to the last bit, weights within 3e-15
of their scale; float32 costs within 2e-7, weights within 4e-7):
- float64: 1e-12 relative. Both sides compute the same operations; only the order of the sums
  inside the matrix products and the log-softmax may differ with another BLAS or oneDNN build,
  and Adam's normalized step amplifies such ~1e-16 differences a little at every step.
- float32 (the course's dtype): 1e-5 relative, for the same reason at float32's 6e-8 rounding.
"""
from __future__ import annotations

import numpy as np
import pytest
from conftest import require_module

tf = require_module("tensorflow")
keras = require_module("keras")

from nnref.course import c2w3_tensorflow as t3  # noqa: E402
from tf_parity import course_c2w3 as tfc  # noqa: E402

pytestmark = [pytest.mark.tf, pytest.mark.data]

EPOCHS = 3
TOLERANCE = {"float64": 1e-12, "float32": 1e-5}


@pytest.fixture(autouse=True)
def no_tf32():
    tf.config.experimental.enable_tensor_float_32_execution(False)


@pytest.fixture(scope="module")
def signs_course(signs):
    x_train, y_train, x_test, y_test, _ = signs
    X = x_train.reshape(x_train.shape[0], -1).T / 255.            # (12288, 1080)
    Xt = x_test.reshape(x_test.shape[0], -1).T / 255.
    return X, t3.one_hot_matrix(y_train), Xt, t3.one_hot_matrix(y_test)


def test_small_functions_agree():
    np.testing.assert_allclose(t3.linear_function(), tfc.linear_function().numpy(), rtol=1e-15)
    z = np.array([-3.0, -1.0, 0.0, 2.0, 12.0])
    np.testing.assert_allclose(t3.sigmoid(z), tfc.sigmoid(z).numpy(), rtol=2e-7)   # float32
    for label in range(6):
        np.testing.assert_array_equal(t3.one_hot_matrix(label), tfc.one_hot_matrix(label).numpy())
    image = np.arange(64 * 64 * 3).reshape(64, 64, 3).astype(np.uint8)
    np.testing.assert_array_equal(t3.normalize(image), tfc.normalize(image).numpy())


def test_course_initialization_shapes_and_scale():
    params = tfc.initialize_parameters()
    assert {k: tuple(v.shape) for k, v in params.items()} == t3.SHAPES
    w1 = params["W1"].numpy()
    assert w1.dtype == np.float32
    # GlorotNormal: truncated normal of std √(2/(25 + 12288)); nnref draws the same distribution.
    assert np.std(w1) == pytest.approx(np.sqrt(2 / (25 + 12288)), rel=0.01, abs=0)   # sampling error ~0.13 %
    # two independent draws of 307,200 weights, each ~0.13 % from σ: 2 % only says "the same law"
    assert np.std(t3.initialize_parameters()["W1"]) == pytest.approx(np.std(w1), rel=0.02, abs=0)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_forward_and_total_loss_agree(signs_course, dtype):
    X, Y, _, _ = signs_course
    params = {k: v.numpy().astype(dtype) for k, v in tfc.initialize_parameters().items()}
    X, Y = X[:, :64].astype(dtype), Y[:, :64].astype(dtype)
    Z3 = t3.forward_propagation(X, params)
    Z3_tf = tfc.forward_propagation(tf.constant(X), {k: tf.constant(v) for k, v in params.items()})
    rtol = 1e-12 if dtype == "float64" else 1e-5
    np.testing.assert_allclose(Z3, Z3_tf.numpy(), rtol=rtol, atol=rtol * np.max(np.abs(Z3)))
    loss, loss_tf = t3.compute_total_loss(Z3, Y), tfc.compute_total_loss(Z3_tf, tf.constant(Y)).numpy()
    assert loss == pytest.approx(loss_tf, rel=rtol, abs=0)


@pytest.mark.slow
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_costs_per_epoch_agree(signs_course, dtype):
    X, Y, Xt, Yt = (a.astype(dtype) for a in signs_course)
    initial = {k: v.numpy().astype(dtype) for k, v in tfc.initialize_parameters().items()}
    previous = keras.backend.floatx()
    keras.backend.set_floatx(dtype)              # Keras's Adam keeps its state in floatx
    try:
        tf_params, tf_costs, tf_train, tf_test = tfc.model(
            X, Y, Xt, Yt, num_epochs=EPOCHS, print_cost=True, initial_parameters=initial,
            record_every=1, dtype=dtype)
    finally:
        keras.backend.set_floatx(previous)
    params, costs, train_acc, test_acc = t3.model(
        X, Y, Xt, Yt, num_epochs=EPOCHS, print_cost=True, initial_parameters=initial, record_every=1)
    assert len(costs) == len(tf_costs) == EPOCHS
    np.testing.assert_allclose(costs, tf_costs, rtol=TOLERANCE[dtype])
    assert costs[-1] < costs[0]
    np.testing.assert_allclose(train_acc, tf_train, atol=1.5 / X.shape[1])    # at most one tie flips
    np.testing.assert_allclose(test_acc, tf_test, atol=1.5 / Xt.shape[1])
    for k in t3.SHAPES:
        np.testing.assert_allclose(params[k], tf_params[k], rtol=0,
                                   atol=TOLERANCE[dtype] * np.max(np.abs(tf_params[k])))
