"""nnref.weights: Keras 3 ``.weights.h5`` files, with small stand-in layers (the layer protocol:
``weights``, ``set_weights``, the class name) and, when it exists, the real nnref Sequential.

The Keras side (files written and read by Keras itself) is in tests/parity/test_keras_weights_files.py.
"""
from __future__ import annotations

import os

import h5py
import numpy as np
import pytest

from nnref.weights import layer_paths, load_weights, read_weights, save_weights, to_snake_case


# ----------------------------------------------------------------------------- stand-in layers
class _Layer:
    shapes: list[tuple[int, ...]] = []

    def __init__(self, *shape_args, name=None, dtype=np.float64, rng=None):
        rng = rng or np.random.default_rng(0)
        self._weights = [rng.standard_normal(s).astype(dtype) for s in self.shapes_for(*shape_args)]
        if name:
            self.name = name

    def shapes_for(self, *args):
        return []

    @property
    def weights(self):
        return list(self._weights)

    def set_weights(self, weights):
        self._weights = [np.array(w) for w in weights]


class Dense(_Layer):
    def shapes_for(self, n_in, n_out):
        return [(n_in, n_out), (n_out,)]


class BatchNormalization(_Layer):
    def shapes_for(self, n):
        return [(n,)] * 4


class Dropout(_Layer):
    pass


class Activation(_Layer):
    pass


class Softmax(_Layer):
    pass


class FakeSequential:
    def __init__(self, layers, name=None):
        self.layers = layers
        if name:
            self.name = name

    def get_weights(self):
        return [w for layer in self.layers for w in layer.weights]


def model(dtype=np.float64, seed=0, hidden=25, n_in=12):
    """The brief's shape of model: Dense-BN-Dropout-Dense-Dense-Activation-Softmax."""
    rng = np.random.default_rng(seed)
    return FakeSequential([
        Dense(n_in, hidden, dtype=dtype, rng=rng, name="d0"), BatchNormalization(hidden, dtype=dtype, rng=rng),
        Dropout(), Dense(hidden, 12, dtype=dtype, rng=rng), Dense(12, 6, dtype=dtype, rng=rng),
        Activation(), Softmax(),
    ])


def assert_same_weights(a, b):
    wa, wb = a.get_weights(), b.get_weights()
    assert len(wa) == len(wb)
    for x, y in zip(wa, wb):
        assert x.dtype == y.dtype
        np.testing.assert_array_equal(x, y)


# ----------------------------------------------------------------------------- layout
def test_snake_case_and_unique_names_follow_keras():
    assert to_snake_case("BatchNormalization") == "batch_normalization"
    assert to_snake_case("Dense") == "dense"
    assert to_snake_case("ReLU") == "re_lu"                    # Keras's rule, not "re_l_u"
    assert [p for p, _ in layer_paths(model())] == [
        "layers/dense", "layers/batch_normalization", "layers/dropout", "layers/dense_1",
        "layers/dense_2", "layers/activation", "layers/softmax"]


def test_a_model_names_its_layers_as_the_file_names_its_groups():
    """One naming rule: unnamed layers get the names the .weights.h5 groups are given."""
    from nnref import layers
    from nnref.models import Sequential

    m = Sequential([layers.Dense(3), layers.BatchNormalization(), layers.Dropout(0.5),
                    layers.Dense(2), layers.Dense(2), layers.Activation("relu"), layers.Softmax()],
                   input_dim=4)
    assert [f"layers/{layer.name}" for layer in m.layers] == [p for p, _ in layer_paths(m)]


