"""Each callback's rule against Keras 3's own callback, on the same sequence of logs.

No training: both callbacks are driven by the same synthetic epoch (and batch) logs on a stub
model that records what the callback does (stop, learning rate, saves, restored weights), and
the two records must be equal. Hypothesis draws the log sequences and the arguments.
"""
from __future__ import annotations

import json
import math
import os
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from conftest import require_module
from nnref import callbacks as nn_cb

pytestmark = pytest.mark.tf
keras = require_module("keras")


class StubOptimizer:
    def __init__(self, lr):
        self.learning_rate = lr
        self.built = True

    def build(self, variables):
        self.built = True


class StubModel:
    """What a callback may touch: stop_training, optimizer.learning_rate, weights, files."""

    def __init__(self, lr=0.1):
        self.stop_training = False
        self.optimizer = StubOptimizer(lr)
        self.metrics = []
        self.built = True
        self.epoch = 0                 # "weights" are the epoch they were taken at
        self.restored = None
        self.saved = []
        self._initial_epoch = None

    def get_weights(self):
        return [self.epoch]

    def set_weights(self, weights):
        self.restored = weights[0]

    def save(self, filepath, overwrite=True):
        self.saved.append(os.path.basename(filepath))

    def save_weights(self, filepath, overwrite=True):
        self.saved.append(os.path.basename(filepath))
        with open(filepath, "w") as f:
            json.dump({"epoch": self.epoch}, f)

    def load_weights(self, filepath):
        with open(filepath) as f:
            self.restored = json.load(f)["epoch"]


def drive(callback, values, key="val_loss", batches=0, extra=None):
    """Run one fake training; return what the callback did."""
    model = StubModel()
    callback.set_model(model)
    trace = {"stopped_at": None, "lr": []}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        callback.on_train_begin({})
        for epoch, value in enumerate(values):
            model.epoch = epoch
            callback.on_epoch_begin(epoch, {})
            for batch in range(batches):
                callback.on_train_batch_begin(batch, {})
                callback.on_train_batch_end(batch, {"loss": value})
            logs = {"loss": value, key: value, **(extra or {})}
            callback.on_epoch_end(epoch, logs)
            trace["lr"].append(model.optimizer.learning_rate)
            if model.stop_training:
                trace["stopped_at"] = epoch
                break
        callback.on_train_end({})
    trace.update(restored=model.restored, saved=model.saved)
    return trace


# log sequences: plateaus, ties and small moves are where the rules differ
values = st.lists(st.sampled_from([1.0, 0.9, 0.8, 0.85, 0.5, 0.5001, 0.7, 1.2, 0.3]),
                  min_size=1, max_size=14)
modes = st.sampled_from(["auto", "min", "max"])


@settings(max_examples=150)
@given(values, st.integers(0, 4), st.sampled_from([0, 1e-3, 0.05, 0.2]), modes,
       st.sampled_from([None, 0.9, 0.4]), st.booleans(), st.integers(0, 3))
def test_early_stopping(vals, patience, min_delta, mode, baseline, restore, start):
    kwargs = dict(monitor="val_loss", patience=patience, min_delta=min_delta, mode=mode,
                  baseline=baseline, restore_best_weights=restore, start_from_epoch=start)
    ours, theirs = nn_cb.EarlyStopping(**kwargs), keras.callbacks.EarlyStopping(**kwargs)
    assert drive(ours, vals) == drive(theirs, vals)
    assert (ours.stopped_epoch, ours.best_epoch, ours.wait) == \
           (theirs.stopped_epoch, theirs.best_epoch, theirs.wait)


@settings(max_examples=150)
@given(values, st.sampled_from([0.1, 0.5]), st.integers(0, 3), st.integers(0, 2),
       st.sampled_from([0.0, 0.01, 0.05]), st.sampled_from([1e-4, 0.0, 0.1]), modes)
def test_reduce_lr_on_plateau(vals, factor, patience, cooldown, min_lr, min_delta, mode):
    kwargs = dict(monitor="val_loss", factor=factor, patience=patience, cooldown=cooldown,
                  min_lr=min_lr, min_delta=min_delta, mode=mode)
    ours, theirs = nn_cb.ReduceLROnPlateau(**kwargs), keras.callbacks.ReduceLROnPlateau(**kwargs)
    a, b = drive(ours, vals), drive(theirs, vals)
    np.testing.assert_array_equal(a["lr"], b["lr"])


@settings(max_examples=100, deadline=None)
@given(values, st.booleans(), modes, st.sampled_from([None, 0.6]),
       st.sampled_from(["m-{epoch:02d}.keras", "m-{epoch}-{val_loss:.2f}.keras", "m.keras",
                        "w-{epoch}.weights.h5"]))
def test_model_checkpoint(tmp_path_factory, vals, best_only, mode, threshold, name):
    folder = tmp_path_factory.mktemp("ckpt")
    kwargs = dict(filepath=str(folder / name), monitor="val_loss", save_best_only=best_only,
                  save_weights_only=name.endswith(".weights.h5"), mode=mode,
                  initial_value_threshold=threshold)
    ours, theirs = nn_cb.ModelCheckpoint(**kwargs), keras.callbacks.ModelCheckpoint(**kwargs)
    assert drive(ours, vals)["saved"] == drive(theirs, vals)["saved"]


