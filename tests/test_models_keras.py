"""The Keras model API on Sequential: Input, input_shape=, build, configs, get_layer, pop,
summary, trainable, output_shape, metrics_names; losses and metrics by Keras names."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import nnref
from nnref import gradcheck, layers, losses, metrics, optimizers, regularizers
from nnref.models import Sequential


def test_keras_ways_to_give_the_input_width_build_the_same_model():
    ways = [Sequential([nnref.Input(shape=(6,)), layers.Dense(3)], seed=0),
            Sequential([layers.Dense(3, input_shape=(6,))], seed=0),
            Sequential([layers.Dense(3, input_dim=6)], seed=0),
            Sequential([layers.Dense(3)], input_dim=6, seed=0)]
    late = Sequential([layers.Dense(3)], seed=0)
    late.build((None, 6))
    for model in [*ways[1:], late]:
        assert model.built and model.input_shape == (None, 6) and model.output_shape == (None, 3)
        np.testing.assert_array_equal(model.get_weights()[0], ways[0].get_weights()[0])


def test_layer_build_takes_keras_input_shape():
    dense = layers.Dense(4)
    dense.build((None, 3))
    assert dense.kernel.shape == (3, 4) and dense.output_shape == (None, 4)
    with pytest.raises(ValueError, match=r"input_shape must be \(n,\), \(None, n\) or n.*Received: input_shape=\(None, 8, 8\)"):
        layers.Dense(4).build((None, 8, 8))


def test_unbuilt_model_summary_and_shapes_say_so():
    model = Sequential([layers.Dense(3), layers.Dense(2)])
    text = model.summary(print_fn=None)
    assert "?" in text and "0 (unbuilt)" in text
    with pytest.raises(AttributeError, match="has no defined output shape yet"):
        model.output_shape


def test_summary_shows_the_optimizer_convention():
    model = Sequential([layers.Dense(2)], input_dim=3)
    model.compile(optimizer="adam", loss="mse")
    assert "Adam (convention='course'" in model.summary(print_fn=None)
    assert model.optimizer.epsilon == 1e-8                    # the course's Adam, documented


def test_get_layer_and_pop_follow_keras():
    model = Sequential([layers.Dense(3), layers.Dropout(0.1), layers.Dense(2)], input_dim=4)
    assert model.get_layer("dropout") is model.layers[1] and model.get_layer(index=2) is model.layers[2]
    with pytest.raises(ValueError, match=r"No such layer: nope. Existing layers are: \['dense', 'dropout', 'dense_1'\]"):
        model.get_layer("nope")
    popped = model.pop()
    assert popped.name == "dense_1" and model.output_shape == (None, 3)
    assert model.predict(np.ones((2, 4)), verbose=0).shape == (2, 3)
    model.add(layers.Dense(5))                                # add after build: built at once
    assert model.output_shape == (None, 5) and model.layers[-1].kernel.shape == (3, 5)


def test_config_round_trip_rebuilds_the_same_architecture():
    model = Sequential([layers.Dense(4, activation="tanh", kernel_initializer="course_he",
                                     kernel_regularizer=regularizers.L2(0.02)),
                        layers.BatchNormalization(momentum=0.9, moving_variance="unbiased"),
                        layers.Dropout(0.3, seed=2), layers.Activation("sigmoid"),
                        layers.Dense(2, use_bias=False), layers.Softmax()],
                       input_dim=5, seed=7, dtype="float32", name="net")
    clone = Sequential.from_config(model.get_config())
    assert clone.get_config() == model.get_config()
    for a, b in zip(model.get_weights(), clone.get_weights()):   # same seed: same initial weights
        np.testing.assert_array_equal(a, b)
    for layer in model.layers:
        again = type(layer).from_config(layer.get_config())
        assert again.get_config() == layer.get_config()


def test_custom_initializer_has_no_config():
    layer = layers.Dense(2, kernel_initializer=lambda shape, rng, dtype: np.zeros(shape, dtype))
    with pytest.raises(ValueError, match="kernel_initializer is a custom callable"):
        layer.get_config()


def test_freezing_a_layer_keeps_its_weights_and_keras_order():
    x = np.random.default_rng(0).standard_normal((20, 4))
    y = np.random.default_rng(1).integers(0, 2, 20)
    model = Sequential([layers.Dense(3), layers.BatchNormalization(), layers.Dense(2)], input_dim=4, seed=0)
    model.layers[0].trainable = False
    model.layers[1].trainable = False
    frozen = [w.copy() for w in model.layers[0].weights + model.layers[1].weights]
    order = [w.shape for w in model.weights]
    model.compile(optimizers.SGD(0.1), losses.SparseCategoricalCrossentropy(from_logits=True))
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 6
    model.fit(x, y, epochs=2, verbose=0)
    for a, b in zip(frozen, model.layers[0].weights + model.layers[1].weights):
        np.testing.assert_array_equal(a, b)                   # BN frozen: no moving update (Keras)
    assert [w.shape for w in model.weights] == order
    assert not model.trainable
    model.trainable = True
    assert len(model.trainable_weights) == 6


def test_frozen_model_gradients_still_check():
    x = np.random.default_rng(0).standard_normal((6, 3))
    y = np.random.default_rng(1).integers(0, 2, 6)
    model = Sequential([layers.Dense(4, activation="tanh"), layers.BatchNormalization(),
                        layers.Dense(2)], input_dim=3, seed=0)
    model.layers[1].trainable = False                         # inference-mode batch norm
    results = gradcheck.check_model(model, x, y, losses.SparseCategoricalCrossentropy(from_logits=True))
    assert max(r.relative_difference for r in results) < 1e-7


@pytest.mark.parametrize("name, cls", [("mse", losses.MeanSquaredError),
                                       ("mean_squared_error", losses.MeanSquaredError),
                                       ("mae", losses.MeanAbsoluteError),
                                       ("mean_absolute_error", losses.MeanAbsoluteError)])
def test_regression_losses_by_name_and_their_gradients(name, cls):
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((7, 3)), rng.standard_normal((7, 2))
    model = Sequential([layers.Dense(4, activation="tanh"), layers.Dense(2)], input_dim=3, seed=0)
    assert isinstance(losses.get(name), cls)
    results = gradcheck.check_model(model, x, y, name)
    assert max(r.relative_difference for r in results) < 1e-7
    out = model(x)
    expected = np.mean((out - y) ** 2) if cls is losses.MeanSquaredError else np.mean(np.abs(out - y))
    assert losses.get(name)(y, out) == pytest.approx(expected, rel=1e-14)


def test_a_loss_function_needs_its_gradient():
    def huber(y_true, y_pred):                                 # Keras's contract: (m,) values
        r = y_pred - y_true
        return np.mean(np.where(np.abs(r) < 1, 0.5 * r ** 2, np.abs(r) - 0.5), axis=-1)

    with pytest.raises(TypeError, match="needs its gradient: nnref has no automatic differentiation"):
        losses.get(huber)
    huber.gradient = lambda y_true, y_pred: np.clip(y_pred - y_true, -1, 1) / y_pred.shape[1]
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((9, 3)), 3 * rng.standard_normal((9, 2))
    model = Sequential([layers.Dense(4, activation="tanh"), layers.Dense(2)], input_dim=3, seed=0)
    model.compile(optimizer="sgd", loss=huber)
    results = gradcheck.check_model(model, x, y)
    assert max(r.relative_difference for r in results) < 1e-7
    assert model.evaluate(x, y, verbose=0)["loss"] == pytest.approx(np.mean(huber(y, model(x))), rel=1e-14)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 12), st.integers(2, 7), st.integers(0, 10_000))
def test_metrics_match_keras_definitions(m, k, seed):
    rng = np.random.default_rng(seed)
    out = rng.standard_normal((m, k))
    labels = rng.integers(0, k, m)
    y = np.eye(k)[labels]
    loss = losses.CategoricalCrossentropy(from_logits=True)
    values = metrics.per_example(["categorical_accuracy", "top_k_categorical_accuracy", "mae",
                                  "mse", "binary_accuracy"], y, out, loss)
    np.testing.assert_array_equal(values["categorical_accuracy"], out.argmax(1) == labels)
    rank = np.argsort(-out, axis=1).argsort(axis=1)[np.arange(m), labels]
    np.testing.assert_array_equal(values["top_k_categorical_accuracy"], rank < 5)
    np.testing.assert_allclose(values["mae"], np.abs(y - out).mean(1), rtol=1e-15)
    np.testing.assert_allclose(values["mse"], ((y - out) ** 2).mean(1), rtol=1e-15)
    np.testing.assert_allclose(values["binary_accuracy"], ((out > 0.5) == (y > 0.5)).mean(1), rtol=1e-15)


def test_unknown_metric_names_the_choices():
    model = Sequential([layers.Dense(2)], input_dim=3)
    with pytest.raises(ValueError, match=r"Unknown metric: expected one of .*'mae'.*Received: 'f1'"):
        model.compile(optimizer="sgd", loss="mse", metrics=["f1"])


def test_a_model_with_an_input_is_built_as_layers_are_added():
    model = Sequential()
    model.add(nnref.Input(shape=(16,)))
    model.add(layers.Dense(8))
    assert len(model.weights) == 2                            # Keras's Sequential docstring
    model.add(layers.Dense(4))
    assert len(model.weights) == 4 and model.output_shape == (None, 4)
    late = Sequential([layers.Dense(8), layers.Dense(4)])
    assert late.weights == []
    late.build((None, 16))
    assert len(late.weights) == 4


def test_to_categorical_as_keras_utils():
    from nnref.utils import to_categorical

    np.testing.assert_array_equal(to_categorical([0, 2, 1]), np.eye(3)[[0, 2, 1]])
    assert to_categorical([1], 4).shape == (1, 4)
