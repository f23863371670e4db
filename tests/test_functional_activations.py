"""Activation kernels (nnref.functional.activations): forward against the textbook formula,
backward against the numerical gradient and against independently derived derivatives, and
numerical stability at extreme inputs."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnref import gradcheck
from nnref.functional import activations as A

NAMES = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "softmax"]
GRADCHECK_THRESHOLD = 1e-7   # the course notebook: "small (say less than 10⁻⁷)"; its code flags > 2e-7

shapes = st.tuples(st.integers(1, 6), st.integers(2, 6))
seeds = st.integers(0, 2**32 - 1)


def away_from_zero(rng, shape, low=0.1, high=3.0):
    """Values with |z| in [low, high], random sign: a ±1e-6 step never crosses relu's kink."""
    return rng.uniform(low, high, shape) * rng.choice([-1.0, 1.0], shape)


# Overflow, 0/0 or log(0) inside a kernel is a bug: numpy's RuntimeWarnings fail the tests.
pytestmark = pytest.mark.filterwarnings("error")


def test_registry_holds_exactly_the_documented_names():
    assert sorted(A.ACTIVATIONS) == sorted(NAMES)
    assert A.get(None) is A.ACTIVATIONS["linear"]
    for name in NAMES:
        assert A.get(name) is A.ACTIVATIONS[name]


# -- backward = numerical gradient ----------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds)
def test_backward_matches_numerical_gradient(name, shape, seed):
    rng = np.random.default_rng(seed)
    act = A.get(name)
    z = away_from_zero(rng, shape)
    G = rng.standard_normal(shape)                # random upstream gradient ∂L/∂a
    dz = act.backward(G, z, act.forward(z))
    assert dz.shape == z.shape

    def f():                                      # L(z) = Σ a(z) ⊙ G, so ∂L/∂z = backward(G)
        return float(np.sum(act.forward(z) * G))

    [result] = gradcheck.check_gradients(f, [z], [dz])
    assert result.relative_difference < GRADCHECK_THRESHOLD, result


def test_backward_check_can_fail():
    """The same check rejects a wrong derivative (sigmoid's da·a instead of da·a·(1 − a))."""
    rng = np.random.default_rng(0)
    z, G = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    a = A.sigmoid(z)
    [result] = gradcheck.check_gradients(lambda: float(np.sum(A.sigmoid(z) * G)), [z], [G * a])
    assert result.relative_difference > 1e-2


# -- forward and derivative against the textbook --------------------------------------------

def textbook(name, z):
    """(a, da/dz) written from the definitions, elementwise (softmax has its own test)."""
    ez, emz = np.exp(z), np.exp(-z)
    if name == "linear":
        return z, np.ones_like(z)
    if name == "sigmoid":
        s = 1 / (1 + emz)
        return s, emz / (1 + emz) ** 2
    if name == "tanh":
        return (ez - emz) / (ez + emz), 4 / (ez + emz) ** 2    # 1/cosh²
    if name == "relu":
        return np.where(z > 0, z, 0.0), (z > 0).astype(float)
    if name == "leaky_relu":
        return np.where(z > 0, z, 0.2 * z), np.where(z > 0, 1.0, 0.2)
    if name == "softplus":
        return np.log(1 + ez), ez / (1 + ez)
    raise AssertionError(name)


@pytest.mark.parametrize("name", [n for n in NAMES if n != "softmax"])
@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds)
def test_forward_and_derivative_match_textbook(name, shape, seed):
    rng = np.random.default_rng(seed)
    z = away_from_zero(rng, shape)
    G = rng.standard_normal(shape)
    act = A.get(name)
    a_ref, da_dz = textbook(name, z)
    a = act.forward(z)
    np.testing.assert_allclose(a, a_ref, rtol=1e-12, atol=0)
    np.testing.assert_allclose(act.backward(G, z, a), G * da_dz, rtol=1e-12, atol=0)


def test_leaky_relu_slope_is_keras_activation_default():
    z = np.array([-2.0, -0.5, 0.5, 2.0])
    np.testing.assert_array_equal(A.leaky_relu(z), [-0.4, -0.1, 0.5, 2.0])
    np.testing.assert_array_equal(A.leaky_relu(z, negative_slope=0.3), [-0.6, -0.15, 0.5, 2.0])


def test_relu_backward_is_zero_at_the_kink():
    """The course's convention: dZ[Z <= 0] = 0."""
    z = np.array([[-1.0, 0.0, 1.0]])
    np.testing.assert_array_equal(A.relu_backward(np.array([[5.0, 5.0, 5.0]]), z, A.relu(z)),
                                  [[0.0, 0.0, 5.0]])


