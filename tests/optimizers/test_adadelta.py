"""Adadelta (Zeiler 2012) in the course's and Keras's conventions."""
import numpy as np
import pytest

from nnref.optimizers import Adadelta

import optimizer_problems
from optimizer_problems import SHAPES, train  # noqa: F401


def problem(dtype, steps=7, seed=3):
    return optimizer_problems.problem(dtype, steps, seed)


def reference(params, grads, lr, rho, eps, convention):
    """Zeiler's Algorithm 1 (course) and keras.optimizers.Adadelta's expression order."""
    out = []
    for k, w in enumerate(params):
        eg2 = np.zeros_like(w)
        edx2 = np.zeros_like(w)
        for step in grads:
            g = step[k]
            eg2 = rho * eg2 + (1 - rho) * np.square(g)
            if convention == "course":
                dx = -(np.sqrt(edx2 + eps) / np.sqrt(eg2 + eps)) * g
            else:
                dx = -(np.sqrt(edx2 + eps) * g / np.sqrt(eg2 + eps))
            edx2 = rho * edx2 + (1 - rho) * np.square(dx)
            w = w + lr * dx
        out.append(w)
    return out


def test_course_step_by_hand():
    # ρ = 0.75, ε = 1e-6, g = 2, α = 1 (Zeiler):
    # E[g²] = 0.25·4 = 1;  RMS[g] = √(1 + 1e-6);  RMS[Δx]₀ = √1e-6 = 1e-3
    # Δx = −1e-3·2/√1.000001 = −0.002·(1 − 5e-7 + 3.75e-13) = −0.00199999900000075
    # w = 1 + Δx = 0.99800000099999925;  E[Δx²] = 0.25·Δx² = 0.99999900000...e-6
    w = np.array([1.0])
    opt = Adadelta(rho=0.75)
    opt.apply_gradients([(np.array([2.0]), w)])
    assert w[0] == pytest.approx(0.99800000099999925, rel=1e-15, abs=0)
    eg2, edx2 = opt.variables
    assert eg2[0] == 1.0
    assert edx2[0] == pytest.approx(0.25 * 0.00199999900000075 ** 2, rel=1e-12, abs=0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("convention", ["course", "keras"])
def test_matches_formula_over_steps(dtype, convention):
    params, grads = problem(dtype)
    opt = Adadelta(learning_rate=0.5, rho=0.9, epsilon=1e-5, convention=convention)
    got = train(opt, params, grads)
    for g, w in zip(got, reference(params, grads, 0.5, 0.9, 1e-5, convention)):
        assert g.dtype == dtype
        np.testing.assert_array_equal(g, w)


def test_conventions_differ_only_by_rounding():
    params, grads = problem(np.float64)
    course = train(Adadelta(0.5, 0.9, 1e-5), params, grads)
    keras = train(Adadelta(0.5, 0.9, 1e-5, convention="keras"), params, grads)
    for c, k in zip(course, keras):
        np.testing.assert_allclose(c, k, rtol=1e-13)  # (a/b)·g vs (a·g)/b: a few ulps apart


def test_defaults_follow_convention():
    course, keras = Adadelta(), Adadelta(convention="keras")
    assert (course.learning_rate, course.rho, course.epsilon) == (1.0, 0.95, 1e-6)
    assert (keras.learning_rate, keras.rho, keras.epsilon) == (0.001, 0.95, 1e-7)


def test_state_order_is_keras():
    opt = Adadelta()
    w1, w2 = np.zeros(2), np.zeros(3)
    opt.apply_gradients([(np.ones(2), w1), (np.ones(3), w2)])
    # per parameter: accumulated_grad, accumulated_delta_var
    assert [v.shape for v in opt.variables] == [(2,), (2,), (3,), (3,)]
    assert np.all(opt.variables[0] == 1 - 0.95) and np.all(opt.variables[1] > 0)


@pytest.mark.parametrize("kwargs, match", [
    ({"rho": 1.5}, r"rho must be in \[0, 1\)\. Received: rho=1\.5"),
    ({"epsilon": -1.0}, r"Received: epsilon=-1\.0"),
])
def test_bad_hyperparameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Adadelta(**kwargs)
