"""nnref.course.c1w4_deep_nn: seeds, caches and gradients against the course's code."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import course_reference as ref
from nnref import gradcheck
from nnref.course import c1w4_deep_nn as dnn


def case(layer_dims, m, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((layer_dims[0], m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    params = {}
    for l in range(1, len(layer_dims)):
        params["W" + str(l)] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * 0.5
        params["b" + str(l)] = rng.standard_normal((layer_dims[l], 1)) * 0.1
    return X, Y, params


# ----------------------------------------------------------------------------- helpers
def test_activation_helpers_return_z_as_cache():
    Z = np.array([[-2., 0., 3.]])
    A, cache = dnn.sigmoid(Z)
    assert cache is Z
    np.testing.assert_allclose(A, ref.sigmoid(Z), rtol=1e-15)
    A, cache = dnn.relu(Z)
    assert cache is Z
    np.testing.assert_array_equal(A, [[0., 0., 3.]])


def test_backward_helpers():
    Z = np.array([[-2., 0., 3.]])
    dA = np.array([[1., 2., 3.]])
    dA0 = dA.copy()
    np.testing.assert_array_equal(dnn.relu_backward(dA, Z), [[0., 0., 3.]])   # Z <= 0 -> 0
    s = ref.sigmoid(Z)
    np.testing.assert_allclose(dnn.sigmoid_backward(dA, Z), dA * s * (1 - s), rtol=1e-15)
    np.testing.assert_array_equal(dA, dA0)


# ----------------------------------------------------------------------------- initialization
def test_initialize_parameters_seed_1():
    p = dnn.initialize_parameters(3, 2, 1)
    np.testing.assert_allclose(p["W1"], [[0.01624345, -0.00611756, -0.00528172],
                                         [-0.01072969, 0.00865408, -0.02301539]], atol=5e-9)
    np.testing.assert_allclose(p["W2"], [[0.01744812, -0.00761207]], atol=5e-9)
    np.random.seed(1)
    np.testing.assert_array_equal(p["W1"], np.random.randn(2, 3) * 0.01)
    np.testing.assert_array_equal(p["W2"], np.random.randn(1, 2) * 0.01)
    assert p["b1"].shape == (2, 1) and p["b2"].shape == (1, 1)
    assert not p["b1"].any() and not p["b2"].any()


def test_initialize_parameters_deep_seed_3():
    p = dnn.initialize_parameters_deep([5, 4, 3])
    assert list(p) == ["W1", "b1", "W2", "b2"]
    np.testing.assert_allclose(p["W1"][0], [0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388],
                               atol=5e-9)
    np.random.seed(3)
    np.testing.assert_array_equal(p["W1"], np.random.randn(4, 5) * 0.01)
    np.testing.assert_array_equal(p["W2"], np.random.randn(3, 4) * 0.01)
    assert p["b1"].shape == (4, 1) and p["b2"].shape == (3, 1)


@pytest.mark.parametrize("bad, exc", [([5], ValueError), ([5, 0], ValueError), ([5, 2.5], TypeError),
                                      ("54", TypeError)])
def test_initialize_parameters_deep_bad_dims(bad, exc):
    with pytest.raises(exc, match="layer_dims"):
        dnn.initialize_parameters_deep(bad)


# ----------------------------------------------------------------------------- forward
def test_linear_forward_and_cache():
    X, _, p = case([3, 2], 4)
    Z, cache = dnn.linear_forward(X, p["W1"], p["b1"])
    assert Z.shape == (2, 4)
    np.testing.assert_allclose(Z, p["W1"] @ X + p["b1"], rtol=1e-13)
    assert cache[0] is X and cache[1] is p["W1"] and cache[2] is p["b1"]


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_linear_activation_forward(activation):
    X, _, p = case([3, 2], 4)
    A, (linear_cache, Z) = dnn.linear_activation_forward(X, p["W1"], p["b1"], activation)
    np.testing.assert_allclose(Z, p["W1"] @ X + p["b1"], rtol=1e-13)
    g = ref.sigmoid if activation == "sigmoid" else ref.relu
    np.testing.assert_allclose(A, g(Z), rtol=1e-15)
    assert len(linear_cache) == 3


def test_linear_activation_forward_unknown_activation():
    X, _, p = case([3, 2], 4)
    with pytest.raises(ValueError, match="activation must be one of"):
        dnn.linear_activation_forward(X, p["W1"], p["b1"], "tanh")


def test_L_model_forward_structure_and_values():
    X, _, p = case([5, 4, 3, 1], 4)
    saved = {k: v.copy() for k, v in p.items()}
    AL, caches = dnn.L_model_forward(X, p)
    AL_ref, layers = ref.deep_forward(X, p)
    assert AL.shape == (1, 4) and len(caches) == 3
    np.testing.assert_allclose(AL, AL_ref, rtol=1e-13)
    for (linear_cache, Z), (A_prev, W, b, Z_ref) in zip(caches, layers):
        np.testing.assert_allclose(linear_cache[0], A_prev, rtol=1e-13)
        assert linear_cache[1] is W and linear_cache[2] is b
        np.testing.assert_allclose(Z, Z_ref, rtol=1e-13, atol=1e-15)
    for k in p:
        np.testing.assert_array_equal(p[k], saved[k])


def test_compute_cost():
    Y = np.array([[1, 1, 0]])
    AL = np.array([[.8, .9, 0.4]])
    cost = dnn.compute_cost(AL, Y)
    assert np.shape(cost) == ()
    assert cost == pytest.approx(0.2797765635793423, rel=1e-14)        # the course's notebook prints it
    assert cost == pytest.approx(ref.deep_cost(AL, Y), rel=1e-15)
    with pytest.raises(ValueError, match=r"Y must have shape \(1, 3\)"):
        dnn.compute_cost(AL, np.array([[1, 0]]))


# ----------------------------------------------------------------------------- backward
def test_linear_backward():
    X, _, p = case([3, 2], 4)
    dZ = np.random.default_rng(5).standard_normal((2, 4))
    dA_prev, dW, db = dnn.linear_backward(dZ, (X, p["W1"], p["b1"]))
    assert (dA_prev.shape, dW.shape, db.shape) == ((3, 4), (2, 3), (2, 1))
    np.testing.assert_allclose(dW, 1 / 4 * np.dot(dZ, X.T), rtol=1e-13)
    np.testing.assert_allclose(db, 1 / 4 * np.sum(dZ, axis=1, keepdims=True), rtol=1e-13)
    np.testing.assert_allclose(dA_prev, np.dot(p["W1"].T, dZ), rtol=1e-13)


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_linear_activation_backward(activation):
    X, _, p = case([3, 2], 4)
    dA = np.random.default_rng(6).standard_normal((2, 4))
    _, cache = dnn.linear_activation_forward(X, p["W1"], p["b1"], activation)
    dA_prev, dW, db = dnn.linear_activation_backward(dA, cache, activation)
    Z = cache[1]
    if activation == "sigmoid":
        s = ref.sigmoid(Z)
        dZ = dA * s * (1 - s)
    else:
        dZ = np.where(Z <= 0, 0, dA)
    np.testing.assert_allclose(dW, 1 / 4 * np.dot(dZ, X.T), rtol=1e-13)
    np.testing.assert_allclose(db, 1 / 4 * np.sum(dZ, axis=1, keepdims=True), rtol=1e-13)
    np.testing.assert_allclose(dA_prev, np.dot(p["W1"].T, dZ), rtol=1e-13)


@settings(max_examples=20, deadline=None)
@given(dims=st.lists(st.integers(1, 5), min_size=2, max_size=4), m=st.integers(1, 6),
       seed=st.integers(0, 1000))
def test_L_model_backward_matches_the_course(dims, m, seed):
    X, Y, p = case(dims + [1], m, seed)
    AL, caches = dnn.L_model_forward(X, p)
    grads = dnn.L_model_backward(AL, Y, caches)
    AL_ref, layers = ref.deep_forward(X, p)
    expected = ref.deep_backward(AL_ref, Y, layers)
    L = len(dims)
    assert set(grads) == {f"d{k}{l}" for l in range(1, L + 1) for k in "Wb"} | {f"dA{l}" for l in range(L)}
    ref.assert_dicts_close(grads, expected, rtol=1e-11, atol=1e-14)  # relative error of tiny entries


def test_L_model_backward_is_the_gradient_of_the_cost():
    X, Y, p = case([4, 3, 2, 1], 6, seed=3)
    AL, caches = dnn.L_model_forward(X, p)
    grads = dnn.L_model_backward(AL, Y, caches)

    def J():
        return float(dnn.compute_cost(dnn.L_model_forward(X, p)[0], Y))

    names = [f"{k}{l}" for l in (1, 2, 3) for k in "Wb"]
    results = gradcheck.check_gradients(J, [p[n] for n in names], [grads["d" + n] for n in names],
                                        names=names)
    for r in results:
        assert r.relative_difference < 1e-7, r


def test_update_parameters_does_not_modify_its_input():
    _, _, p = case([3, 2, 1], 2)
    saved = {k: v.copy() for k, v in p.items()}
    grads = {"d" + k: np.ones_like(v) for k, v in p.items()}
    new = dnn.update_parameters(p, grads, 0.1)
    assert list(new) == list(p)
    for k in p:
        np.testing.assert_array_equal(new[k], saved[k] - 0.1 * 1.0)
        np.testing.assert_array_equal(p[k], saved[k])
    with pytest.raises(ValueError, match=r"grads\['dW1'\] must have the shape"):
        dnn.update_parameters(p, dict(grads, dW1=np.ones((5, 5))), 0.1)
    with pytest.raises(ValueError, match="parameters must hold"):
        dnn.update_parameters({"W1": p["W1"], "W2": p["W2"]}, grads, 0.1)


def test_float32_stays_float32():
    X, Y, p = case([4, 3, 1], 5, seed=7)
    X, Y = X.astype(np.float32), Y.astype(np.float32)
    p = {k: v.astype(np.float32) for k, v in p.items()}
    AL, caches = dnn.L_model_forward(X, p)
    grads = dnn.L_model_backward(AL, Y, caches)
    new = dnn.update_parameters(p, grads, 0.1)
    assert AL.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())
    assert all(w.dtype == np.float32 for w in new.values())
    assert dnn.compute_cost(AL, Y).dtype == np.float32
    AL64, layers = ref.deep_forward(X.astype(float), {k: v.astype(float) for k, v in p.items()})
    np.testing.assert_allclose(grads["dW1"], ref.deep_backward(AL64, Y.astype(float), layers)["dW1"],
                               rtol=1e-5, atol=1e-6)   # float32 rounding
