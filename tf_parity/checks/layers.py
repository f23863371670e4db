"""Batch normalization, dropout and the L2 penalty, layer by layer.

Batch norm (the regularized model, batches of 32):
- batch statistics: nnref's batch mean and biased variance against the statistics Keras's
  BatchNormalization computes, read from a probe layer with momentum 0 (its moving statistics
  after one training call are exactly the batch's: moving·0 + batch·1);
- after 20 SGD training steps: the moving mean and variance of both BN layers, and the inference
  output on all 1080 examples.
Dropout: nnref's Dropout against MaskedDropout with nnref's mask, and against Keras's own Dropout
with the mask it drew (recovered from its output on strictly positive inputs).
L2: the course's L2 cost term (``nnref.functional.penalties``) and its gradient against Keras's
``L2`` penalties of the regularized model (``model.losses`` and GradientTape): exact with nnref's
``convention="keras"``; the course convention's difference is the float32 rounding of l2 that
Keras applies.
"""
from __future__ import annotations

from functools import partial

import numpy as np

from nnref import layers as nn_layers
from nnref import optimizers as nn_opt
from nnref import regularizers
from tf_parity.checks.base import Check
from tf_parity.checks.context import L2_FACTOR

BN_TRAINING_STEPS = 20
DROPOUT_RATE = 0.2


def _nn_bn_layers(model):
    return [layer for layer in model.layers if isinstance(layer, nn_layers.BatchNormalization)]


def _batch_statistics(ctx):
    import keras

    pair = ctx.pair("regularized")
    pair.nn_outputs(ctx.x32, training=True)                 # draws the masks, records statistics
    nn_bn = _nn_bn_layers(pair.nn)
    pair.share_masks()
    means, variances, h = [], [], ctx.x32
    for layer in pair.keras.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            probe = keras.layers.BatchNormalization(momentum=0.0, epsilon=layer.epsilon,
                                                    dtype=ctx.dtype)
            probe(h, training=True)
            means.append(probe.moving_mean.numpy())
            variances.append(probe.moving_variance.numpy())
        h = layer(h, training=True)
    return {"batch mean": ([b.batch_mean for b in nn_bn], means),
            "batch variance": ([b.batch_variance for b in nn_bn], variances)}


def _moving_statistics(ctx):
    import keras

    pair = ctx.pair("regularized")
    nn_optimizer = nn_opt.SGD(0.01, convention="keras")
    keras_optimizer = keras.optimizers.SGD(0.01)
    for step in range(BN_TRAINING_STEPS):
        x, y = ctx.batch(step)
        pair.nn_train_step(x, y, nn_optimizer)
        pair.keras_train_step(x, y, keras_optimizer)
    nn_bn = _nn_bn_layers(pair.nn)
    keras_bn = [layer for layer in pair.keras.layers
                if isinstance(layer, keras.layers.BatchNormalization)]
    return {
        "moving mean": ([b.moving_mean for b in nn_bn],
                        [b.moving_mean.numpy() for b in keras_bn]),
        "moving variance": ([b.moving_variance for b in nn_bn],
                            [b.moving_variance.numpy() for b in keras_bn]),
        "inference output, m=1080": (pair.nn.forward(ctx.x, training=False),
                                     pair.keras(ctx.x, training=False).numpy()),
    }


def _nn_dropout(ctx, width, fixed_mask=None):
    layer = nn_layers.Dropout(DROPOUT_RATE, seed=0)
    layer.build(width, np.dtype(ctx.dtype), ctx.rng(0))
    layer.fixed_mask = fixed_mask
    return layer


def _keras_forward_backward(layer, x, upstream, training=True):
    import tensorflow as tf

    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = layer(x, training=training)
        objective = tf.reduce_sum(out * upstream)
    return out.numpy(), tape.gradient(objective, x).numpy()


def _masked_dropout(ctx):
    from tf_parity.extensions import MaskedDropout

    x = ctx.x32[:, :256]                                            # (32, 256)
    upstream = ctx.random_normal(x.shape, seed=3)
    nn = _nn_dropout(ctx, x.shape[1])
    nn_out = nn.forward(x, training=True)
    nn_dx = nn.backward(upstream)
    keras_layer = MaskedDropout(DROPOUT_RATE, dtype=ctx.dtype)
    keras_layer.set_mask(nn.last_mask)
    keras_out, keras_dx = _keras_forward_backward(keras_layer, x, upstream)
    return {"output": (nn_out, keras_out), "input gradient": (nn_dx, keras_dx)}


def _keras_dropout(ctx):
    import keras

    x = ctx.x32[:, :256] + 0.5                     # > 0, so the output is 0 exactly where dropped
    upstream = ctx.random_normal(x.shape, seed=4)
    keras_out, keras_dx = _keras_forward_backward(
        keras.layers.Dropout(DROPOUT_RATE, seed=5, dtype=ctx.dtype), x, upstream)
    nn = _nn_dropout(ctx, x.shape[1], fixed_mask=keras_out != 0)  # Keras's own mask
    nn_out = nn.forward(x, training=True)
    return {"output": (nn_out, keras_out), "input gradient": (nn.backward(upstream), keras_dx)}


def _l2(ctx, convention):
    import tensorflow as tf

    pair = ctx.pair("regularized")
    dense = [layer for layer in pair.nn.layers if isinstance(layer, nn_layers.Dense)]
    reg = regularizers.L2(L2_FACTOR, convention=convention)        # λ/(2m)
    nn_penalty = sum(reg(layer.kernel) for layer in dense)          # λ/(2m)·Σ‖W‖²
    nn_grads = [reg.gradient(layer.kernel) for layer in dense]      # λ/m·W
    kernels = [layer.kernel for layer in pair.keras.layers if hasattr(layer, "kernel")]
    with tf.GradientTape() as tape:
        keras_penalty = tf.add_n(pair.keras.losses)                 # Σ L2(λ/(2m))(W)
    keras_grads = tape.gradient(keras_penalty, kernels)
    return {"penalty": (nn_penalty, keras_penalty.numpy()),
            "penalty gradient": (nn_grads, [g.numpy() for g in keras_grads])}


def checks() -> list[Check]:
    trajectory = "trajectory"
    return [
        Check("batchnorm/batch statistics/m=32",
              (("batch mean", "step"), ("batch variance", "step")), _batch_statistics),
        Check(f"batchnorm/after {BN_TRAINING_STEPS} SGD steps",
              (("moving mean", trajectory), ("moving variance", trajectory),
               ("inference output, m=1080", trajectory)), _moving_statistics),
        Check("dropout/MaskedDropout, nnref's mask",
              (("output", "step"), ("input gradient", "step")), _masked_dropout),
        Check("dropout/keras Dropout, its own mask",
              (("output", "step"), ("input gradient", "step")), _keras_dropout),
        Check("l2/convention=keras vs L2(λ/(2m))",
              (("penalty", "step"), ("penalty gradient", "step")),
              partial(_l2, convention="keras")),
        Check("l2/convention=course vs L2(λ/(2m))",
              (("penalty", "float32 rounding"), ("penalty gradient", "float32 rounding")),
              partial(_l2, convention="course")),
    ]
