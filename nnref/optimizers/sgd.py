"""Stochastic gradient descent, with optional momentum and Nesterov momentum."""
from __future__ import annotations

from nnref.functional import optim
from nnref.optimizers.base import Optimizer
from nnref._checks import check_bool as _check_bool, check_real as _check_real


class SGD(Optimizer):
    """Gradient descent (with momentum β when ``momentum > 0``).

    The update with momentum is ``nnref.functional.optim.momentum_update``, whose docstring
    states both rules: course (the velocity is an average of the gradients;
    ``update_parameters_with_momentum``) and keras (``keras.optimizers.SGD``), and how their
    learning rates correspond. With ``momentum=0`` both are ``optim.sgd_update`` (the course's
    ``update_parameters_with_gd``) and no state is kept.

    Args:
        learning_rate: float > 0 or a per-step schedule. Defaults to ``0.01``.
        momentum: β in [0, 1). Defaults to ``0.0``.
        nesterov: Nesterov momentum. Defaults to ``False``.
        convention: ``"course"`` or ``"keras"``. Defaults to ``"course"``.
        name: Defaults to ``"sgd"``.

    State: ``momentum``, one array per parameter (only when ``momentum > 0``).
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, *,
                 convention="course", name=None):
        super().__init__(learning_rate, convention=convention, name=name)
        self.momentum = _check_real("momentum", momentum, low=0, high=1, high_open=True)
        self.nesterov = _check_bool("nesterov", nesterov)

    def build(self, params):
        super().build(params)
        self._momentums = self.add_slots(["momentum"])[0] if self.momentum > 0 else []
        count = 2 if self.momentum > 0 else 1
        self._work = [optim.work_arrays(p, count) for p in self._params]

    def _step_rule(self, lr, dtype):
        if self.momentum == 0:
            return optim.sgd_rule(lr)
        return optim.momentum_rule(lr, self.momentum, self.convention, self.nesterov, dtype)

    def _state(self, i):
        return (self._momentums[i],) if self.momentum > 0 else ()

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
