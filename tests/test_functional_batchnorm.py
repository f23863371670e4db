"""Batch-normalization kernels (nnref.functional.batchnorm): training forward against the
textbook, backward against the numerical gradient and the staged chain rule, inference with
running statistics, the momentum update and Bessel's correction."""
from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from nnref import gradcheck
from nnref.functional.batchnorm import (batchnorm_backward, batchnorm_forward, batchnorm_inference,
                                        unbiased_variance, update_moving)

GRADCHECK_THRESHOLD = 1e-7
EPS = 1e-3                                        # Keras's default epsilon
batch = st.integers(2, 8)                         # batch statistics need m >= 2
# Numerical check of dx: x̂ is invariant to shifting and scaling a column, so dx is G projected
# away from two directions and can be small (with m = 2, x̂ = ±√(σ²/(σ² + ε)) and dx ~ ε/σ³ ~ 1e-5).
# The centred difference's rounding error, u·|f|/h, then matters: the step is h = 1e-5 (near the
# float64 optimum (u/|f'''|)^(1/3); error ~1e-11) rather than the default 1e-6, and the check
# starts at m = 3 (m = 2 is covered by the staged chain-rule test). Measured over 3000 random
# cases: worst relative difference 2e-8.
GRADCHECK_STEP = 1e-5
batch_gc = st.integers(3, 8)
width = st.integers(1, 5)
seeds = st.integers(0, 2**32 - 1)


def draw(rng, m, n):
    x = rng.normal(rng.uniform(-2, 2, n), rng.uniform(0.5, 3, n), (m, n))   # (m, n), varied columns
    gamma, beta = rng.uniform(0.5, 2, n) * rng.choice([-1, 1], n), rng.standard_normal(n)
    return x, gamma, beta


@settings(max_examples=25, deadline=None)
@given(m=batch, n=width, seed=seeds)
def test_training_forward_matches_textbook(m, n, seed):
    rng = np.random.default_rng(seed)
    x, gamma, beta = draw(rng, m, n)
    out, mean, var, _ = batchnorm_forward(x, gamma, beta, EPS)
    mu = np.array([sum(x[:, j]) / m for j in range(n)])
    s2 = np.array([sum((x[:, j] - mu[j]) ** 2) / m for j in range(n)])   # biased
    np.testing.assert_allclose(mean, mu, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(var, s2, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(out, gamma * (x - mu) / np.sqrt(s2 + EPS) + beta, rtol=1e-12, atol=1e-13)


@settings(max_examples=25, deadline=None)
@given(m=batch_gc, n=width, seed=seeds)
@example(m=7, n=1, seed=16741)     # dγ = 1.7e-4 from terms of order 1: relative difference 1.26e-7
@example(m=7, n=1, seed=10723)     # dγ = −4.5e-5: relative difference 2.03e-7
def test_backward_matches_numerical_gradient(m, n, seed):
    rng = np.random.default_rng(seed)
    x, gamma, beta = draw(rng, m, n)
    G = rng.standard_normal((m, n))               # random upstream gradient
    out, _, _, cache = batchnorm_forward(x, gamma, beta, EPS)
    dx, dgamma, dbeta = batchnorm_backward(G, cache)
    assert (dx.shape, dgamma.shape, dbeta.shape) == ((m, n), (n,), (n,))

    def f():
        return float(np.sum(batchnorm_forward(x, gamma, beta, EPS)[0] * G))

    # The bound follows the conditioning. The centred difference errs by its rounding, about
    # u·F/h per coordinate, where F = Σ|out ⊙ G| is the size of the terms f adds (f's own
    # rounding scales with them, not with f or with the gradient). A relative bound alone fails
    # when a gradient is a nearly cancelling sum: dγ = Σ_i G_i·x̂_i can be 1e-4 from terms of
    # order 1, and u·F/h ≈ 1e-10 is then 1e-6 of it. So the difference may be 1e-7 of the
    # gradients' norms plus that rounding floor (√k for k coordinates); a wrong formula misses
    # by a relative O(1), 1e5 times more than the floor. Measured over 45,000 cases (seeds 0..1499,
    # m 3..8, n 1..5, and the examples above): at most 0.49 of this bound.
    floor = np.finfo(np.float64).eps / 2 * np.sum(np.abs(out * G)) / GRADCHECK_STEP
    for name, param, grad in (("dx", x, dx), ("dgamma", gamma, dgamma), ("dbeta", beta, dbeta)):
        numerical = gradcheck.numerical_gradient(f, param, GRADCHECK_STEP)
        difference = np.linalg.norm(grad - numerical)
        scale = np.linalg.norm(grad) + np.linalg.norm(numerical)
        assert difference <= GRADCHECK_THRESHOLD * scale + np.sqrt(grad.size) * floor, name


def staged_backward(dout, x, gamma, eps):
    """The chain rule step by step through the computational graph (Ioffe & Szegedy 2015,
    Algorithm 1's derivatives), written independently of the compact formula."""
    m = x.shape[0]
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).mean(axis=0)
    x_hat = (x - mu) / np.sqrt(var + eps)
    dx_hat = dout * gamma
    dvar = np.sum(dx_hat * (x - mu), axis=0) * -0.5 * (var + eps) ** -1.5
    dmu = np.sum(-dx_hat / np.sqrt(var + eps), axis=0) + dvar * np.mean(-2 * (x - mu), axis=0)
    dx = dx_hat / np.sqrt(var + eps) + dvar * 2 * (x - mu) / m + dmu / m
    return dx, np.sum(dout * x_hat, axis=0), np.sum(dout, axis=0)


@settings(max_examples=25, deadline=None)
@given(m=batch, n=width, seed=seeds)
def test_backward_matches_staged_chain_rule(m, n, seed):
    rng = np.random.default_rng(seed)
    x, gamma, beta = draw(rng, m, n)
    G = rng.standard_normal((m, n))
    _, _, _, cache = batchnorm_forward(x, gamma, beta, EPS)
    for got, ref in zip(batchnorm_backward(G, cache), staged_backward(G, x, gamma, EPS)):
        # the two forms sum different terms; dx is a difference of O(1) terms -> absolute slack
        np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12)


