"""nnref._checks: every check returns the canonical value or raises one message style."""
import math
import re

import numpy as np
import pytest
from hypothesis import given, strategies as st

from nnref._checks import (
    CONVENTIONS, ArgumentTypeError, check_bool, check_callable, check_choice, check_convention,
    check_float_dtype, check_int, check_path, check_real, check_type, shown,
)

STYLE = re.compile(r"^(\w+) must be .+\. Received: \1=.+$", re.S)


def _message(call):
    with pytest.raises(ValueError) as info:        # ArgumentTypeError is a ValueError too
        call()
    assert STYLE.match(str(info.value)), str(info.value)
    return str(info.value)


def test_shown():
    assert shown(1.5) == "1.5" and shown(np.float64(1.5)) == "1.5" and shown(np.int32(3)) == "3"
    assert shown("a") == "'a'" and shown(None) == "None" and shown(np.True_) == "True"
    assert shown(np.zeros((2, 3), np.float32)) == "array of shape (2, 3) and dtype float32"


# ----------------------------------------------------------------------------- check_real
@given(st.floats(allow_nan=True, allow_infinity=True), st.floats(-10, 10), st.floats(0, 10),
       st.booleans(), st.booleans())
def test_check_real_accepts_exactly_the_interval(x, low, width, low_open, high_open):
    high = low + width
    inside = math.isfinite(x) and (x > low if low_open else x >= low) and (x < high if high_open else x <= high)
    call = lambda: check_real("v", x, low=low, high=high, low_open=low_open, high_open=high_open)  # noqa: E731
    if inside:
        result = call()
        assert type(result) is float and result == x
    else:
        message = _message(call)
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        assert message == f"v must be in {interval}. Received: v={x!r}"


@pytest.mark.parametrize("kwargs, expected", [
    (dict(low=0), "a finite number >= 0"), (dict(low=0, low_open=True), "a finite number > 0"),
    (dict(high=1), "a finite number <= 1"), (dict(high=1, high_open=True), "a finite number < 1"),
    (dict(), "a finite number"), (dict(low=0, high=1, high_open=True), "in [0, 1)"),
])
def test_check_real_says_the_whole_constraint_for_a_bad_value_and_a_bad_type(kwargs, expected):
    for bad in (math.nan, math.inf, -math.inf):
        assert _message(lambda: check_real("beta", bad, **kwargs)) == \
            f"beta must be {expected}. Received: beta={bad!r}"
    for bad in ("0.5", True, np.bool_(False), None, [0.5], 1j, np.array(0.5)):
        with pytest.raises(ArgumentTypeError) as info:
            check_real("beta", bad, **kwargs)
        assert str(info.value) == f"beta must be {expected}. Received: beta={shown(bad)}"
        assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)


def test_check_real_refuses_an_integer_beyond_float_range_with_its_message():
    assert _message(lambda: check_real("v", 10**400, low=0)).startswith("v must be a finite number >= 0.")


def test_check_real_takes_numpy_and_integers_and_returns_a_python_float():
    assert check_real("v", np.float32(0.25)) == 0.25 and type(check_real("v", np.float32(0.25))) is float
    assert check_real("v", np.int64(3), low=0) == 3.0 and type(check_real("v", 3)) is float


def test_allow_none_and_expected():
    assert check_real("t", None, allow_none=True) is None
    assert check_int("w", None, low=1, allow_none=True) is None
    assert _message(lambda: check_real("t", 0, low=0, low_open=True, allow_none=True)) == \
        "t must be a finite number > 0 or None. Received: t=0"
    assert _message(lambda: check_int("w", "2", low=1, allow_none=True)) == \
        "w must be an integer >= 1 or None. Received: w='2'"
    assert _message(lambda: check_real("p", 1.5, low=0, high=1, expected="a probability in [0, 1]")) == \
        "p must be a probability in [0, 1]. Received: p=1.5"
    _message(lambda: check_real("t", None))            # None refused unless allowed


# ----------------------------------------------------------------------------- check_int
@given(st.integers(-10**20, 10**20), st.integers(-5, 5))
def test_check_int_accepts_exactly_integers_from_low(n, low):
    if n >= low:
        assert check_int("n", n, low=low) == n and type(check_int("n", n, low=low)) is int
    else:
        assert _message(lambda: check_int("n", n, low=low)) == \
            f"n must be an integer >= {low}. Received: n={n}"


