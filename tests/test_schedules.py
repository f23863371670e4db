"""Learning-rate schedules against their closed forms; the lecture's per-epoch functions (the
assignment's update_lr and schedule_lr_decay: tests/course/test_c2w2_optimization.py)."""
import math

import numpy as np
import pytest

from nnref import schedules
from nnref.schedules import (
    ExponentialDecay, InverseSqrtDecay, InverseTimeDecay, exponential_lr_decay,
    inverse_sqrt_lr_decay,
)

STEPS = [0, 1, 2, 3, 7, 10, 99, 100, 101, 999, 1000, 1001, 12345]


# ---------------------------------------------------------------- hand-computed values

def test_course_functions_by_hand():
    assert exponential_lr_decay(0.2, 2) == pytest.approx(0.2 * 0.9025, rel=1e-15, abs=0)  # 0.95² = 0.9025
    assert inverse_sqrt_lr_decay(0.2, 4, k=0.5) == pytest.approx(0.05, rel=1e-15, abs=0)  # 0.5/√4·0.2


def test_keras_inverse_time_decay_is_float32():
    # docs/keras-facts.md: InverseTimeDecay(0.2, 1, 1) gives 0.20000000298, 0.10000000149, ...:
    # float32(0.2) = 13421773·2⁻²⁶ = 0.20000000298023223876953125, and /2 is exact.
    schedule = InverseTimeDecay(0.2, decay_steps=1, decay_rate=1.0, convention="keras")
    assert schedule(0) == 13421773 * 2.0 ** -26
    assert schedule(1) == 13421773 * 2.0 ** -27
    assert schedule(3) == float(np.float32(np.float32(0.2) / np.float32(4)))
    assert InverseTimeDecay(0.2, 1, 1.0)(1) == 0.1   # the course convention: float64


# ---------------------------------------------------------------- closed forms

@pytest.mark.parametrize("staircase", [False, True])
@pytest.mark.parametrize("lr0, decay_steps, rate", [(0.1, 1, 1.0), (0.2, 7, 0.5), (1e-3, 2.5, 0.03)])
def test_inverse_time_decay_closed_form(staircase, lr0, decay_steps, rate):
    course = InverseTimeDecay(lr0, decay_steps, rate, staircase)
    keras = InverseTimeDecay(lr0, decay_steps, rate, staircase, convention="keras")
    for i in STEPS:
        p = math.floor(i / decay_steps) if staircase else i / decay_steps
        assert course(i) == pytest.approx(lr0 / (1 + rate * p), rel=1e-15, abs=0)
        # float32: a few roundings of relative size 2⁻²⁴ each
        assert keras(i) == pytest.approx(lr0 / (1 + rate * p), rel=4e-7, abs=0)
        assert keras(i) == float(np.float32(keras(i)))   # a float32 number


@pytest.mark.parametrize("staircase", [False, True])
@pytest.mark.parametrize("lr0, decay_steps, rate", [(0.1, 1, 0.95), (0.2, 7, 0.5), (1e-3, 2.5, 0.96)])
def test_exponential_decay_closed_form(staircase, lr0, decay_steps, rate):
    course = ExponentialDecay(lr0, decay_steps, rate, staircase)
    keras = ExponentialDecay(lr0, decay_steps, rate, staircase, convention="keras")
    for i in STEPS[:9]:
        p = math.floor(i / decay_steps) if staircase else i / decay_steps
        want = lr0 * math.exp(p * math.log(rate))
        assert course(i) == pytest.approx(want, rel=1e-13, abs=0)  # pow vs exp·log: ~p ulps apart
        assert keras(i) == pytest.approx(want, rel=2e-5, abs=0)    # float32 pow of a float32 p ~ 100


def test_exponential_decay_is_the_lectures_rule():
    schedule = ExponentialDecay(0.3, 1, 0.95, unit="epoch")
    for epoch in range(20):
        assert schedule(epoch) == 0.95 ** epoch * 0.3
        assert exponential_lr_decay(0.3, epoch) == 0.95 ** epoch * 0.3


