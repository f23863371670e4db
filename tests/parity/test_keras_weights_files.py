"""Keras 3 ``.weights.h5`` files both ways: written by Keras, read by nnref; written by nnref,
read by Keras. Arrays must be equal exactly (a file stores them bit for bit)."""
from __future__ import annotations

import h5py
import numpy as np
import pytest
from conftest import require_module

pytestmark = pytest.mark.tf
require_module("tensorflow")
keras = require_module("keras")

from nnref import layers  # noqa: E402
from nnref.models import Sequential  # noqa: E402
from nnref.weights import load_weights, save_weights  # noqa: E402

N_IN = 12288  # the SIGNS input width


def keras_model(dtype: str):
    """Dense(25, relu) - BatchNormalization - Dropout(0.2) - Dense(12, relu) - Dense(6), per-layer
    dtype (no global floatx change)."""
    return keras.Sequential([
        keras.Input((N_IN,), dtype=dtype),
        keras.layers.Dense(25, activation="relu", dtype=dtype),
        keras.layers.BatchNormalization(dtype=dtype),
        keras.layers.Dropout(0.2, dtype=dtype),
        keras.layers.Dense(12, activation="relu", dtype=dtype),
        keras.layers.Dense(6, dtype=dtype),
    ])


def nnref_model(dtype: str, seed: int):
    return Sequential([
        layers.Dense(25, activation="relu"), layers.BatchNormalization(), layers.Dropout(0.2),
        layers.Dense(12, activation="relu"), layers.Dense(6),
    ], input_dim=N_IN, dtype=dtype, seed=seed)


def random_weights(shapes, dtype, seed):
    """Every weight non-trivial, including the batch-norm running statistics (variance > 0)."""
    rng = np.random.default_rng(seed)
    return [np.abs(rng.standard_normal(s)).astype(dtype) + 0.5 if i == 5 else rng.standard_normal(s).astype(dtype)
            for i, s in enumerate(shapes)]  # index 5: moving_variance


def assert_equal_lists(actual, expected):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert a.shape == e.shape and a.dtype == e.dtype
        np.testing.assert_array_equal(a, e)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_keras_file_loads_into_nnref(tmp_path, dtype):
    km = keras_model(dtype)
    km.set_weights(random_weights([w.shape for w in km.get_weights()], dtype, seed=1))
    file = tmp_path / "keras.weights.h5"
    km.save_weights(file)
    model = nnref_model(dtype, seed=0)
    load_weights(model, file)
    assert_equal_lists(model.get_weights(), km.get_weights())
    x = np.random.default_rng(2).standard_normal((8, N_IN)).astype(dtype)
    # The same weights give the same inference output, up to summation order (max|a−b|/max|ref|;
    # measured 6e-16 in float64 and 3.5e-7 in float32).
    ours, ref = model(x, training=False), np.asarray(km(x, training=False))
    assert np.abs(ours - ref).max() / np.abs(ref).max() < (1e-12 if dtype == "float64" else 1e-5)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_nnref_file_loads_into_keras(tmp_path, dtype):
    model = nnref_model(dtype, seed=3)
    model.set_weights(random_weights([w.shape for w in model.get_weights()], dtype, seed=4))
    file = tmp_path / "nnref.weights.h5"
    save_weights(model, file)
    km = keras_model(dtype)
    km.load_weights(file)
    assert_equal_lists([np.asarray(w) for w in km.get_weights()], model.get_weights())


def test_same_group_layout_as_keras(tmp_path):
    km, model = keras_model("float64"), nnref_model("float64", seed=0)
    km.save_weights(tmp_path / "k.weights.h5")
    save_weights(model, tmp_path / "n.weights.h5")

    def layout(file):
        items = []
        with h5py.File(file, "r") as f:
            f.visititems(lambda name, obj: items.append(
                (name, type(obj).__name__, getattr(obj, "shape", None))))
            return items, dict(f.attrs)

    assert layout(tmp_path / "n.weights.h5") == layout(tmp_path / "k.weights.h5")


def test_file_of_a_trained_keras_model_with_optimizer_state(tmp_path):
    km = keras_model("float64")
    km.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    rng = np.random.default_rng(5)
    km.fit(rng.standard_normal((16, N_IN)), rng.standard_normal((16, 6)), epochs=1, batch_size=8, verbose=0)
    file = tmp_path / "trained.weights.h5"
    km.save_weights(file)
    with h5py.File(file, "r") as f:
        assert "optimizer" in f  # Keras stores Adam's slots; nnref ignores them
    model = nnref_model("float64", seed=0)
    load_weights(model, file)
    assert_equal_lists(model.get_weights(), km.get_weights())


def test_keras_file_for_another_architecture_is_refused(tmp_path):
    km = keras.Sequential([keras.Input((N_IN,), dtype="float64"),
                           keras.layers.Dense(20, dtype="float64"), keras.layers.Dense(6, dtype="float64")])
    file = tmp_path / "other.weights.h5"
    km.save_weights(file)
    model = nnref_model("float64", seed=0)
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"layer 'dense' \(Dense\) variable 0 \(kernel\): "
                                         r"expected shape \(12288, 25\), received \(12288, 20\)"):
        load_weights(model, file)
    assert_equal_lists(model.get_weights(), before)
