"""Adam."""
from __future__ import annotations

from nnref.functional import optim
from nnref.optimizers.base import Optimizer
from nnref._checks import check_real as _check_real


class Adam(Optimizer):
    """Adam: momentum and RMSprop with bias correction, at step t = iterations + 1.

    The update is ``nnref.functional.optim.adam_update``, whose docstring states both rules:
    course (Kingma & Ba 2015, Algorithm 1; ``update_parameters_with_adam``) and keras
    (``keras.optimizers.Adam``, the paper's "ε-hat" form).

    Args:
        learning_rate: float > 0 or a per-step schedule. Defaults to ``0.001``.
        beta_1: β1 in [0, 1). Defaults to ``0.9``.
        beta_2: β2 in [0, 1). Defaults to ``0.999``.
        epsilon: ε >= 0. Defaults to ``1e-8`` (course) or ``1e-7`` (keras, Keras's default).
        convention: ``"course"`` or ``"keras"``. Defaults to ``"course"``.
        name: Defaults to ``"adam"``.

    State: ``momentum`` (m) and ``velocity`` (v) per parameter, Keras's names and order.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=None, *,
                 convention="course", name=None):
        super().__init__(learning_rate, convention=convention, name=name)
        self.beta_1 = _check_real("beta_1", beta_1, low=0, high=1, high_open=True)
        self.beta_2 = _check_real("beta_2", beta_2, low=0, high=1, high_open=True)
        if epsilon is None:
            epsilon = self._by_convention(course=1e-8, keras=1e-7)
        self.epsilon = _check_real("epsilon", epsilon, low=0)

    def build(self, params):
        super().build(params)
        self._momentums, self._velocities = self.add_slots(["momentum", "velocity"])
        self._work = [optim.work_arrays(p, 2) for p in self._params]

    def _step_rule(self, lr, dtype):
        return optim.adam_rule(self.iterations + 1, lr, self.beta_1, self.beta_2, self.epsilon,
                               self.convention, dtype)

    def _state(self, i):
        return self._momentums[i], self._velocities[i]

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
