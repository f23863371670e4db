"""BackupAndRestore resumes exactly: weights, optimizer state, learning-rate schedule position and
batch order are restored, so an interrupted and resumed ``fit`` equals an uninterrupted one bit
for bit (as Keras's docs show: a callback raises to interrupt, a fresh model resumes)."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from nnref import callbacks, layers, losses, optimizers, schedules
from nnref.callbacks.backup_and_restore import BackupMismatchError
from nnref.models import Sequential


def blobs(m=70, n=4, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 2, (classes, n))
    y = rng.integers(0, classes, m)
    return centers[y] + rng.normal(0, 1, (m, n)), y


OPTIMIZERS = {
    "sgd_momentum": lambda: optimizers.SGD(0.05, momentum=0.9),
    "sgd_nesterov_schedule": lambda: optimizers.SGD(
        schedules.ExponentialDecay(0.1, decay_steps=3, decay_rate=0.5), momentum=0.8, nesterov=True),
    "rmsprop": lambda: optimizers.RMSprop(0.01),
    "adam_course": lambda: optimizers.Adam(0.01, convention="course"),
    "adam_keras": lambda: optimizers.Adam(0.01, convention="keras"),
    "adadelta": lambda: optimizers.Adadelta(1.0),
}


def make_model(optimizer, dtype="float64"):
    model = Sequential([layers.Dense(6, activation="relu"), layers.Dense(3)],
                       input_dim=4, dtype=dtype, seed=5)
    model.compile(optimizer=optimizer, metrics=["accuracy"],
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


class InterruptAfter(callbacks.Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch
        self.logs = []                  # History runs after user callbacks, so it misses the last

    def on_epoch_end(self, epoch, logs=None):
        self.logs.append(dict(logs))
        if epoch == self.epoch:
            raise RuntimeError("Interrupting!")


def interrupt_adam_fit(folder, after=1, **backup_kwargs):
    """An Adam fit (4 epochs, seed 11) with a backup in ``folder``, interrupted after epoch ``after``."""
    x, y = blobs()
    with pytest.raises(RuntimeError, match="Interrupting"):
        make_model(optimizers.Adam(0.01)).fit(
            x, y, batch_size=16, epochs=4, verbose=0, seed=11,
            callbacks=[callbacks.BackupAndRestore(folder, **backup_kwargs), InterruptAfter(after)])
    return x, y


def straight_and_resumed(tmp_path, make_opt, save_freq="epoch", dtype="float64"):
    x, y = blobs()
    kwargs = dict(batch_size=16, epochs=4, verbose=0, seed=11)
    straight = make_model(make_opt(), dtype)
    hist = straight.fit(x, y, **kwargs).history
    folder = tmp_path / "backup"
    interrupt = InterruptAfter(1)
    with pytest.raises(RuntimeError, match="Interrupting"):
        make_model(make_opt(), dtype).fit(
            x, y, callbacks=[callbacks.BackupAndRestore(folder, save_freq=save_freq), interrupt],
            **kwargs)
    first_hist = {key: [logs[key] for logs in interrupt.logs] for key in interrupt.logs[0]}
    resumed = make_model(make_opt(), dtype)
    resumed_hist = resumed.fit(x, y, callbacks=[callbacks.BackupAndRestore(folder, save_freq=save_freq)],
                               **kwargs).history
    return straight, hist, first_hist, resumed, resumed_hist


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_interrupted_then_resumed_fit_equals_straight_fit_bit_for_bit(tmp_path, name):
    straight, hist, first_hist, resumed, resumed_hist = straight_and_resumed(tmp_path, OPTIMIZERS[name])
    for a, b in zip(straight.get_weights(), resumed.get_weights()):
        assert np.array_equal(a, b)
    for key in hist:
        assert first_hist[key] + resumed_hist[key] == hist[key]
        assert len(resumed_hist[key]) == 2                  # the resumed fit ran epochs 2 and 3
    assert resumed.optimizer.iterations == straight.optimizer.iterations == 4 * 5
    for a, b in zip(straight.optimizer.variables, resumed.optimizer.variables):
        assert np.array_equal(a, b)
    assert not (tmp_path / "backup").exists()                # deleted after the finished fit


def test_without_optimizer_state_adam_resume_differs(tmp_path):
    """The check above can fail: dropping the optimizer file from the backup changes the result."""
    x, y = blobs()
    kwargs = dict(batch_size=16, epochs=4, verbose=0, seed=11)
    straight = make_model(optimizers.Adam(0.01))
    straight.fit(x, y, **kwargs)
    folder = tmp_path / "backup"
    interrupt_adam_fit(folder)
    os.remove(folder / "latest.optimizer.npz")
    resumed = make_model(optimizers.Adam(0.01))
    resumed.fit(x, y, callbacks=[callbacks.BackupAndRestore(folder)], **kwargs)
    assert not np.array_equal(straight.get_weights()[0], resumed.get_weights()[0])


def test_mid_epoch_backup_resumes_from_the_interrupted_epochs_batch_order(tmp_path):
    """save_freq=2 batches: the last backup is from inside epoch 1; the resumed fit re-runs
    epoch 1 from those weights with epoch 1's batch order (not the next epoch's)."""
    x, y = blobs()
    folder = tmp_path / "backup"
    kwargs = dict(batch_size=16, epochs=4, verbose=0, seed=11)
    interrupt_adam_fit(folder, after=0, save_freq=2)
    meta = json.loads((folder / "training_metadata.json").read_text())
    assert meta == {"epoch": 0, "batch": 3}                   # Keras's metadata, unchanged
    rng_state = json.loads((folder / "fit_rng.json").read_text())
    assert rng_state == np.random.default_rng(11).bit_generator.state   # the start of epoch 0


@pytest.mark.parametrize("other", ["another_optimizer", "another_dtype"])
def test_mismatched_optimizer_state_is_refused_changing_nothing(tmp_path, other):
    x, y = blobs()
    folder = tmp_path / "backup"
    interrupt_adam_fit(folder, double_checkpoint=True)
    files = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert "latest.optimizer.npz.bkp" in files
    if other == "another_optimizer":
        model = make_model(optimizers.SGD(0.1, momentum=0.9))    # 1 state array per weight, not 2
    else:
        model = make_model(optimizers.Adam(0.01))
        with np.load(folder / "latest.optimizer.npz") as data:
            arrays = {k: data[k] if k == "iterations" else data[k].astype(np.float32)
                      for k in data.files}
        np.savez(folder / "latest.optimizer.npz", **arrays)   # float32 state, float64 model
    files = {p.name: p.read_bytes() for p in folder.iterdir()}
    before = model.get_weights()
    with pytest.raises(BackupMismatchError, match="latest.optimizer.npz"):
        model.fit(x, y, batch_size=16, epochs=4, verbose=0, seed=11,
                  callbacks=[callbacks.BackupAndRestore(folder, double_checkpoint=True)])
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == files
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert not model.optimizer.built and model.optimizer.iterations == 0


def test_unreadable_latest_falls_back_to_bkp_with_its_optimizer_state(tmp_path):
    x, y = blobs()
    folder = tmp_path / "backup"
    interrupt_adam_fit(folder, double_checkpoint=True, delete_checkpoint=False)
    (folder / "latest.optimizer.npz").write_bytes(b"torn")
    model = make_model(optimizers.Adam(0.01))
    seen = {}

    class Spy(callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen["iterations"] = self.model.optimizer.iterations

    model.fit(x, y, batch_size=16, epochs=4, verbose=0, seed=11,
              callbacks=[callbacks.BackupAndRestore(folder, delete_checkpoint=False), Spy()])
    assert seen["iterations"] == 5                              # the .bkp: after epoch 0
    assert len(model.history.history["loss"]) == 3              # resumed at epoch 1


def test_a_generator_of_another_kind_is_refused_changing_nothing(tmp_path):
    x, y = blobs()
    folder = tmp_path / "backup"
    interrupt_adam_fit(folder)
    files = {p.name: p.read_bytes() for p in folder.iterdir()}
    model = make_model(optimizers.Adam(0.01))
    before = model.get_weights()
    with pytest.raises(BackupMismatchError, match="PCG64"):
        model.fit(x, y, batch_size=16, epochs=4, verbose=0,
                  seed=np.random.Generator(np.random.MT19937(11)),
                  callbacks=[callbacks.BackupAndRestore(folder)])
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == files
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert not model.optimizer.built


@pytest.mark.parametrize("torn", ["latest.optimizer.npz", "fit_rng.json"])
def test_a_torn_state_file_falls_back_to_bkp(tmp_path, torn):
    x, y = blobs()
    folder = tmp_path / "backup"
    interrupt_adam_fit(folder, double_checkpoint=True)
    data = (folder / torn).read_bytes()
    (folder / torn).write_bytes(data[: len(data) // 2])       # a write cut in the middle
    model = make_model(optimizers.Adam(0.01))
    model.fit(x, y, batch_size=16, epochs=4, verbose=0, seed=11,
              callbacks=[callbacks.BackupAndRestore(folder, double_checkpoint=True)])
    assert len(model.history.history["loss"]) == 3              # resumed at epoch 1 (the .bkp)


def test_float32_adam_resume_is_exact_too(tmp_path):
    straight, hist, first_hist, resumed, resumed_hist = straight_and_resumed(
        tmp_path, lambda: optimizers.Adam(0.01, convention="keras"), dtype="float32")
    assert resumed.optimizer.variables[0].dtype == np.float32
    for a, b in zip(straight.get_weights() + straight.optimizer.variables,
                    resumed.get_weights() + resumed.optimizer.variables):
        assert np.array_equal(a, b)
    assert {k: first_hist[k] + resumed_hist[k] for k in hist} == hist