def test_backward_check_can_fail():
    """Forgetting the paths through μ and σ² (dx = dout·γ/σ) fails the numerical check."""
    rng = np.random.default_rng(0)
    x, gamma, beta = draw(rng, 6, 3)
    G = rng.standard_normal((6, 3))
    _, _, var, _ = batchnorm_forward(x, gamma, beta, EPS)
    f = lambda: float(np.sum(batchnorm_forward(x, gamma, beta, EPS)[0] * G))
    [r] = gradcheck.check_gradients(f, [x], [G * gamma / np.sqrt(var + EPS)])
    assert r.relative_difference > 1e-2


@settings(max_examples=25, deadline=None)
@given(m=st.integers(1, 6), n=width, seed=seeds)
def test_inference_uses_the_running_statistics(m, n, seed):
    rng = np.random.default_rng(seed)
    x, gamma, beta = draw(rng, m, n)
    moving_mean, moving_var = rng.standard_normal(n), rng.uniform(0.1, 4, n)
    out = batchnorm_inference(x, gamma, beta, moving_mean, moving_var, EPS)
    ref = np.array([[gamma[j] * (x[i, j] - moving_mean[j]) / np.sqrt(moving_var[j] + EPS) + beta[j]
                     for j in range(n)] for i in range(m)])
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-13)
    # One example alone gives the same output as inside a batch: no batch statistics are used.
    np.testing.assert_array_equal(batchnorm_inference(x[:1], gamma, beta, moving_mean, moving_var, EPS),
                                  out[:1])


def test_update_moving_is_the_momentum_formula_in_place():
    rng = np.random.default_rng(0)
    moving, batch_value = rng.standard_normal(5), rng.standard_normal(5)
    before = moving.copy()
    ref = before.copy()
    for _ in range(3):                            # three steps, recomputed here
        update_moving(moving, batch_value, 0.9)
        ref = 0.9 * ref + (1 - 0.9) * batch_value
    np.testing.assert_allclose(moving, ref, rtol=1e-15, atol=0)
    m0 = before.copy()
    update_moving(m0, batch_value, 1.0)           # momentum 1: frozen
    np.testing.assert_array_equal(m0, before)
    update_moving(m0, batch_value, 0.0)           # momentum 0: the batch value
    np.testing.assert_array_equal(m0, batch_value)


def test_unbiased_variance_is_bessels_correction():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((7, 4))
    _, _, var, _ = batchnorm_forward(x, np.ones(4), np.zeros(4), EPS)
    np.testing.assert_allclose(unbiased_variance(var, 7), np.var(x, axis=0, ddof=1), rtol=1e-13, atol=0)
