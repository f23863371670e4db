"""Optimizer steps: 1 and 50 steps of every optimizer, in both pairings.

- nnref ``convention="course"`` against the course formula in TensorFlow (``tf_parity.extensions``;
  plain SGD and Adadelta against Keras's own, which compute the course's formula);
- nnref ``convention="keras"`` against Keras's own optimizer.

Each step trains the course model on the next mini-batch of 32 (in file order, cycling). The first
step applies nnref's gradients on both sides, so "weights after 1 step" checks the update formula
alone; from then on each side computes its own loss and gradients, and the 50-step trajectories
check the update formula, the gradients and the step counter together. Both sides use the same
explicit hyperparameters.

Why the first step shares its gradients: an ε-normalised step, α·g/(c·|g| + ε) (RMSprop,
Adagrad; c = √(1 − ρ) or 1), has the derivative α·ε/(c·|g| + ε)² in g, up to α/ε (1e4 for
RMSprop at α = 1e-4, ε = 1e-8) where |g| is near ε/c. The two sides' float32 gradients differ by
their summation order, and an entry that is a cancelling sum (|g| ~ 1e-7 from terms ~1e-2) differs
by ~1e-9: amplified ~100×, that is 4.4e-6 (RMSprop) and 5.0e-6 (Adagrad) of the weights' scale
on the SIGNS labels, and 1.6e-4 and 3.7e-4 with the labels permuted (measured in float32). The
size of that error depends on which gradient entries the data happen to put near ε/c, so no bound
that holds for every data set is tight enough to catch a wrong formula. With the same gradients, the two updates differ only by the rounding of a few
float32 operations on w and the step, a few 2⁻²⁴ of max|w| on any data; the gradients themselves
have their own records (tolerance kind "update" in tf_parity.checks.records).
"""
from __future__ import annotations

from functools import partial

from nnref import optimizers as nn_opt
from nnref import schedules as nn_schedules
from tf_parity.checks.base import Check

STEPS = 50


def _keras():
    import keras

    return keras


def _ext():
    from tf_parity import extensions

    return extensions


# label -> (nnref factory, keras factory); each factory returns a fresh optimizer.
CASES = {
    "SGD/course": (
        lambda: nn_opt.SGD(0.05),
        lambda: _keras().optimizers.SGD(0.05)),
    "SGD/keras": (
        lambda: nn_opt.SGD(0.05, convention="keras"),
        lambda: _keras().optimizers.SGD(0.05)),
    "momentum/course": (
        lambda: nn_opt.SGD(0.05, momentum=0.9),
        lambda: _ext().CourseMomentum(0.05, beta=0.9)),
    "momentum/keras": (
        lambda: nn_opt.SGD(0.005, momentum=0.9, convention="keras"),
        lambda: _keras().optimizers.SGD(0.005, momentum=0.9)),
    "nesterov/course": (
        lambda: nn_opt.SGD(0.05, momentum=0.9, nesterov=True),
        lambda: _ext().CourseMomentum(0.05, beta=0.9, nesterov=True)),
    "nesterov/keras": (
        lambda: nn_opt.SGD(0.005, momentum=0.9, nesterov=True, convention="keras"),
        lambda: _keras().optimizers.SGD(0.005, momentum=0.9, nesterov=True)),
    "RMSprop/course": (
        lambda: nn_opt.RMSprop(1e-4, rho=0.9, epsilon=1e-8),
        lambda: _ext().CourseRMSprop(1e-4, rho=0.9, epsilon=1e-8)),
    "RMSprop/keras": (
        lambda: nn_opt.RMSprop(1e-4, rho=0.9, epsilon=1e-7, convention="keras"),
        lambda: _keras().optimizers.RMSprop(1e-4, rho=0.9, epsilon=1e-7)),
    "Adagrad/course": (
        lambda: nn_opt.Adagrad(1e-3, initial_accumulator_value=0.0, epsilon=1e-8),
        lambda: _ext().CourseAdagrad(1e-3, initial_accumulator_value=0.0, epsilon=1e-8)),
    "Adagrad/keras": (
        lambda: nn_opt.Adagrad(1e-3, initial_accumulator_value=0.1, epsilon=1e-7,
                               convention="keras"),
        lambda: _keras().optimizers.Adagrad(1e-3, initial_accumulator_value=0.1, epsilon=1e-7)),
    # Zeiler's Adadelta is Keras's formula; the course convention differs only in rounding order.
    "Adadelta/course": (
        lambda: nn_opt.Adadelta(1.0, rho=0.95, epsilon=1e-6),
        lambda: _keras().optimizers.Adadelta(1.0, rho=0.95, epsilon=1e-6)),
    "Adadelta/keras": (
        lambda: nn_opt.Adadelta(1.0, rho=0.95, epsilon=1e-7, convention="keras"),
        lambda: _keras().optimizers.Adadelta(1.0, rho=0.95, epsilon=1e-7)),
    "Adam/course": (
        lambda: nn_opt.Adam(1e-4, beta_1=0.9, beta_2=0.999, epsilon=1e-8),
        lambda: _ext().CourseAdam(1e-4, beta_1=0.9, beta_2=0.999, epsilon=1e-8)),
    "Adam/keras": (
        lambda: nn_opt.Adam(1e-4, beta_1=0.9, beta_2=0.999, epsilon=1e-7, convention="keras"),
        lambda: _keras().optimizers.Adam(1e-4, beta_1=0.9, beta_2=0.999, epsilon=1e-7)),
    # A schedule as the learning rate: evaluated at `iterations` before each step, in float32.
    "Adam+InverseTimeDecay/keras": (
        lambda: nn_opt.Adam(nn_schedules.InverseTimeDecay(1e-4, 10, 0.5, convention="keras"),
                            epsilon=1e-7, convention="keras"),
        lambda: _keras().optimizers.Adam(
            _keras().optimizers.schedules.InverseTimeDecay(1e-4, 10, 0.5), epsilon=1e-7)),
}


