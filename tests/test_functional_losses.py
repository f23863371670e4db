"""Cross-entropy losses: the kernels (nnref.functional.losses) and the loss classes
(nnref.losses). Values against the textbook formulas, gradients against the numerical gradient,
and stability for huge logits."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnref import gradcheck, losses
from nnref.functional import losses as F
from nnref.functional.activations import sigmoid, softmax

GRADCHECK_THRESHOLD = 1e-7
# The losses are smooth, not linear: h = 1e-5 balances truncation (h²·f'''/6 ~ 1e-11) against
# rounding (u·|f|/h ~ 1e-11), so that small gradients are also resolved well below 1e-7.
GRADCHECK_STEP = 1e-5
REDUCTIONS = ["mean", "sum"]
shapes = st.tuples(st.integers(1, 6), st.integers(2, 6))
seeds = st.integers(0, 2**32 - 1)

# Overflow, 0/0 or log(0) inside a loss is a bug: numpy's RuntimeWarnings fail the tests.
pytestmark = pytest.mark.filterwarnings("error")


def check(f, x, grad):
    [r] = gradcheck.check_gradients(f, [x], [grad], epsilon=GRADCHECK_STEP)
    assert r.relative_difference < GRADCHECK_THRESHOLD, r


def probabilities(rng, shape):
    """Rows of probabilities, each at least 1/16 for up to 6 classes: −log p has third derivative
    −2/p³, so the centred difference's truncation error (relative h²/3p²) stays below 1e-8."""
    p = rng.uniform(0.5, 1.5, shape)
    return p / p.sum(axis=1, keepdims=True)


def soft_labels(rng, shape):
    """Labels in [0, 1] that are neither one-hot nor rows summing to 1: a gradient that assumes
    either (e.g. softmax − y without the Σy factor) fails on them."""
    return rng.uniform(0, 1, shape)


# -- binary ---------------------------------------------------------------------------------

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("from_logits", [True, False])
@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds)
def test_binary_backward_matches_numerical_gradient(from_logits, reduction, shape, seed):
    rng = np.random.default_rng(seed)
    y = soft_labels(rng, shape) if seed % 2 else rng.integers(0, 2, shape).astype(float)
    x = rng.uniform(-4, 4, shape) if from_logits else rng.uniform(0.05, 0.95, shape)
    kw = dict(from_logits=from_logits, reduction=reduction)
    grad = F.binary_crossentropy_backward(y, x, **kw)
    assert grad.shape == x.shape
    check(lambda: float(F.binary_crossentropy(y, x, **kw)), x, grad)


@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds)
def test_binary_values_match_textbook(shape, seed):
    rng = np.random.default_rng(seed)
    y = soft_labels(rng, shape)
    z = rng.uniform(-4, 4, shape)
    p = 1 / (1 + np.exp(-z))
    ref = np.array([[-(y[i, j] * math.log(p[i, j]) + (1 - y[i, j]) * math.log(1 - p[i, j]))
                     for j in range(shape[1])] for i in range(shape[0])])
    for x, from_logits in ((p, False), (z, True)):
        none = F.binary_crossentropy(y, x, from_logits=from_logits, reduction="none")
        # log(1 − p) loses ~u/(1 − p) relative in the reference when p is near 1 (p ≤ 0.982 here)
        np.testing.assert_allclose(none, ref, rtol=1e-12, atol=0)
        np.testing.assert_allclose(F.binary_crossentropy(y, x, from_logits=from_logits),
                                   ref.mean(), rtol=1e-12, atol=0)
        np.testing.assert_allclose(F.binary_crossentropy(y, x, from_logits=from_logits,
                                                         reduction="sum"), ref.sum(), rtol=1e-12, atol=0)
    # ∂ℓ/∂z = σ(z) − y (per element, mean over all elements)
    np.testing.assert_allclose(F.binary_crossentropy_backward(y, z, from_logits=True),
                               (p - y) / y.size, rtol=1e-12, atol=1e-17)


