"""Adadelta."""
from __future__ import annotations

from nnref.functional import optim
from nnref.optimizers.base import Optimizer
from nnref._checks import check_real as _check_real


class Adadelta(Optimizer):
    """Adadelta (Zeiler 2012): steps scaled by RMS[Δx]/RMS[g], RMS[y] = √(E[y²] + ε).

    The update is ``nnref.functional.optim.adadelta_update``, whose docstring states the rule
    (Zeiler's Algorithm 1 in both conventions, which differ only in rounding). course defaults:
    α = 1 and ε = 1e-6 (the paper has no learning rate; α scales the step if given); keras
    (``keras.optimizers.Adadelta``) defaults: α = 0.001, ε = 1e-7.

    Args:
        learning_rate: float > 0 or a per-step schedule. Defaults to ``1.0`` (course) or
            ``0.001`` (keras).
        rho: ρ in [0, 1). Defaults to ``0.95``.
        epsilon: ε >= 0. Defaults to ``1e-6`` (course) or ``1e-7`` (keras).
        convention: ``"course"`` or ``"keras"``. Defaults to ``"course"``.
        name: Defaults to ``"adadelta"``.

    State: ``accumulated_grad`` (E[g²]) and ``accumulated_delta_var`` (E[Δx²]) per parameter.
    """

    def __init__(self, learning_rate=None, rho=0.95, epsilon=None, *,
                 convention="course", name=None):
        if learning_rate is None:
            learning_rate = 1.0 if convention == "course" else 0.001
        super().__init__(learning_rate, convention=convention, name=name)
        self.rho = _check_real("rho", rho, low=0, high=1, high_open=True)
        if epsilon is None:
            epsilon = self._by_convention(course=1e-6, keras=1e-7)
        self.epsilon = _check_real("epsilon", epsilon, low=0)

    def build(self, params):
        super().build(params)
        self._accumulated_grads, self._accumulated_deltas = self.add_slots(
            ["accumulated_grad", "accumulated_delta_var"])
        self._work = [optim.work_arrays(p, 2) for p in self._params]

    def _step_rule(self, lr, dtype):
        return optim.adadelta_rule(lr, self.rho, self.epsilon, self.convention)

    def _state(self, i):
        return self._accumulated_grads[i], self._accumulated_deltas[i]

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
