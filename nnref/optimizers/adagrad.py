"""Adagrad."""
from __future__ import annotations

from nnref.functional import optim
from nnref.optimizers.base import Optimizer
from nnref._checks import check_real as _check_real


class Adagrad(Optimizer):
    """Adagrad: divide the gradient by the root of the sum of all past squared gradients.

    The update is ``nnref.functional.optim.adagrad_update``, whose docstring states both
    rules: course (ε outside the root, the accumulator starts at 0) and keras
    (``keras.optimizers.Adagrad``; ε inside the root, the accumulator starts at float32(0.1)
    because Keras casts the initial value through float32).

    Args:
        learning_rate: float > 0 or a per-step schedule. Defaults to ``0.001``.
        initial_accumulator_value: starting c, >= 0. Defaults to ``0.0`` (course) or ``0.1``
            (keras). In the keras convention it is rounded to float32, as Keras does.
        epsilon: ε >= 0. Defaults to ``1e-8`` (course) or ``1e-7`` (keras).
        convention: ``"course"`` or ``"keras"``. Defaults to ``"course"``.
        name: Defaults to ``"adagrad"``.

    State: ``accumulator`` (c), one array per parameter.
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=None, epsilon=None, *,
                 convention="course", name=None):
        super().__init__(learning_rate, convention=convention, name=name)
        if initial_accumulator_value is None:
            initial_accumulator_value = self._by_convention(course=0.0, keras=0.1)
        self.initial_accumulator_value = _check_real(
            "initial_accumulator_value", initial_accumulator_value, low=0)
        if epsilon is None:
            epsilon = self._by_convention(course=1e-8, keras=1e-7)
        self.epsilon = _check_real("epsilon", epsilon, low=0)

    def build(self, params):
        super().build(params)
        start = self.initial_accumulator_value
        if self.convention == "keras":
            start = optim.keras_constant(start, "float32")  # full_like then casts to each dtype
        (self._accumulators,) = self.add_slots(["accumulator"], start)
        self._work = [optim.work_arrays(p, 2) for p in self._params]

    def _step_rule(self, lr, dtype):
        return optim.adagrad_rule(lr, self.epsilon, self.convention)

    def _state(self, i):
        return (self._accumulators[i],)

    def get_config(self):
        return {**super().get_config(),
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}
