"""Layers (nnref.layers): weights in Keras's order and shapes, forward against the formula,
backward against the numerical gradient, batch-norm statistics and dropout masks."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nnref import gradcheck, layers, regularizers
from nnref.functional.activations import ACTIVATIONS

GRADCHECK_THRESHOLD = 1e-7
# Smooth layers: h = 1e-5 balances truncation (~h²) against rounding (~u·|f|/h), see
# tests/test_functional_batchnorm.py for why the default 1e-6 is too coarse for batch norm.
STEP = 1e-5
dims = st.integers(1, 5)
seeds = st.integers(0, 2**32 - 1)


def built(layer, n_in, dtype=np.float64, seed=0):
    layer.build(n_in, np.dtype(dtype), np.random.default_rng(seed))
    return layer


def layer_check(layer, x, G, threshold=GRADCHECK_THRESHOLD):
    """Check dx and every trainable weight of ``layer`` for L = Σ forward(x) ⊙ G + penalties."""
    layer.forward(x, training=True)
    dx = layer.backward(G)

    def f():
        return float(np.sum(layer.forward(x, training=True) * G) + layer.regularization_loss())

    results = gradcheck.check_gradients(f, [x, *layer.trainable_weights], [dx, *layer.grads],
                                        epsilon=STEP)
    for r in results:
        assert r.relative_difference < threshold, r
    return results


# -- Dense ----------------------------------------------------------------------------------

def test_dense_weights_are_keras_order_and_shapes():
    d = built(layers.Dense(4), 3)
    assert [w.shape for w in d.get_weights()] == [(3, 4), (4,)]
    assert d.weights[0] is d.kernel and d.weights[1] is d.bias
    assert d.non_trainable_weights == [] and d.count_params() == 3 * 4 + 4
    np.testing.assert_array_equal(d.bias, np.zeros(4))      # bias_initializer "zeros"
    nb = built(layers.Dense(4, use_bias=False), 3)
    assert [w.shape for w in nb.get_weights()] == [(3, 4)] and nb.bias is None


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@settings(max_examples=25, deadline=None)
@given(m=dims, n_in=dims, units=st.integers(2, 5), seed=seeds)
def test_dense_backward_with_activation_and_regularizers(activation, m, n_in, units, seed):
    rng = np.random.default_rng(seed)
    layer = built(layers.Dense(units, activation=activation, bias_initializer="random_normal",
                               kernel_regularizer=regularizers.L1L2(0.01, 0.02),
                               bias_regularizer=regularizers.L2(0.05)), n_in, seed=seed)
    x = rng.standard_normal((m, n_in))
    z = x @ layer.kernel + layer.bias
    assume(np.abs(z).min() > 1e-3 and np.abs(layer.weights[0]).min() > 1e-3)  # off the relu / L1 kinks
    a = layer.forward(x)
    np.testing.assert_array_equal(a, ACTIVATIONS[activation].forward(z))
    layer_check(layer, x, rng.standard_normal((m, units)))


def test_dense_gradients_include_the_penalty_gradients():
    rng = np.random.default_rng(0)
    reg = regularizers.L2(0.5)
    plain = built(layers.Dense(3), 4, seed=1)
    penal = built(layers.Dense(3, kernel_regularizer=reg, bias_regularizer=reg), 4, seed=1)
    x, G = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    for d in (plain, penal):
        d.forward(x, training=True)
        d.backward(G)
    np.testing.assert_allclose(penal.grads[0], plain.grads[0] + 2 * 0.5 * penal.kernel, rtol=1e-15, atol=0)
    np.testing.assert_allclose(penal.grads[1], plain.grads[1] + 2 * 0.5 * penal.bias, rtol=1e-15, atol=0)
    penalty = 0.5 * (np.sum(penal.kernel ** 2) + np.sum(penal.bias ** 2))
    assert penal.regularization_loss() == pytest.approx(penalty, rel=1e-14, abs=0)
    assert plain.regularization_loss() == 0.0


def test_layer_set_weights_wrong_shape_leaves_layer_unchanged():
    d = built(layers.Dense(2), 3)
    before = d.get_weights()
    with pytest.raises(ValueError, match=r"weight 1 must have shape \(2,\)\. Received: shape \(3,\)"):
        d.set_weights([np.ones((3, 2)), np.ones(3)])
    for w, b in zip(d.get_weights(), before):
        np.testing.assert_array_equal(w, b)
    kernel = d.kernel
    d.set_weights([np.ones((3, 2)), np.arange(2.0)])
    assert d.kernel is kernel                      # values copied into the same arrays
    np.testing.assert_array_equal(d.bias, [0.0, 1.0])


# -- Activation, Softmax --------------------------------------------------------------------

@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@settings(max_examples=25, deadline=None)
@given(m=dims, n=st.integers(2, 5), seed=seeds)
def test_activation_layer_backward(activation, m, n, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.1, 3, (m, n)) * rng.choice([-1.0, 1.0], (m, n))   # off relu's kink
    layer = built(layers.Activation(activation), n)
    assert layer.weights == [] and layer.output_dim == n
    np.testing.assert_array_equal(layer.forward(x), ACTIVATIONS[activation].forward(x))
    layer_check(layer, x, rng.standard_normal((m, n)))


def test_softmax_layer_normalises_the_last_axis():
    x = np.random.default_rng(0).standard_normal((4, 6))
    y = built(layers.Softmax(), 6).forward(x)
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-15, atol=0)
    np.testing.assert_allclose(y, np.exp(x) / np.exp(x).sum(axis=1, keepdims=True), rtol=1e-14, atol=0)


# -- BatchNormalization ---------------------------------------------------------------------

def test_batchnorm_weights_are_keras_order_and_shapes():
    bn = built(layers.BatchNormalization(), 5)
    w = bn.get_weights()
    assert [a.shape for a in w] == [(5,)] * 4
    assert bn.weights == [bn.gamma, bn.beta, bn.moving_mean, bn.moving_variance]
    assert bn.trainable_weights == [bn.gamma, bn.beta]
    assert bn.non_trainable_weights == [bn.moving_mean, bn.moving_variance]
    for got, init in zip(w, (1.0, 0.0, 0.0, 1.0)):   # Keras's initial values
        np.testing.assert_array_equal(got, np.full(5, init))
    assert (bn.momentum, bn.epsilon) == (0.99, 1e-3)


@settings(max_examples=25, deadline=None)
@given(m=st.integers(3, 8), n=dims, seed=seeds)
def test_batchnorm_layer_backward_in_training_mode(m, n, seed):
    rng = np.random.default_rng(seed)
    bn = built(layers.BatchNormalization(momentum=0.9), n)
    bn.set_weights([rng.uniform(0.5, 2, n), rng.standard_normal(n), np.zeros(n), np.ones(n)])
    x = rng.normal(rng.uniform(-2, 2, n), rng.uniform(0.5, 2, n), (m, n))
    layer_check(bn, x, rng.standard_normal((m, n)))


def test_batchnorm_inference_uses_moving_statistics():
    rng = np.random.default_rng(1)
    n = 4
    gamma, beta = rng.uniform(0.5, 2, n), rng.standard_normal(n)
    mm, mv = rng.standard_normal(n), rng.uniform(0.5, 3, n)
    bn = built(layers.BatchNormalization(epsilon=1e-2), n)
    bn.set_weights([gamma, beta, mm, mv])
    x = rng.standard_normal((6, n))
    y = bn.forward(x, training=False)
    np.testing.assert_allclose(y, gamma * (x - mm) / np.sqrt(mv + 1e-2) + beta, rtol=1e-14, atol=1e-15)
    np.testing.assert_array_equal(bn.moving_mean, mm)      # inference leaves the statistics alone
    np.testing.assert_array_equal(bn.moving_variance, mv)
    # not the batch statistics: the training output differs
    assert not np.allclose(bn.forward(x, training=True), y)
    # inference mode is the affine map y = x·γ/√(v + ε) + (β − μ·γ/√(v + ε)): its backward
    bn.forward(x, training=False)
    mm, mv = bn.moving_mean, bn.moving_variance                # updated by the training call
    dy = rng.standard_normal(x.shape)
    scale = gamma / np.sqrt(mv + 1e-2)
    np.testing.assert_allclose(bn.backward(dy), dy * scale, rtol=1e-14)
    np.testing.assert_allclose(bn.grads[0], np.sum(dy * (x - mm) / np.sqrt(mv + 1e-2), axis=0), rtol=1e-13)
    np.testing.assert_array_equal(bn.grads[1], dy.sum(axis=0))


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.99, 1.0])
def test_batchnorm_running_update_is_the_momentum_formula(momentum):
    rng = np.random.default_rng(2)
    n = 3
    bn = built(layers.BatchNormalization(momentum=momentum), n)
    mean_ref, var_ref = np.zeros(n), np.ones(n)
    for step in range(4):
        x = rng.normal(step, 1 + step, (10, n))
        bn.forward(x, training=True)
        mean_ref = momentum * mean_ref + (1 - momentum) * x.mean(axis=0)
        var_ref = momentum * var_ref + (1 - momentum) * x.var(axis=0)      # biased (ddof=0)
        np.testing.assert_allclose(bn.moving_mean, mean_ref, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(bn.moving_variance, var_ref, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(bn.batch_mean, x.mean(axis=0), rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(bn.batch_variance, x.var(axis=0), rtol=1e-13, atol=1e-15)


def test_batchnorm_unbiased_variance_corrects_only_the_running_variance():
    rng = np.random.default_rng(3)
    n, m, momentum = 3, 5, 0.8
    biased = built(layers.BatchNormalization(momentum=momentum), n)
    unbiased = built(layers.BatchNormalization(momentum=momentum, moving_variance="unbiased"), n)
    x = rng.normal(1.0, 2.0, (m, n))
    # the normalisation uses the biased batch variance in both modes
    np.testing.assert_array_equal(unbiased.forward(x, training=True), biased.forward(x, training=True))
    np.testing.assert_array_equal(unbiased.moving_mean, biased.moving_mean)
    np.testing.assert_allclose(unbiased.moving_variance,
                               momentum * 1.0 + (1 - momentum) * np.var(x, axis=0, ddof=1),
                               rtol=1e-14, atol=0)
    np.testing.assert_allclose(biased.moving_variance,
                               momentum * 1.0 + (1 - momentum) * np.var(x, axis=0, ddof=0),
                               rtol=1e-14, atol=0)
    with pytest.raises(ValueError, match=r"at least 2 examples\. Received: a batch of 1"):
        unbiased.forward(x[:1], training=True)


# -- Dropout --------------------------------------------------------------------------------

def test_dropout_is_identity_at_inference_and_with_rate_zero():
    x = np.random.default_rng(0).standard_normal((4, 5))
    d = built(layers.Dropout(0.5, seed=1), 5)
    np.testing.assert_array_equal(d.forward(x, training=False), x)
    np.testing.assert_array_equal(d.backward(x), x)
    z = built(layers.Dropout(0.0, seed=1), 5)
    np.testing.assert_array_equal(z.forward(x, training=True), x)


def test_dropout_training_uses_and_records_its_mask():
    rng = np.random.default_rng(1)
    x, G = rng.standard_normal((400, 50)), rng.standard_normal((400, 50))
    d = built(layers.Dropout(0.3, seed=2), 50)
    y = d.forward(x, training=True)
    mask = d.last_mask
    assert mask.shape == x.shape and mask.dtype == bool
    np.testing.assert_array_equal(y[~mask], 0.0)
    np.testing.assert_allclose(y[mask], x[mask] / 0.7, rtol=1e-15, atol=0)
    np.testing.assert_allclose(d.backward(G), np.where(mask, G / 0.7, 0.0), rtol=1e-15, atol=0)
    # the drop fraction is rate = 0.3: binomial std √(0.21/20000) ≈ 0.0032; allow 6 std
    assert abs((~mask).mean() - 0.3) < 6 * np.sqrt(0.3 * 0.7 / mask.size)


def test_dropout_masks_are_reproducible_from_the_seed():
    x = np.ones((6, 8))
    a, b, c = (built(layers.Dropout(0.5, seed=s), 8) for s in (7, 7, 8))
    for _ in range(3):                              # the same sequence of masks
        a.forward(x, training=True), b.forward(x, training=True), c.forward(x, training=True)
        np.testing.assert_array_equal(a.last_mask, b.last_mask)
        assert not np.array_equal(a.last_mask, c.last_mask)
    first = a.last_mask.copy()
    a.forward(x, training=True)
    assert not np.array_equal(a.last_mask, first)   # a fresh mask each call


def test_dropout_fixed_mask_and_gradient():
    rng = np.random.default_rng(3)
    x, G = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    d = built(layers.Dropout(0.4), 4, seed=4)
    d.fixed_mask = rng.random((5, 4)) < 0.6
    y = d.forward(x, training=True)
    assert d.last_mask is d.fixed_mask
    np.testing.assert_array_equal(y, np.where(d.fixed_mask, x / 0.6, 0.0))
    # dropout is linear in x with the mask fixed: any step is exact, 1e-2 shrinks rounding
    d.forward(x, training=True)
    dx = d.backward(G)
    [r] = gradcheck.check_gradients(lambda: float(np.sum(d.forward(x, training=True) * G)), [x], [dx],
                                    epsilon=1e-2)
    assert r.relative_difference < GRADCHECK_THRESHOLD, r