def test_binary_from_logits_is_finite_and_correct_at_plus_minus_1e3():
    z = np.array([[1e3, -1e3, 1e3, -1e3]])
    y = np.array([[1.0, 0.0, 0.0, 1.0]])
    # ℓ = max(z, 0) − z·y + log(1 + e^−|z|): the right answers are 0, 0, 1000, 1000
    # (log1p(e^−1000) is below float64's smallest number).
    np.testing.assert_array_equal(F.binary_crossentropy(y, z, from_logits=True, reduction="none"),
                                  [[0.0, 0.0, 1e3, 1e3]])
    np.testing.assert_array_equal(F.binary_crossentropy_backward(y, z, from_logits=True, reduction="sum"),
                                  [[0.0, 0.0, 1.0, -1.0]])


# -- categorical ----------------------------------------------------------------------------

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("from_logits", [True, False])
@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds)
def test_categorical_backward_matches_numerical_gradient(from_logits, reduction, shape, seed):
    rng = np.random.default_rng(seed)
    if seed % 2:
        y = soft_labels(rng, shape)
    else:
        y = np.eye(shape[1])[rng.integers(0, shape[1], shape[0])]
    x = rng.uniform(-4, 4, shape) if from_logits else rng.uniform(0.05, 1.0, shape)
    kw = dict(from_logits=from_logits, reduction=reduction)
    grad = F.categorical_crossentropy_backward(y, x, **kw)
    assert grad.shape == x.shape
    check(lambda: float(F.categorical_crossentropy(y, x, **kw)), x, grad)


@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds)
def test_categorical_axis0_is_the_course_layout(shape, seed):
    """The course's (C, m) layout (axis=0) gives the same loss and the transposed gradient."""
    rng = np.random.default_rng(seed)
    y = np.eye(shape[1])[rng.integers(0, shape[1], shape[0])]
    for from_logits, x in ((True, rng.uniform(-4, 4, shape)), (False, probabilities(rng, shape))):
        kw = dict(from_logits=from_logits, reduction="mean")
        np.testing.assert_allclose(F.categorical_crossentropy(y.T, x.T, axis=0, **kw),
                                   F.categorical_crossentropy(y, x, **kw), rtol=1e-14, atol=0)
        g0 = F.categorical_crossentropy_backward(y.T, x.T, axis=0, **kw)
        np.testing.assert_allclose(g0, F.categorical_crossentropy_backward(y, x, **kw).T,
                                   rtol=1e-14, atol=1e-17)
        xt, yt = np.ascontiguousarray(x.T), y.T   # (C, m); perturbed in place, so contiguous
        check(lambda: float(F.categorical_crossentropy(yt, xt, axis=0, **kw)), xt, g0)


@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds)
def test_categorical_values_match_textbook(shape, seed):
    rng = np.random.default_rng(seed)
    y = soft_labels(rng, shape)
    z = rng.uniform(-4, 4, shape)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    ref = np.array([-sum(y[i, k] * math.log(p[i, k]) for k in range(shape[1]))
                    for i in range(shape[0])])
    for x, from_logits in ((p, False), (z, True)):
        np.testing.assert_allclose(F.categorical_crossentropy(y, x, from_logits=from_logits,
                                                              reduction="none"), ref, rtol=1e-12, atol=0)
        np.testing.assert_allclose(F.categorical_crossentropy(y, x, from_logits=from_logits),
                                   ref.mean(), rtol=1e-12, atol=0)
        np.testing.assert_allclose(F.categorical_crossentropy(y, x, from_logits=from_logits,
                                                              reduction="sum"), ref.sum(), rtol=1e-12, atol=0)
    # from logits: ∂ℓ/∂z = softmax(z)·Σ_k y_k − y; from probabilities: −y/p (mean over examples)
    m = shape[0]
    np.testing.assert_allclose(F.categorical_crossentropy_backward(y, z, from_logits=True),
                               (p * y.sum(axis=1, keepdims=True) - y) / m, rtol=1e-11, atol=1e-16)
    # (rtol 1e-11: p·Σy − y cancels where p ≈ y, and the two sides round p differently)
    np.testing.assert_allclose(F.categorical_crossentropy_backward(y, p), -y / p / m, rtol=1e-14, atol=0)