def test_file_layout_is_keras_3(tmp_path):
    m = model()
    file = tmp_path / "m.weights.h5"
    save_weights(m, file)
    with h5py.File(file, "r") as f:
        assert dict(f.attrs) == {}
        assert f["vars"].attrs["name"] == "sequential" and len(f["vars"]) == 0
        assert sorted(f["layers"]) == ["activation", "batch_normalization", "dense", "dense_1",
                                       "dense_2", "dropout", "softmax"]
        assert f["layers/dense/vars"].attrs["name"] == "d0"  # the layer's own name, when it has one
        assert f["layers/dense_1/vars"].attrs["name"] == "dense_1"
        assert len(f["layers/dropout/vars"]) == 0
        np.testing.assert_array_equal(f["layers/dense/vars/0"][()], m.layers[0].weights[0])
        np.testing.assert_array_equal(f["layers/dense/vars/1"][()], m.layers[0].weights[1])
        for i in range(4):
            np.testing.assert_array_equal(f[f"layers/batch_normalization/vars/{i}"][()],
                                          m.layers[1].weights[i])
        assert "optimizer" not in f


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_round_trip_is_exact(tmp_path, dtype):
    src, dst = model(dtype, seed=1), model(dtype, seed=2)
    save_weights(src, tmp_path / "m.weights.h5")
    load_weights(dst, str(tmp_path / "m.weights.h5"))  # str or Path
    assert_same_weights(src, dst)
    stored = read_weights(tmp_path / "m.weights.h5")
    assert stored["layers/dropout"] == [] and stored["layers/dense_2"][0].dtype == dtype


@pytest.mark.parametrize("file_dtype, model_dtype", [(np.float32, np.float64), (np.float64, np.float32)])
def test_load_casts_into_the_model_dtype(tmp_path, file_dtype, model_dtype):
    src, dst = model(file_dtype, seed=1), model(model_dtype, seed=2)
    save_weights(src, tmp_path / "m.weights.h5")
    load_weights(dst, tmp_path / "m.weights.h5")
    for a, b in zip(src.get_weights(), dst.get_weights()):
        assert b.dtype == model_dtype
        np.testing.assert_array_equal(b, a.astype(model_dtype))


def test_keras_style_minimal_file_loads(tmp_path):
    """Keras reads files without name attributes or groups for weightless layers; so does nnref,
    and it ignores an optimizer group."""
    m = model(seed=3)
    file = tmp_path / "min.weights.h5"
    with h5py.File(file, "w") as f:
        for path, layer in layer_paths(m):
            for i, w in enumerate(layer.weights):
                f[f"{path}/vars/{i}"] = w
        f["optimizer/vars/0"] = np.int64(7)
    dst = model(seed=4)
    load_weights(dst, file)
    assert_same_weights(m, dst)


def test_weightless_layer_groups_are_optional(tmp_path):
    """A Keras model whose dropout is a custom class (tf_parity's MaskedDropout) saves an empty
    `layers/masked_dropout` group instead of `layers/dropout`: weightless groups are matched
    loosely in both directions, as Keras does."""
    m = model(seed=3)
    file = tmp_path / "masked.weights.h5"
    save_weights(m, file)
    with h5py.File(file, "r+") as f:
        f.move("layers/dropout", "layers/masked_dropout")
    dst = model(seed=4)
    load_weights(dst, file)
    assert_same_weights(m, dst)


# ----------------------------------------------------------------------------- atomic writes
def test_overwrite_and_nothing_left_behind(tmp_path):
    file = tmp_path / "m.weights.h5"
    save_weights(model(seed=1), file)
    save_weights(model(seed=2), file)
    assert os.listdir(tmp_path) == ["m.weights.h5"]
    dst = model(seed=3)
    load_weights(dst, file)
    assert_same_weights(model(seed=2), dst)


def test_failed_write_keeps_the_old_file_and_leaves_no_temp_file(tmp_path):
    file = tmp_path / "m.weights.h5"
    save_weights(model(seed=1), file)
    before = file.read_bytes()
    bad = model(seed=2)
    bad.layers[3]._weights[0] = np.array([{}, {}], dtype=object)  # h5py cannot store it
    with pytest.raises(TypeError):
        save_weights(bad, file)
    assert os.listdir(tmp_path) == ["m.weights.h5"]
    assert file.read_bytes() == before