@pytest.mark.parametrize("save_freq", [1, 2, 3, 5])
def test_model_checkpoint_every_n_batches(tmp_path, save_freq):
    name = str(tmp_path / "m-{epoch}-{batch}.keras")
    ours = nn_cb.ModelCheckpoint(name, save_freq=save_freq)
    theirs = keras.callbacks.ModelCheckpoint(name, save_freq=save_freq)
    vals = [0.5, 0.4, 0.3]
    a, b = drive(ours, vals, batches=4), drive(theirs, vals, batches=4)
    assert a["saved"] == b["saved"] and a["saved"]


def test_model_checkpoint_auto_mode_on_an_accuracy():
    vals = [0.5, 0.7, 0.6, 0.9]
    kw = dict(monitor="val_accuracy", save_best_only=True)
    theirs = keras.callbacks.ModelCheckpoint("/tmp/x-{epoch}.keras", **kw)
    theirs.monitor_op = np.greater          # Keras learns "up" from the compiled metric object
    theirs.min_delta = 0
    ours = nn_cb.ModelCheckpoint("/tmp/x-{epoch}.keras", **kw)   # nnref: from the metric name
    assert drive(ours, vals, key="val_accuracy")["saved"] == \
        drive(theirs, vals, key="val_accuracy")["saved"] == ["x-1.keras", "x-2.keras", "x-4.keras"]


@settings(max_examples=40, deadline=None)
@given(values, st.booleans(), st.sampled_from([",", ";"]), st.booleans())
def test_csv_logger(tmp_path_factory, vals, with_val, separator, append):
    folder = tmp_path_factory.mktemp("csv")
    texts = []
    for make in (nn_cb.CSVLogger, keras.callbacks.CSVLogger):
        path = folder / f"{make.__module__.split('.')[0]}.csv"
        if append:
            path.write_text("")
        callback = make(str(path), separator=separator, append=append)
        extra = {"accuracy": 0.25}
        drive(callback, vals, key="val_loss" if with_val else "mae", extra=extra)
        texts.append(path.read_text())
    assert texts[0] == texts[1]


@pytest.mark.parametrize("raise_error", [False, True])
def test_terminate_on_nan(raise_error):
    vals = [0.5, 0.4, math.nan, 0.3]
    outcomes = []
    for make in (nn_cb.TerminateOnNaN, keras.callbacks.TerminateOnNaN):
        try:
            outcomes.append(drive(make(raise_error=raise_error), vals, batches=2)["stopped_at"])
        except RuntimeError as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1] == ("NaN or Inf loss encountered at batch 0. Loss value: "
                                          "nan. Terminating training immediately." if raise_error else 2)


@settings(max_examples=60)
@given(values, st.sampled_from(["sched", "one_arg"]))
def test_learning_rate_scheduler(vals, form):
    fn = (lambda epoch, lr: lr * 0.5 if epoch % 2 else lr) if form == "sched" else \
        (lambda epoch: 0.1 / (1 + epoch))
    a = drive(nn_cb.LearningRateScheduler(fn), vals)
    b = drive(keras.callbacks.LearningRateScheduler(fn), vals)
    np.testing.assert_array_equal(a["lr"], b["lr"])


def test_history_records_the_same_logs():
    vals = [0.5, 0.4, 0.45]
    ours, theirs = nn_cb.History(), keras.callbacks.History()
    drive(ours, vals, extra={"accuracy": 0.5})
    drive(theirs, vals, extra={"accuracy": 0.5})
    assert (ours.history, ours.epoch) == (theirs.history, theirs.epoch)


@pytest.mark.parametrize("save_freq, stop_after", [("epoch", 3), (2, 2), (3, 4)])
def test_backup_and_restore(tmp_path, save_freq, stop_after):
    """Interrupted after ``stop_after`` epochs, then resumed: the same metadata and restart."""
    results = []
    for make, folder in ((nn_cb.BackupAndRestore, tmp_path / "nn"), (keras.callbacks.BackupAndRestore, tmp_path / "k")):
        callback = make(str(folder), save_freq=save_freq)
        model = StubModel()
        callback.set_model(model)
        callback.on_train_begin({})
        for epoch in range(stop_after):
            model.epoch = epoch
            callback.on_epoch_begin(epoch, {})
            for batch in range(3):
                callback.on_train_batch_end(batch, {"loss": 1.0})
            callback.on_epoch_end(epoch, {"loss": 1.0})
        # interrupted: no on_train_end, the backup stays; a new run restores it
        meta = json.loads((folder / "training_metadata.json").read_text())
        resumed = StubModel()
        callback.set_model(resumed)
        callback.on_train_begin({})
        results.append((meta, resumed._initial_epoch, resumed.restored))
        callback.on_train_end({})
        results.append(folder.exists())
    assert results[0] == results[2] and results[1] == results[3] is False


def test_lambda_callback_calls_the_same_hooks():
    calls = {"nn": [], "keras": []}
    for key, module in (("nn", nn_cb), ("keras", keras.callbacks)):
        cb = module.LambdaCallback(
            on_epoch_end=lambda epoch, logs, k=key: calls[k].append(("epoch_end", epoch)),
            on_train_batch_end=lambda batch, logs, k=key: calls[k].append(("batch_end", batch)),
            on_train_end=lambda logs, k=key: calls[k].append(("train_end",)))
        drive(cb, [0.3, 0.2], batches=2)
    assert calls["nn"] == calls["keras"] and len(calls["nn"]) == 7
