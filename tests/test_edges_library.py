"""The library's edges, tried as a new user would: each bad call raises an error naming the
argument, and changes nothing (weights, moving statistics, optimizer state are as before)."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from nnref import augment, callbacks, gradcheck, layers, losses, optimizers
from nnref.models import Sequential


def _model(batchnorm=True, seed=0, compiled=True):
    stack = [layers.Dense(4, activation="relu")]
    if batchnorm:
        stack.append(layers.BatchNormalization())
    stack.append(layers.Dense(3))
    model = Sequential(stack, input_dim=5, seed=seed)
    if compiled:
        model.compile(optimizer=optimizers.Adam(1e-2),
                      loss=losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


def _data(m=12, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, 5)), rng.integers(0, 3, m)


def _same(a, b):
    return len(a) == len(b) and all(np.array_equal(u, v) for u, v in zip(a, b))


# ----------------------------------------------------------------------------- a failed call changes nothing
@pytest.mark.parametrize("bad_y", [np.array([0, 1, 7] * 4), np.array([0.5] * 12), np.zeros(11, int),
                                   np.array(["a"] * 12)])
def test_loss_and_gradients_with_bad_labels_changes_no_state(bad_y):
    model, (x, _) = _model(), _data()
    before = model.get_weights()
    with pytest.raises((ValueError, TypeError), match="y"):
        model.loss_and_gradients(x, bad_y)
    assert _same(model.get_weights(), before)      # moving mean/variance untouched


def test_fit_with_bad_labels_changes_nothing():
    model, (x, _) = _model(), _data()
    before = model.get_weights()
    with pytest.raises(ValueError):
        model.fit(x, np.full(12, 5), epochs=1)
    assert _same(model.get_weights(), before)
    assert model.optimizer.iterations == 0


def test_layer_cannot_join_a_second_model():
    first = _model()
    shared = first.layers[0]
    before = first.get_weights()
    with pytest.raises(ValueError, match="already belongs to model 'sequential'"):
        Sequential([shared, layers.Dense(2)], input_dim=7)
    with pytest.raises(ValueError, match="already belongs"):
        Sequential(input_dim=None).add(shared)
    assert _same(first.get_weights(), before)
    assert first.predict(_data()[0]).shape == (12, 3)


def test_same_layer_twice_in_one_model_is_refused_and_nothing_is_claimed():
    dense, other = layers.Dense(3), layers.Dense(2)
    with pytest.raises(ValueError, match="already belongs to this model"):
        Sequential([other, dense, dense])
    Sequential([other, dense], input_dim=4)       # the failed call claimed neither layer


def test_unbuilt_layer_of_an_unbuilt_model_is_refused_too():
    dense = layers.Dense(3)
    Sequential([dense])
    with pytest.raises(ValueError, match="already belongs"):
        Sequential([dense])


# ----------------------------------------------------------------------------- argument checks
BAD_BATCH_SIZES = [(0, ValueError), (-5, ValueError), (2.5, TypeError), ("8", TypeError), (True, TypeError)]


@pytest.mark.parametrize("value, error", BAD_BATCH_SIZES)
def test_predict_and_evaluate_batch_size(value, error):
    model, (x, y) = _model(), _data()
    with pytest.raises(error, match=rf"batch_size must be an integer >= 1. Received: batch_size={value!r}"):
        model.predict(x, batch_size=value)
    with pytest.raises(error, match="batch_size must be an integer >= 1"):
        model.evaluate(x, y, batch_size=value)
    with pytest.raises(ValueError, match="batch_size"):   # also a ValueError, for callers catching that
        model.predict(x, batch_size=value)


def test_empty_inputs_are_refused_by_name():
    model = _model()
    x0, y0 = np.zeros((0, 5)), np.zeros(0, int)
    with pytest.raises(ValueError, match=r"x must hold at least one example. Received: x.shape=\(0, 5\)"):
        model.evaluate(x0, y0)
    with pytest.raises(ValueError, match=r"x must hold at least one example"):
        model.fit(x0, y0)
    x, y = _data()
    with pytest.raises(ValueError, match=r"x_val must hold at least one example"):
        model.fit(x, y, validation_data=(x0, y0))


@pytest.mark.parametrize("seed", [-1, "abc", 1.5, True])
def test_bad_seeds(seed):
    with pytest.raises(ValueError, match=rf"seed must be .*Received: seed={seed!r}"):
        Sequential([layers.Dense(2)], seed=seed)
    model, (x, y) = _model(), _data()
    before = model.get_weights()
    with pytest.raises(ValueError, match="seed"):
        model.fit(x, y, seed=seed)
    assert _same(model.get_weights(), before)


@pytest.mark.parametrize("kwargs, name", [({"max_coords": -1}, "max_coords"), ({"max_coords": 0, "directions": 0}, "directions"),
                                          ({"max_coords": 2.5}, "max_coords"), ({"directions": -1}, "directions"),
                                          ({"seed": -1}, "seed"), ({"epsilon": 0}, "epsilon"),
                                          ({"epsilon": math.nan}, "epsilon")])
def test_gradcheck_arguments(kwargs, name):
    model, (x, y) = _model(), _data()
    before = model.get_weights()
    with pytest.raises(ValueError, match=rf"{name} must be .*Received: {name}="):
        gradcheck.check_model(model, x, y, **kwargs)
    assert _same(model.get_weights(), before)


def test_gradcheck_max_coords_zero_makes_only_the_directional_checks():
    model, (x, y) = _model(), _data()
    results = gradcheck.check_model(model, x, y, max_coords=0, directions=2)
    assert [r.name for r in results] == ["direction_0", "direction_1"]
    assert all(r.relative_difference < 1e-7 for r in results)


@pytest.mark.parametrize("arg", ["flip", "rot90", "rotation"])
def test_random_augment_names_its_argument(arg):
    with pytest.raises(ValueError, match=rf"{arg} must be a probability in \[0, 1\]. Received: {arg}=1.5"):
        augment.RandomAugment(**{arg: 1.5})


# ----------------------------------------------------------------------------- non-finite state
@pytest.mark.parametrize("index, value, message", [(0, np.nan, "weight 0 must be finite"),
                                                   (1, np.inf, "weight 1 must be finite"),
                                                   (5, -1.0, "moving_variance"),
                                                   (4, np.nan, "weight 2 must be finite")])
def test_set_weights_refuses_non_finite_and_negative_variance(index, value, message):
    model = _model()
    before = model.get_weights()
    ws = model.get_weights()
    ws[index] = np.full_like(ws[index], value)
    with pytest.raises(ValueError, match=message):
        model.set_weights(ws)
    assert _same(model.get_weights(), before)


def test_load_weights_refuses_non_finite(tmp_path):
    model, other = _model(), _model(seed=1)
    ws = model.get_weights()
    ws[5] = -np.ones_like(ws[5])
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    import h5py                                      # write a bad file the way another tool might
    with h5py.File(path, "r+") as f:
        f["layers/batch_normalization/vars/3"][...] = -1.0
        f["layers/dense/vars/0"][0, 0] = np.nan
    before = other.get_weights()
    with pytest.raises(ValueError, match=rf"{path}.*must be finite"):
        other.load_weights(path)
    assert _same(other.get_weights(), before)


def test_huge_inputs_stop_before_the_moving_variance_is_inf():
    model, (x, y) = _model(), _data()
    before = model.get_weights()
    with pytest.raises(FloatingPointError, match="batch mean or variance is not finite"):
        model.fit(x * 1e200, y, epochs=1, batch_size=12)
    after = model.get_weights()
    assert all(np.isfinite(w).all() for w in after)
    assert _same(after[2:6], before[2:6])            # gamma, beta, moving statistics unchanged


def test_no_accuracy_is_computed_from_nan():
    model = _model(batchnorm=False)
    model.layers[0].kernel[...] = 1e308               # finite weights whose outputs overflow
    x, y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        logs = model.evaluate(np.abs(x) + 2, y)
        assert not np.isfinite(model.predict(np.abs(x) + 2)).all()
    assert math.isnan(logs["accuracy"])


# ----------------------------------------------------------------------------- Keras's forms accepted
def test_compile_metrics_single_string():
    model = _model(compiled=False)
    model.compile(optimizer="sgd", loss=losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics="accuracy")
    assert model.metrics == ["accuracy"]
    with pytest.raises(ValueError, match="Unknown metric"):
        model.compile(optimizer="sgd", loss="mse", metrics="f1_score")   # "acc" and "mse" exist now


def test_single_callback_not_in_a_list():
    model, (x, y) = _model(), _data()
    stop = callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=1e9)
    history = model.fit(x, y, epochs=5, callbacks=stop)
    assert stop.model is model
    assert len(history.history["loss"]) == 2          # stopped after the second epoch, as Keras


def test_early_stopping_on_val_without_validation_data_fails_before_training():
    model, (x, y) = _model(), _data()
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"EarlyStopping monitors 'val_loss', which needs validation_data"):
        model.fit(x, y, epochs=3, callbacks=[callbacks.EarlyStopping()])
    assert _same(model.get_weights(), before)
    assert model.optimizer.iterations == 0


def test_learning_rate_scheduler_one_argument_form():
    model, (x, y) = _model(), _data()
    seen = []
    sched = callbacks.LearningRateScheduler(lambda epoch: seen.append(epoch) or 0.1 / (1 + epoch))
    history = model.fit(x, y, epochs=3, callbacks=[sched])
    assert seen == [0, 1, 2]
    assert history.history["learning_rate"] == [0.1, 0.05, 0.1 / 3]
    two = callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    model.fit(x, y, epochs=1, callbacks=[two])
    assert model.optimizer.learning_rate == 0.1 / 3 * 0.5
    with pytest.raises(TypeError, match=r"schedule must take \(epoch\) or \(epoch, lr\)"):
        callbacks.LearningRateScheduler(lambda: 0.1)


# ----------------------------------------------------------------------------- properties
@settings(max_examples=25, deadline=None)
@given(m=st.integers(1, 9), n_bad=st.integers(1, 3), seed=st.integers(0, 2**16))
def test_any_failed_label_check_leaves_the_model_as_it_was(m, n_bad, seed):
    model = _model(seed=seed)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((m, 5))
    y = rng.integers(0, 3, m)
    y[: min(n_bad, m)] = 3 + rng.integers(0, 5)       # out of range labels
    before = model.get_weights()
    with pytest.raises(ValueError):
        model.loss_and_gradients(x, y)
    with pytest.raises(ValueError):
        model.train_on_batch(x, y)
    assert _same(model.get_weights(), before)


@pytest.mark.parametrize("seed", [-1, "abc", 2.5])
def test_dropout_seed_is_checked(seed):
    with pytest.raises(ValueError, match=rf"seed .*Received: seed={seed!r}"):
        layers.Dropout(0.5, seed=seed)


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(st.text(max_size=8), st.floats(allow_nan=True, allow_infinity=True).map(repr),
                      st.integers(-10**6, 10**6).map(str)))
def test_cli_number_types_accept_exactly_their_range(text):
    import argparse

    from nnref._cli_args import non_negative_int, positive_float, probability_below_one

    for parse, ok in ((non_negative_int, lambda v: isinstance(v, int) and v >= 0),
                      (positive_float, lambda v: math.isfinite(v) and v > 0),
                      (probability_below_one, lambda v: 0 <= v < 1)):
        try:
            value = parse(text)
        except argparse.ArgumentTypeError as exc:
            assert f"Received: {text!r}" in str(exc)
        else:
            assert ok(value), (parse, text, value)


def test_tuning_comparison_wording():
    from nnref.tuning.cli import compare_to_default

    assert compare_to_default(0.70, 0.7139) == ("best found does not beat the course default: "
                                                "0.7000 vs 0.7139 (0.0139 lower)")
    assert compare_to_default(0.75, 0.70).startswith("best found beats the course default by 0.0500")
    assert "-" not in compare_to_default(0.5, 0.9)


@pytest.mark.parametrize("kwargs, message", [({"metrics": 5}, "metrics must be a metric name or a list"),
                                             ({"metrics": {"accuracy"}}, "metrics must be a metric name")])
def test_compile_metrics_of_another_type(kwargs, message):
    model = _model(compiled=False)
    with pytest.raises(TypeError, match=message):
        model.compile(optimizer="sgd", loss="mse", **kwargs)


def test_callbacks_of_another_type():
    model, (x, y) = _model(), _data()
    with pytest.raises(TypeError, match=r"callbacks must be a Callback or a list of them. Received: callbacks='abc'"):
        model.fit(x, y, callbacks="abc")
    assert model.optimizer.iterations == 0


@pytest.mark.parametrize("call", [
    lambda m, x, y: m(x, training="no"),
    lambda m, x, y: m.loss_and_gradients(x, y, training="no"),
    lambda m, x, y: m.fit(x, y, shuffle="yes", verbose=0),
])
def test_truthy_stand_ins_for_booleans_are_refused(call):
    model, (x, y) = _model(), _data()
    before = model.get_weights()
    with pytest.raises(TypeError, match=r"must be True or False. Received: \w+='(no|yes)'"):
        call(model, x, y)
    assert _same(model.get_weights(), before)


def test_sequential_layers_must_be_a_list():
    with pytest.raises(TypeError, match="layers must be a list of nnref layers"):
        Sequential(layers.Dense(3))


def test_dataset_verify_must_be_a_bool():
    from nnref.datasets import load_signs

    with pytest.raises(TypeError, match="verify must be True or False. Received: verify='yes'"):
        load_signs(verify="yes")


def test_optimizer_set_variables_checks_all_before_changing_any():
    model, (x, y) = _model(), _data()
    model.fit(x, y, epochs=1, verbose=0)
    opt = model.optimizer
    before = [v.copy() for v in opt.variables]
    bad = [v + 1 for v in before]
    bad[-1] = np.full_like(bad[-1], np.nan)
    with pytest.raises(ValueError, match=rf"values\[{len(bad) - 1}\] must be finite"):
        opt.set_variables(bad)
    assert _same(opt.variables, before)


@settings(max_examples=20, deadline=None)
@given(in_path=st.sets(st.sampled_from(["train_signs.h5", "test_signs.h5"])),
       in_sub=st.booleans(), env_full=st.booleans(), cwd_full=st.booleans())
def test_an_explicit_path_is_the_only_place_looked_at(tmp_path_factory, in_path, in_sub, env_full,
                                                      cwd_full):
    from test_datasets import write_set, write_split

    from nnref.datasets import load_signs

    root = tmp_path_factory.mktemp("data")
    given_folder = root / "given"
    given_folder.mkdir()
    for name in in_path:                                  # label 1: the files the user pointed at
        write_split(given_folder / name, name.split("_")[0], 3, label=1)
    if in_sub:
        write_set(given_folder / "signs", label=2)        # a sub-folder is not the folder given
    if env_full:
        write_set(root / "env" / "signs", label=3)
    if cwd_full:
        write_set(root / "cwd" / "datasets" / "signs", label=4)
    (root / "cwd").mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NNREF_DATA", str(root / "env"))
        mp.chdir(root / "cwd")
        if len(in_path) == 2:
            assert set(load_signs(path=given_folder)[1]) == {1}
        else:
            with pytest.raises(FileNotFoundError, match="the only place looked at"):
                load_signs(path=given_folder)
