"""Learning-rate schedules: Keras's per-step decays and the course's per-epoch rules.

A schedule maps a 0-based index to a learning rate, ``schedule(i) -> float``, and says what the
index counts in its ``unit`` attribute:

- ``unit="step"``: optimizer steps (mini-batches). Pass the schedule as an optimizer's
  ``learning_rate``; like Keras, the optimizer evaluates it at ``optimizer.iterations`` *before*
  counting the step, so the first update uses ``schedule(0)``.
- ``unit="epoch"``: epochs, the course's "learning rate decay" loop
  (``for i in range(num_epochs): learning_rate = update_lr(learning_rate0, i, decay_rate)``,
  ``update_lr`` being :mod:`nnref.course.c2w2_optimization`'s).
  Use it with a per-epoch learning-rate scheduler callback, which sets ``optimizer.learning_rate``
  before epoch ``i`` to ``schedule(i)``. Optimizers refuse per-epoch schedules.

The course's four rules (lecture "Learning rate decay") as functions (the first two in
:mod:`nnref.course.c2w2_optimization`) and the schedule objects that compute them (per epoch:
pass ``unit="epoch"``); each class's docstring states its formula::

    update_lr(α0, epoch, decay_rate)             InverseTimeDecay(α0, 1, decay_rate)
    schedule_lr_decay(α0, epoch, decay_rate,     InverseTimeDecay(α0, time_interval, decay_rate,
                      time_interval)                              staircase=True)
    exponential_lr_decay(α0, epoch, 0.95)        ExponentialDecay(α0, 1, 0.95)
    inverse_sqrt_lr_decay(α0, epoch, k)          InverseSqrtDecay(α0, k)  (index = epoch − 1)

``convention="course"`` (default) evaluates the course's expression in float64, in the course's
order of operations (so the course's ``update_lr`` is bit-identical to its schedule).
``convention="keras"`` reproduces ``keras.optimizers.schedules``, which computes the schedule in
float32 even when ``floatx`` is float64 (docs/keras-facts.md); the value is returned as a Python
float holding that float32 number. InverseTimeDecay is then bit-identical to Keras;
ExponentialDecay within 2 float32 ulps (see its docstring).
"""
from __future__ import annotations

import math

import numpy as np

from nnref._checks import check_bool, check_choice, check_convention, check_int, check_real

UNITS = ("step", "epoch")


# --------------------------------------------------------------------------------------------
# Schedules.

