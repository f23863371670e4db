"""The course layer's shared modules: the one backward loop, the seeded initializers, the data."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnref.course import backprop, c1w3_planar, data, layout


def _network(rng, dims, m):
    """Random (A[l-1], W[l], Z[l]) triples of a relu network and an output dZ."""
    layers, A = [], rng.standard_normal((dims[0], m))
    for n_prev, n in zip(dims[:-1], dims[1:]):
        W = rng.standard_normal((n, n_prev))
        Z = W @ A + rng.standard_normal((n, 1))
        layers.append((A, W, Z))
        A = np.maximum(Z, 0)
    return layers, rng.standard_normal((dims[-1], m))


def _course_loop(dZ, layers, m, masks, keep_prob, lambd):
    """The course's own lines (week 4 + the regularization assignment), written out in NumPy."""
    grads = {}
    for l in range(len(layers), 0, -1):
        A_prev, W, _ = layers[l - 1]
        grads["dW" + str(l)] = 1. / m * np.dot(dZ, A_prev.T) + lambd / m * W
        grads["db" + str(l)] = 1. / m * np.sum(dZ, axis=1, keepdims=True)
        if l == 1:
            break
        dA = np.dot(W.T, dZ) * masks[l - 1] / keep_prob
        grads["dA" + str(l - 1)] = dA
        dZ = np.array(dA, copy=True)
        dZ[layers[l - 2][2] <= 0] = 0
    return grads


@settings(max_examples=40, deadline=None)
@given(dims=st.lists(st.integers(1, 6), min_size=2, max_size=5), m=st.integers(1, 7),
       seed=st.integers(0, 2**31 - 1), keep_prob=st.sampled_from([1.0, 0.8, 0.5]),
       lambd=st.sampled_from([0.0, 0.7]))
def test_backward_matches_the_course_lines_with_every_hook(dims, m, seed, keep_prob, lambd):
    rng = np.random.default_rng(seed)
    layers, dZ = _network(rng, dims, m)
    masks = {l: (rng.random((dims[l], m)) < keep_prob).astype(int) for l in range(1, len(dims))}
    grads = backprop.backward(dZ, layers, scale=1. / m,
                              through_dA=lambda l, dA: dA * masks[l] / keep_prob,
                              weight_grad=lambda W: lambd / m * W, compute_dA0=False)
    expected = _course_loop(dZ, layers, m, masks, keep_prob, lambd)
    assert set(grads) - {k for k in grads if k.startswith("dZ")} == set(expected)
    for k, v in expected.items():
        # the kernel multiplies dZ·A_prevᵀ in the other operand order (A_prev·dZᵀ, transposed):
        # the same products, summed by BLAS in another order, so last bits may differ
        np.testing.assert_allclose(grads[k], v, rtol=1e-12, atol=1e-13, err_msg=k)


def test_compute_dA0_only_adds_dA0():
    layers, dZ = _network(np.random.default_rng(0), [4, 3, 2], 5)
    with_dA0 = backprop.backward(dZ, layers, scale=0.2)
    without = backprop.backward(dZ, layers, scale=0.2, compute_dA0=False)
    assert set(with_dA0) - set(without) == {"dA0"}
    assert with_dA0["dA0"].shape == (4, 5)
    for k, v in without.items():
        np.testing.assert_array_equal(with_dA0[k], v)


@pytest.mark.parametrize("scaling, seed, course", [
    ("0.01", 3, lambda n, p: np.random.randn(n, p) * 0.01),
    ("10", 3, lambda n, p: np.random.randn(n, p) * 10),
    ("1/sqrt(n)", 1, lambda n, p: np.random.randn(n, p) / np.sqrt(p)),
    ("he", 3, lambda n, p: np.random.randn(n, p) * np.sqrt(2. / p)),
    ("zeros", None, lambda n, p: np.zeros((n, p))),
])
def test_initialize_layers_is_the_course_code(scaling, seed, course):
    dims = [5, 4, 3, 1]
    got = layout.initialize_layers(dims, scaling=scaling, seed=seed)
    np.random.seed(seed if seed is not None else 0)
    if seed is None:                                       # unseeded: draws nothing
        got = layout.initialize_layers(dims, scaling=scaling)
    for l in range(1, len(dims)):
        np.testing.assert_array_equal(got["W" + str(l)], course(dims[l], dims[l - 1]))
        np.testing.assert_array_equal(got["b" + str(l)], np.zeros((dims[l], 1)))
    assert list(got) == [k + str(l) for l in range(1, len(dims)) for k in ("W", "b")]


def test_initialize_layers_bad_scaling_names_it():
    with pytest.raises(ValueError, match="scaling must be one of .*Received: scaling='xavier'"):
        layout.initialize_layers([2, 1], scaling="xavier")


def test_planar_dataset_has_one_definition():
    assert c1w3_planar.load_planar_dataset is data.load_planar_dataset
    X, Y = data.load_planar_dataset()
    assert X.shape == (2, 400) and Y.shape == (1, 400) and Y.dtype == np.uint8
