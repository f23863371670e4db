"""What every optimizer shares: apply_gradients, iterations, learning rate, state, registry."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnref import optimizers, schedules
from nnref.optimizers import SGD, Adadelta, Adagrad, Adam, RMSprop

ALL = [
    lambda c: SGD(0.1, momentum=0.9, nesterov=True, convention=c),
    lambda c: RMSprop(0.01, convention=c),
    lambda c: Adagrad(0.1, convention=c),
    lambda c: Adadelta(convention=c),
    lambda c: Adam(0.01, convention=c),
]
CONVENTIONS = ["course", "keras"]


# ---------------------------------------------------------------- element-wise, in place, dtype

@settings(max_examples=25, deadline=None)
@given(
    make=st.sampled_from(ALL),
    convention=st.sampled_from(CONVENTIONS),
    dtype=st.sampled_from([np.float64, np.float32]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
    seed=st.integers(0, 2**32 - 1),
)
def test_updates_in_place_elementwise_any_shape(make, convention, dtype, shape, seed):
    rng = np.random.default_rng(seed)
    w0 = rng.standard_normal(shape).astype(dtype)
    grads = [rng.standard_normal(shape).astype(dtype) for _ in range(3)]
    w, flat = w0.copy(), w0.reshape(-1).copy()
    buffer = w.ctypes.data
    opt, opt_flat = make(convention), make(convention)
    for g in grads:
        opt.apply_gradients([(g, w)])
        opt_flat.apply_gradients([(g.reshape(-1).copy(), flat)])
    assert w.dtype == dtype and w.shape == shape and w.ctypes.data == buffer
    assert all(v.dtype == dtype and v.shape == shape for v in opt.variables)
    np.testing.assert_array_equal(w.reshape(-1), flat)  # the update acts element by element
    assert opt.iterations == 3


@pytest.mark.parametrize("make", ALL)
@pytest.mark.parametrize("convention", CONVENTIONS)
def test_parameters_are_independent(make, convention):
    # two parameters in one optimizer evolve as they would in two optimizers
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(3), rng.standard_normal((2, 2))
    a1, b1, a2, b2 = a.copy(), b.copy(), a.copy(), b.copy()
    both, only_a, only_b = make(convention), make(convention), make(convention)
    for _ in range(4):
        ga, gb = rng.standard_normal(3), rng.standard_normal((2, 2))
        both.apply_gradients([(ga, a1), (gb, b1)])
        only_a.apply_gradients([(ga, a2)])
        only_b.apply_gradients([(gb, b2)])
    np.testing.assert_array_equal(a1, a2)
    np.testing.assert_array_equal(b1, b2)


# ---------------------------------------------------------------- apply_gradients checks

def test_apply_gradients_returns_and_counts_iterations():
    w = np.zeros(2)
    opt = SGD()
    assert opt.iterations == 0
    assert opt.apply_gradients([(np.ones(2), w)]) == 1
    assert opt.apply_gradients(iter([(np.ones(2), w)])) == 2  # any iterable of pairs
    assert opt.iterations == 2


def test_shape_mismatch():
    with pytest.raises(ValueError, match=r"shape \(2, 3\)\. Received: grad.shape=\(3, 2\)"):
        SGD().apply_gradients([(np.ones((3, 2)), np.zeros((2, 3)))])


def test_dtype_mismatch():
    with pytest.raises(TypeError, match=r"dtype float32\. Received: grad.dtype=float64"):
        Adam().apply_gradients([(np.ones(2), np.zeros(2, np.float32))])


@pytest.mark.parametrize("pair, error, match", [
    ((np.ones(2), [0.0, 0.0]), TypeError, "floating-point NumPy array. Received: list"),
    ((np.ones(2), np.zeros(2, int)), TypeError, "Received: array of dtype int64"),
    (([1.0, 1.0], np.zeros(2)), TypeError, "gradient at grads_and_vars\\[0\\] must be a NumPy array"),
    ((np.ones(2),), TypeError, "must be a \\(grad, param\\) pair"),
])
def test_bad_pairs(pair, error, match):
    with pytest.raises(error, match=match):
        SGD().apply_gradients([pair])


def test_read_only_parameter():
    w = np.zeros(2)
    w.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        SGD().apply_gradients([(np.ones(2), w)])


def test_empty_and_duplicate():
    with pytest.raises(ValueError, match="at least one"):
        SGD().apply_gradients([])
    w = np.zeros(2)
    with pytest.raises(ValueError, match="once"):
        SGD().apply_gradients([(np.ones(2), w), (np.ones(2), w)])


def test_unknown_parameter_after_build_leaves_everything_unchanged():
    w, other = np.zeros(2), np.zeros(2)
    opt = Adam()
    opt.apply_gradients([(np.ones(2), w)])
    before = w.copy()
    with pytest.raises(ValueError, match="Unknown parameter"):
        opt.apply_gradients([(np.ones(2), w), (np.ones(2), other)])
    np.testing.assert_array_equal(w, before)
    assert opt.iterations == 1 and np.all(other == 0)


def test_a_subset_of_the_built_parameters_may_be_updated():
    a, b = np.zeros(2), np.zeros(3)
    opt = Adam(0.1)
    opt.build([a, b])
    opt.apply_gradients([(np.ones(3), b)])
    assert np.all(a == 0) and np.all(b < 0)


# ---------------------------------------------------------------- learning rate

def test_learning_rate_is_settable():
    w = np.zeros(1)
    opt = SGD(learning_rate=0.1)
    opt.apply_gradients([(np.ones(1), w)])
    opt.learning_rate = 0.5
    opt.apply_gradients([(np.ones(1), w)])
    assert w[0] == pytest.approx(-0.6, rel=1e-15, abs=0)  # −0.1 − 0.5
    with pytest.raises(ValueError, match="Received: learning_rate=-1.0"):
        opt.learning_rate = -1.0


def test_schedule_is_evaluated_at_iterations_before_the_step():
    # SGD without momentum moves w by −α_i·g at step i, α_i = schedule(i), i = 0, 1, 2, ...
    schedule = schedules.InverseTimeDecay(0.2, decay_steps=1, decay_rate=1.0)
    w = np.zeros(1)
    opt = SGD(learning_rate=schedule)
    moves = []
    for i in range(4):
        assert opt.learning_rate == schedule(i)
        before = w[0]
        opt.apply_gradients([(np.ones(1), w)])
        moves.append(before - w[0])
    # 0.2/1, 0.2/2, 0.2/3, 0.2/4
    np.testing.assert_allclose(moves, [0.2, 0.1, 0.2 / 3, 0.05], rtol=1e-14)


class _FallsToZero(schedules.LearningRateSchedule):
    def _rate(self, index):
        return 0.1 if index < 2 else 0.0

    def get_config(self):
        return {}


def test_schedule_giving_a_non_positive_rate_names_the_step():
    w = np.zeros(1)
    opt = SGD(learning_rate=_FallsToZero())
    opt.apply_gradients([(np.ones(1), w)])
    opt.apply_gradients([(np.ones(1), w)])
    with pytest.raises(ValueError, match=r"at step 2\. Received: learning_rate=0\.0"):
        opt.apply_gradients([(np.ones(1), w)])
    assert opt.iterations == 2 and w[0] == -0.2      # −0.1 − 0.1, exact: the failed step changed nothing


def test_exponential_schedule_underflow_is_caught():
    opt = SGD(learning_rate=schedules.ExponentialDecay(1.0, 1, 0.01))
    opt.iterations = 400    # 0.01^400 underflows to 0.0
    with pytest.raises(ValueError, match="at step 400"):
        opt.apply_gradients([(np.ones(1), np.zeros(1))])


def test_per_epoch_schedule_is_refused():
    with pytest.raises(ValueError, match="unit='step'"):
        SGD(learning_rate=schedules.InverseTimeDecay(0.1, 1, 1.0, unit="epoch"))


def test_a_float_cannot_replace_a_schedule():
    opt = SGD(learning_rate=schedules.InverseTimeDecay(0.1, 1, 1.0))
    with pytest.raises(TypeError, match="schedule"):
        opt.learning_rate = 0.01
    opt.learning_rate = schedules.ExponentialDecay(0.1, 1, 0.5)   # a schedule may
    assert opt.learning_rate == 0.1


def test_iterations_setter_validates():
    opt = SGD()
    opt.iterations = 7
    assert opt.iterations == 7
    with pytest.raises(ValueError, match="Received: iterations=-1"):
        opt.iterations = -1


# ---------------------------------------------------------------- state, registry, config

def test_variables_follow_keras_order_and_set_variables_copies():
    a, b = np.zeros(2), np.zeros((3, 1))
    opt = Adam()
    opt.apply_gradients([(np.ones(2), a), (np.ones((3, 1)), b)])
    assert [v.shape for v in opt.variables] == [(2,), (2,), (3, 1), (3, 1)]
    new = [np.full(v.shape, k, float) for k, v in enumerate(opt.variables)]
    opt.set_variables(new)
    assert [float(v.flat[0]) for v in opt.variables] == [0.0, 1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="Received: 3 values"):
        opt.set_variables(new[:3])
    with pytest.raises(ValueError, match=r"Received: values\[0\].shape=\(5,\)"):
        opt.set_variables([np.zeros(5)] + new[1:])
    with pytest.raises(ValueError, match="built=False"):
        Adam().set_variables([])


def test_set_variables_refuses_a_lossy_cast():
    w = np.zeros(2, np.float32)
    opt = Adam()
    opt.build([w])
    with pytest.raises(TypeError, match="float64"):
        opt.set_variables([np.zeros(2), np.zeros(2)])


@pytest.mark.parametrize("name, cls", [("sgd", SGD), ("RMSprop", RMSprop), ("adagrad", Adagrad),
                                       ("Adadelta", Adadelta), ("ADAM", Adam)])
def test_get_by_name(name, cls):
    assert type(optimizers.get(name)) is cls


def test_get_instance_dict_and_errors():
    opt = Adam()
    assert optimizers.get(opt) is opt
    made = optimizers.get({"class_name": "SGD", "config": {"momentum": 0.5}})
    assert isinstance(made, SGD) and made.momentum == 0.5
    with pytest.raises(ValueError, match=r"Received: identifier='adamw'"):
        optimizers.get("adamw")
    with pytest.raises(TypeError, match="Received: identifier=3"):
        optimizers.get(3)


@pytest.mark.parametrize("make", ALL)
@pytest.mark.parametrize("convention", CONVENTIONS)
def test_config_round_trip(make, convention):
    opt = make(convention)
    config = opt.get_config()
    assert config["convention"] == convention
    assert type(opt).from_config(config).get_config() == config


def test_config_round_trip_with_schedule():
    opt = Adam(learning_rate=schedules.InverseTimeDecay(0.1, 10, 0.5, staircase=True,
                                                         convention="keras"))
    config = opt.get_config()
    assert config["learning_rate"]["class_name"] == "InverseTimeDecay"
    again = Adam.from_config(config)
    assert again.get_config() == config and again.learning_rate == opt.learning_rate


def test_name_and_repr():
    assert Adam().name == "adam" and Adam(name="opt").name == "opt"
    assert repr(SGD(0.5)) == ("SGD(learning_rate=0.5, convention='course', momentum=0.0, "
                              "nesterov=False)")
    with pytest.raises(TypeError, match="Received: name=1"):
        Adam(name=1)
