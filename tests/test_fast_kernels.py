"""numba's fused loops give NumPy's results bit for bit: every optimizer kernel, convention and
dtype, over random shapes, hyperparameters and gradients (exact equality, NaN where NumPy gives
NaN). Also: the rules engine (tracing, scratch arrays), and that the loops really ran."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnref.functional import optim, replay, rules

from fast_engines import use_engine

# name: (number of state arrays, kernel call(param, grad, states, t, hyper, convention))
KERNELS = {
    "sgd": (0, lambda w, g, s, t, h, c: optim.sgd_update(w, g, h["lr"])),
    "momentum": (1, lambda w, g, s, t, h, c: optim.momentum_update(
        w, g, s[0], h["lr"], h["beta"], c)),
    "nesterov": (1, lambda w, g, s, t, h, c: optim.momentum_update(
        w, g, s[0], h["lr"], h["beta"], c, nesterov=True)),
    "rmsprop": (1, lambda w, g, s, t, h, c: optim.rmsprop_update(
        w, g, s[0], h["lr"], h["beta"], h["epsilon"], c)),
    "adagrad": (1, lambda w, g, s, t, h, c: optim.adagrad_update(
        w, g, s[0], h["lr"], h["epsilon"], c)),
    "adadelta": (2, lambda w, g, s, t, h, c: optim.adadelta_update(
        w, g, s[0], s[1], h["lr"], h["beta"], h["epsilon"], c)),
    "adam": (2, lambda w, g, s, t, h, c: optim.adam_update(
        w, g, s[0], s[1], t, h["lr"], h["beta"], h["beta_2"], h["epsilon"], c,
        work=optim.work_arrays(w, 2))),
}

hyperparameters = st.fixed_dictionaries({
    "lr": st.floats(1e-6, 2.0),
    "beta": st.floats(0.0, 0.999),
    "beta_2": st.floats(0.0, 0.9999),
    "epsilon": st.sampled_from([0.0, 1e-12, 1e-8, 1e-7, 1e-3]),
})


def _train(engine, kernel, convention, params, grads, hyper):
    """Apply ``kernel`` for every gradient under ``engine``; the parameter and the states."""
    n_states, step = KERNELS[kernel]
    w = params.copy()
    states = [np.zeros_like(w) for _ in range(n_states)]
    # ε = 0, zero and huge gradients: NumPy warns of the inf and nan it then gives (as numba does
    # silently); the values are what the tests compare
    with pytest.MonkeyPatch.context() as monkeypatch, np.errstate(all="ignore"):
        used = use_engine(engine, monkeypatch)
        for t, g in enumerate(grads, start=1):
            step(w, g, states, t, hyper, convention)
    if engine != "numpy":
        assert used and all(loop is not None for loop in used), "the fused loops did not run"
    return [w, *states]


@settings(max_examples=60, deadline=None)
@given(kernel=st.sampled_from(sorted(KERNELS)), convention=st.sampled_from(optim.CONVENTIONS),
       dtype=st.sampled_from(["float32", "float64"]),
       shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=20),
       scale=st.sampled_from([1e-30, 1e-6, 1.0, 1e6]), steps=st.integers(1, 4),
       seed=st.integers(0, 2**16), hyper=hyperparameters,
       engine=st.sampled_from(["numba", "numba-parallel"]))
def test_fused_loops_equal_numpy_bit_for_bit(kernel, convention, dtype, shape, scale,
                                             steps, seed, hyper, engine):
    rng = np.random.default_rng(seed)
    params = rng.standard_normal(shape).astype(dtype)
    grads = [(scale * rng.standard_normal(shape)).astype(dtype) for _ in range(steps)]
    if kernel == "sgd" and convention == "keras":
        convention = "course"                      # plain SGD has one formula
    expected = _train("numpy", kernel, convention, params, grads, hyper)
    fused = _train(engine, kernel, convention, params, grads, hyper)
    for want, got in zip(expected, fused):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want, strict=True)


@pytest.mark.parametrize("engine", ["numba", "numba-parallel"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_subnormal_and_extreme_values_agree(dtype, engine):
    """Values at the edges of the dtype: subnormal gradients and states, huge gradients."""
    info = np.finfo(dtype)
    grad = np.array([info.smallest_subnormal, -info.smallest_subnormal, info.tiny, info.max / 4,
                     -info.max / 4, 0.0, 1.0, -1.0] * 600, dtype=dtype)
    params = np.linspace(-1, 1, grad.size).astype(dtype)
    hyper = {"lr": 1e-3, "beta": 0.9, "beta_2": 0.999, "epsilon": 1e-8}
    for kernel in KERNELS:
        for convention in optim.CONVENTIONS:
            expected = _train("numpy", kernel, convention, params, [grad] * 3, hyper)
            fused = _train(engine, kernel, convention, params, [grad] * 3, hyper)
            for want, got in zip(expected, fused):
                np.testing.assert_array_equal(got, want, strict=True)


def test_numpy_needs_no_more_scratch_arrays_than_the_optimizers_keep():
    """The optimizer classes keep 2 scratch arrays per parameter: every rule fits in them, and
    every result is computed straight into the array it updates (no copies)."""
    cases = {rules.sgd: (1, 1, 1), rules.ema: (1, 1, 2)}
    cases.update({r: (2, 1, n) for r, n in [
        (rules.momentum_course, 3), (rules.nesterov_course, 3), (rules.momentum_keras, 2),
        (rules.nesterov_keras, 2), (rules.rmsprop_course, 4), (rules.rmsprop_keras, 4),
        (rules.adagrad_course, 2), (rules.adagrad_keras, 2)]})
    cases.update({rules.adadelta_course: (3, 1, 4), rules.adadelta_keras: (3, 1, 4),
                  rules.adam_course: (3, 1, 8), rules.adam_keras: (3, 1, 4)})
    for rule, (n_updated, n_read, n_consts) in cases.items():
        plan = replay.plan(rule, n_updated, n_updated + n_read, n_consts)
        assert plan.n_work <= 2, rule.__name__
        assert plan.copies == (), rule.__name__


def test_replay_keeps_a_needed_value_and_copies_at_the_end():
    """A rule that reads an updated array's old value after computing its new one: the new
    value goes to scratch and is copied in at the end, so the old one is still read."""
    def swap_sum(a, b, unused):
        return b, a + b                           # new a = old b; new b = old a + old b

    a, b = np.array([1.0, 2.0]), np.array([10.0, 20.0])
    replay.run(swap_sum, (a, b), (np.zeros(2),), ())
    np.testing.assert_array_equal(a, [10.0, 20.0])
    np.testing.assert_array_equal(b, [11.0, 22.0])


def test_replay_reuses_the_array_of_a_value_never_read():
    """A value computed and never used again frees its array at once (no spare scratch)."""
    def wasteful(w, g, a):
        unused = a * g                            # noqa: F841 - never read
        return (w - a * g,)

    w = np.array([1.0, 2.0])
    assert replay.run(wasteful, (w,), (np.array([4.0, 8.0]),), (np.float64(0.5),)) is None
    np.testing.assert_array_equal(w, [-1.0, -2.0])
    assert replay.plan(wasteful, 1, 2, 1).n_work == 1


def test_rules_may_not_hold_literals_or_combine_constants():
    with pytest.raises(TypeError, match="literals"):
        replay.plan(lambda w, g: (w - 0.5 * g,), 1, 2, 0)
    with pytest.raises(TypeError, match="combine constants"):
        replay.plan(lambda w, g, a, b: (w - (a * b) * g,), 1, 2, 2)


def test_course_adam_extras_are_m_hat_and_v_hat():
    """The course's Adam returns m̂ and v̂ (its v_corrected, s_corrected) as new arrays."""
    w, g = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    m, v = np.zeros(2), np.zeros(2)
    m_hat, v_hat = optim.adam_update(w, g, m, v, 1, 0.1, 0.9, 0.999, 1e-8)
    np.testing.assert_array_equal(m_hat, (0.9 * 0 + (1 - 0.9) * g) / (1 - 0.9))
    np.testing.assert_array_equal(v_hat, (0.999 * 0 + (1 - 0.999) * g ** 2) / (1 - 0.999))
    assert not np.shares_memory(m_hat, m) and not np.shares_memory(v_hat, v)
