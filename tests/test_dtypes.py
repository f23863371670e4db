"""float32 end to end: a float32 model keeps every array and scalar in float32 (no silent upcast
to float64), and its gradients agree with the float64 ones to float32 accuracy."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnref import initializers, layers, losses, regularizers
from nnref.functional import batchnorm as BN
from nnref.functional import losses as FL
from nnref.functional.activations import ACTIVATIONS
from nnref.functional.dense import dense_backward, dense_forward
from nnref.functional.dropout import dropout_backward, dropout_forward
from nnref.functional.penalties import l1_penalty, l1_penalty_grad, l2_penalty, l2_penalty_grad
from nnref.models import Sequential

F32 = np.float32


def assert_f32(value, what=""):
    """An ndarray of dtype float32, or a float32 scalar. A Python float is accepted too, but not
    np.float64 (a subclass of float, so it must be excluded explicitly)."""
    assert not isinstance(value, np.float64), f"{what}: np.float64 {value!r}"
    if isinstance(value, (np.ndarray, np.generic)):
        assert value.dtype == F32, f"{what}: {value.dtype}"
    else:
        assert isinstance(value, float), f"{what}: {type(value).__name__}"


def build_model(dtype, seed=0, output_activation=None):
    reg = regularizers.L1L2(1e-3, 1e-3)
    return Sequential([
        layers.Dense(8, activation="tanh", kernel_regularizer=reg, bias_regularizer=regularizers.L2(1e-3)),
        layers.BatchNormalization(moving_variance="unbiased"),
        layers.Activation("leaky_relu"),
        layers.Dropout(0.25),
        layers.Dense(6, activation="softplus", kernel_initializer="he_normal"),
        layers.Dense(3, activation=output_activation),
    ], input_dim=5, dtype=dtype, seed=seed)


@pytest.mark.parametrize("loss", [losses.SparseCategoricalCrossentropy(from_logits=True),
                                  losses.SparseCategoricalCrossentropy(reduction="sum"),
                                  losses.CategoricalCrossentropy(from_logits=True),
                                  losses.BinaryCrossentropy(from_logits=True)], ids=repr)
def test_float32_model_stays_float32(loss):
    rng = np.random.default_rng(0)
    model = build_model("float32", output_activation=None if loss.from_logits else "softmax")
    x = rng.standard_normal((10, 5))               # float64 input: converted down, once
    if isinstance(loss, losses.SparseCategoricalCrossentropy):
        y = rng.integers(0, 3, 10)
    elif isinstance(loss, losses.CategoricalCrossentropy):
        y = np.eye(3)[rng.integers(0, 3, 10)]       # float64 labels
    else:
        y = rng.integers(0, 2, (10, 3))
    for w in model.get_weights():
        assert_f32(w, "weight")
    for out in (model(x), model(x, training=True), model.predict(x), model.predict(x, batch_size=3)):
        assert_f32(out, "output")
    value, grads = model.loss_and_gradients(x, y, loss=loss)
    assert_f32(value, "loss")
    assert_f32(model.regularization_loss(), "regularization loss")
    for g in grads:
        assert_f32(g, "gradient")
    bn = model.layers[1]                           # statistics after a training step
    for arr in (bn.batch_mean, bn.batch_variance, bn.moving_mean, bn.moving_variance):
        assert_f32(arr, "batch norm statistics")
    model.set_weights([w.astype(np.float64) for w in model.get_weights()])   # cast on the way in
    for w in model.get_weights():
        assert_f32(w, "weight after set_weights")


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_functional_kernels_keep_float32(name, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((4, 3)).astype(F32)
    W = rng.standard_normal((3, 2)).astype(F32)
    b = rng.standard_normal(2).astype(F32)
    G = rng.standard_normal((4, 2)).astype(F32)
    act = ACTIVATIONS[name]
    z, cache = dense_forward(x, W, b)
    a = act.forward(z)
    for arr in (z, a, act.backward(G, z, a), *dense_backward(G, cache)):
        assert_f32(arr, name)
    out, mean, var, bcache = BN.batchnorm_forward(x, np.ones(3, F32), np.zeros(3, F32), 1e-3)
    for arr in (out, mean, var, *BN.batchnorm_backward(x, bcache), BN.unbiased_variance(var, 4),
                BN.batchnorm_inference(x, np.ones(3, F32), np.zeros(3, F32), mean, var, 1e-3)):
        assert_f32(arr, "batchnorm")
    moving = np.ones(3, F32)
    BN.update_moving(moving, mean, 0.99)
    assert_f32(moving, "moving")
    out, dcache = dropout_forward(x, x > 0, 0.7)
    assert_f32(out, "dropout")
    assert_f32(dropout_backward(x, dcache), "dropout backward")
    for value in (l1_penalty(W, 0.1), l2_penalty(W, 0.1), l1_penalty_grad(W, 0.1), l2_penalty_grad(W, 0.1)):
        assert_f32(value, "penalty")
    y = (rng.random((4, 2)) < 0.5).astype(F32)
    p = FL.sigmoid(z)
    for reduction in ("mean", "sum", "none"):
        for from_logits, pred in ((True, z), (False, p)):
            assert_f32(FL.binary_crossentropy(y, pred, from_logits=from_logits, reduction=reduction), "bce")
            assert_f32(FL.categorical_crossentropy(y, pred, from_logits=from_logits, reduction=reduction,
                                                   epsilon=1e-7), "cce")
        assert_f32(FL.binary_crossentropy_backward(y, p, reduction=reduction, epsilon=1e-7), "bce grad")
        assert_f32(FL.categorical_crossentropy_backward(y, z, from_logits=True, reduction=reduction),
                   "cce grad")
    assert_f32(FL.log_softmax(z), "log_softmax")


@pytest.mark.parametrize("name", sorted(initializers.INITIALIZERS))
def test_initializers_produce_float32(name):
    w = initializers.get(name)((6, 4), np.random.default_rng(0), F32)
    assert_f32(w, name)


def test_float32_gradients_agree_with_float64():
    """The same weights, data and dropout masks in both precisions; float64 is the reference.
    float32 carries ~7 digits (u = 6e-8); the passes accumulate rounding over sums of up to a few
    dozen terms, the weights themselves are rounded to float32, and batch norm divides by a batch
    std, which amplifies relative errors. Measured: loss 1e-8, worst gradient 1.3e-6 relative;
    the bounds (1e-5 for the loss, 1e-4 for gradients) leave room for other BLAS summation orders."""
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((32, 5)), rng.integers(0, 3, 32)
    loss = losses.SparseCategoricalCrossentropy(from_logits=True)
    m64, m32 = build_model("float64", seed=2), build_model("float32", seed=3)
    m32.set_weights(m64.get_weights())             # float64 weights rounded to float32
    m64(x, training=True)                          # draw a dropout mask once, use it in both
    m32.layers[3].fixed_mask = m64.layers[3].fixed_mask = m64.layers[3].last_mask
    v64, g64 = m64.loss_and_gradients(x, y, loss=loss)
    v32, g32 = m32.loss_and_gradients(x, y, loss=loss)
    assert_f32(v32, "loss")
    assert abs(float(v32) - v64) / abs(v64) < 1e-5
    for a, b in zip(g32, g64):
        assert a.dtype == F32
        rel = np.linalg.norm(a.astype(np.float64) - b) / np.linalg.norm(b)
        assert rel < 1e-4, rel
        assert rel > 0                              # genuinely computed in float32, not copied


def test_float32_model_on_float64_and_integer_input():
    model = build_model("float32")
    assert_f32(model(np.ones((2, 5), dtype=np.float64)), "from float64")
    assert_f32(model(np.ones((2, 5), dtype=np.uint8)), "from uint8")
    m64 = build_model("float64")
    assert m64(np.ones((2, 5), dtype=F32)).dtype == np.float64   # the model's dtype rules
