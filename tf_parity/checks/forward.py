"""Forward outputs of every layer, the loss, and the gradient of every trainable weight.

Forward: each layer's output and the loss (data loss + L2 penalties), nnref's layers one by one
against Keras's layers called one by one; in training mode the dropout masks nnref drew are fed
to Keras's MaskedDropout layers and batch norm uses the batch statistics.

Gradients (``tf.GradientTape`` on the Keras side) of two objectives:
- the real loss, whose upstream gradient ∂L/∂logits = (softmax − y)/m is small and structured;
- Σ R ⊙ output + penalties with R a fixed standard-normal (m, 6) matrix: every output unit of
  every example gets a non-trivial, independent upstream gradient.
"""
from __future__ import annotations

from functools import partial

from tf_parity.checks.base import Check

BATCHES = (32, 1080)


def _data(ctx, m):
    return (ctx.x32, ctx.y32) if m == 32 else (ctx.x, ctx.y)


def _forward(ctx, model, m, training):
    pair = ctx.pair(model)
    x, y = _data(ctx, m)
    nn_out = pair.nn_outputs(x, training)          # draws the dropout masks first
    keras_out = pair.keras_outputs(x, training)
    return {
        "layer outputs": (nn_out, keras_out),
        "loss": (pair.nn_loss_value(y, nn_out[-1]), pair.keras_loss_value(y, keras_out[-1])),
    }


def _gradients(ctx, model, m, objective):
    pair = ctx.pair(model)
    x, y = _data(ctx, m)
    upstream = None
    if objective == "random weighted sum":
        upstream = ctx.random_normal((m, pair.nn.output_dim), seed=m)
    nn_value, nn_grads = pair.nn_gradients(x, y, upstream)
    keras_value, keras_grads = pair.keras_gradients(x, y, upstream)
    return {"objective": (nn_value, keras_value), "weight gradients": (nn_grads, keras_grads)}


def checks() -> list[Check]:
    out = []
    for model, modes in (("course", ("inference",)), ("regularized", ("inference", "training"))):
        for m in BATCHES:
            for mode in modes:
                out.append(Check(
                    f"forward/{model}/m={m}/{mode}",
                    (("layer outputs", "step"), ("loss", "step")),
                    partial(_forward, model=model, m=m, training=mode == "training")))
    for model in ("course", "regularized"):
        # Through batch norm the first kernel's gradient is a cancelling sum (see records.py).
        kind = "batch-norm gradient" if model == "regularized" else "step"
        for m in BATCHES:
            for objective in ("loss", "random weighted sum"):
                out.append(Check(
                    f"gradients/{model}/m={m}/{objective.replace(' ', '-')}",
                    (("objective", "step"), ("weight gradients", kind)),
                    partial(_gradients, model=model, m=m, objective=objective)))
    return out