def test_inverse_sqrt_decay_counts_the_lectures_epochs_from_one():
    schedule = InverseSqrtDecay(0.2, k=0.7)
    assert schedule.unit == "epoch"
    for index in range(10):
        assert schedule(index) == 0.7 / math.sqrt(index + 1) * 0.2
        assert inverse_sqrt_lr_decay(0.2, index + 1, k=0.7) == schedule(index)
    with pytest.raises(ValueError, match="epoch_num must be an integer >= 1. Received: epoch_num=0"):
        inverse_sqrt_lr_decay(0.2, 0)


# ---------------------------------------------------------------- units, config, bad input

def test_units():
    assert InverseTimeDecay(0.1, 1, 1.0).unit == "step"
    assert InverseTimeDecay(0.1, 1, 1.0, unit="epoch").unit == "epoch"
    assert InverseSqrtDecay(0.1, unit="step").unit == "step"
    with pytest.raises(ValueError, match="Received: unit='batch'"):
        ExponentialDecay(0.1, 1, 0.5, unit="batch")


@pytest.mark.parametrize("schedule", [
    InverseTimeDecay(0.1, 3, 0.5, staircase=True, convention="keras", unit="epoch"),
    ExponentialDecay(0.2, 10, 0.96),
    InverseSqrtDecay(0.3, k=2.0, unit="step"),
])
def test_config_round_trip(schedule):
    again = schedules.deserialize(schedules.serialize(schedule))
    assert type(again) is type(schedule) and again.get_config() == schedule.get_config()
    assert [again(i) for i in range(5)] == [schedule(i) for i in range(5)]
    assert type(schedule).__name__ in repr(schedule)


def test_deserialize_errors():
    with pytest.raises(ValueError, match="Received: class_name='CosineDecay'"):
        schedules.deserialize({"class_name": "CosineDecay", "config": {}})
    with pytest.raises(TypeError, match="Received: config='InverseTimeDecay'"):
        schedules.deserialize("InverseTimeDecay")


@pytest.mark.parametrize("make, error, match", [
    (lambda: InverseTimeDecay(0.0, 1, 1.0), ValueError,
     r"initial_learning_rate must be a finite number > 0\. Received: initial_learning_rate=0\.0"),
    (lambda: InverseTimeDecay(0.1, 0, 1.0), ValueError, r"Received: decay_steps=0"),
    (lambda: InverseTimeDecay(0.1, 1, -0.5), ValueError,
     r"decay_rate must be a finite number >= 0\. Received: decay_rate=-0\.5"),
    (lambda: ExponentialDecay(0.1, 1, 0.0), ValueError,
     r"decay_rate must be a finite number > 0\. Received: decay_rate=0\.0"),
    (lambda: ExponentialDecay(0.1, 1, 0.5, staircase="yes"), TypeError, r"Received: staircase='yes'"),
    (lambda: InverseTimeDecay(0.1, 1, 1.0, convention="tf"), ValueError, r"Received: convention='tf'"),
    (lambda: InverseSqrtDecay(0.1, k=-1.0), ValueError, r"Received: k=-1\.0"),
    (lambda: InverseTimeDecay(float("nan"), 1, 1.0), ValueError, r"Received: initial_learning_rate=nan"),
    (lambda: InverseTimeDecay(0.1, 1, 1.0)(-1), ValueError, r"step must be an integer >= 0\. Received: step=-1"),
    (lambda: InverseTimeDecay(0.1, 1, 1.0)(1.5), TypeError, r"Received: step=1\.5"),
    (lambda: exponential_lr_decay(0.1, True), TypeError, r"Received: epoch_num=True"),
])
def test_bad_input(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_numpy_integer_steps_are_accepted():
    schedule = InverseTimeDecay(0.1, 1, 1.0)
    assert schedule(np.int64(3)) == schedule(3)


def test_base_class_is_abstract():
    with pytest.raises(NotImplementedError):
        schedules.LearningRateSchedule()(0)
