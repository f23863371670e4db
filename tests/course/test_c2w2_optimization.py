"""nnref.course.c2w2_optimization: updates, mini-batches, decay and the course's moons results."""
from __future__ import annotations

import math

import numpy as np
import pytest

import course_reference as ref
from conftest import course_function
from nnref.course import c2w2_optimization as co
from nnref.schedules import InverseTimeDecay

STEPS = [0, 1, 2, 3, 7, 10, 99, 100, 101, 999, 1000, 1001, 12345]


@pytest.fixture(scope="module")
def moons():
    return co.load_dataset()


def params_and_grads(seed=0, dims=(3, 4, 2)):
    rng = np.random.default_rng(seed)
    p, g = {}, {}
    for l in range(1, len(dims)):
        for k, shape in (("W", (dims[l], dims[l - 1])), ("b", (dims[l], 1))):
            p[k + str(l)] = rng.standard_normal(shape)
            g["d" + k + str(l)] = rng.standard_normal(shape)
    return p, g


def snapshot(d):
    return {k: v.copy() for k, v in d.items()}


def assert_same_arrays(d, saved):
    for k in saved:
        np.testing.assert_array_equal(d[k], saved[k])


# ----------------------------------------------------------------------------- updates
def test_update_parameters_with_gd_is_the_course_expression():
    p, g = params_and_grads()
    before = dict(p)
    saved = snapshot(p)
    out = co.update_parameters_with_gd(p, g, 0.01)
    assert out is p
    for k in saved:    # bit-identical to W - learning_rate * dW (the optim kernels' contract)
        np.testing.assert_array_equal(p[k], saved[k] - 0.01 * g["d" + k])
    assert_same_arrays(before, saved)                 # the arrays held before are untouched


def test_momentum_two_steps_bit_identical():
    p, g = params_and_grads(1)
    v = co.initialize_velocity(p)
    assert set(v) == {"dW1", "db1", "dW2", "db2"} and all(not a.any() for a in v.values())
    assert all(v["d" + k].shape == p[k].shape for k in p)
    p_ref, v_ref = snapshot(p), snapshot(v)
    for _ in range(2):
        p_out, v_out = co.update_parameters_with_momentum(p, g, v, beta=0.9, learning_rate=0.01)
        assert p_out is p and v_out is v
        for k in p_ref:
            v_ref["d" + k] = 0.9 * v_ref["d" + k] + (1 - 0.9) * g["d" + k]
            p_ref[k] = p_ref[k] - 0.01 * v_ref["d" + k]
    assert_same_arrays(p, p_ref)
    assert_same_arrays(v, v_ref)


def test_adam_three_steps_bit_identical():
    p, g = params_and_grads(2)
    v, s = co.initialize_adam(p)
    assert v is not s and set(v) == set(s) == {"dW1", "db1", "dW2", "db2"}
    p_ref, v_ref, s_ref = snapshot(p), snapshot(v), snapshot(s)
    old_v = dict(v)
    for t in (1, 2, 3):
        p_out, v_out, s_out, v_corr, s_corr = co.update_parameters_with_adam(
            p, g, v, s, t, learning_rate=0.02, beta1=0.8, beta2=0.888, epsilon=1e-2)
        assert p_out is p and v_out is v and s_out is s
        for k in p_ref:
            dk = "d" + k
            v_ref[dk] = 0.8 * v_ref[dk] + (1 - 0.8) * g[dk]
            vc = v_ref[dk] / (1 - np.power(0.8, t))
            s_ref[dk] = 0.888 * s_ref[dk] + (1 - 0.888) * np.power(g[dk], 2)
            sc = s_ref[dk] / (1 - np.power(0.888, t))
            p_ref[k] = p_ref[k] - 0.02 * vc / (np.sqrt(sc) + 1e-2)
            np.testing.assert_array_equal(v_corr[dk], vc)
            np.testing.assert_array_equal(s_corr[dk], sc)
    assert_same_arrays(p, p_ref)
    assert_same_arrays(v, v_ref)
    assert_same_arrays(s, s_ref)
    assert not any(a.any() for a in old_v.values())          # the zero arrays were not touched