def test_categorical_from_logits_is_finite_and_correct_at_plus_minus_1e4():
    z = np.array([[1e4, 0.0, -1e4]] * 3)
    y = np.eye(3)                                 # classes 0, 1, 2
    # −log_softmax(z)_k = logsumexp(z) − z_k = 1e4 − z_k exactly in float64
    np.testing.assert_array_equal(F.categorical_crossentropy(y, z, from_logits=True, reduction="none"),
                                  [0.0, 1e4, 2e4])
    assert F.categorical_crossentropy(y, z, from_logits=True) == 1e4
    assert F.categorical_crossentropy(y, z, from_logits=True, reduction="sum") == 3e4
    np.testing.assert_array_equal(
        F.categorical_crossentropy_backward(y, z, from_logits=True, reduction="sum"),
        [[0.0, 0.0, 0.0], [1.0, -1.0, 0.0], [1.0, 0.0, -1.0]])
    # The loss classes take the same path.
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")
    np.testing.assert_array_equal(loss(np.array([0, 1, 2]), z), [0.0, 1e4, 2e4])


def test_log_softmax_is_correct_and_finite():
    rng = np.random.default_rng(0)
    z = rng.uniform(-5, 5, (4, 6))
    np.testing.assert_allclose(F.log_softmax(z), np.log(np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)),
                               rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(np.exp(F.log_softmax(z)).sum(axis=1), 1.0, rtol=1e-15, atol=0)
    np.testing.assert_allclose(F.log_softmax(z.T, axis=0), F.log_softmax(z).T, rtol=1e-15, atol=0)
    np.testing.assert_array_equal(F.log_softmax(np.array([1e4, 0.0, -1e4])), [0.0, -1e4, -2e4])
    np.testing.assert_allclose(F.log_softmax(np.array([1e4, 1e4])), [-math.log(2)] * 2, rtol=1e-15, atol=0)


def test_keras_clip_of_probabilities():
    """epsilon=1e-7 clips p into [ε, 1 − ε] (Keras): finite loss, zero gradient where clipped."""
    p = np.array([[0.0, 1.0, 0.5]])
    y = np.array([[1.0, 0.0, 1.0]])
    eps = 1e-7
    loss = F.binary_crossentropy(y, p, epsilon=eps, reduction="none")
    # p = 1 is clipped to 1 − ε, and 1 − (1 − ε) recovers ε only to 1.1e-16/1e-7 ≈ 1e-9 relative
    np.testing.assert_allclose(loss, [[-math.log(eps), -math.log(eps), math.log(2)]], rtol=1e-9, atol=0)
    grad = F.binary_crossentropy_backward(y, p, epsilon=eps, reduction="none")
    np.testing.assert_array_equal(grad[0, :2], [0.0, 0.0])
    np.testing.assert_allclose(grad[0, 2], -2.0, rtol=1e-15)
    pc = np.array([[0.0, 0.3, 0.7]])
    yc = np.array([[1.0, 0.0, 0.0]])
    assert F.categorical_crossentropy(yc, pc, epsilon=eps) == pytest.approx(-math.log(eps), rel=1e-9, abs=0)  # as above
    np.testing.assert_array_equal(F.categorical_crossentropy_backward(yc, pc, epsilon=eps), [[0.0, 0.0, 0.0]])


# -- the loss classes -----------------------------------------------------------------------

LOSS_CLASSES = [losses.BinaryCrossentropy, losses.CategoricalCrossentropy,
                losses.SparseCategoricalCrossentropy]


def labels_for(cls, rng, shape):
    m, c = shape
    if cls is losses.SparseCategoricalCrossentropy:
        return rng.integers(0, c, m)
    if cls is losses.CategoricalCrossentropy:
        return np.eye(c)[rng.integers(0, c, m)]
    return rng.integers(0, 2, shape)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("from_logits", [True, False])
@pytest.mark.parametrize("cls", LOSS_CLASSES)
@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds)
def test_loss_class_gradient_matches_numerical_gradient(cls, from_logits, reduction, shape, seed):
    rng = np.random.default_rng(seed)
    loss = cls(from_logits=from_logits, reduction=reduction)
    y = labels_for(cls, rng, shape)
    if from_logits:
        x = rng.uniform(-4, 4, shape)
    elif cls is losses.BinaryCrossentropy:
        x = rng.uniform(0.05, 0.95, shape)
    else:
        x = probabilities(rng, shape)             # inside the Keras clip [1e-7, 1 − 1e-7]
    grad = loss.gradient(y, x)
    assert grad.shape == x.shape and grad.dtype == x.dtype
    check(lambda: float(loss(y, x)), x, grad)


