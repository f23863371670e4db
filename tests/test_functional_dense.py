"""Dense kernel (nnref.functional.dense): forward against the sum it stands for, backward against
the numerical gradient, and the course's transposed layout through the same kernel."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nnref import gradcheck
from nnref.functional.dense import dense_backward, dense_forward

GRADCHECK_THRESHOLD = 1e-7
# f = Σ (x·W + b) ⊙ G is linear in each single coordinate, so the centred difference has no
# truncation error and a large step only shrinks its rounding error u·|f|/h. With the default
# h = 1e-6 a small gradient (db = Σ_i G_i can be ~1e-3) would be resolved to only ~1e-7.
LINEAR_STEP = 1e-2
dims = st.integers(1, 6)
seeds = st.integers(0, 2**32 - 1)


@settings(max_examples=25, deadline=None)
@given(m=dims, n_in=dims, n_out=dims, seed=seeds)
def test_forward_is_the_affine_sum(m, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    x, W, b = rng.standard_normal((m, n_in)), rng.standard_normal((n_in, n_out)), rng.standard_normal(n_out)
    out, cache = dense_forward(x, W, b)
    assert out.shape == (m, n_out)
    ref = np.array([[sum(x[i, k] * W[k, j] for k in range(n_in)) + b[j] for j in range(n_out)]
                    for i in range(m)])
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-14)   # summation order differs
    out_nb, _ = dense_forward(x, W, None)
    np.testing.assert_allclose(out_nb, ref - b, rtol=1e-12, atol=1e-14)


@settings(max_examples=25, deadline=None)
@given(m=dims, n_in=dims, n_out=dims, seed=seeds)
def test_backward_matches_numerical_gradient(m, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    x, W, b = rng.standard_normal((m, n_in)), rng.standard_normal((n_in, n_out)), rng.standard_normal(n_out)
    G = rng.standard_normal((m, n_out))           # random upstream gradient ∂L/∂out
    _, cache = dense_forward(x, W, b)
    dx, dW, db = dense_backward(G, cache)
    assert (dx.shape, dW.shape, db.shape) == (x.shape, W.shape, b.shape)

    def f():                                      # L = Σ out ⊙ G
        return float(np.sum(dense_forward(x, W, b)[0] * G))

    results = gradcheck.check_gradients(f, [x, W, b], [dx, dW, db], epsilon=LINEAR_STEP,
                                        names=["dx", "dW", "db"])
    for r in results:
        assert r.relative_difference < GRADCHECK_THRESHOLD, r


def test_backward_check_can_fail():
    """A wrong db (the mean over the batch instead of the sum) fails the same check."""
    rng = np.random.default_rng(1)
    x, W, b = rng.standard_normal((5, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)
    G = rng.standard_normal((5, 2))
    _, cache = dense_forward(x, W, b)
    _, _, db = dense_backward(G, cache)
    f = lambda: float(np.sum(dense_forward(x, W, b)[0] * G))
    [r] = gradcheck.check_gradients(f, [b], [db / 5])
    assert r.relative_difference > 0.1


def test_forward_does_not_mutate_its_inputs():
    rng = np.random.default_rng(2)
    x, W, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)
    copies = [a.copy() for a in (x, W, b)]
    out, _ = dense_forward(x, W, b)
    dense_backward(np.ones_like(out), (x, W))
    for a, c in zip((x, W, b), copies):
        np.testing.assert_array_equal(a, c)


@settings(max_examples=25, deadline=None)
@given(m=dims, n_in=dims, n_out=dims, seed=seeds)
def test_course_layout_is_the_transpose(m, n_in, n_out, seed):
    """Course: Z = W·A + b with A (n_in, m), W (n_out, n_in), b (n_out, 1); dW = dZ·Aᵀ,
    db = Σ_columns dZ, dA = Wᵀ·dZ. The batch-first kernel on transposed views gives the same."""
    rng = np.random.default_rng(seed)
    A_prev = rng.standard_normal((n_in, m))       # (n_in, m)
    W = rng.standard_normal((n_out, n_in))        # (n_out, n_in)
    b = rng.standard_normal((n_out, 1))           # (n_out, 1)
    dZ = rng.standard_normal((n_out, m))
    out, cache = dense_forward(A_prev.T, W.T, b[:, 0])
    np.testing.assert_allclose(out.T, W @ A_prev + b, rtol=1e-12, atol=1e-14)
    dx, dW, db = dense_backward(dZ.T, cache)
    np.testing.assert_allclose(dW.T, dZ @ A_prev.T, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(db[:, None], dZ.sum(axis=1, keepdims=True), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dx.T, W.T @ dZ, rtol=1e-12, atol=1e-14)
