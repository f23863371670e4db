"""RMSprop."""
from __future__ import annotations

from nnref.functional import optim
from nnref.optimizers.base import Optimizer
from nnref._checks import check_real as _check_real


class RMSprop(Optimizer):
    """RMSprop: divide the gradient by a running root mean square of recent gradients.

    The update is ``nnref.functional.optim.rmsprop_update``, whose docstring states both
    rules: course (lecture "RMSprop", ε outside the root) and keras
    (``keras.optimizers.RMSprop(momentum=0.0, centered=False)``, ε inside the root).
    Keras's ``momentum``/``centered`` options are not provided.

    Args:
        learning_rate: float > 0 or a per-step schedule. Defaults to ``0.001``.
        rho: ρ in [0, 1). Defaults to ``0.9``.
        epsilon: ε >= 0. Defaults to ``1e-8`` (course) or ``1e-7`` (keras, Keras's default).
        convention: ``"course"`` or ``"keras"``. Defaults to ``"course"``.
        name: Defaults to ``"rmsprop"``.

    State: ``velocity`` (s), one array per parameter.
    """

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=None, *,
                 convention="course", name=None):
        super().__init__(learning_rate, convention=convention, name=name)
        self.rho = _check_real("rho", rho, low=0, high=1, high_open=True)
        if epsilon is None:
            epsilon = self._by_convention(course=1e-8, keras=1e-7)
        self.epsilon = _check_real("epsilon", epsilon, low=0)

    def build(self, params):
        super().build(params)
        (self._velocities,) = self.add_slots(["velocity"])
        self._work = [optim.work_arrays(p, 2) for p in self._params]

    def _step_rule(self, lr, dtype):
        return optim.rmsprop_rule(lr, self.rho, self.epsilon, self.convention)

    def _state(self, i):
        return (self._velocities[i],)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
