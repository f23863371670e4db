"""Adagrad in the course's and Keras's conventions."""
import numpy as np
import pytest

from nnref.optimizers import Adagrad

import optimizer_problems
from optimizer_problems import SHAPES, train  # noqa: F401


def problem(dtype, steps=7, seed=2):
    return optimizer_problems.problem(dtype, steps, seed)


def reference(params, grads, lr, start, eps, convention):
    out = []
    for k, w in enumerate(params):
        c = np.full_like(w, start)
        for step in grads:
            g = step[k]
            c = c + np.square(g)
            if convention == "course":
                w = w - lr * g / (np.sqrt(c) + eps)
            else:
                w = w - lr * g / np.sqrt(c + eps)
        out.append(w)
    return out


def test_course_steps_by_hand():
    # α = 0.1, ε = 0, c0 = 0.  g1 = 2: c = 4, w = 1 − 0.1·2/2 = 0.9.
    # g2 = 1.5: c = 4 + 2.25 = 6.25, w = 0.9 − 0.1·1.5/2.5 = 0.84.
    w = np.array([1.0])
    opt = Adagrad(learning_rate=0.1, epsilon=0.0)
    opt.apply_gradients([(np.array([2.0]), w)])
    assert w[0] == pytest.approx(0.9, rel=1e-15, abs=0)
    opt.apply_gradients([(np.array([1.5]), w)])
    assert w[0] == pytest.approx(0.84, rel=1e-15, abs=0)
    assert opt.variables[0][0] == 6.25


def test_keras_step_by_hand():
    # ε inside the root: c0 = 0, ε = 5, g = 2: w = 1 − 0.1·2/√(4 + 5) = 1 − 0.2/3 = 0.9333...
    w = np.array([1.0])
    opt = Adagrad(learning_rate=0.1, initial_accumulator_value=0.0, epsilon=5.0,
                  convention="keras")
    opt.apply_gradients([(np.array([2.0]), w)])
    assert w[0] == pytest.approx(1 - 0.2 / 3, rel=1e-15, abs=0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_keras_starts_the_accumulator_at_float32_one_tenth(dtype):
    # float32(0.1) = 13421773·2⁻²⁷ = 0.100000001490116119384765625 (Keras's Constant(0.1)).
    opt = Adagrad(convention="keras")
    w = np.zeros(3, dtype)
    opt.build([w])
    assert opt.variables[0].dtype == dtype
    assert np.all(opt.variables[0] == dtype(13421773 * 2.0 ** -27))
    course = Adagrad(initial_accumulator_value=0.1)
    course.build([np.zeros(3)])
    assert np.all(course.variables[0] == 0.1)   # the course convention keeps 0.1 exact


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("convention, start", [("course", 0.0), ("course", 0.3), ("keras", None)])
def test_matches_formula_over_steps(dtype, convention, start):
    params, grads = problem(dtype)
    opt = Adagrad(learning_rate=0.05, initial_accumulator_value=start, convention=convention)
    got = train(opt, params, grads)
    eps = 1e-8 if convention == "course" else 1e-7
    start = np.float32(0.1) if start is None else start  # Keras's start value, through float32
    for g, w in zip(got, reference(params, grads, 0.05, start, eps, convention)):
        assert g.dtype == dtype
        np.testing.assert_array_equal(g, w)


def test_defaults_follow_convention():
    course, keras = Adagrad(), Adagrad(convention="keras")
    assert (course.initial_accumulator_value, course.epsilon) == (0.0, 1e-8)
    assert (keras.initial_accumulator_value, keras.epsilon) == (0.1, 1e-7)


@pytest.mark.parametrize("kwargs, match", [
    ({"initial_accumulator_value": -0.1},
     r"initial_accumulator_value must be a finite number >= 0\. Received: initial_accumulator_value=-0\.1"),
    ({"epsilon": float("inf")}, r"Received: epsilon=inf"),
])
def test_bad_hyperparameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Adagrad(**kwargs)