def test_leaky_relu_backward_is_the_slope_at_the_kink():
    """At z = 0 the gradient is the slope, as Keras's (TensorFlow's LeakyReluGrad passes da only
    where z > 0: tf.GradientTape gives [0.2, 0.2, 1] for keras.activations.leaky_relu at −1, 0, 1)."""
    z = np.array([[-1.0, 0.0, 1.0]])
    np.testing.assert_array_equal(
        A.leaky_relu_backward(np.array([[5.0, 5.0, 5.0]]), z, A.leaky_relu(z)), [[1.0, 1.0, 5.0]])


@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds)
def test_softmax_matches_definition_and_explicit_jacobian(shape, seed):
    rng = np.random.default_rng(seed)
    z = rng.uniform(-5, 5, shape)
    G = rng.standard_normal(shape)
    a = A.softmax(z)
    ref = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(a, ref, rtol=1e-12, atol=0)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-15, atol=0)
    # Row by row: J[i, j] = ∂a_i/∂z_j = a_i(δ_ij − a_j); the backward is Jᵀ·G.
    dz = A.softmax_backward(G, z, a)
    for r in range(shape[0]):
        J = np.diag(a[r]) - np.outer(a[r], a[r])
        # rtol 1e-10: Jᵀ·G and a ⊙ (G − Σ G·a) add different terms that cancel where G ⊥ a
        np.testing.assert_allclose(dz[r], J.T @ G[r], rtol=1e-10, atol=1e-15)


@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds)
def test_softmax_axis0_is_the_transposed_layout(shape, seed):
    """The course's (C, m) layout normalises over axis 0: the same numbers, transposed."""
    rng = np.random.default_rng(seed)
    z, G = rng.standard_normal(shape), rng.standard_normal(shape)
    a = A.softmax(z)
    np.testing.assert_array_equal(A.softmax(z.T, axis=0), a.T)
    np.testing.assert_allclose(A.softmax_backward(G.T, z.T, a.T, axis=0),
                               A.softmax_backward(G, z, a).T, rtol=1e-15, atol=1e-17)


# -- extreme inputs -------------------------------------------------------------------------

def test_sigmoid_is_finite_and_correct_at_plus_minus_1e3():
    z = np.array([-1e3, -30.0, 0.0, 30.0, 1e3])
    a = A.sigmoid(z)
    # exp(-1000) underflows to exactly 0 in float64 (the true value is ~5e-435).
    expected = [0.0, 1 / (1 + math.exp(30)), 0.5, 1 / (1 + math.exp(-30)), 1.0]
    np.testing.assert_allclose(a, expected, rtol=1e-15, atol=0)
    da = A.sigmoid_backward(np.ones(5), z, a)
    assert np.isfinite(da).all()
    d30 = math.exp(-30) / (1 + math.exp(-30)) ** 2
    np.testing.assert_allclose(da[:3], [0.0, d30, 0.25], rtol=1e-13, atol=0)
    # a·(1 − a) is computed from a; at z = 30, a rounds to within one ulp of 1, so 1 − a (and
    # the derivative, ~9e-14) is exact only to ~1e-16 absolute: hence atol, not rtol, there.
    np.testing.assert_allclose(da[3:], [d30, 0.0], rtol=0, atol=2.3e-16)


def test_softplus_is_finite_and_correct_at_plus_minus_1e3():
    z = np.array([-1e3, -40.0, 0.0, 40.0, 1e3])
    np.testing.assert_allclose(A.softplus(z), [0.0, math.exp(-40), math.log(2), 40.0, 1e3],
                               rtol=1e-15, atol=0)


def test_softmax_is_finite_and_correct_at_plus_minus_1e4():
    z = np.array([[1e4, 0.0, -1e4],
                  [1e4, 1e4 - 1, -1e4],
                  [-1e4, -1e4, -1e4]])
    a = A.softmax(z)
    s1 = 1 / (1 + math.exp(-1))                   # softmax([0, -1]) = [σ(1), σ(−1)]
    np.testing.assert_allclose(a, [[1.0, 0.0, 0.0],
                                   [s1, 1 - s1, 0.0],
                                   [1 / 3, 1 / 3, 1 / 3]], rtol=1e-15, atol=0)
    G = np.array([[1.0, -2.0, 3.0]] * 3)
    dz = A.softmax_backward(G, z, a)
    assert np.isfinite(dz).all()
    np.testing.assert_allclose(dz[0], 0.0, atol=0)   # a saturated softmax passes no gradient


@pytest.mark.parametrize("name", NAMES)
def test_kernels_keep_the_input_dtype_and_do_not_mutate_it(name):
    act = A.get(name)
    for dtype in (np.float32, np.float64):
        z = np.array([[-2.0, -0.5, 0.5, 2.0]], dtype=dtype)
        z0 = z.copy()
        a = act.forward(z)
        dz = act.backward(np.full_like(z, 0.5), z, a)
        assert a.dtype == dtype and dz.dtype == dtype
        np.testing.assert_array_equal(z, z0)
