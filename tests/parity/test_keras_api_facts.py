"""Keras 3.15 facts that docs/keras.md states, pinned so a Keras upgrade that changes them
fails here (measured on TensorFlow 2.21, CPU)."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import require_module

pytestmark = pytest.mark.tf
keras = require_module("keras")


def test_predict_casts_float_inputs_to_floatx(keras_float64):
    model = keras.Sequential([keras.Input((5,), dtype="float64"),
                              keras.layers.Dense(3, activation="tanh", dtype="float64")])
    x = np.random.default_rng(0).standard_normal((8, 5)) / 3
    np.testing.assert_array_equal(model.predict(x, verbose=0), np.asarray(model(x)))
    keras.backend.set_floatx("float32")
    through_float32 = np.asarray(model(x.astype(np.float32).astype(np.float64)))
    np.testing.assert_array_equal(model.predict(x, verbose=0), through_float32)
    assert not np.array_equal(through_float32, np.asarray(model(x)))


def test_leaky_relu_slope_is_float32_even_in_float64(keras_float64):
    z = np.array([-1.0, -3.0])
    np.testing.assert_array_equal(np.asarray(keras.activations.leaky_relu(z)),
                                  z * float(np.float32(0.2)))


def test_dense_refuses_a_numpy_integer_as_units():
    with pytest.raises(ValueError, match="expected a positive integer. Received: units=46"):
        keras.layers.Dense(np.int64(46))
