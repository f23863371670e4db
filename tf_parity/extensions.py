"""Keras extensions that compute the course's formulas in TensorFlow.

Where Keras's built-ins compute something other than the formula taught in the course, these
classes compute the course's formula, so nnref's ``convention="course"`` has a TensorFlow twin:

=================  ===============================================================
extension          computes (the formula is in each class's docstring)
=================  ===============================================================
CourseMomentum     momentum as an average of the gradients, with or without Nesterov
CourseRMSprop      RMSprop with ε outside the root
CourseAdagrad      Adagrad with ε outside the root, the accumulator starting at 0
CourseAdam         Adam with bias correction and ε outside the root
MaskedDropout      inverted dropout with a mask given by the caller
=================  ===============================================================

(``MaskedDropout`` lives in :mod:`tf_parity.masked_dropout` and is re-exported here.)
What Keras's built-ins compute instead, formula by formula: ``tf_parity.report.CONVENTIONS``
(docs/keras-differences.md).

Plain gradient descent (``keras.optimizers.SGD(α)``) and Adadelta (``keras.optimizers.Adadelta``,
Zeiler 2012 with ε inside both roots) already compute the course's formulas, so they have no
extension here.

Every hyperparameter enters the graph as ``tf.constant(value, variable.dtype)``, i.e. rounded once
to the variable's dtype, as NumPy rounds a Python float. (Keras's ``ops.cast(0.9, "float64")``
goes through float32 first and would give 0.8999999761581421: see docs/keras-facts.md.) The bias
corrections 1 − β^t are computed in float64, as the course's NumPy code computes ``beta1**t``,
then rounded to the variable's dtype.

Keras keeps the learning rate in a variable of dtype ``floatx`` (docs/keras-facts.md): run with
``keras.backend.set_floatx`` equal to the variables' dtype, as tf_parity does.

This module imports TensorFlow and Keras; import it only where they are wanted.
"""
from __future__ import annotations

import keras
import tensorflow as tf

from nnref._checks import check_real
from tf_parity.masked_dropout import MaskedDropout

__all__ = ["CourseAdagrad", "CourseAdam", "CourseMomentum", "CourseRMSprop", "MaskedDropout"]


def _const(value, dtype):
    """A Python number as a tensor of ``dtype``, rounded once (never through float32)."""
    return tf.constant(value, dtype=dtype)


class _CourseOptimizer(keras.optimizers.Optimizer):
    """Shared helpers: per-variable state lookup and the step counter t = iterations + 1."""

    def _state(self, slots, variable):
        return slots[self._get_variable_index(variable)]

    def _step_number(self, dtype):
        """t = iterations + 1 as a tensor of ``dtype``."""
        return tf.cast(self.iterations + 1, dtype)

    def _bias_correction(self, beta, variable):
        """1 − β^t, computed in float64 then rounded to the variable's dtype."""
        t = self._step_number(tf.float64)
        return tf.cast(1.0 - tf.pow(_const(beta, tf.float64), t), variable.dtype)


class CourseMomentum(_CourseOptimizer):
    """Gradient descent with momentum as taught: the velocity is an average of the gradients.

        v = β·v + (1 − β)·g
        w −= α·v                          (nesterov=True: w −= α·(β·v + (1 − β)·g))

    Keras's ``SGD(momentum=μ)`` keeps a sum instead (v = μv − αg; w += v); the two trajectories
    coincide when ``α_keras = α·(1 − β)`` at a constant rate.

    Args:
        learning_rate: α, a float or a Keras schedule. Defaults to ``0.01``.
        beta: β in [0, 1). Defaults to ``0.9``.
        nesterov: Defaults to ``False``.
    State: ``velocity`` per variable, starting at 0.
    """

    def __init__(self, learning_rate=0.01, beta=0.9, nesterov=False, name="course_momentum",
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta = check_real("beta", beta, low=0, high=1, high_open=True)
        self.nesterov = bool(nesterov)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = tf.cast(learning_rate, dtype)
        g = tf.cast(gradient, dtype)
        beta, one_minus_beta = _const(self.beta, dtype), _const(1.0 - self.beta, dtype)
        v = self._state(self._velocities, variable)
        self.assign(v, v * beta + one_minus_beta * g)                    # v = βv + (1−β)g
        step = v * beta + one_minus_beta * g if self.nesterov else v
        self.assign_sub(variable, lr * step)                             # w −= α·step

    def get_config(self):
        return {**super().get_config(), "beta": self.beta, "nesterov": self.nesterov}


class CourseRMSprop(_CourseOptimizer):
    """RMSprop as taught (ε outside the root).

        s = ρ·s + (1 − ρ)·g²
        w −= α·g / (√s + ε)

    Keras's ``RMSprop`` divides by √(s + ε).

    Args:
        learning_rate: α. Defaults to ``0.001``.
        rho: ρ in [0, 1). Defaults to ``0.9``.
        epsilon: ε >= 0. Defaults to ``1e-8``.
    State: ``velocity`` (s) per variable, starting at 0 (Keras's name).
    """

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-8, name="course_rmsprop",
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = check_real("rho", rho, low=0, high=1, high_open=True)
        self.epsilon = check_real("epsilon", epsilon, low=0)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = tf.cast(learning_rate, dtype)
        g = tf.cast(gradient, dtype)
        s = self._state(self._velocities, variable)
        self.assign(s, s * _const(self.rho, dtype) + _const(1.0 - self.rho, dtype) * tf.square(g))
        self.assign_sub(variable, lr * g / (tf.sqrt(s) + _const(self.epsilon, dtype)))

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}


