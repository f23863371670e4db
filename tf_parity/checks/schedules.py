"""Learning-rate schedules against ``keras.optimizers.schedules``.

- nnref's step schedules with ``convention="keras"`` reproduce Keras's float32 arithmetic:
  no difference allowed ("exact"), except one float32 ulp from TensorFlow's own ``pow``.
- With ``convention="course"`` (float64) they differ from Keras by Keras's float32 rounding.
- The course's per-epoch rules (``update_lr``, ``schedule_lr_decay``, 0.95^epoch) against the Keras
  schedule that reproduces them per optimizer step: ``decay_steps = steps_per_epoch·interval``,
  ``staircase=True`` (34 steps per epoch on SIGNS with batches of 32).

Every comparison covers up to p = 100 decay periods.
"""
from __future__ import annotations

from functools import partial

import numpy as np

from nnref import schedules as nn_schedules
from nnref.course import c2w2_optimization as course_c2w2
from tf_parity.checks.base import Check

STEPS_PER_EPOCH = 34
ALPHA0 = 0.1

# label -> (Keras class name, args); the nnref class has the same name and arguments.
STEP_SCHEDULES = {
    "InverseTimeDecay": ("InverseTimeDecay", (ALPHA0, 10, 0.5, False)),
    "InverseTimeDecay staircase": ("InverseTimeDecay", (ALPHA0, 10, 0.5, True)),
    "ExponentialDecay": ("ExponentialDecay", (ALPHA0, 10, 0.96, False)),
    "ExponentialDecay staircase": ("ExponentialDecay", (ALPHA0, 10, 0.96, True)),
}
STEPS = np.arange(0, 1001)                                   # p = step/10 ≤ 100


def _keras_values(class_name, args, steps):
    import keras

    schedule = getattr(keras.optimizers.schedules, class_name)(*args)
    return np.asarray(schedule(steps), dtype=np.float64)     # float32 values, exactly widened


def _step_schedule(ctx, label, convention):
    class_name, args = STEP_SCHEDULES[label]
    schedule = getattr(nn_schedules, class_name)(*args, convention=convention)
    nn_values = np.array([schedule(int(s)) for s in STEPS])
    return {"learning rates": (nn_values, _keras_values(class_name, args, STEPS))}


# The course's per-epoch rules: (nnref function of the epoch, Keras class, args per step).
EPOCH_RULES = {
    "update_lr": (lambda e: course_c2w2.update_lr(ALPHA0, e, 0.5),
                  "InverseTimeDecay", (ALPHA0, STEPS_PER_EPOCH, 0.5, True), 100),
    "schedule_lr_decay": (lambda e: course_c2w2.schedule_lr_decay(ALPHA0, e, 0.5, 10),
                          "InverseTimeDecay", (ALPHA0, 10 * STEPS_PER_EPOCH, 0.5, True), 1000),
    "0.95^epoch": (lambda e: nn_schedules.exponential_lr_decay(ALPHA0, e, 0.95),
                               "ExponentialDecay", (ALPHA0, STEPS_PER_EPOCH, 0.95, True), 100),
}


def _epoch_rule(ctx, label):
    rule, class_name, args, epochs = EPOCH_RULES[label]
    steps = np.arange(epochs * STEPS_PER_EPOCH + 1)
    per_epoch = np.array([rule(e) for e in range(epochs + 1)])
    nn_values = per_epoch[steps // STEPS_PER_EPOCH]          # the epoch's rate at each step
    return {"learning rate at every step": (nn_values, _keras_values(class_name, args, steps))}


def _in_tf_function(ctx):
    """Keras's InverseTimeDecay evaluated inside a ``tf.function`` (as ``model.fit`` does)."""
    import keras
    import tensorflow as tf

    _, args = STEP_SCHEDULES["InverseTimeDecay"]
    schedule = keras.optimizers.schedules.InverseTimeDecay(*args)
    traced = tf.function(schedule.__call__)
    keras_values = np.array([float(traced(tf.constant(s, tf.int64))) for s in STEPS[:101]])
    nn_schedule = nn_schedules.InverseTimeDecay(*args, convention="keras")
    nn_values = np.array([nn_schedule(int(s)) for s in STEPS[:101]])
    return {"learning rates": (nn_values, keras_values)}


def checks() -> list[Check]:
    out = []
    for label, (class_name, _) in STEP_SCHEDULES.items():
        # Keras's ExponentialDecay calls TensorFlow's float32 pow (Eigen's), which differs from
        # NumPy's (the C library's powf) by one float32 ulp at some steps: no NumPy expression
        # reproduces it, so that row allows 1 ulp. Every other operation is correctly rounded.
        kind = "float32 ulp" if class_name == "ExponentialDecay" else "exact"
        out.append(Check(f"schedule/{label}/convention=keras",
                         (("learning rates", kind),),
                         partial(_step_schedule, label=label, convention="keras")))
        out.append(Check(f"schedule/{label}/convention=course",
                         (("learning rates", "float32 schedule"),),
                         partial(_step_schedule, label=label, convention="course")))
    # Inside a tf.function TensorFlow computes step/decay_steps as step·(1/decay_steps): one
    # float32 ulp away at some steps (a fact of graph mode, pinned here).
    out.append(Check("schedule/InverseTimeDecay in tf.function/convention=keras",
                     (("learning rates", "float32 ulp"),), _in_tf_function))
    for label, (_, class_name, args, _) in EPOCH_RULES.items():
        out.append(Check(f"schedule/{label} ↔ {class_name}({args[1]} steps, staircase)",
                         (("learning rate at every step", "float32 schedule"),),
                         partial(_epoch_rule, label=label)))
    return out
