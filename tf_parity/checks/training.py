"""A whole training epoch: 34 Adam steps over the 1080 SIGNS examples in batches of 32.

Both sides start from the same weights and see the same batches (one seeded permutation, the
last batch holding 24 examples). nnref trains with ``model.train_on_batch``; Keras with its own
``model.train_on_batch`` (``compile(..., run_eagerly=True)``: Keras's train step, not traced),
so the whole training step is compared: forward, loss with penalties, gradients, update. In the
regularized model each step's dropout masks are nnref's, fed to Keras's MaskedDropout layers.
"""
from __future__ import annotations

from functools import partial

from nnref import losses
from nnref import optimizers as nn_opt
from tf_parity.checks.base import Check
from tf_parity.checks.context import BATCH_SIZE

LEARNING_RATE = 1e-4           # the course's C2W3 Adam rate
ORDER_SEED = 0


def _keras_adam():
    import keras

    return keras.optimizers.Adam(LEARNING_RATE, epsilon=1e-7)


def _course_adam():
    from tf_parity.extensions import CourseAdam

    return CourseAdam(LEARNING_RATE, epsilon=1e-8)


# label -> (model, nnref optimizer factory, Keras optimizer factory)
CASES = {
    "course/Adam convention=keras": (
        "course", lambda: nn_opt.Adam(LEARNING_RATE, epsilon=1e-7, convention="keras"),
        _keras_adam),
    "course/Adam convention=course": (
        "course", lambda: nn_opt.Adam(LEARNING_RATE, epsilon=1e-8), _course_adam),
    "regularized/Adam convention=keras": (
        "regularized", lambda: nn_opt.Adam(LEARNING_RATE, epsilon=1e-7, convention="keras"),
        _keras_adam),
}


def n_steps(m: int) -> int:
    return -(-m // BATCH_SIZE)


def _epoch(ctx, label):
    import keras

    model, make_nn, make_keras = CASES[label]
    pair = ctx.pair(model)
    pair.nn.compile(optimizer=make_nn(), loss=losses.CategoricalCrossentropy(from_logits=True))
    pair.keras.compile(optimizer=make_keras(),
                       loss=keras.losses.CategoricalCrossentropy(from_logits=True),
                       run_eagerly=True)
    order = ctx.rng(ORDER_SEED).permutation(len(ctx.x))
    nn_losses, keras_losses = [], []
    for step in range(n_steps(len(ctx.x))):
        x, y = ctx.batch(step, order)
        nn_losses.append(pair.nn.train_on_batch(x, y))
        pair.share_masks()
        keras_losses.append(float(pair.keras.train_on_batch(x, y)))
    return {"loss of every step": (nn_losses, keras_losses),
            "weights after the epoch": (pair.nn.get_weights(), pair.keras.get_weights())}


def checks() -> list[Check]:
    return [Check(f"epoch/{label}",
                  (("loss of every step", "trajectory"), ("weights after the epoch", "trajectory")),
                  partial(_epoch, label=label))
            for label in CASES]
