"""SGD: plain, momentum and Nesterov, in the course's and Keras's conventions."""
import numpy as np
import pytest

from nnref.optimizers import SGD

import optimizer_problems
from optimizer_problems import SHAPES, train  # noqa: F401


def problem(dtype, steps=7, seed=0):
    return optimizer_problems.problem(dtype, steps, seed)


def reference(params, grads, lr, beta, nesterov, convention):
    """The update rules written out as the course / Keras write them."""
    out = []
    for k, w in enumerate(params):
        v = np.zeros_like(w)
        mu = np.dtype(w.dtype).type(np.float32(beta))  # Keras casts momentum through float32
        for step in grads:
            g = step[k]
            if beta == 0:
                w = w - lr * g
            elif convention == "course":
                v = beta * v + (1 - beta) * g
                w = w - lr * (beta * v + (1 - beta) * g) if nesterov else w - lr * v
            else:
                v = v * mu - g * lr
                w = w + (v * mu - g * lr) if nesterov else w + v
        out.append(w)
    return out


# ---------------------------------------------------------------- hand-computed steps

def test_plain_step_by_hand():
    # w = [1, -2], g = [0.5, 0.25], α = 0.1:  w − α·g = [0.95, -2.025]
    w = np.array([1.0, -2.0])
    SGD(learning_rate=0.1).apply_gradients([(np.array([0.5, 0.25]), w)])
    np.testing.assert_allclose(w, [0.95, -2.025], rtol=1e-15)


@pytest.mark.parametrize("nesterov, expected", [
    # v1 = 0.1·0.5 = 0.05, w1 = 1 − 0.1·0.05 = 0.995
    # v2 = 0.9·0.05 + 0.1·0.25 = 0.07, w2 = 0.995 − 0.1·0.07 = 0.988
    (False, [0.995, 0.988]),
    # w1 = 1 − 0.1·(0.9·0.05 + 0.1·0.5) = 1 − 0.0095 = 0.9905
    # w2 = 0.9905 − 0.1·(0.9·0.07 + 0.1·0.25) = 0.9905 − 0.0088 = 0.9817
    (True, [0.9905, 0.9817]),
])
def test_course_momentum_by_hand(nesterov, expected):
    w = np.array([1.0])
    opt = SGD(learning_rate=0.1, momentum=0.9, nesterov=nesterov)
    for g, want in zip([0.5, 0.25], expected):
        opt.apply_gradients([(np.array([g]), w)])
        assert w[0] == pytest.approx(want, rel=1e-14, abs=0)


@pytest.mark.parametrize("nesterov, expected", [
    # μ = 0.5: v1 = −0.1·0.5 = −0.05, w1 = 0.95; v2 = 0.5·(−0.05) − 0.1·0.25 = −0.05, w2 = 0.9
    (False, [0.95, 0.9]),
    # w1 = 1 + 0.5·(−0.05) − 0.05 = 0.925; w2 = 0.925 + 0.5·(−0.05) − 0.025 = 0.875
    (True, [0.925, 0.875]),
])
def test_keras_momentum_by_hand(nesterov, expected):
    w = np.array([1.0])
    opt = SGD(learning_rate=0.1, momentum=0.5, nesterov=nesterov, convention="keras")
    for g, want in zip([0.5, 0.25], expected):
        opt.apply_gradients([(np.array([g]), w)])
        assert w[0] == pytest.approx(want, rel=1e-15, abs=0)


def test_keras_rounds_momentum_to_float32():
    # float32(0.9) = 0.89999997615814208984375. After two Keras steps (α = 0.1, g = 0.5, 0.25)
    # v2 = μ·(−0.05) − 0.025, so w2 is 0.05·(0.9 − float32(0.9)) ≈ 1.19e-9 above the value
    # computed with μ = 0.9 exactly.
    w = np.array([1.0])
    opt = SGD(learning_rate=0.1, momentum=0.9, convention="keras")
    for g in (0.5, 0.25):
        opt.apply_gradients([(np.array([g]), w)])
    exact_mu = 1.0 + (-0.05) + (0.9 * -0.05 - 0.025)
    # w[0] and exact_mu (≈ 0.88) each carry a rounding of 1.1e-16: 2e-7 of their 1.19e-9 difference
    assert w[0] - exact_mu == pytest.approx(0.05 * (0.9 - 0.89999997615814208984375), rel=1e-6, abs=0)


# ---------------------------------------------------------------- multi-step against the formula

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("convention", ["course", "keras"])
@pytest.mark.parametrize("beta, nesterov", [(0.0, False), (0.9, False), (0.9, True), (0.35, True)])
def test_matches_formula_over_steps(dtype, convention, beta, nesterov):
    params, grads = problem(dtype)
    opt = SGD(learning_rate=0.05, momentum=beta, nesterov=nesterov, convention=convention)
    got = train(opt, params, grads)
    want = reference(params, grads, 0.05, beta, nesterov, convention)
    for g, w in zip(got, want):
        assert g.dtype == dtype
        np.testing.assert_array_equal(g, w)  # same operations in the same order: exact


@pytest.mark.parametrize("nesterov", [False, True])
def test_conventions_agree_with_scaled_learning_rate(nesterov):
    # course (α, β) = keras (α(1 − β), β) up to rounding, for a β exact in float32.
    params, grads = problem(np.float64)
    beta, lr = 0.75, 0.05
    course = train(SGD(lr, beta, nesterov), params, grads)
    keras = train(SGD(lr * (1 - beta), beta, nesterov, convention="keras"), params, grads)
    for c, k in zip(course, keras):
        np.testing.assert_allclose(c, k, rtol=1e-13, atol=1e-15)  # different rounding paths


def test_no_state_without_momentum():
    params, grads = problem(np.float64, steps=1)
    opt = SGD(momentum=0.0)
    train(opt, params, grads)
    assert opt.variables == []


def test_momentum_state_is_the_course_velocity():
    params, grads = problem(np.float64, steps=2)
    opt = SGD(learning_rate=0.1, momentum=0.9)
    train(opt, params, grads)
    for k, v in enumerate(opt.variables):
        want = 0.9 * ((1 - 0.9) * grads[0][k]) + (1 - 0.9) * grads[1][k]  # v2, v0 = 0
        np.testing.assert_array_equal(v, want)


@pytest.mark.parametrize("kwargs, match", [
    ({"momentum": 1.0}, r"momentum must be in \[0, 1\)\. Received: momentum=1\.0"),
    ({"momentum": -0.1}, r"Received: momentum=-0\.1"),
    ({"momentum": float("nan")}, r"Received: momentum=nan"),
    ({"learning_rate": 0.0}, r"learning_rate must be a finite number > 0\. Received: learning_rate=0\.0"),
    ({"learning_rate": float("inf")}, r"Received: learning_rate=inf"),
    ({"convention": "pytorch"}, r"Received: convention='pytorch'"),
])
def test_bad_hyperparameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SGD(**kwargs)


@pytest.mark.parametrize("kwargs", [{"momentum": "0.9"}, {"nesterov": 1}, {"learning_rate": True}])
def test_bad_hyperparameter_types(kwargs):
    with pytest.raises(TypeError, match="Received:"):
        SGD(**kwargs)


def test_config_round_trip():
    opt = SGD(learning_rate=0.2, momentum=0.5, nesterov=True, convention="keras")
    config = opt.get_config()
    assert config == {"name": "sgd", "learning_rate": 0.2, "convention": "keras",
                      "momentum": 0.5, "nesterov": True}
    assert SGD.from_config(config).get_config() == config
