"""Whole-model ``.keras`` files both ways, on small models (the SIGNS-size check is in
``nnref parity``): the architecture from config.json, the weights, the predictions; and the
strict reading of Keras files that hold what nnref does not have."""
from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from conftest import require_module
from nnref import Input, layers, optimizers, regularizers
from nnref.models import Sequential, load_model

keras = require_module("keras")


pytestmark = [pytest.mark.tf, pytest.mark.usefixtures("keras_float64")]  # predict casts to floatx


def nnref_model(dtype="float64"):
    model = Sequential([
        Input(shape=(7,)),
        layers.Dense(6, activation="tanh", kernel_initializer="course_he",
                     kernel_regularizer=regularizers.L2(1e-3)),
        layers.BatchNormalization(momentum=0.9, epsilon=1e-2, moving_variance="unbiased"),
        layers.Dropout(0.25, seed=3), layers.Activation("sigmoid"),   # leaky_relu: see docs/keras.md
        layers.Dense(4, use_bias=False), layers.Softmax()], dtype=dtype, seed=0, name="small")
    rng = np.random.default_rng(1)
    model.set_weights([np.abs(rng.standard_normal(w.shape)) + 0.5 for w in model.get_weights()])
    return model


def x_data(dtype="float64"):
    return np.random.default_rng(2).standard_normal((45, 7)).astype(dtype)


@pytest.mark.parametrize("dtype, rtol", [("float64", 1e-12), ("float32", 1e-5)])
def test_nnref_file_loads_in_keras_and_predicts_the_same(tmp_path, dtype, rtol):
    model = nnref_model(dtype)
    model.compile(optimizer=optimizers.Adam(1e-3), loss="categorical_crossentropy", metrics=["mae"])
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as z:
        assert sorted(z.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        config = json.loads(z.read("config.json"))
    assert config["nnref"]["compile"]["optimizer"]["config"]["convention"] == "course"
    restored = keras.saving.load_model(tmp_path / "m.keras")
    assert [type(l).__name__ for l in restored.layers] == \
        ["Dense", "BatchNormalization", "Dropout", "Activation", "Dense", "Softmax"]
    assert restored.layers[1].momentum == 0.9 and restored.layers[0].activation.__name__ == "tanh"
    for a, b in zip(model.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(model.predict(x_data(dtype), verbose=0),
                               restored.predict(x_data(dtype), verbose=0), rtol=rtol, atol=0)


def test_nnref_file_round_trip_keeps_nnref_options_and_compile_state(tmp_path):
    model = nnref_model()
    model.compile(optimizer=optimizers.Adam(1e-3, convention="keras"), loss="mse",
                  metrics=["mae"])
    model.save(tmp_path / "m.keras")
    back = load_model(tmp_path / "m.keras")
    assert back.get_config() == model.get_config()
    assert back.layers[1].moving_variance_mode == "unbiased"
    assert back.optimizer.convention == "keras" and back.metrics == ["mae"]
    np.testing.assert_array_equal(back.predict(x_data(), verbose=0), model.predict(x_data(), verbose=0))


def keras_model():
    """Per-layer float64 (what a file records; a global dtype policy may say otherwise)."""
    model = keras.Sequential([
        keras.Input((7,), dtype="float64"),
        keras.layers.Dense(5, activation="relu", kernel_regularizer=keras.regularizers.L2(0.01),
                           dtype="float64"),
        keras.layers.BatchNormalization(dtype="float64"), keras.layers.Dropout(0.5, dtype="float64"),
        keras.layers.Dense(3, activation="softmax", dtype="float64")])
    rng = np.random.default_rng(4)
    model.set_weights([np.abs(rng.standard_normal(w.shape)) + 0.5 for w in model.get_weights()])
    return model


def test_keras_file_loads_in_nnref_and_predicts_the_same(tmp_path):
    model = keras_model()
    model.save(tmp_path / "k.keras")
    back = load_model(tmp_path / "k.keras")
    assert back.dtype == np.float64 and back.input_dim == 7 and back.optimizer is None
    assert back.layers[0].kernel_regularizer.l2 == float(np.float32(0.01))   # Keras's rounding
    for a, b in zip(back.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(back.predict(x_data(), verbose=0), model.predict(x_data(), verbose=0),
                               rtol=1e-12, atol=0)


@pytest.mark.parametrize("make, message", [
    (lambda: keras.layers.Conv1D(2, 3), r"layer 'conv1d(_\d+)?' \(Conv1D\) is not in nnref"),
    (lambda: keras.layers.Dense(2, kernel_constraint="non_neg"),
     r"layer 'dense(_\d+)?' \(Dense\): option kernel_constraint=.* is not in nnref"),
    (lambda: keras.layers.BatchNormalization(center=False),
     r"option center=False is not in nnref \(nnref supports center=True\)"),
    (lambda: keras.layers.Dense(2, activation="gelu"), r"activation 'gelu' is not in nnref"),
    (lambda: keras.layers.Dense(2, kernel_initializer="orthogonal"),
     r"initializer .*Orthogonal.* is not in nnref"),
])
def test_keras_file_with_what_nnref_lacks_is_refused_by_name(tmp_path, make, message):
    keras.backend.set_floatx("float32")                 # Keras's default: nnref reads it too
    layer = make()
    shape = (5, 4) if isinstance(layer, keras.layers.Conv1D) else (4,)
    model = keras.Sequential([keras.Input(shape), layer])
    model.save(tmp_path / "k.keras")
    with pytest.raises(ValueError, match=message):
        load_model(tmp_path / "k.keras")


def test_mixed_precision_keras_file_is_refused(tmp_path):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, dtype="mixed_float16")])
    model.save(tmp_path / "k.keras")
    with pytest.raises(ValueError, match=r"dtype policies .*mixed_float16.* are not one of nnref's"):
        load_model(tmp_path / "k.keras")


def test_not_a_keras_file(tmp_path):
    (tmp_path / "x.keras").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a `.keras` zip archive"):
        load_model(tmp_path / "x.keras")
    with pytest.raises(ValueError, match=r"must end in `.keras`.*Received: filepath=.*m.h5"):
        nnref_model().save(tmp_path / "m.h5")
    with pytest.raises(FileNotFoundError, match="No model file"):
        load_model(tmp_path / "none.keras")