class CourseAdagrad(_CourseOptimizer):
    """Adagrad as taught (ε outside the root, the accumulator starting at 0).

        c += g²
        w −= α·g / (√c + ε)

    Keras's ``Adagrad`` divides by √(c + ε) and starts c at float32(0.1).

    Args:
        learning_rate: α. Defaults to ``0.001``.
        initial_accumulator_value: the starting c, >= 0. Defaults to ``0.0``.
        epsilon: ε >= 0. Defaults to ``1e-8``.
    State: ``accumulator`` (c) per variable.
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.0, epsilon=1e-8,
                 name="course_adagrad", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.initial_accumulator_value = check_real(
            "initial_accumulator_value", initial_accumulator_value, low=0)
        self.epsilon = check_real("epsilon", epsilon, low=0)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(var_list, "accumulator")
        for acc in self._accumulators:       # exact start value (Keras's Constant goes via float32)
            acc.assign(tf.fill(acc.shape, _const(self.initial_accumulator_value, acc.dtype)))

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = tf.cast(learning_rate, dtype)
        g = tf.cast(gradient, dtype)
        c = self._state(self._accumulators, variable)
        self.assign_add(c, tf.square(g))                                  # c += g²
        self.assign_sub(variable, lr * g / (tf.sqrt(c) + _const(self.epsilon, dtype)))

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon,
                "initial_accumulator_value": self.initial_accumulator_value}


class CourseAdam(_CourseOptimizer):
    """Adam as taught (Kingma & Ba 2015, Algorithm 1; the course's ``update_parameters_with_adam``).

        m = β1·m + (1 − β1)·g
        v = β2·v + (1 − β2)·g²
        m̂ = m / (1 − β1^t),   v̂ = v / (1 − β2^t)
        w −= α·m̂ / (√v̂ + ε)

    Keras's ``Adam`` uses the paper's "ε-hat" form (``tf_parity.report.CONVENTIONS``): the two
    differ in every step, most in the early ones.

    Args:
        learning_rate: α. Defaults to ``0.001``.
        beta_1, beta_2: in [0, 1). Default to ``0.9`` and ``0.999``.
        epsilon: ε >= 0. Defaults to ``1e-8`` (the course's).
    State: ``momentum`` (m) and ``velocity`` (v) per variable (Keras's names).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 name="course_adam", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = check_real("beta_1", beta_1, low=0, high=1, high_open=True)
        self.beta_2 = check_real("beta_2", beta_2, low=0, high=1, high_open=True)
        self.epsilon = check_real("epsilon", epsilon, low=0)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"])

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = tf.cast(learning_rate, dtype)
        g = tf.cast(gradient, dtype)
        m = self._state(self._momentums, variable)
        v = self._state(self._velocities, variable)
        self.assign(m, m * _const(self.beta_1, dtype) + _const(1.0 - self.beta_1, dtype) * g)
        self.assign(v, v * _const(self.beta_2, dtype)
                    + _const(1.0 - self.beta_2, dtype) * tf.square(g))
        m_hat = m / self._bias_correction(self.beta_1, variable)
        v_hat = v / self._bias_correction(self.beta_2, variable)
        self.assign_sub(variable, lr * m_hat / (tf.sqrt(v_hat) + _const(self.epsilon, dtype)))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