class LearningRateSchedule:
    """Base class: ``schedule(index) -> float``, ``unit`` ("step" or "epoch"), ``get_config()``.

    Subclasses implement ``_rate(index)`` for a validated non-negative int ``index`` and list
    their constructor arguments in ``get_config()``.
    """

    unit = "step"

    def __call__(self, step) -> float:
        return self._rate(check_int(self.unit, step))

    def _rate(self, index: int) -> float:
        raise NotImplementedError(f"{type(self).__name__} must implement _rate(index)")

    def get_config(self) -> dict:
        raise NotImplementedError(f"{type(self).__name__} must implement get_config()")

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class _DecaySchedule(LearningRateSchedule):
    """Shared arguments of InverseTimeDecay and ExponentialDecay (Keras's signature)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, *,
                 convention="course", unit="step"):
        self.initial_learning_rate = check_real(
            "initial_learning_rate", initial_learning_rate, low=0, low_open=True)
        self.decay_steps = check_real("decay_steps", decay_steps, low=0, low_open=True)
        self.decay_rate = self._check_decay_rate(decay_rate)
        self.staircase = check_bool("staircase", staircase)
        self.convention = check_convention(convention)
        self.unit = check_choice("unit", unit, UNITS)

    def _check_decay_rate(self, decay_rate):
        raise NotImplementedError

    def _progress(self, index):
        """p = index/decay_steps, floored if ``staircase``; float64 (course), float32 (keras)."""
        if self.convention == "keras":
            p = np.float32(index) / np.float32(self.decay_steps)
            return np.floor(p) if self.staircase else p
        p = index / self.decay_steps
        return math.floor(p) if self.staircase else p

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "convention": self.convention,
            "unit": self.unit,
        }


class InverseTimeDecay(_DecaySchedule):
    """Inverse time decay: ``α(i) = α0 / (1 + decay_rate·p)``, ``p = i/decay_steps``.

    ``staircase=True`` floors ``p``. The course's two (lecture "Learning rate decay")::

        α = α0 / (1 + decay_rate·epoch)                      update_lr: decay_steps=1
        α = α0 / (1 + decay_rate·⌊epoch/time_interval⌋)      schedule_lr_decay:
                                                  decay_steps=time_interval, staircase=True

    course: ``(1 / (1 + decay_rate·p))·α0`` in float64, the course's operation order.
    keras: ``α0 / (1 + decay_rate·p)`` in float32, as
    ``keras.optimizers.schedules.InverseTimeDecay`` (bit-identical).

    Args:
        initial_learning_rate: α0 > 0.
        decay_steps: steps (or epochs) per unit of ``p``, > 0.
        decay_rate: >= 0.
        staircase: floor ``p``. Defaults to ``False``.
        convention: ``"course"`` or ``"keras"``. Defaults to ``"course"``.
        unit: what the index counts, ``"step"`` or ``"epoch"``. Defaults to ``"step"``.
    """

    def _check_decay_rate(self, decay_rate):
        return check_real("decay_rate", decay_rate, low=0)

    def _rate(self, index):
        p = self._progress(index)
        if self.convention == "keras":
            f32 = np.float32
            return float(f32(self.initial_learning_rate) / (f32(1) + f32(self.decay_rate) * p))
        return 1 / (1 + self.decay_rate * p) * self.initial_learning_rate


class ExponentialDecay(_DecaySchedule):
    """Exponential decay: ``α(i) = decay_rate^p·α0``, ``p = i/decay_steps``.

    ``staircase=True`` floors ``p``. The course's ``0.95^epoch·α0`` is
    ``ExponentialDecay(α0, 1, 0.95, unit="epoch")``.

    course: ``decay_rate**p * α0`` in float64. keras: ``α0·decay_rate^p`` in float32, as
    ``keras.optimizers.schedules.ExponentialDecay``, to within 2 float32 ulps (TensorFlow's
    float32 ``pow`` is its own implementation; NumPy's differs from it in the last bits).

    Args:
        initial_learning_rate: α0 > 0.
        decay_steps: > 0.
        decay_rate: > 0 (below 1 to decay).
        staircase: floor ``p``. Defaults to ``False``.
        convention: ``"course"`` or ``"keras"``. Defaults to ``"course"``.
        unit: ``"step"`` or ``"epoch"``. Defaults to ``"step"``.
    """

    def _check_decay_rate(self, decay_rate):
        return check_real("decay_rate", decay_rate, low=0, low_open=True)

    def _rate(self, index):
        p = self._progress(index)
        if self.convention == "keras":
            # decay_rate^p rounded once from float64 to float32: TF's own float32 pow (Eigen's)
            # is within 1 ulp of it, so the rate is within 2 float32 ulps of Keras's.
            f32 = np.float32
            power = f32(np.float64(f32(self.decay_rate)) ** np.float64(p))
            return float(f32(self.initial_learning_rate) * power)
        return self.decay_rate ** p * self.initial_learning_rate


class InverseSqrtDecay(LearningRateSchedule):
    """The lecture's ``α = k/√epoch_num·α0`` with ``epoch_num = index + 1``.

    The lecture counts epochs from 1 (and k/√0 is undefined), while a per-epoch callback and the
    course's loops count from 0; so index 0 (the first epoch) trains at ``k·α0``, index 1 at
    ``k/√2·α0``, and so on. With ``unit="step"`` this is the lecture's ``k/√t·α0`` over
    mini-batches t = 1, 2, ... No Keras counterpart (in Keras: a ``LearningRateScheduler``
    callback with this function).

    Args:
        initial_learning_rate: α0 > 0.
        k: constant > 0. Defaults to ``1.0``.
        unit: ``"step"`` or ``"epoch"``. Defaults to ``"epoch"``.
    """

    def __init__(self, initial_learning_rate, k=1.0, *, unit="epoch"):
        self.initial_learning_rate = check_real(
            "initial_learning_rate", initial_learning_rate, low=0, low_open=True)
        self.k = check_real("k", k, low=0, low_open=True)
        self.unit = check_choice("unit", unit, UNITS)

    def _rate(self, index):
        return self.k / math.sqrt(index + 1) * self.initial_learning_rate

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "k": self.k, "unit": self.unit}


# --------------------------------------------------------------------------------------------
# The lecture's per-epoch rules as functions (the assignment's two, ``update_lr`` and
# ``schedule_lr_decay``, are in nnref.course.c2w2_optimization).

def exponential_lr_decay(learning_rate0, epoch_num, decay_rate=0.95):
    """The lecture's exponential decay (``decay_rate`` 0.95 in the lecture):
    ``ExponentialDecay(learning_rate0, 1, decay_rate)`` at ``epoch_num`` (its formula)."""
    learning_rate0 = check_real("learning_rate0", learning_rate0, low=0, low_open=True)
    epoch_num = check_int("epoch_num", epoch_num)
    return ExponentialDecay(learning_rate0, 1, decay_rate, unit="epoch")(epoch_num)


def inverse_sqrt_lr_decay(learning_rate0, epoch_num, k=1.0):
    """The lecture's inverse-square-root decay for its epoch count ``epoch_num >= 1``:
    ``InverseSqrtDecay(learning_rate0, k)`` (its formula) at index ``epoch_num − 1``."""
    learning_rate0 = check_real("learning_rate0", learning_rate0, low=0, low_open=True)
    epoch_num = check_int("epoch_num", epoch_num, low=1)
    return InverseSqrtDecay(learning_rate0, k, unit="epoch")(epoch_num - 1)


# --------------------------------------------------------------------------------------------
# Registry.

_SCHEDULES = {cls.__name__: cls for cls in (InverseTimeDecay, ExponentialDecay, InverseSqrtDecay)}


def serialize(schedule: LearningRateSchedule) -> dict:
    """``{"class_name": ..., "config": ...}``, the inverse of :func:`deserialize`."""
    return {"class_name": type(schedule).__name__, "config": schedule.get_config()}


def deserialize(config: dict) -> LearningRateSchedule:
    """A schedule from :func:`serialize`'s output."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise TypeError(
            "config must be a dict with 'class_name' and 'config'. "
            f"Received: config={config!r}")
    name = check_choice("class_name", config["class_name"], tuple(_SCHEDULES))
    return _SCHEDULES[name].from_config(config.get("config", {}))
