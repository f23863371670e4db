"""Keras-style scripts run unchanged on Keras 3.15 and on nnref: only the `keras` namespace
differs (the `lib` fixture is `keras` or `nnref`).

Each script is written in the shape of a public Keras example (the classic MNIST and Reuters
MLPs, the "writing your own callbacks" guide, the Sequential/History/callback docstrings, the
save-and-load guide), on small synthetic data; both runs must reach the end and agree on what
Keras defines: hook order and log keys, History.params, epochs run, files written.
"""
from __future__ import annotations

import json
import types

import numpy as np
import pytest

from conftest import require_module

pytestmark = pytest.mark.tf


def _nnref():
    import nnref
    return types.SimpleNamespace(name="nnref", Sequential=nnref.Sequential, Input=nnref.Input,
                                 layers=nnref.layers, optimizers=nnref.optimizers,
                                 callbacks=nnref.callbacks, models=nnref.models,
                                 utils=nnref.utils)


def _keras():
    keras = require_module("keras")
    return types.SimpleNamespace(name="keras", Sequential=keras.Sequential, Input=keras.Input,
                                 layers=keras.layers, optimizers=keras.optimizers,
                                 callbacks=keras.callbacks, models=keras.models, utils=keras.utils)


@pytest.fixture(params=["nnref", "keras"])
def lib(request):
    return _nnref() if request.param == "nnref" else _keras()


def digits(m, n=64, classes=10, seed=0):
    """MNIST-like: uint8 images flattened, a template per class plus noise."""
    rng = np.random.default_rng(seed)
    templates = rng.uniform(0, 1, (classes, n))
    y = rng.integers(0, classes, m)
    x = np.clip(templates[y] * 180 + rng.normal(0, 40, (m, n)), 0, 255).astype("float32") / 255
    return x, y


def mnist_mlp(lib, x_train, y_train, x_test, y_test):
    """The classic MNIST MLP: Dense(input_shape=) + Dropout + softmax, RMSprop, score[0]/[1]."""
    num_classes = 10
    y_train = lib.utils.to_categorical(y_train, num_classes)
    y_test = lib.utils.to_categorical(y_test, num_classes)
    model = lib.Sequential()
    model.add(lib.layers.Dense(32, activation="relu", input_shape=(x_train.shape[1],)))
    model.add(lib.layers.Dropout(0.2))
    model.add(lib.layers.Dense(32, activation="relu"))
    model.add(lib.layers.Dropout(0.2))
    model.add(lib.layers.Dense(num_classes, activation="softmax"))
    model.summary(print_fn=lambda *a, **k: None)
    model.compile(loss="categorical_crossentropy", optimizer=lib.optimizers.RMSprop(),
                  metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=32, epochs=3, verbose=1,
                        validation_data=(x_test, y_test))
    score = model.evaluate(x_test, y_test, verbose=0)
    return history, (score[0], score[1])


def test_mnist_mlp_runs_on_both(lib):
    x, y = digits(400)
    history, (loss, acc) = mnist_mlp(lib, x[:300], y[:300], x[300:], y[300:])
    assert history.params == {"verbose": 1, "epochs": 3, "steps": 10}
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert loss == pytest.approx(history.history["val_loss"][-1], rel=1e-5)  # float32 Keras
    assert acc > 0.2                                  # learning: chance is 0.1 after 3 epochs


