"""tf_parity.models: nnref Sequential <-> keras.Sequential with the same layers and weights."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import require_module

require_module("tensorflow")
keras = require_module("keras")

from nnref import layers, regularizers  # noqa: E402
from nnref.models import Sequential  # noqa: E402
from tf_parity.extensions import MaskedDropout  # noqa: E402
from tf_parity.models import (dropout_pairs, from_keras, share_dropout_masks,  # noqa: E402
                              to_keras, transfer_weights)

pytestmark = pytest.mark.tf


def small_model(dtype="float64", **bn):
    return Sequential([
        layers.Dense(5, use_bias=False, kernel_regularizer=regularizers.L2(0.01, convention="keras")),
        layers.BatchNormalization(momentum=0.9, epsilon=1e-3, **bn),
        layers.Activation("tanh"),
        layers.Dropout(0.25),
        layers.Dense(4, activation="sigmoid"),
        layers.Dense(3),
        layers.Softmax(),
    ], input_dim=6, dtype=dtype, seed=0)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_to_keras_builds_the_same_layers_with_the_same_weights(dtype):
    model = small_model(dtype)
    km = to_keras(model)
    assert [type(layer).__name__ for layer in km.layers] == [
        "Dense", "BatchNormalization", "Activation", "MaskedDropout", "Dense", "Dense", "Softmax"]
    assert [layer.name for layer in km.layers] == [layer.name for layer in model.layers]
    for ours, theirs in zip(model.get_weights(), km.get_weights()):
        assert theirs.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(ours, theirs)
    x = np.random.default_rng(1).standard_normal((7, 6)).astype(dtype)
    tol = 1e-12 if dtype == "float64" else 1e-5
    np.testing.assert_allclose(km(x, training=False).numpy(), model(x), rtol=tol, atol=tol)


def test_to_keras_carries_the_regularizer_and_the_batch_norm_settings():
    km = to_keras(small_model())
    dense, bn = km.layers[0], km.layers[1]
    assert isinstance(dense.kernel_regularizer, keras.regularizers.L2)
    assert dense.kernel_regularizer.l2 == float(np.float32(0.01))
    assert not dense.use_bias
    assert (bn.momentum, bn.epsilon) == (0.9, 1e-3)


def test_dropout_keras_mode_uses_keras_dropout():
    km = to_keras(small_model(), dropout="keras")
    assert type(km.layers[3]) is keras.layers.Dropout and km.layers[3].rate == 0.25


def test_from_keras_round_trip():
    model = small_model()
    back = from_keras(to_keras(model, dropout="keras"))
    assert [type(layer) for layer in back.layers] == [type(layer) for layer in model.layers]
    assert back.layers[0].kernel_regularizer.l2 == float(np.float32(0.01))
    assert back.layers[3].rate == 0.25 and back.dtype == model.dtype
    for a, b in zip(back.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_shared_masks_make_training_outputs_agree():
    model = small_model()
    km = to_keras(model)
    x = np.random.default_rng(2).standard_normal((8, 6))
    ours = model(x, training=True)
    share_dropout_masks(model, km)
    np.testing.assert_allclose(km(x, training=True).numpy(), ours, rtol=1e-12, atol=1e-12)
    (nn_dropout, keras_dropout), = dropout_pairs(model, km)
    assert isinstance(keras_dropout, MaskedDropout)
    np.testing.assert_array_equal(keras_dropout.keep_mask.numpy(), nn_dropout.last_mask)


def test_to_keras_refuses_what_keras_cannot_express():
    with pytest.raises(ValueError, match="moving_variance='biased'"):
        to_keras(small_model(moving_variance="unbiased"))
    with pytest.raises(ValueError, match="model must be built"):
        to_keras(Sequential([layers.Dense(2)]))
    with pytest.raises(ValueError, match="dropout must be one of"):
        to_keras(small_model(), dropout="random")
    with pytest.raises(TypeError, match="nnref Sequential"):
        to_keras(keras.Sequential([keras.layers.Dense(2)]))


def test_transfer_weights_checks_shapes():
    with pytest.raises(ValueError, match="do not match"):
        transfer_weights(small_model(), Sequential([layers.Dense(2)], input_dim=3))