def test_save_errors(tmp_path):
    with pytest.raises(ValueError, match=r"must end in `.weights.h5`.*Received: path=.*m\.h5"):
        save_weights(model(), tmp_path / "m.h5")
    with pytest.raises(FileNotFoundError, match=r"the folder .*missing does not exist"):
        save_weights(model(), tmp_path / "missing" / "m.weights.h5")
    with pytest.raises(TypeError, match=r"path must be a str or os.PathLike. Received: path=3"):
        save_weights(model(), 3)
    with pytest.raises(TypeError, match=r"model must have a `layers` list.*Received: model of type int"):
        save_weights(5, tmp_path / "m.weights.h5")
    assert os.listdir(tmp_path) == []


# ----------------------------------------------------------------------------- load errors
@pytest.fixture
def saved(tmp_path):
    file = tmp_path / "m.weights.h5"
    save_weights(model(seed=1), file)
    return file


def assert_unchanged_after(func, m):
    before = [w.copy() for w in m.get_weights()]
    with pytest.raises(ValueError) as info:
        func()
    after = m.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(before, after))
    return str(info.value)


def test_different_architecture_names_layer_variable_and_shapes(saved):
    m = model(hidden=30, seed=5)  # Dense 12->30 instead of 12->25
    msg = assert_unchanged_after(lambda: load_weights(m, saved), m)
    assert "layer 'dense' (Dense) variable 0 (kernel): expected shape (12, 30), received (12, 25)" in msg
    assert str(saved) in msg


def test_mismatch_in_a_later_layer_leaves_earlier_layers_unchanged(saved):
    m = model(seed=5)
    m.layers[4] = Dense(12, 7)  # last Dense: 6 -> 7 outputs
    msg = assert_unchanged_after(lambda: load_weights(m, saved), m)
    assert "layer 'dense_2' (Dense) variable 0 (kernel): expected shape (12, 7), received (12, 6)" in msg


def test_missing_and_extra_layers(saved):
    fewer = model(seed=5)
    del fewer.layers[4]  # the file has a dense_2 this model lacks
    msg = assert_unchanged_after(lambda: load_weights(fewer, saved), fewer)
    assert "weights for layers the model does not have: {'layers/dense_2': 2}" in msg

    more = model(seed=5)
    more.layers.append(Dense(6, 3))  # this model has a dense_3 the file lacks
    msg = assert_unchanged_after(lambda: load_weights(more, saved), more)
    assert "no weights for layer 'dense_3' (Dense) (group layers/dense_3/vars)" in msg

    no_bn = model(seed=5)
    no_bn.layers[1] = Dropout()
    msg = assert_unchanged_after(lambda: load_weights(no_bn, saved), no_bn)
    assert "'layers/batch_normalization': 4" in msg


def test_variable_count_mismatch(tmp_path):
    file = tmp_path / "m.weights.h5"
    with h5py.File(file, "w") as f:
        f["layers/dense/vars/0"] = np.zeros((3, 2))  # kernel only, no bias
    m = FakeSequential([Dense(3, 2)])
    msg = assert_unchanged_after(lambda: load_weights(m, file), m)
    assert "layer 'dense' (Dense) expects 2 variables, the file has 1" in msg


def test_unbuilt_layer_hint(tmp_path):
    file = tmp_path / "m.weights.h5"
    save_weights(FakeSequential([Dense(3, 2)]), file)
    unbuilt = Dense(3, 2)
    unbuilt._weights = []
    with pytest.raises(ValueError, match=r"expects 0 variables, the file has 2 \(is the model built"):
        load_weights(FakeSequential([unbuilt]), file)
    not_built = FakeSequential([Dense(3, 2)])
    not_built.built = False
    with pytest.raises(ValueError, match=r"Cannot load weights into a model that has not been built"):
        load_weights(not_built, file)
    with pytest.raises(ValueError, match=r"Cannot save the weights of a model that has not been built"):
        save_weights(not_built, tmp_path / "x.weights.h5")


def test_non_numeric_variable(tmp_path):
    file = tmp_path / "m.weights.h5"
    with h5py.File(file, "w") as f:
        f["layers/dense/vars/0"] = np.zeros((3, 2), dtype="S1")
        f["layers/dense/vars/1"] = np.zeros(2)
    m = FakeSequential([Dense(3, 2)])
    msg = assert_unchanged_after(lambda: load_weights(m, file), m)
    assert "variable 0 (kernel): expected a numeric array, received dtype |S1" in msg


