"""Facts about Keras 3.15 / TensorFlow 2.21 found while building the parity harness: the last
section of docs/keras-facts.md. Each test fails if an upgrade changes the fact."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import require_module

tf = require_module("tensorflow")
keras = require_module("keras")

pytestmark = pytest.mark.tf


def test_optimizer_learning_rate_lives_in_a_floatx_variable():
    previous = keras.backend.floatx()
    keras.backend.set_floatx("float32")
    try:
        opt = keras.optimizers.SGD(learning_rate=0.1)
        lr = np.asarray(opt.learning_rate)
        assert lr.dtype == np.float32
        assert float(lr) == float(np.float32(0.1)) != 0.1          # rounded through float32
    finally:
        keras.backend.set_floatx(previous)


def test_inverse_time_decay_inside_tf_function_differs_by_at_most_one_ulp():
    schedule = keras.optimizers.schedules.InverseTimeDecay(1e-4, decay_steps=10, decay_rate=0.5)
    traced = tf.function(schedule.__call__)
    eager = np.array([float(schedule(step)) for step in range(50)], dtype=np.float32)
    graph = np.array([float(traced(tf.constant(step))) for step in range(50)], dtype=np.float32)
    ulps = np.abs(eager.view(np.int32) - graph.view(np.int32))
    assert ulps.max() == 1                     # step/decay_steps became step·(1/decay_steps)
    assert 0 < np.count_nonzero(ulps) < 50


def test_exponential_decay_float32_pow_is_within_one_ulp_of_numpy():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=7, decay_rate=0.95)
    steps = np.arange(300)
    keras_rates = np.array([float(schedule(int(s))) for s in steps], dtype=np.float32)
    p = (steps / np.float32(7)).astype(np.float32)
    numpy_rates = np.float32(0.1) * np.power(np.float32(0.95), p)
    ulps = np.abs(keras_rates.view(np.int32) - numpy_rates.astype(np.float32).view(np.int32))
    assert ulps.max() <= 2 and np.count_nonzero(ulps) > 0
