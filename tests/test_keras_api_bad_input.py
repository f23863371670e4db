"""Bad input to the Keras-style API: a clear error naming the argument and what was received,
raised before any work starts, leaving the model unchanged."""
from __future__ import annotations

import numpy as np
import pytest

import nnref
from nnref import callbacks, layers, losses, optimizers
from nnref.models import Sequential, load_model


@pytest.mark.parametrize("make, error, message", [
    (lambda: callbacks.EarlyStopping(patience=-1), ValueError, r"patience must be an integer >= 0. Received: patience=-1"),
    (lambda: callbacks.EarlyStopping(start_from_epoch=1.5), ValueError, r"start_from_epoch.*Received: start_from_epoch=1.5"),
    (lambda: callbacks.EarlyStopping(mode="lowest"), ValueError, r"mode must be one of .*Received: mode='lowest'"),
    (lambda: callbacks.EarlyStopping(monitor=3), TypeError, r"monitor must be a logs key.*Received: monitor=3"),
    (lambda: callbacks.ModelCheckpoint("m.h5"), ValueError, r"must end in `.keras`. Received: filepath=m.h5"),
    (lambda: callbacks.ModelCheckpoint("m.keras", save_weights_only=True), ValueError, r"`.weights.h5`"),
    (lambda: callbacks.ModelCheckpoint("m.keras", save_freq=0), ValueError, r"save_freq must be 'epoch' or an integer >= 1\. Received: save_freq=0"),
    (lambda: callbacks.ModelCheckpoint(5), TypeError, r"filepath must be a path \(a str or os.PathLike\), such as .best.keras.. Received: filepath=5"),
    (lambda: callbacks.ReduceLROnPlateau(factor=1.0), ValueError, r"factor >= 1.0. Received: factor=1.0"),
    (lambda: callbacks.ReduceLROnPlateau(cooldown=-2), ValueError, r"cooldown must be an integer >= 0"),
    (lambda: callbacks.BackupAndRestore(""), ValueError, r"Empty `backup_dir`"),
    (lambda: callbacks.BackupAndRestore("d", save_freq="batch"), ValueError, r"Received: save_freq='batch'"),
    (lambda: callbacks.LambdaCallback(on_epoch_end=3), TypeError, r"on_epoch_end must be callable. Received: on_epoch_end=3"),
    (lambda: callbacks.LambdaCallback(on_epochend=print), TypeError, r"LambdaCallback takes hooks .*Received: \['on_epochend'\]"),
    (lambda: nnref.Input(shape=(8, 8)), ValueError, r"shape must be \(n,\), \(None, n\) or n.*Received: shape=\(8, 8\)"),
    (lambda: layers.Dense(3, input_shape=(4,), input_dim=4), ValueError, r"input_shape or input_dim, not both"),
    (lambda: losses.get(lambda y, p: p), TypeError, r"needs its gradient"),
])
def test_constructors_name_the_bad_argument(make, error, message):
    with pytest.raises(error, match=message):
        make()


def blobs(m=20):
    rng = np.random.default_rng(0)
    return rng.standard_normal((m, 4)), rng.integers(0, 3, m)


def compiled():
    model = Sequential([layers.Dense(3)], input_dim=4, seed=0)
    model.compile(optimizers.SGD(0.1), losses.SparseCategoricalCrossentropy(from_logits=True),
                  ["accuracy"])
    return model


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(validation_split=1.5), ValueError, r"validation_split must be in \[0, 1\). Received: validation_split=1.5"),
    (dict(validation_freq=0), ValueError, r"validation_freq must be an integer >= 1 or a list of epochs\. Received: validation_freq=0"),
    (dict(steps_per_epoch=0), ValueError, r"steps_per_epoch must be .*Received: steps_per_epoch=0"),
    (dict(class_weight=[1.0, 2.0]), TypeError, r"class_weight must be a dict.*Received: class_weight=\[1.0, 2.0\]"),
    (dict(class_weight={0: float("nan")}), ValueError, r"class_weight\[0\] must be a finite number\. Received: class_weight\[0\]=nan"),
    (dict(verbose="yes"), ValueError, r"verbose must be 'auto', 0, 1 or 2. Received: verbose='yes'"),
    (dict(validation_data=(np.ones((3, 4)),)), ValueError, r"validation_data must be a tuple .*of length 1"),
    (dict(validation_data=(np.ones((3, 4)), np.zeros(3, int)), validation_batch_size=0), ValueError, r"batch_size.*Received: batch_size=0"),
    (dict(callbacks=[callbacks.EarlyStopping(monitor="val_loss")]), ValueError, r"needs validation_data"),
])
def test_fit_refuses_bad_arguments_before_training(kwargs, error, message):
    x, y = blobs()
    model = compiled()
    before = model.get_weights()
    with pytest.raises(error, match=message):
        model.fit(x, y, epochs=2, **{"verbose": 0, **kwargs})
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert model.optimizer.iterations == 0


@pytest.mark.parametrize("call, message", [
    (lambda m, x, y: m.evaluate(x, y, steps=0, verbose=0), r"steps must be .*Received: steps=0"),
    (lambda m, x, y: m.predict(x, batch_size=0, verbose=0), r"batch_size must be .*Received: batch_size=0"),
    (lambda m, x, y: m.evaluate(x, y, sample_weight=np.ones(3), verbose=0), r"sample_weight must be 20 numbers"),
    (lambda m, x, y: m.get_layer(index=5), r"index 5 but model only has 1 layers"),
    (lambda m, x, y: m.get_layer(), r"Provide either a layer name or layer index"),
])
def test_evaluate_predict_and_layers_name_the_bad_argument(call, message):
    x, y = blobs()
    with pytest.raises(ValueError, match=message):
        call(compiled(), x, y)


def test_pop_on_an_empty_model_and_input_after_layers():
    with pytest.raises(IndexError, match="pop from an empty Sequential"):
        Sequential().pop()
    model = Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="An Input must be the first item"):
        model.add(nnref.Input(shape=(3,)))
    with pytest.raises(ValueError, match=r"Only the first layer may have an input_shape"):
        model.add(layers.Dense(2, input_shape=(3,)))


def test_model_checkpoint_with_a_missing_format_key(tmp_path):
    x, y = blobs()
    cb = callbacks.ModelCheckpoint(str(tmp_path / "m-{val_acc:.2f}.keras"), monitor="loss")
    with pytest.raises(KeyError, match=r"Failed to format this callback filepath.*Reason: .*val_acc"):
        compiled().fit(x, y, epochs=1, verbose=0, callbacks=[cb])


def test_load_model_refuses_a_functional_or_unbuilt_keras_config(tmp_path):
    import json
    import zipfile

    for config, message in [({"class_name": "Functional", "config": {}}, "Sequential models only"),
                            ({"class_name": "Sequential", "config": {"layers": [], "dtype": "float32"}},
                             "never built")]:
        path = tmp_path / "k.keras"
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("config.json", json.dumps(config))
            z.writestr("model.weights.h5", b"")
        with pytest.raises(ValueError, match=message):
            load_model(path)


def test_two_different_input_widths_are_refused():
    with pytest.raises(ValueError, match=r"input width is already 5. Received: input_shape=\(4,\)"):
        Sequential([layers.Dense(3, input_shape=(4,))], input_dim=5)
    with pytest.raises(ValueError, match=r"input width is already 5. Received: Input\(shape=\(4,\)\)"):
        Sequential([nnref.Input(shape=(4,)), layers.Dense(3)], input_dim=5)
