"""RMSprop in the course's and Keras's conventions."""
import numpy as np
import pytest

from nnref.optimizers import RMSprop

import optimizer_problems
from optimizer_problems import SHAPES, engine, train  # noqa: F401 (engine: both engines)


def problem(dtype, steps=7, seed=1):
    return optimizer_problems.problem(dtype, steps, seed)


def reference(params, grads, lr, rho, eps, convention):
    out = []
    for k, w in enumerate(params):
        s = np.zeros_like(w)
        for step in grads:
            g = step[k]
            s = rho * s + (1 - rho) * np.square(g)
            if convention == "course":
                w = w - lr * g / (np.sqrt(s) + eps)
            else:
                w = w - lr * g / np.sqrt(s + eps)
        out.append(w)
    return out


@pytest.mark.parametrize("convention, expected", [
    # ρ = 0.75, g = 2: s = 0.25·4 = 1.  α = 0.1, ε = 1e-8:
    # course: w = 1 − 0.2/(1 + 1e-8)  = 1 − 0.199999998    = 0.800000002
    # keras:  w = 1 − 0.2/√(1 + 1e-8) = 1 − 0.1999999990   = 0.800000001
    ("course", 0.800000002),
    ("keras", 0.800000001),
])
def test_single_step_by_hand(convention, expected):
    w = np.array([1.0])
    opt = RMSprop(learning_rate=0.1, rho=0.75, epsilon=1e-8, convention=convention)
    opt.apply_gradients([(np.array([2.0]), w)])
    assert w[0] == pytest.approx(expected, abs=1e-15)
    assert opt.variables[0][0] == 1.0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("convention", ["course", "keras"])
def test_matches_formula_over_steps(dtype, convention):
    params, grads = problem(dtype)
    opt = RMSprop(learning_rate=0.01, rho=0.8, epsilon=1e-6, convention=convention)
    got = train(opt, params, grads)
    for g, w in zip(got, reference(params, grads, 0.01, 0.8, 1e-6, convention)):
        assert g.dtype == dtype
        np.testing.assert_array_equal(g, w)


def test_default_epsilon_follows_convention():
    assert RMSprop().epsilon == 1e-8
    assert RMSprop(convention="keras").epsilon == 1e-7
    assert RMSprop(epsilon=0.0, convention="keras").epsilon == 0.0


@pytest.mark.parametrize("kwargs, match", [
    ({"rho": 1.0}, r"rho must be in \[0, 1\)\. Received: rho=1\.0"),
    ({"epsilon": -1e-8}, r"epsilon must be a finite number >= 0\. Received: epsilon=-1e-08"),
    ({"learning_rate": -0.1}, r"Received: learning_rate=-0\.1"),
])
def test_bad_hyperparameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RMSprop(**kwargs)