def test_update_bad_arguments():
    p, g = params_and_grads()
    v, s = co.initialize_adam(p)
    with pytest.raises(ValueError, match="t must be an integer >= 1"):
        co.update_parameters_with_adam(p, g, v, s, 0)
    with pytest.raises(ValueError, match="beta must be"):
        co.update_parameters_with_momentum(p, g, v, beta=1.5, learning_rate=0.1)
    with pytest.raises(ValueError, match="grads must hold dW2"):
        co.update_parameters_with_gd(p, {"dW1": g["dW1"], "db1": g["db1"]}, 0.1)


# ----------------------------------------------------------------------------- mini-batches
def course_mini_batches(X, Y, mini_batch_size, seed):
    np.random.seed(seed)
    m = X.shape[1]
    permutation = list(np.random.permutation(m))
    sX, sY = X[:, permutation], Y[:, permutation].reshape((1, m))
    n = math.floor(m / mini_batch_size)
    batches = [(sX[:, k * mini_batch_size:(k + 1) * mini_batch_size],
                sY[:, k * mini_batch_size:(k + 1) * mini_batch_size]) for k in range(n)]
    if m % mini_batch_size:
        batches.append((sX[:, n * mini_batch_size:], sY[:, n * mini_batch_size:]))
    return batches


@pytest.mark.parametrize("m, size, seed", [(148, 64, 0), (128, 64, 3), (7, 2, 1), (5, 10, 2)])
def test_random_mini_batches(m, size, seed):
    """Shapes as the course's test (12288 x 148 in batches of 64 -> 64, 64, 20), values as its code."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((6, m))
    Y = rng.random((1, m)) < 0.5
    X0 = X.copy()
    batches = co.random_mini_batches(X, Y, size, seed)
    expected = course_mini_batches(X, Y, size, seed)
    assert len(batches) == math.ceil(m / size)
    for (bx, by), (ex, ey) in zip(batches, expected):
        np.testing.assert_array_equal(bx, ex)
        np.testing.assert_array_equal(by, ey)
    assert sum(bx.shape[1] for bx, _ in batches) == m
    np.testing.assert_array_equal(np.sort(np.concatenate([bx for bx, _ in batches], axis=1)[0]),
                                  np.sort(X[0]))
    np.testing.assert_array_equal(X, X0)


def test_random_mini_batches_default_seed_and_bad_size():
    X, Y = np.arange(20.).reshape(2, 10), np.ones((1, 10))
    a = co.random_mini_batches(X, Y, 4)
    b = co.random_mini_batches(X, Y, 4, seed=0)
    assert all(np.array_equal(p[0], q[0]) for p, q in zip(a, b))
    with pytest.raises(ValueError, match="mini_batch_size must be an integer >= 1"):
        co.random_mini_batches(X, Y, 0)
    with pytest.raises(ValueError, match=r"Y must have shape \(1, 10\)"):
        co.random_mini_batches(X, np.ones((1, 9)))


# ----------------------------------------------------------------------------- decay
def test_update_lr_and_schedule_lr_decay_are_the_course_formulas():
    assert co.update_lr(0.5, 2, 1) == 1 / (1 + 1 * 2) * 0.5
    assert co.update_lr(0.5, 10, 0.3) == 1 / (1 + 0.3 * 10) * 0.5
    assert co.schedule_lr_decay(0.5, 100, 1) == 0.5                    # ⌊100/1000⌋ = 0
    assert co.schedule_lr_decay(0.5, 2500, 0.3) == 1 / (1 + 0.3 * np.floor(2500 / 1000)) * 0.5
    assert co.schedule_lr_decay(0.5, 30, 1, time_interval=10) == 1 / (1 + 3) * 0.5


def test_update_lr_and_schedule_lr_decay_equal_the_courses_code(course_dir):
    """Against the course's own ``update_lr`` / ``schedule_lr_decay`` (its notebook's code), bit for
    bit, both the course functions and the InverseTimeDecay schedules they stand for."""
    course_update_lr = course_function(course_dir, "c2w2_optimization", "update_lr")
    course_schedule = course_function(course_dir, "c2w2_optimization", "schedule_lr_decay")
    for lr0, rate in [(0.1, 1.0), (0.0075, 0.3), (0.5, 0.01), (0.0123, 0.017)]:
        for i in STEPS:
            want = course_update_lr(lr0, i, rate)
            assert co.update_lr(lr0, i, rate) == InverseTimeDecay(lr0, 1, rate)(i) == want
            for interval in (1, 7, 10, 1000):
                want = course_schedule(lr0, i, rate, interval)
                assert (co.schedule_lr_decay(lr0, i, rate, interval)
                        == InverseTimeDecay(lr0, interval, rate, True)(i) == want)


def test_update_lr_and_schedule_lr_decay_give_the_courses_expected_values():
    # public_tests.py (c2w2): update_lr(0.5, 2, 1) is 0.16666666666666666; schedule_lr_decay(0.5,
    # 100, 1, 100) is 0.25 and (0.5, 10, 1, 100) is 0.5. Here exactly: 1/3·0.5 rounds once.
    assert co.update_lr(0.5, 2, 1) == 0.16666666666666666
    assert co.schedule_lr_decay(0.5, 100, 1, 100) == 0.25
    assert co.schedule_lr_decay(0.5, 10, 1, 100) == 0.5


def test_update_lr_and_schedule_lr_decay_by_hand():
    assert co.update_lr(0.5, 0, 1) == 0.5
    assert co.update_lr(0.5, 2, 1) == pytest.approx(0.5 / 3, rel=1e-15, abs=0)       # 0.1666...
    # ⌊10/100⌋ = 0: 0.5;  ⌊100/100⌋ = 1: 0.5/1.3 = 0.384615...
    assert co.schedule_lr_decay(0.5, 10, 0.3, time_interval=100) == 0.5
    assert co.schedule_lr_decay(0.5, 100, 0.3, time_interval=100) == pytest.approx(
        0.5 / 1.3, rel=1e-15, abs=0)
    assert co.schedule_lr_decay(0.5, 999, 1.0) == 0.5                         # ⌊999/1000⌋ = 0


@pytest.mark.parametrize("make, error, match", [
    (lambda: co.update_lr(0.1, -2, 1.0), ValueError, r"Received: epoch_num=-2"),
    (lambda: co.update_lr(-0.1, 2, 1.0), ValueError,
     r"learning_rate0 must be a finite number > 0\. Received: learning_rate0=-0\.1"),
    (lambda: co.schedule_lr_decay(0.1, 2, 1.0, time_interval=0), ValueError,
     r"Received: time_interval=0"),
])
def test_update_lr_and_schedule_lr_decay_bad_input(make, error, match):
    with pytest.raises(error, match=match):
        make()


# ----------------------------------------------------------------------------- the 3-layer utils
def test_forward_backward_and_summed_cost(moons):
    X, Y = moons[0][:, :40], moons[1][:, :40]
    p = co.initialize_parameters([2, 5, 2, 1])
    np.random.seed(3)
    np.testing.assert_array_equal(p["W1"], np.random.randn(5, 2) * np.sqrt(2 / 2))
    a3, cache = co.forward_propagation(X, p)
    a3_ref, cache_ref = ref.three_forward(X, p)
    grads = co.backward_propagation(X, Y, cache)
    ref.assert_dicts_close(grads, ref.three_backward_utils(X, Y, cache_ref), rtol=1e-12, atol=1e-15)
    assert co.compute_cost(a3, Y) == pytest.approx(np.sum(ref.three_logprobs(a3_ref, Y)), rel=1e-13)


def test_moons_layout(moons):
    X, Y = moons
    assert X.shape == (2, 300) and Y.shape == (1, 300) and Y.sum() == 150


# ----------------------------------------------------------------------------- model
@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
def test_model_follows_the_course_loop(moons, optimizer):
    X, Y = moons
    params = co.model(X, Y, [2, 5, 2, 1], optimizer, learning_rate=0.01, num_epochs=3,
                      print_cost=False)
    p = co.initialize_parameters([2, 5, 2, 1])
    v = {k: np.zeros_like(a) for k, a in (("d" + n, a) for n, a in p.items())}
    s = {k: np.zeros_like(a) for k, a in v.items()}
    t = 0
    for epoch in range(3):
        for bx, by in course_mini_batches(X, Y, 64, 11 + epoch):
            _, cache = ref.three_forward(bx, p)
            g = ref.three_backward_utils(bx, by, cache)
            if optimizer == "gd":
                p = ref.gd(p, g, 0.01)
                continue
            t += 1
            for k in list(p):
                dk = "d" + k
                if optimizer == "momentum":
                    v[dk] = 0.9 * v[dk] + (1 - 0.9) * g[dk]
                    p[k] = p[k] - 0.01 * v[dk]
                else:
                    v[dk] = 0.9 * v[dk] + (1 - 0.9) * g[dk]
                    s[dk] = 0.999 * s[dk] + (1 - 0.999) * g[dk] ** 2
                    p[k] = p[k] - 0.01 * (v[dk] / (1 - 0.9 ** t)) / (np.sqrt(s[dk] / (1 - 0.999 ** t)) + 1e-8)
    ref.assert_dicts_close(params, p, rtol=1e-11, atol=1e-14)   # rounding over 15 steps


def test_model_prints_the_course_first_costs(moons, capsys):
    X, Y = moons
    for optimizer in ("gd", "momentum", "adam"):
        co.model(X, Y, [2, 5, 2, 1], optimizer, num_epochs=1)
    co.model(X, Y, [2, 5, 2, 1], "gd", learning_rate=0.1, num_epochs=1, decay=co.update_lr)
    assert capsys.readouterr().out.splitlines() == [
        "Cost after epoch 0: 0.702405", "Cost after epoch 0: 0.702413",  # the course's printed costs
        "Cost after epoch 0: 0.702166",
        "Cost after epoch 0: 0.701091", "learning rate after epoch 0: 0.100000"]


def test_model_bad_arguments(moons):
    X, Y = moons
    with pytest.raises(ValueError, match="optimizer must be one of"):
        co.model(X, Y, [2, 5, 2, 1], "rmsprop")
    with pytest.raises(TypeError, match="decay must be a function"):
        co.model(X, Y, [2, 5, 2, 1], "gd", decay=0.1)


@pytest.mark.slow
@pytest.mark.parametrize("optimizer, kwargs, low, high", [
    ("gd", {}, 0.7166666666666667, 0.7166666666666667),            # the course: 71.7 %
    ("adam", {}, 0.94, 0.9433333333333334),                         # the course: 94 %
    ("gd", {"learning_rate": 0.1, "decay": co.schedule_lr_decay},   # the course: 0.9433333333333334
     0.9433333333333334, 0.9433333333333334),
])
def test_model_reproduces_the_course_accuracies(moons, capsys, optimizer, kwargs, low, high):
    X, Y = moons
    params = co.model(X, Y, [2, 5, 2, 1], optimizer, **kwargs)
    accuracy = np.mean(co.predict_dec(params, X) == Y)
    assert low - 1e-12 <= accuracy <= high + 1e-12
    if optimizer == "gd" and not kwargs:
        assert capsys.readouterr().out.splitlines()[-1] == "Cost after epoch 4000: 0.573367"
