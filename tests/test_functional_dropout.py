"""Inverted dropout kernel (nnref.functional.dropout) with an explicit mask."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nnref import gradcheck
from nnref.functional.dropout import dropout_backward, dropout_forward, dropout_mask

GRADCHECK_THRESHOLD = 1e-7
# With a fixed mask, f = Σ (x ⊙ mask / keep_prob) ⊙ G is linear in x: the centred difference has
# no truncation error, and a large step keeps its rounding error u·|f|/h far below 1e-7.
LINEAR_STEP = 1e-2
shapes = st.tuples(st.integers(1, 8), st.integers(1, 8))
keep_probs = st.sampled_from([0.2, 0.5, 0.8, 1.0])
seeds = st.integers(0, 2**32 - 1)


@settings(max_examples=25, deadline=None)
@given(shape=shapes, keep_prob=keep_probs, seed=seeds)
def test_forward_is_mask_over_keep_prob(shape, keep_prob, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    mask = dropout_mask(rng, shape, keep_prob)
    assert mask.dtype == bool and mask.shape == shape
    out, _ = dropout_forward(x, mask, keep_prob)
    np.testing.assert_array_equal(out[~mask], 0.0)
    np.testing.assert_allclose(out[mask], x[mask] / keep_prob, rtol=1e-15, atol=0)


@settings(max_examples=25, deadline=None)
@given(shape=shapes, keep_prob=keep_probs, seed=seeds)
def test_backward_matches_numerical_gradient_with_a_fixed_mask(shape, keep_prob, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    G = rng.standard_normal(shape)                # random upstream gradient
    mask = dropout_mask(rng, shape, keep_prob)
    _, cache = dropout_forward(x, mask, keep_prob)
    dx = dropout_backward(G, cache)
    np.testing.assert_allclose(dx, np.where(mask, G / keep_prob, 0.0), rtol=1e-15, atol=0)

    def f():
        return float(np.sum(dropout_forward(x, mask, keep_prob)[0] * G))

    [r] = gradcheck.check_gradients(f, [x], [dx], epsilon=LINEAR_STEP)
    assert r.relative_difference < GRADCHECK_THRESHOLD, r


def test_mask_keeps_a_fraction_keep_prob():
    """Over N = 200 000 draws the kept fraction has std √(p(1 − p)/N) ≈ 0.001; allow 5 std."""
    n, p = 200_000, 0.7
    mask = dropout_mask(np.random.default_rng(0), (n,), p)
    assert abs(mask.mean() - p) < 5 * np.sqrt(p * (1 - p) / n)


def test_expected_activation_is_preserved():
    """The 1/keep_prob scaling keeps E[out] = x: the mean over many masks is within 5 std."""
    n, p = 200_000, 0.6
    rng = np.random.default_rng(1)
    x = np.full((n,), 2.0)
    out, _ = dropout_forward(x, dropout_mask(rng, (n,), p), p)
    std_of_mean = 2.0 * np.sqrt((1 - p) / p) / np.sqrt(n)
    assert abs(out.mean() - 2.0) < 5 * std_of_mean


def test_mask_is_reproducible_from_the_seed():
    a = dropout_mask(np.random.default_rng(3), (5, 7), 0.5)
    b = dropout_mask(np.random.default_rng(3), (5, 7), 0.5)
    c = dropout_mask(np.random.default_rng(4), (5, 7), 0.5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_course_style_float_mask_gives_the_same_result():
    """The course multiplies by a 0/1 float mask (D = rand < keep_prob); bool or 0/1 agree."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((4, 6))
    mask = dropout_mask(rng, x.shape, 0.5)
    out_b, _ = dropout_forward(x, mask, 0.5)
    out_f, _ = dropout_forward(x, mask.astype(float), 0.5)
    np.testing.assert_array_equal(out_b, out_f)


def test_forward_keeps_dtype_and_does_not_mutate_x():
    for dtype in (np.float32, np.float64):
        x = np.arange(6, dtype=dtype).reshape(2, 3)
        x0 = x.copy()
        out, cache = dropout_forward(x, np.array([[True, False, True]] * 2), 0.8)
        assert out.dtype == dtype
        assert dropout_backward(np.ones_like(x), cache).dtype == dtype
        np.testing.assert_array_equal(x, x0)
