"""fit / evaluate / predict with Keras 3's arguments, order, defaults and rules."""
from __future__ import annotations

import math

import numpy as np
import pytest

from nnref import callbacks, layers, losses, optimizers
from nnref.models import Sequential


def blobs(m=90, n=5, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 3, (classes, n))
    y = rng.integers(0, classes, m)
    return centers[y] + rng.normal(0, 1, (m, n)), y


def make_model(seed=1, metrics=("accuracy",), loss=None, units=3):
    model = Sequential([layers.Dense(8, activation="relu"), layers.Dense(units)], input_dim=5,
                       seed=seed)
    model.compile(optimizers.SGD(0.05), loss or losses.SparseCategoricalCrossentropy(from_logits=True),
                  list(metrics))
    return model


class Recorder(callbacks.Callback):
    """Every hook call, with its index and a copy of its logs' keys."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def __getattribute__(self, name):
        if name.startswith("on_") and name not in ("on_batch_begin", "on_batch_end"):
            def record(*args, **kwargs):
                logs = kwargs.get("logs", args[-1] if args and isinstance(args[-1], (dict, type(None))) else None)
                index = args[0] if args and isinstance(args[0], int) else None
                self.calls.append((name, index, None if logs is None else sorted(logs)))
            return record
        return super().__getattribute__(name)


def test_keras_positional_order_and_history_params():
    x, y = blobs()
    model = make_model()
    history = model.fit(x, y, 16, 3, 0)                       # batch_size, epochs, verbose
    assert history.params == {"verbose": 0, "epochs": 3, "steps": math.ceil(90 / 16)}
    assert history.epoch == [0, 1, 2] and model.optimizer.iterations == 3 * 6
    assert model.history is history


def test_hooks_are_called_in_keras_order_with_logs():
    x, y = blobs(m=20)
    rec = Recorder()
    make_model().fit(x, y, batch_size=8, epochs=1, verbose=0, validation_data=(x[:10], y[:10]),
                     callbacks=[rec])
    names = [c[0] for c in rec.calls]
    assert names == ["on_train_begin", "on_epoch_begin",
                     *["on_train_batch_begin", "on_train_batch_end"] * 3,
                     "on_test_begin", *["on_test_batch_begin", "on_test_batch_end"] * 2,  # batch_size 8
                     "on_test_end", "on_epoch_end", "on_train_end"]
    batch_ends = [c for c in rec.calls if c[0] == "on_train_batch_end"]
    assert [c[1] for c in batch_ends] == [0, 1, 2] and batch_ends[0][2] == ["accuracy", "loss"]
    assert rec.calls[-2][2] == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert all(c[2] is not None for c in rec.calls)


def test_batch_logs_are_running_means_and_the_last_is_the_epoch_value():
    x, y = blobs(m=40)
    seen = []
    cb = callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(dict(logs)))
    history = make_model().fit(x, y, batch_size=16, epochs=1, verbose=0, shuffle=False, callbacks=cb)
    assert seen[-1] == {"loss": history.history["loss"][0], "accuracy": history.history["accuracy"][0]}


def test_every_hook_gets_a_logs_dict_positionally_as_keras():
    got = []

    class Strict(callbacks.Callback):
        def on_train_begin(self, logs):                       # no default: Keras passes it
            got.append(logs)

    x, y = blobs(m=10)
    make_model().fit(x, y, epochs=1, verbose=0, callbacks=[Strict()])
    assert got == [{}]                                          # Keras: pythonify_logs(None)


def test_validation_split_takes_the_last_rows_before_shuffling():
    x, y = blobs(m=50)
    a = make_model().fit(x, y, batch_size=8, epochs=2, verbose=0, seed=3, validation_split=0.2)
    b = make_model().fit(x[:40], y[:40], batch_size=8, epochs=2, verbose=0, seed=3,
                         validation_data=(x[40:], y[40:]))
    assert a.history == b.history and a.params["steps"] == 5


def test_validation_split_too_small_is_refused_before_training():
    x, y = blobs(m=3)
    model = make_model()
    before = model.get_weights()
    with pytest.raises(ValueError, match="Training data contains 3 samples.*validation_split=0.9"):
        model.fit(x, y, validation_split=0.9, verbose=0)             # ⌊3·0.1⌋ = 0 rows to train
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_initial_epoch_resumes_at_that_epoch():
    x, y = blobs(m=20)
    history = make_model().fit(x, y, epochs=5, initial_epoch=3, verbose=0)
    assert history.epoch == [3, 4]


def test_sample_weight_weighs_each_example_loss_divided_by_the_batch_size():
    x, y = blobs(m=12)
    w = np.random.default_rng(5).uniform(0, 3, 12)
    model = make_model(metrics=())
    out = model.predict(x, verbose=0)
    per_example = -np.log(np.exp(out[np.arange(12), y]) / np.exp(out).sum(axis=1))
    assert model.evaluate(x, y, sample_weight=w, verbose=0)["loss"] == \
        pytest.approx(np.dot(w, per_example) / 12, rel=1e-12)
    assert model.train_on_batch(x, y, sample_weight=w) == pytest.approx(np.dot(w, per_example) / 12, rel=1e-12)


def test_class_weight_is_sample_weight_by_class():
    x, y = blobs(m=30)
    cw = {0: 0.5, 1: 2.0}                                    # class 2 weighs 1.0 (Keras)
    a = make_model().fit(x, y, batch_size=8, epochs=2, verbose=0, seed=1, class_weight=cw)
    b = make_model().fit(x, y, batch_size=8, epochs=2, verbose=0, seed=1,
                         sample_weight=np.array([cw.get(int(c), 1.0) for c in y]))
    assert a.history == b.history
    with pytest.raises(ValueError, match="`sample_weight` and `class_weight` cannot be specified"):
        make_model().fit(x, y, class_weight=cw, sample_weight=np.ones(30), verbose=0)


def test_metrics_are_unweighted_as_keras():
    x, y = blobs(m=30)
    model = make_model()
    plain = model.evaluate(x, y, verbose=0)
    weighted = model.evaluate(x, y, sample_weight=np.linspace(0, 2, 30), verbose=0)
    assert weighted["accuracy"] == plain["accuracy"] and weighted["loss"] != plain["loss"]


@pytest.mark.parametrize("bad, message", [
    (np.ones(29), r"sample_weight must be 30 numbers.*shape \(29,\)"),
    (-np.ones(30), "sample_weight must be finite and >= 0"),
    (np.full(30, np.nan), "sample_weight must be finite and >= 0"),
])
def test_bad_sample_weight(bad, message):
    x, y = blobs(m=30)
    with pytest.raises(ValueError, match=message):
        make_model().fit(x, y, sample_weight=bad, verbose=0)


def test_evaluate_dict_by_default_and_keras_list_on_request():
    x, y = blobs(m=40)
    model = make_model(metrics=("accuracy", "mae"))
    logs = model.evaluate(x, y, verbose=0)
    assert list(logs) == ["loss", "accuracy", "mae"]
    assert model.evaluate(x, y, verbose=0, return_dict=False) == list(logs.values())
    assert model.metrics_names == ["loss", "accuracy", "mae"]
    only_loss = make_model(metrics=())
    assert only_loss.evaluate(x, y, verbose=0, return_dict=False) == only_loss.evaluate(x, y, verbose=0)["loss"]


def test_evaluate_is_the_batch_size_weighted_mean_of_batch_losses():
    x, y = blobs(m=40)
    model = make_model(metrics=())
    parts = [model.evaluate(x[i:i + 32], y[i:i + 32], verbose=0)["loss"] for i in (0, 32)]
    assert model.evaluate(x, y, verbose=0)["loss"] == pytest.approx((parts[0] * 32 + parts[1] * 8) / 40, rel=1e-15)


def test_predict_runs_in_batches_of_32_by_default():
    x, _ = blobs(m=70)
    sizes = []
    cb = callbacks.LambdaCallback(on_predict_batch_end=lambda b, logs: sizes.append(len(logs["outputs"])))
    model = make_model()
    out = model.predict(x, verbose=0, callbacks=[cb])
    assert sizes == [32, 32, 6]
    np.testing.assert_array_equal(out, np.concatenate([model(x[i:i + 32]) for i in (0, 32, 64)]))


def test_verbose_auto_shows_a_tqdm_bar_per_epoch(capsys):
    x, y = blobs(m=20)
    make_model().fit(x, y, batch_size=10, epochs=2)             # verbose="auto"
    err = capsys.readouterr().err
    assert "Epoch 1/2" in err and "Epoch 2/2" in err and "2/2" in err


def test_verbose_2_prints_one_line_per_epoch(capsys):
    x, y = blobs(m=20)
    make_model().fit(x, y, epochs=2, verbose=2)
    lines = [l for l in capsys.readouterr().out.splitlines() if l.startswith("Epoch")]
    assert len(lines) == 2 and "loss:" in lines[0] and "accuracy:" in lines[0]


def test_terminate_on_nan_stops_gracefully_where_fit_would_raise():
    x, y = blobs(m=64)
    model = make_model()
    model.optimizer = optimizers.SGD(1e300)
    ended = []
    with np.errstate(all="ignore"):
        history = model.fit(x, y, batch_size=16, epochs=5, verbose=0, seed=0,
                            callbacks=[callbacks.TerminateOnNaN(),
                                       callbacks.LambdaCallback(on_train_end=lambda logs: ended.append(1))])
    assert ended == [1] and len(history.epoch) >= 1
    assert not math.isfinite(history.history["loss"][-1])


def test_model_checkpoint_in_fit_saves_the_best_epochs(tmp_path):
    x, y = blobs(m=60)
    model = make_model()
    model.optimizer = optimizers.SGD(0.5)
    ckpt = callbacks.ModelCheckpoint(str(tmp_path / "m-{epoch:02d}-{val_loss:.3f}.keras"),
                                     save_best_only=True)
    history = model.fit(x, y, batch_size=8, epochs=6, verbose=0, seed=0,
                        validation_data=(x[:20], y[:20]), callbacks=[ckpt])
    best, expected = math.inf, []
    for epoch, v in enumerate(history.history["val_loss"]):
        if v < best:
            best = v
            expected.append(f"m-{epoch + 1:02d}-{v:.3f}.keras")
    assert sorted(p.name for p in tmp_path.iterdir()) == expected


def test_backup_and_restore_resumes_to_the_uninterrupted_result(tmp_path):
    """Plain SGD has no optimizer state, so a resumed run equals one that never stopped."""
    x, y = blobs(m=40)
    straight = make_model(metrics=())
    straight.fit(x, y, batch_size=8, epochs=4, verbose=0, shuffle=False)

    class Crash(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt

    model = make_model(metrics=())
    backup = callbacks.BackupAndRestore(str(tmp_path / "backup"))
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, batch_size=8, epochs=4, verbose=0, shuffle=False, callbacks=[backup, Crash()])
    resumed = make_model(metrics=())
    history = resumed.fit(x, y, batch_size=8, epochs=4, verbose=0, shuffle=False, callbacks=[backup])
    assert history.epoch == [2, 3] and not (tmp_path / "backup").exists()
    for a, b in zip(resumed.get_weights(), straight.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_reduce_lr_on_plateau_in_fit_logs_the_rate():
    x, y = blobs(m=30)
    model = make_model()
    model.optimizer = optimizers.SGD(1e-12)                       # frozen: the loss plateaus
    history = model.fit(x, y, epochs=4, verbose=0, callbacks=[
        callbacks.ReduceLROnPlateau(monitor="loss", patience=1, factor=0.5, min_delta=1.0)])
    # Keras logs the rate of the epoch that just ran, then reduces it for the next one
    assert history.history["learning_rate"] == [1e-12, 1e-12, 5e-13, 2.5e-13]
    assert model.optimizer.learning_rate == 1.25e-13


def test_csv_logger_in_fit(tmp_path):
    x, y = blobs(m=30)
    make_model().fit(x, y, epochs=2, verbose=0, callbacks=[callbacks.CSVLogger(tmp_path / "log.csv")])
    lines = (tmp_path / "log.csv").read_text().splitlines()
    assert lines[0] == "epoch,accuracy,loss,val_accuracy,val_loss" and len(lines) == 3
    assert lines[1].startswith("0,") and lines[1].endswith(",NA,NA")


def test_steps_per_epoch_walks_through_the_data_across_epochs_as_keras():
    """Keras 3 on arrays: epochs take the next batches of one pass; a pass that ends mid-epoch
    ends that epoch (with a warning), and the next epoch starts a new pass."""
    x, y = blobs(m=40)                                          # 5 batches of 8 per pass
    rows = []
    model = make_model()
    augment = lambda xb, rng: (rows.append(len(xb)), xb)[1]
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(x, y, batch_size=8, epochs=3, steps_per_epoch=3, verbose=0,
                            augment=augment)
    assert model.optimizer.iterations == 3 + 2 + 3 and history.params["steps"] == 3


def test_evaluate_and_predict_steps_take_the_first_batches():
    x, y = blobs(m=40)
    model = make_model()
    np.testing.assert_array_equal(model.predict(x, batch_size=8, steps=2, verbose=0), model.predict(x[:16], verbose=0))
    assert model.evaluate(x, y, batch_size=8, steps=2, verbose=0) == model.evaluate(x[:16], y[:16], batch_size=8, verbose=0)


def test_evaluate_dict_answers_keras_list_indexing():
    x, y = blobs(m=20)
    model = make_model(metrics=("accuracy",))
    score = model.evaluate(x, y, verbose=0)
    assert isinstance(score, dict) and (score[0], score[1]) == (score["loss"], score["accuracy"])
    with pytest.raises(IndexError):
        score[2]


def test_a_hook_left_as_callbacks_no_op_is_skipped_and_every_other_form_is_called(monkeypatch):
    """A step converts no logs when no callback does anything with its batch hooks (Keras skips
    them too); a hook overridden in a class, through ``on_batch_end``, on the instance or by
    ``__getattribute__`` (``Recorder``) is still called at every step."""
    from nnref.callbacks import base

    conversions = []
    real = base._python_logs
    monkeypatch.setattr(base, "_python_logs", lambda logs: conversions.append(1) or real(logs))
    x, y = blobs(m=32)
    epoch_only = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: None)
    make_model().fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[epoch_only])
    assert len(conversions) <= 4       # train and epoch begin/end at most; the 8 batch calls none

    class ByFallback(callbacks.Callback):
        def on_batch_end(self, batch, logs=None):
            self.seen = getattr(self, "seen", 0) + 1

    on_instance = callbacks.Callback()
    on_instance.on_train_batch_begin = lambda batch, logs=None: steps.append(batch)
    steps, rec, fallback = [], Recorder(), ByFallback()
    make_model().fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[rec, fallback, on_instance])
    assert steps == [0, 1, 2, 3] and fallback.seen == 4
    assert [c[0] for c in rec.calls].count("on_train_batch_end") == 4
