"""Weight penalties: the kernels (nnref.functional.penalties) and the regularizer classes
(nnref.regularizers). Values against the formula, gradients against the numerical gradient."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnref import gradcheck, regularizers
from nnref.functional.penalties import l1_penalty, l1_penalty_grad, l2_penalty, l2_penalty_grad

GRADCHECK_THRESHOLD = 1e-7
# Both penalties are at most quadratic in each coordinate (L1 is linear away from 0), so the
# centred difference has no truncation error; a larger step shrinks its rounding error u·|f|/h.
STEP = 1e-3
shapes = st.tuples(st.integers(1, 6), st.integers(1, 6))
factors = st.floats(1e-4, 10.0)
seeds = st.integers(0, 2**32 - 1)


def away_from_zero(rng, shape):
    """|W| ≥ 0.1, random sign: a step of 1e-3 never crosses L1's kink at 0."""
    return rng.uniform(0.1, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


def gradcheck_one(f, W, grad):
    [r] = gradcheck.check_gradients(f, [W], [grad], epsilon=STEP)
    assert r.relative_difference < GRADCHECK_THRESHOLD, r


@settings(max_examples=25, deadline=None)
@given(shape=shapes, l2=factors, seed=seeds)
def test_l2_value_and_gradient(shape, l2, seed):
    W = np.random.default_rng(seed).standard_normal(shape)
    assert l2_penalty(W, l2) == pytest.approx(l2 * np.linalg.norm(W) ** 2, rel=1e-13, abs=0)   # ‖W‖²_F
    grad = l2_penalty_grad(W, l2)
    np.testing.assert_array_equal(grad, 2 * l2 * W)
    gradcheck_one(lambda: float(l2_penalty(W, l2)), W, grad)


@settings(max_examples=25, deadline=None)
@given(shape=shapes, l1=factors, seed=seeds)
def test_l1_value_and_gradient_away_from_zero(shape, l1, seed):
    W = away_from_zero(np.random.default_rng(seed), shape)
    assert l1_penalty(W, l1) == pytest.approx(l1 * sum(abs(w) for w in W.ravel()), rel=1e-13, abs=0)
    grad = l1_penalty_grad(W, l1)
    gradcheck_one(lambda: float(l1_penalty(W, l1)), W, grad)


def test_l1_gradient_at_zero_is_zero():
    """The subgradient Keras uses: sign(0) = 0."""
    np.testing.assert_array_equal(l1_penalty_grad(np.array([-2.0, 0.0, 3.0]), 0.5), [-0.5, 0.0, 0.5])


@pytest.mark.parametrize("make", [lambda: regularizers.L2(0.3), lambda: regularizers.L1(0.3),
                                  lambda: regularizers.L1L2(0.2, 0.7)], ids=["L2", "L1", "L1L2"])
@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds)
def test_regularizer_classes_gradient_matches_numerical_gradient(make, shape, seed):
    reg = make()
    W = away_from_zero(np.random.default_rng(seed), shape)
    expected = reg.l1 * np.abs(W).sum() + reg.l2 * (W ** 2).sum()
    assert reg(W) == pytest.approx(expected, rel=1e-13, abs=0)
    grad = reg.gradient(W)
    assert grad.shape == W.shape
    gradcheck_one(lambda: float(reg(W)), W, grad)


def test_regularizer_gradient_check_can_fail():
    """The course's λ/m·W written for a penalty of l2·ΣW² (missing the factor 2) is caught."""
    W = np.random.default_rng(0).standard_normal((3, 4))
    reg = regularizers.L2(0.1)
    [r] = gradcheck.check_gradients(lambda: float(reg(W)), [W], [0.1 * W], epsilon=STEP)
    assert r.relative_difference > 0.1


def test_course_l2_term_is_l2_of_lambda_over_2m():
    """The course's cost term λ/(2m)·Σ_l ‖W_l‖²_F and its gradient λ/m·W."""
    rng = np.random.default_rng(1)
    Ws = [rng.standard_normal((5, 3)), rng.standard_normal((3, 2))]
    lambd, m = 0.7, 32
    reg = regularizers.L2(lambd / (2 * m))
    course = lambd / (2 * m) * sum(np.sum(np.square(W)) for W in Ws)
    assert sum(reg(W) for W in Ws) == pytest.approx(course, rel=1e-14, abs=0)
    for W in Ws:
        np.testing.assert_allclose(reg.gradient(W), lambd / m * W, rtol=1e-15, atol=0)


def test_keras_convention_rounds_factors_to_float32():
    course, keras = regularizers.L2(0.1), regularizers.L2(0.1, convention="keras")
    assert course.l2 == 0.1
    assert keras.l2 == float(np.float32(0.1)) != 0.1
    W = np.ones((2, 2))
    assert keras(W) == 4 * float(np.float32(0.1))


def test_defaults_and_names_are_keras():
    assert regularizers.L2().l2 == 0.01 and regularizers.L2().l1 == 0.0
    assert regularizers.L1().l1 == 0.01 and regularizers.L1().l2 == 0.0
    assert (regularizers.get("l1_l2").l1, regularizers.get("l1_l2").l2) == (0.01, 0.01)
    assert isinstance(regularizers.get("l2"), regularizers.L2)
    assert isinstance(regularizers.get("L1"), regularizers.L1)
    assert regularizers.get(None) is None
    reg = regularizers.L1L2(0.1, 0.2)
    assert regularizers.get(reg) is reg


def test_zero_factor_adds_nothing():
    W = np.random.default_rng(2).standard_normal((3, 3))
    reg = regularizers.L1L2(0.0, 0.0)
    assert reg(W) == 0.0
    np.testing.assert_array_equal(reg.gradient(W), np.zeros_like(W))