def test_rollback_when_set_weights_fails_midway(saved):
    def explode(weights):
        raise RuntimeError("boom")

    m = model(seed=5)
    m.layers[3].set_weights = explode  # the 4th layer fails after 1st and 2nd were assigned
    before = [w.copy() for w in m.get_weights()]
    with pytest.raises(RuntimeError, match="boom"):
        load_weights(m, saved)
    assert all(np.array_equal(a, b) for a, b in zip(before, m.get_weights()))


def test_missing_not_hdf5_truncated_and_wrong_files(tmp_path, saved):
    with pytest.raises(FileNotFoundError, match=r"No weights file at .*nope\.weights\.h5"):
        load_weights(model(), tmp_path / "nope.weights.h5")

    text = tmp_path / "text.weights.h5"
    text.write_text("hello")
    with pytest.raises(ValueError, match=r"text\.weights\.h5 is not a readable HDF5 file"):
        load_weights(model(), text)

    truncated = tmp_path / "cut.weights.h5"
    truncated.write_bytes(saved.read_bytes()[:1000])
    m = model(seed=9)
    msg = assert_unchanged_after(lambda: load_weights(m, truncated), m)
    assert "cut.weights.h5" in msg and ("truncated" in msg or "not a readable HDF5" in msg)

    other = tmp_path / "other.weights.h5"
    with h5py.File(other, "w") as f:
        f["model_weights/dense/kernel"] = np.zeros(2)
        f.attrs["layer_names"] = [b"dense"]
    with pytest.raises(ValueError, match=r"no `layers` group.*Keras 2 \(legacy\) HDF5 file"):
        load_weights(model(), other)

    bad_names = tmp_path / "names.weights.h5"
    with h5py.File(bad_names, "w") as f:
        f["layers/dense/vars/kernel"] = np.zeros((3, 2))
    with pytest.raises(ValueError, match=r"datasets named 0, 1, ... Received: \['kernel'\]"):
        load_weights(FakeSequential([Dense(3, 2)]), bad_names)


def test_a_layer_with_more_than_ten_variables_keeps_their_order(tmp_path):
    """Datasets 0, 1, ..., 10, 11 are read in numeric order, not as text (0, 1, 10, 11, 2, ...)."""
    class Wide(_Layer):
        def shapes_for(self):
            return [(i + 1,) for i in range(12)]          # distinct shapes: a misorder cannot load

    src, dst = FakeSequential([Wide(rng=np.random.default_rng(1))]), FakeSequential([Wide()])
    save_weights(src, tmp_path / "wide.weights.h5")
    load_weights(dst, tmp_path / "wide.weights.h5")
    assert_same_weights(src, dst)


# ----------------------------------------------------------------------------- the real model
def test_real_sequential_round_trip(tmp_path):
    from nnref import layers, models      # nnref's own modules: a failing import is a failure

    def build(seed, dtype="float64"):
        return models.Sequential([
            layers.Dense(25, activation="relu"), layers.BatchNormalization(), layers.Dropout(0.2),
            layers.Dense(12, activation="relu"), layers.Dense(6),
        ], input_dim=20, dtype=dtype, seed=seed)

    src, dst = build(1), build(2)
    file = tmp_path / "real.weights.h5"
    save_weights(src, file)
    load_weights(dst, file)
    for a, b in zip(src.get_weights(), dst.get_weights()):
        np.testing.assert_array_equal(a, b)
    x = np.random.default_rng(0).standard_normal((4, 20))
    np.testing.assert_array_equal(src(x, training=False), dst(x, training=False))

    dst32 = build(3, "float32")
    load_weights(dst32, file)
    assert all(w.dtype == np.float32 for w in dst32.get_weights())

    wrong = models.Sequential([layers.Dense(25), layers.Dense(6)], input_dim=21, seed=0)
    before = [w.copy() for w in wrong.get_weights()]
    with pytest.raises(ValueError, match=r"expected shape \(21, 25\), received \(20, 25\)"):
        load_weights(wrong, file)
    assert all(np.array_equal(a, b) for a, b in zip(before, wrong.get_weights()))