def _keras_step_function(pair, optimizer):
    """Keras's training step for ``pair`` as a ``tf.function`` (traced once per optimizer).

    Graph mode is how ``model.fit`` runs the step; here it also makes the 50-step runs about
    3-5x faster than eager execution. Measured in float64 for Adam, RMSprop and momentum, the
    50-step weights are bit-identical to the eager step's. The forward, gradient and epoch checks
    run eagerly, so both modes are covered.
    """
    import tensorflow as tf

    variables = pair.keras.trainable_variables
    optimizer.build(variables)                    # create the state outside the traced function

    @tf.function(jit_compile=False)
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = pair.keras_loss(y, pair.keras(x, training=True)) + pair.keras_penalty()
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    return step


# Cases whose Keras side runs eagerly: inside a tf.function TensorFlow rewrites the schedule's
# float32 `step / decay_steps` as `step · (1/decay_steps)` (measured: the learning rate then
# differs by one float32 ulp at some steps; see the "in tf.function" schedule check), while
# nnref's convention="keras" reproduces the eager computation.
EAGER_CASES = {"Adam+InverseTimeDecay/keras"}


def _same_gradients_step(pair, x, y, nn_optimizer, keras_optimizer):
    """One step of each optimizer with nnref's gradients (see the module docstring)."""
    import tensorflow as tf

    _, grads = pair.nn_gradients(x, y)
    keras_grads = [tf.convert_to_tensor(g) for g in grads]
    nn_optimizer.apply_gradients(zip(grads, pair.nn.trainable_weights))
    keras_optimizer.apply_gradients(zip(keras_grads, pair.keras.trainable_variables))


def _trajectory(ctx, label):
    make_nn, make_keras = CASES[label]
    pair = ctx.pair("course")                     # no dropout: nothing to feed per step
    nn_optimizer, keras_optimizer = make_nn(), make_keras()
    if label in EAGER_CASES:
        def keras_step(x, y):
            pair.keras_train_step(x, y, keras_optimizer)
    else:
        keras_step = _keras_step_function(pair, keras_optimizer)
    out = {}
    for step in range(STEPS):
        x, y = ctx.batch(step)
        if step == 0:
            _same_gradients_step(pair, x, y, nn_optimizer, keras_optimizer)
        else:
            pair.nn_train_step(x, y, nn_optimizer)
            keras_step(x, y)
        if step + 1 in (1, STEPS):
            quantity = "weights after 1 step" if step == 0 else f"weights after {STEPS} steps"
            out[quantity] = (pair.nn.get_weights(), pair.keras.get_weights())
    return out


def checks() -> list[Check]:
    return [Check(f"optimizer/{label}",
                  (("weights after 1 step", "update"), (f"weights after {STEPS} steps", "trajectory")),
                  partial(_trajectory, label=label))
            for label in CASES]