@pytest.mark.parametrize("bad", [2.0, 2.5, "8", True, np.bool_(True), None, np.float64(1.0)])
def test_check_int_refuses_non_integers_with_the_same_sentence(bad):
    with pytest.raises(ArgumentTypeError) as info:
        check_int("batch_size", bad, low=1)
    assert str(info.value) == f"batch_size must be an integer >= 1. Received: batch_size={shown(bad)}"


def test_check_int_bounds_and_numpy():
    assert check_int("k", np.int64(4), low=1, high=4) == 4 and type(check_int("k", np.int8(4))) is int
    assert _message(lambda: check_int("k", 5, low=1, high=4)) == \
        "k must be an integer >= 1 and <= 4. Received: k=5"
    assert check_int("k", -7, low=None) == -7
    assert _message(lambda: check_int("k", 1.5, low=None)) == "k must be an integer. Received: k=1.5"


# ----------------------------------------------------------------------------- bool, choice, dtype
def test_check_bool():
    assert check_bool("shuffle", np.True_) is True and check_bool("shuffle", False) is False
    for bad in (0, 1, "no", None, np.array(True)):
        with pytest.raises(ArgumentTypeError):
            check_bool("shuffle", bad)
    assert _message(lambda: check_bool("shuffle", "no")) == \
        "shuffle must be True or False. Received: shuffle='no'"


def test_check_choice():
    assert check_choice("mode", "b", ("a", "b")) == "b"
    assert _message(lambda: check_choice("mode", "c", ("a", "b"))) == \
        "mode must be one of ('a', 'b'). Received: mode='c'"
    _message(lambda: check_choice("mode", np.array(["a", "a"]), ("a", "b")))   # no ambiguous truth
    _message(lambda: check_choice("k", True, (0, 1)))                         # a bool is not 1
    assert _message(lambda: check_choice("m", "x", ["a"], expected="'a'")) == "m must be 'a'. Received: m='x'"


def test_conventions_defined_once_and_checked():
    assert CONVENTIONS == ("course", "keras")
    for c in CONVENTIONS:
        assert check_convention(c) == c
    assert _message(lambda: check_convention("tf")) == \
        "convention must be one of ('course', 'keras'). Received: convention='tf'"


def test_check_float_dtype():
    assert check_float_dtype("float32") == np.float32 and check_float_dtype(np.float64) == np.float64
    for bad in ("float16", int, "nonsense", None):
        if bad is None:           # np.dtype(None) is float64, as NumPy defines it
            assert check_float_dtype(bad) == np.float64
            continue
        assert _message(lambda: check_float_dtype(bad)).startswith(
            "dtype must be one of ('float32', 'float64'). Received: dtype=")


# ----------------------------------------------------------------------------- types
def test_check_type_callable_and_path_return_the_value_or_raise_a_type_error():
    d, f = {}, len
    assert check_type("d", d, dict, "a dict") is d and check_callable("f", f) is f
    assert check_path("p", "a.keras") == "a.keras"
    assert check_type("d", None, dict, "a dict", allow_none=True) is None
    assert check_callable("f", None, allow_none=True) is None
    for call, message in [
        (lambda: check_type("d", [1], dict, "a dict"), "d must be a dict. Received: d=[1]"),
        (lambda: check_type("d", 3, (list, tuple), "a list", allow_none=True),
         "d must be a list or None. Received: d=3"),
        (lambda: check_type("d", None, dict, "a dict"), "d must be a dict. Received: d=None"),
        (lambda: check_callable("f", 3), "f must be callable. Received: f=3"),
        (lambda: check_callable("f", "len", expected="a function"),
         "f must be a function. Received: f='len'"),
        (lambda: check_path("p", 3), "p must be a str or os.PathLike. Received: p=3"),
    ]:
        with pytest.raises(ArgumentTypeError) as info:
            call()
        assert isinstance(info.value, TypeError) and str(info.value) == message


