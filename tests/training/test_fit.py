"""fit / evaluate / train_on_batch / callbacks on small synthetic problems (and one real one)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from nnref import callbacks, layers, losses, optimizers
from nnref.models import Sequential
from nnref.training import NonFiniteLossError


def blobs(m=90, n=5, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 3, (classes, n))
    y = rng.integers(0, classes, m)
    return centers[y] + rng.normal(0, 1, (m, n)), y


def make_model(seed=1, dtype="float64", lr=0.05, **dense_kwargs):
    model = Sequential([layers.Dense(8, activation="relu", **dense_kwargs), layers.Dropout(0.1),
                        layers.Dense(3)], input_dim=5, dtype=dtype, seed=seed)
    model.compile(optimizer=optimizers.Adam(lr), metrics=["accuracy"],
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def test_same_seed_gives_bit_identical_weights():
    x, y = blobs()
    runs = []
    for _ in range(2):
        model = make_model(seed=3)
        model.fit(x, y, batch_size=16, epochs=3, seed=7)
        runs.append(model.get_weights())
    for a, b in zip(*runs):
        assert np.array_equal(a, b)
    other = make_model(seed=3)
    other.fit(x, y, batch_size=16, epochs=3, seed=8)          # another batch order
    assert not np.array_equal(other.get_weights()[0], runs[0][0])


def test_fit_learns_and_reports_history():
    x, y = blobs(m=150)
    model = make_model()
    history = model.fit(x, y, batch_size=32, epochs=15, seed=0, validation_data=(x, y))
    h = history.history
    assert set(h) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(h["loss"]) == 15 and h["loss"][-1] < h["loss"][0]
    assert h["val_accuracy"][-1] > 0.9
    assert model.optimizer.iterations == 15 * math.ceil(150 / 32)
    assert model.evaluate(x, y)["accuracy"] == pytest.approx(h["val_accuracy"][-1], abs=0)


def test_epoch_loss_is_the_batch_size_weighted_mean_of_step_losses():
    x, y = blobs(m=40)
    a, b = make_model(seed=2), make_model(seed=2)
    history = a.fit(x, y, batch_size=16, epochs=1, shuffle=False)
    steps = [b.train_on_batch(x[i:i + 16], y[i:i + 16]) for i in range(0, 40, 16)]
    expected = (steps[0] * 16 + steps[1] * 16 + steps[2] * 8) / 40
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-12)


def test_train_on_batch_returns_the_loss_before_the_step():
    x, y = blobs(m=20)
    model = make_model()
    model.layers[1].rate = 0.0                                # deterministic forward
    before = model.evaluate(x, y)["loss"]
    assert model.train_on_batch(x, y) == pytest.approx(before, rel=1e-12)
    assert model.evaluate(x, y)["loss"] < before


def test_reported_loss_counts_the_regularization_penalty():
    x, y = blobs(m=20)
    model = make_model(kernel_regularizer=None)
    reg = make_model(kernel_regularizer=__import__("nnref").regularizers.L2(0.5))
    for mdl in (model, reg):
        mdl.layers[1].rate = 0.0
    W = reg.layers[0].kernel
    penalty = 0.5 * np.sum(W ** 2)
    assert reg.evaluate(x, y)["loss"] == pytest.approx(model.evaluate(x, y)["loss"] + penalty, rel=1e-12)


def test_early_stopping_restores_the_best_weights():
    x, y = blobs(m=60)
    model = make_model(lr=0.5)                                # big steps: val loss goes up and down
    snapshots = []

    class Snap(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            snapshots.append((logs["val_loss"], self.model.get_weights()))

    stop = callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    model.fit(x, y, batch_size=8, epochs=40, seed=0, validation_data=(x[:20], y[:20]),
              callbacks=[Snap(), stop])
    best = min(range(len(snapshots)), key=lambda i: snapshots[i][0])
    assert stop.best_epoch == best
    for w, w_best in zip(model.get_weights(), snapshots[best][1]):
        assert np.array_equal(w, w_best)
    if stop.stopped_epoch > 0:                                 # Keras's rule: wait >= patience
        assert stop.stopped_epoch - stop.best_epoch == 2


def test_early_stopping_stops_when_nothing_improves():
    x, y = blobs(m=30)
    model = make_model(lr=1e-12)                              # effectively frozen
    stop = callbacks.EarlyStopping(monitor="loss", patience=1, min_delta=1.0)
    history = model.fit(x, y, epochs=10, callbacks=[stop], seed=0)
    assert len(history.history["loss"]) == 2 and stop.stopped_epoch == 1


def test_learning_rate_scheduler_sets_the_rate_per_epoch():
    x, y = blobs(m=30)
    model = make_model(lr=0.1)
    seen = []

    class Record(callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            seen.append(self.model.optimizer.learning_rate)

    sched = callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (1 + epoch))
    history = model.fit(x, y, epochs=3, callbacks=[sched, Record()], seed=0)
    assert seen == [0.1, 0.05, 0.1 / 3]
    assert history.history["learning_rate"] == seen


def test_learning_rate_scheduler_rejects_non_positive_rates():
    x, y = blobs(m=30)
    model = make_model()
    with pytest.raises(ValueError, match=r"rate > 0.*Received: learning_rate=0.0 at epoch 1"):
        model.fit(x, y, epochs=3, callbacks=[callbacks.LearningRateScheduler(lambda e, lr: 0.1 if e == 0 else 0.0)])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_non_finite_loss_names_the_epoch_and_step():
    x, y = blobs(m=64)
    model = make_model(lr=1e300)
    model.optimizer = optimizers.SGD(1e300)
    with pytest.raises(NonFiniteLossError, match=r"epoch \d+, step \d+ of 4"):
        model.fit(x, y, batch_size=16, epochs=5, seed=0)


def test_augment_is_applied_to_every_training_batch():
    x, y = blobs(m=40)
    model = make_model()
    sizes = []

    def augment(xb, rng):
        sizes.append(len(xb))
        return xb + 0.0

    model.fit(x, y, batch_size=16, epochs=2, augment=augment, seed=0)
    assert sizes == [16, 16, 8] * 2


@pytest.mark.parametrize("kwargs, message", [
    (dict(batch_size=0), "batch_size must be an integer >= 1. Received: batch_size=0"),
    (dict(epochs=-1), "epochs must be an integer >= 0. Received: epochs=-1"),
    (dict(verbose=3), "verbose must be 'auto', 0, 1 or 2. Received: verbose=3"),
])
def test_fit_validates_arguments(kwargs, message):
    x, y = blobs(m=10)
    with pytest.raises(ValueError, match=message):
        make_model().fit(x, y, **kwargs)


def test_mismatched_x_and_y_lengths():
    x, y = blobs(m=10)
    with pytest.raises(ValueError, match=r"same number of examples.*x.shape=\(10, 5\), y.shape=\(9,\)"):
        make_model().fit(x, y[:9])


def test_fit_needs_compile():
    x, y = blobs(m=10)
    model = Sequential([layers.Dense(3)], input_dim=5)
    with pytest.raises(ValueError, match="compile"):
        model.fit(x, y)


def test_float32_training_stays_float32():
    x, y = blobs(m=40)
    model = make_model(dtype="float32")
    model.fit(x, y, epochs=2, seed=0)
    assert all(w.dtype == np.float32 for w in model.weights)
    assert all(g.dtype == np.float32 for g in model.gradients())