@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds)
def test_sparse_equals_categorical_with_one_hot_labels(shape, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, shape[1], shape[0])
    z = rng.uniform(-4, 4, shape)
    onehot = np.eye(shape[1])[labels]
    for from_logits, x in ((True, z), (False, softmax(z))):
        sparse = losses.SparseCategoricalCrossentropy(from_logits=from_logits)
        dense = losses.CategoricalCrossentropy(from_logits=from_logits)
        assert sparse(labels, x) == dense(onehot, x)
        assert sparse(labels[:, None], x) == dense(onehot, x)    # (m, 1) labels are accepted
        np.testing.assert_array_equal(sparse.gradient(labels, x), dense.gradient(onehot, x))


def test_binary_class_accepts_flat_labels_for_one_output_unit():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((5, 1))
    y = rng.integers(0, 2, 5)
    loss = losses.BinaryCrossentropy(from_logits=True)
    assert loss(y, z) == loss(y[:, None], z)
    p = [1 / (1 + math.exp(-zi)) for zi in z[:, 0]]
    expected = np.mean([-(yi * math.log(pi) + (1 - yi) * math.log(1 - pi)) for yi, pi in zip(y, p)])
    assert loss(y, z) == pytest.approx(expected, rel=1e-12, abs=0)


def test_from_logits_equals_from_probabilities():
    rng = np.random.default_rng(3)
    z = rng.uniform(-3, 3, (6, 4))
    y = rng.integers(0, 4, 6)
    a = losses.SparseCategoricalCrossentropy(from_logits=True)(y, z)
    b = losses.SparseCategoricalCrossentropy(from_logits=False)(y, softmax(z))
    assert a == pytest.approx(b, rel=1e-13, abs=0)
    yb = rng.integers(0, 2, (6, 4))
    a = losses.BinaryCrossentropy(from_logits=True)(yb, z)
    b = losses.BinaryCrossentropy(from_logits=False)(yb, sigmoid(z))
    assert a == pytest.approx(b, rel=1e-12, abs=0)       # log(1 − σ(3)) loses ~u/0.05 relative


def test_get_returns_instances_by_name():
    for name, cls in losses.LOSSES.items():
        loss = losses.get(name)
        assert type(loss) is cls and loss.from_logits is False
    mine = losses.CategoricalCrossentropy(from_logits=True)
    assert losses.get(mine) is mine


# -- the training step's loss: value and gradient in one call ---------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("axis", [-1, 0])
@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds)
def test_crossentropy_with_gradient_is_both_functions_bit_for_bit(dtype, reduction, axis, shape, seed):
    rng = np.random.default_rng(seed)
    z = rng.uniform(-30, 30, shape).astype(dtype)
    y = rng.uniform(0, 1, shape).astype(dtype)                 # rows need not sum to 1
    value, grad = F.categorical_crossentropy_with_gradient(y, z, reduction=reduction, axis=axis)
    expected = F.categorical_crossentropy(y, z, from_logits=True, reduction=reduction, axis=axis)
    expected_grad = F.categorical_crossentropy_backward(y, z, from_logits=True, reduction=reduction,
                                                        axis=axis)
    assert value.dtype == expected.dtype == dtype and value.tobytes() == expected.tobytes()
    assert grad.dtype == dtype and grad.tobytes() == expected_grad.tobytes()


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("from_logits", [True, False])
@pytest.mark.parametrize("cls", LOSS_CLASSES + [losses.MeanSquaredError])
@settings(max_examples=10, deadline=None)
@given(shape=shapes, seed=seeds)
def test_compute_with_gradient_is_compute_and_compute_gradient(cls, from_logits, reduction,
                                                               weighted, shape, seed):
    """What a training step calls gives what the two separate calls give, bit for bit."""
    rng = np.random.default_rng(seed)
    loss = (cls(reduction=reduction) if cls is losses.MeanSquaredError
            else cls(from_logits=from_logits, reduction=reduction))
    x = rng.uniform(-4, 4, shape) if from_logits else probabilities(rng, shape)
    y = loss.prepare(labels_for(cls, rng, shape) if cls in LOSS_CLASSES else rng.random(shape),
                     shape[1], x.dtype)
    w = rng.uniform(0, 2, shape[0]) if weighted else None
    value, grad = loss.compute_with_gradient(y, x, w)
    assert np.asarray(value).tobytes() == np.asarray(loss.compute(y, x, w)).tobytes()
    assert grad.tobytes() == loss.compute_gradient(y, x, w).tobytes()