# ----------------------------------------------------------------------------- used everywhere
def test_one_definition_behind_the_old_names():
    """The names other modules still import resolve to nnref._checks (not to copies)."""
    import nnref._checks as checks
    from nnref import data
    from nnref.functional import optim
    from nnref.optimizers import base, sgd
    assert base._check_real is checks.check_real and base._check_int is checks.check_int
    assert sgd._check_bool is checks.check_bool and base._check_choice is checks.check_choice
    assert data.check_float_dtype is checks.check_float_dtype
    assert data.ArgumentTypeError is checks.ArgumentTypeError
    assert optim.CONVENTIONS is CONVENTIONS and base.CONVENTIONS is CONVENTIONS


def _public_edge_calls():
    from nnref import augment, data, ewa, gradcheck, regularizers, schedules
    from nnref.tuning import LogUniform, RandomSearch, Uniform
    from nnref.tuning.backends import get_backend
    x = np.zeros((4, 2))
    return [
        lambda: ewa.EWA(1.5), lambda: ewa.ewa([1.0], 0.9, bias_correction="yes"),
        lambda: schedules.InverseTimeDecay(0.0, 1, 1.0), lambda: schedules.exponential_lr_decay(0.1, 1.5),
        lambda: schedules.ExponentialDecay(0.1, 1, 0.5, convention="tf"),
        lambda: regularizers.L2(-1), lambda: regularizers.L1("0.1"), lambda: regularizers.L1L2(convention=1),
        lambda: data.one_hot(np.array([0, 1]), 0), lambda: data.num_batches(4, 2.0),
        lambda: data.train_val_split(x, None, 1.0), lambda: next(data.batches(x, batch_size=0)),
        lambda: data.scale_images(np.zeros((1, 2, 2, 3), np.uint8), dtype="float16"),
        lambda: augment.RandomAugment(flip=2), lambda: augment.RandomAugment(max_degrees=None),
        lambda: augment.rotate(np.zeros((1, 2, 2, 1)), 10, fill_mode="wrap"),
        lambda: gradcheck.numerical_gradient(lambda: 0.0, x, epsilon=0),
        lambda: Uniform("a", 1), lambda: LogUniform(0, 1), lambda: LogUniform(1e-4, 1).grid(0),
        lambda: RandomSearch({"a": Uniform(0, 1)}, n_trials=0, metric="m"),
        lambda: RandomSearch({"a": Uniform(0, 1)}, n_trials=2, metric="m", seed=-1),
        lambda: get_backend(workers=0), lambda: get_backend(time_limit=True), lambda: get_backend("threads"),
        *_type_checks(),
    ]


def _type_checks():
    """The type checks that go through check_type/check_callable/check_path (all TypeErrors)."""
    from nnref import callbacks, datasets, layers, optimizers, saving, weights
    from nnref.functional import activations
    from nnref.models import Sequential

    def model():
        m = Sequential([layers.Dense(2)], input_dim=2)
        m.compile(loss="mse")
        return m

    x = np.zeros((4, 2))
    return [
        lambda: Sequential(layers=3), lambda: layers.Dense(2, name=5), lambda: optimizers.Adam(name=3),
        lambda: activations.get(3), lambda: callbacks.EarlyStopping(monitor=3),
        lambda: callbacks.LearningRateScheduler(3), lambda: callbacks.LambdaCallback(on_epoch_end=3),
        lambda: callbacks.ModelCheckpoint(5), lambda: model().fit(x, x, augment=3, verbose=0),
        lambda: model().fit(x, x, class_weight=[1.0], verbose=0),
        lambda: model().fit(x, x, callbacks=3, verbose=0),
        lambda: datasets.search_folders("signs", path=3),
        lambda: weights.save_weights(model(), 3), lambda: saving.save_model(model(), 3),
    ]


@pytest.mark.parametrize("call", [
    lambda m: m.fit(np.zeros((4, 2)), np.zeros((4, 2)), callbacks=[3], verbose=0),
    lambda m: m.evaluate(np.zeros((4, 2)), np.zeros((4, 2)), callbacks=[3], verbose=0),
])
def test_a_callback_list_names_the_item_that_is_not_a_callback(call):
    from nnref import layers
    from nnref.models import Sequential

    m = Sequential([layers.Dense(2)], input_dim=2)
    m.compile(loss="mse")
    with pytest.raises(TypeError, match=r"^callbacks\[0\] must be an nnref.callbacks.Callback. "
                                        r"Received: callbacks\[0\]=3$"):
        call(m)


@pytest.mark.parametrize("call", _public_edge_calls())
def test_every_migrated_check_speaks_one_style(call):
    _message(call)