def test_reuters_mlp_runs_on_both(lib):
    """The Reuters MLP: Activation layers, optimizer='adam', validation_split, evaluate(batch_size)."""
    rng = np.random.default_rng(1)
    max_words, num_classes = 200, 5
    topics = rng.integers(0, max_words, (num_classes, 15))
    y = rng.integers(0, num_classes, 500)
    x = np.zeros((500, max_words), "float32")
    for i, c in enumerate(y):
        x[i, rng.choice(topics[c], 8)] = 1
        x[i, rng.integers(0, max_words, 10)] = 1
    y_cat = lib.utils.to_categorical(y, num_classes)
    model = lib.Sequential()
    model.add(lib.layers.Dense(64, input_shape=(max_words,)))
    model.add(lib.layers.Activation("relu"))
    model.add(lib.layers.Dropout(0.5))
    model.add(lib.layers.Dense(num_classes))
    model.add(lib.layers.Activation("softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    history = model.fit(x[:400], y_cat[:400], batch_size=32, epochs=3, verbose=1, validation_split=0.1)
    score = model.evaluate(x[400:], y_cat[400:], batch_size=32, verbose=1)
    assert history.params["steps"] == 12                      # 360 training rows / 32
    assert len(history.history["val_loss"]) == 3 and score[1] > 0.5


class Keys:
    """The guide's CustomCallback: which hook ran, with which log keys."""

    def __init__(self, lib):
        calls = self.calls = []

        class CustomCallback(lib.callbacks.Callback):
            pass

        for hook in ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
                     "on_test_begin", "on_test_end", "on_predict_begin", "on_predict_end",
                     "on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin",
                     "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end"):
            indexed = "batch" in hook or "epoch" in hook

            def method(self, *args, hook=hook, indexed=indexed, logs=None):
                logs = args[-1] if len(args) == 1 + indexed else logs
                calls.append((hook, args[0] if indexed else None, sorted(logs.keys())))
            setattr(CustomCallback, hook, method)
        self.callback = CustomCallback


def callbacks_guide(lib):
    x, y = digits(200)
    y = y.astype("float32")
    keys = Keys(lib)

    def get_model():
        model = lib.Sequential()
        model.add(lib.layers.Dense(1))
        model.compile(optimizer=lib.optimizers.RMSprop(learning_rate=0.1),
                      loss="mean_squared_error", metrics=["mean_absolute_error"])
        return model

    model = get_model()
    model.fit(x, y, batch_size=64, epochs=1, verbose=0, validation_split=0.5,
              callbacks=[keys.callback()])
    model.evaluate(x, y, batch_size=64, verbose=0, callbacks=[keys.callback()])
    model.predict(x, batch_size=64, verbose=0, callbacks=[keys.callback()])
    return keys.calls


def test_callbacks_guide_sees_the_same_hooks_and_log_keys_as_keras():
    ours, theirs = callbacks_guide(_nnref()), callbacks_guide(_keras())
    assert ours == theirs
    assert ("on_epoch_end", 0, ["loss", "mean_absolute_error", "val_loss",
                                "val_mean_absolute_error"]) in ours


def test_callbacks_guide_self_model_uses(lib):
    """Early stopping at the minimum loss and a learning-rate schedule written as the guide does:
    self.model.stop_training, get/set_weights, optimizer.learning_rate read and set."""
    x, y = digits(200)
    y = y.astype("float32")
    seen = []

    class EarlyStoppingAtMinLoss(lib.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.best, self.best_weights = np.inf, None

        def on_epoch_end(self, epoch, logs=None):
            if np.less(logs.get("loss"), self.best):
                self.best, self.best_weights = logs["loss"], self.model.get_weights()
            else:
                self.model.stop_training = True
                self.model.set_weights(self.best_weights)

    class Schedule(lib.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            lr = self.model.optimizer.learning_rate
            self.model.optimizer.learning_rate = 0.05 if epoch == 3 else lr
            seen.append(float(np.array(self.model.optimizer.learning_rate)))

    model = lib.Sequential([lib.layers.Dense(1)])
    model.compile(optimizer=lib.optimizers.RMSprop(learning_rate=0.1), loss="mean_squared_error")
    model.fit(x, y, batch_size=64, epochs=6, verbose=0, callbacks=[Schedule()])
    assert seen == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05, 0.05], rel=1e-7)  # float32 in Keras
    history = model.fit(x, y, batch_size=64, epochs=40, verbose=0, callbacks=[EarlyStoppingAtMinLoss()])
    assert 1 <= len(history.epoch) <= 40


def test_history_docstring(lib):
    model = lib.Sequential([lib.layers.Dense(10)])
    model.compile(lib.optimizers.SGD(), loss="mse")
    x, y = np.arange(100).reshape(5, 20), np.zeros(5)
    if lib.name == "keras":        # measured: Keras 3.15 on TensorFlow 2.21 fails its own docstring
        with pytest.raises(Exception, match="BroadcastGradientArgs|Incompatible shapes"):
            model.fit(x, y, epochs=10, verbose=1)               # y (5,) against outputs (5, 10)
        return
    history = model.fit(x, y, epochs=10, verbose=1)
    assert history.params == {"verbose": 1, "epochs": 10, "steps": 1}
    assert list(history.history.keys()) == ["loss"]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_early_stopping_docstring(lib):
    callback = lib.callbacks.EarlyStopping(monitor="loss", patience=3)
    model = lib.Sequential([lib.layers.Dense(10)])
    model.compile(lib.optimizers.SGD(), loss="mse")
    history = model.fit(np.arange(100).reshape(5, 20), np.zeros(5), epochs=10, batch_size=1,
                        callbacks=[callback], verbose=0)
    assert len(history.history["loss"]) == 4                   # "Only 4 epochs are run."


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_backup_and_restore_docstring(lib, tmp_path):
    class InterruptingCallback(lib.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 4:
                raise RuntimeError("Interrupting!")

    callback = lib.callbacks.BackupAndRestore(backup_dir=str(tmp_path / "backup"))
    model = lib.Sequential([lib.layers.Dense(10)])
    model.compile(lib.optimizers.SGD(), loss="mse")
    model.build(input_shape=(None, 20))
    x, y = np.arange(100).reshape(5, 20), np.zeros(5)    # diverges: NaN in Keras's float32, finite in float64
    with pytest.raises(RuntimeError, match="Interrupting!"):
        model.fit(x, y, epochs=10, batch_size=1, callbacks=[callback, InterruptingCallback()], verbose=0)
    history = model.fit(x, y, epochs=10, batch_size=1, callbacks=[callback], verbose=0)
    assert len(history.history["loss"]) == 6                   # "Only 6 more epochs are run"


def test_model_checkpoint_docstring(lib, tmp_path):
    x, y = digits(120)
    model = lib.Sequential([lib.Input(shape=(64,)), lib.layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    path = str(tmp_path / "ckpt" / "checkpoint.model.keras")
    cb = lib.callbacks.ModelCheckpoint(filepath=path, monitor="val_accuracy", mode="max",
                                       save_best_only=True)
    model.fit(x, y, epochs=3, validation_split=0.25, callbacks=[cb], verbose=0)
    restored = lib.models.load_model(path)
    assert restored.predict(x[:4], verbose=0).shape == (4, 10)
    path = str(tmp_path / "ckpt" / "checkpoint.weights.h5")
    cb = lib.callbacks.ModelCheckpoint(filepath=path, monitor="val_accuracy", mode="max",
                                       save_best_only=True, save_weights_only=True)
    model.fit(x, y, epochs=2, validation_split=0.25, callbacks=[cb], verbose=0)
    model.load_weights(path)


def test_lambda_and_csv_logger_docstrings(lib, tmp_path):
    x, y = digits(100)
    batches = []
    json_log = open(tmp_path / "loss_log.json", mode="wt", buffering=1)
    callbacks = [
        lib.callbacks.LambdaCallback(on_train_batch_begin=lambda batch, logs: batches.append(batch)),
        lib.callbacks.LambdaCallback(
            on_epoch_end=lambda epoch, logs: json_log.write(
                json.dumps({"epoch": epoch, "loss": logs["loss"]}) + "\n"),
            on_train_end=lambda logs: json_log.close()),
        lib.callbacks.CSVLogger(str(tmp_path / "training.log")),
        lib.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=5, min_lr=0.001),
        lib.callbacks.TerminateOnNaN(),
    ]
    model = lib.Sequential([lib.layers.Dense(10)])
    model.compile(optimizer="sgd", loss=lib_loss(lib))
    model.fit(x, y, batch_size=50, epochs=2, validation_split=0.2, callbacks=callbacks, verbose=0)
    assert batches == [0, 1] * 2 and json_log.closed
    assert [json.loads(l)["epoch"] for l in (tmp_path / "loss_log.json").read_text().splitlines()] == [0, 1]
    lines = (tmp_path / "training.log").read_text().splitlines()
    # ReduceLROnPlateau adds "learning_rate" after CSVLogger has written the row (list order)
    assert lines[0] == "epoch,loss,val_loss" and len(lines) == 3


def lib_loss(lib):
    if lib.name == "keras":
        import keras
        return keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    from nnref import losses
    return losses.SparseCategoricalCrossentropy(from_logits=True)


def test_save_and_load_guide(lib, tmp_path):
    """Whole-model saving, configs and JSON for a Sequential model, as the saving guide does."""
    model = lib.Sequential([lib.Input(shape=(32,)), lib.layers.Dense(1)])
    model.compile(optimizer=lib.optimizers.Adam(), loss="mean_squared_error")
    test_input = np.random.random((128, 32))
    test_target = np.random.random((128, 1))
    model.fit(test_input, test_target, verbose=0)
    model.save(str(tmp_path / "my_model.keras"))
    reconstructed_model = lib.models.load_model(str(tmp_path / "my_model.keras"))
    np.testing.assert_allclose(model.predict(test_input, verbose=0),
                               reconstructed_model.predict(test_input, verbose=0), rtol=1e-6)
    layer = lib.layers.Dense(3, activation="relu")
    new_layer = lib.layers.Dense.from_config(layer.get_config())
    assert new_layer.get_config()["units"] == 3
    config = model.get_config()
    new_model = lib.Sequential.from_config(config)
    assert len(new_model.layers) == 1
    json_config = model.to_json()
    new_model = lib.models.model_from_json(json_config)
    assert new_model.layers[0].get_config()["units"] == 1
