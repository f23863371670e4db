"""Adam in the course's and Keras's conventions."""
import numpy as np
import pytest
from conftest import course_function

from nnref.optimizers import Adam

import optimizer_problems
from optimizer_problems import SHAPES, engine, train  # noqa: F401 (engine: both engines)


def problem(dtype, steps=8, seed=4):
    return optimizer_problems.problem(dtype, steps, seed)


def course_reference(params, grads, lr, b1, b2, eps):
    """Kingma & Ba, Algorithm 1, written as the course's update_parameters_with_adam."""
    out = []
    for k, w in enumerate(params):
        v, s = np.zeros_like(w), np.zeros_like(w)
        for t, step in enumerate(grads, start=1):
            g = step[k]
            v = b1 * v + (1 - b1) * g
            v_corrected = v / (1 - b1 ** t)
            s = b2 * s + (1 - b2) * np.power(g, 2)
            s_corrected = s / (1 - b2 ** t)
            w = w - lr * v_corrected / (np.sqrt(s_corrected) + eps)
        out.append(w)
    return out


def keras_reference(params, grads, lr, b1, b2, eps, round_betas=True):
    """keras.optimizers.Adam.update_step; β^t from float32-rounded β's unless round_betas=False."""
    out = []
    for k, w in enumerate(params):
        dt = w.dtype.type
        m, v = np.zeros_like(w), np.zeros_like(w)
        b1_, b2_ = (dt(np.float32(b1)), dt(np.float32(b2))) if round_betas else (dt(b1), dt(b2))
        for t, step in enumerate(grads, start=1):
            g = step[k]
            alpha = dt(lr) * np.sqrt(1 - b2_ ** dt(t)) / (1 - b1_ ** dt(t))
            m = m + (g - m) * (1 - b1)
            v = v + (np.square(g) - v) * (1 - b2)
            w = w - m * alpha / (np.sqrt(v) + eps)
        out.append(w)
    return out


# ---------------------------------------------------------------- hand-computed steps

def test_course_first_step_by_hand():
    # t = 1: m̂ = g and v̂ = g², so w = 1 − α·g/(√v̂ + ε) = 1 − α·g/(|g| + ε). With g = 1e-4 and
    # ε = 1e-8: 1 − 0.1/1.0001 = 0.90000999900009999000... (ε inside the root, √(g² + ε), would
    # give 1 − 0.1·1e-4/1.414e-4 = 0.929; at g = 0.5 the two forms agree to 1e-16, since
    # √(g² + ε) ≈ |g| + ε/(2|g|)). abs=1e-16: one ulp at 0.9 (0.1, 1e-4, 1e-8 are rounded inputs).
    w = np.array([1.0])
    Adam(learning_rate=0.1).apply_gradients([(np.array([1e-4]), w)])
    assert w[0] == pytest.approx(0.90000999900009999, abs=1e-16)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_course_convention_equals_the_courses_own_code(dtype, course_dir):
    """Against ``update_parameters_with_adam`` as the course's notebook defines it, bit for bit."""
    course_adam = course_function(course_dir, "c2w2_optimization", "update_parameters_with_adam")
    rng = np.random.default_rng(7)
    shapes = {"W1": (4, 3), "b1": (4, 1), "W2": (1, 4), "b2": (1, 1)}
    parameters = {k: rng.standard_normal(s).astype(dtype) for k, s in shapes.items()}
    ws = [parameters[k].copy() for k in shapes]
    v = {f"d{k}": np.zeros(s, dtype) for k, s in shapes.items()}
    s = {f"d{k}": np.zeros(s, dtype) for k, s in shapes.items()}
    opt = Adam(learning_rate=0.02, beta_1=0.8, beta_2=0.99, epsilon=1e-3)
    for t in range(1, 9):
        grads = {f"d{k}": (rng.standard_normal(sh) * 10.0 ** rng.integers(-4, 1)).astype(dtype)
                 for k, sh in shapes.items()}
        parameters, v, s, _, _ = course_adam(parameters, grads, v, s, t, 0.02, 0.8, 0.99, 1e-3)
        opt.apply_gradients(zip([grads[f"d{k}"] for k in shapes], ws))
    for k, w in zip(shapes, ws):
        assert w.dtype == parameters[k].dtype == dtype
        np.testing.assert_array_equal(w, parameters[k])


@pytest.mark.parametrize("convention, epsilon, expected", [
    # β1 = 0.5, β2 = 0.75 (exact in float32), α = 0.1, g = 0.5, t = 1.
    # course: m = 0.25, v = 0.0625, m̂ = 0.5, v̂ = 0.25: w = 1 − 0.05/(0.5 + 0.25) = 0.9333...
    ("course", 0.25, 1 - 0.05 / 0.75),
    # keras:  α_t = 0.1·√0.25/0.5 = 0.1, m = 0.25, √v = 0.25: w = 1 − 0.025/(0.25 + ε);
    # ε = 0: 0.9;  ε-hat = 0.25·√(1 − β2) = 0.125 gives the course's step: 1 − 0.025/0.375
    ("keras", 0.0, 0.9),
    ("keras", 0.125, 1 - 0.05 / 0.75),
])
def test_first_step_by_hand(convention, epsilon, expected):
    w = np.array([1.0])
    opt = Adam(learning_rate=0.1, beta_1=0.5, beta_2=0.75, epsilon=epsilon, convention=convention)
    opt.apply_gradients([(np.array([0.5]), w)])
    assert w[0] == pytest.approx(expected, rel=1e-15, abs=0)
    m, v = opt.variables
    assert (m[0], v[0]) == (0.25, 0.0625)


def test_second_course_step_by_hand():
    # β1 = 0.5, β2 = 0.75, ε = 0, α = 0.1; g1 = 0.5, g2 = 1.0
    # m2 = 0.5·0.25 + 0.5·1 = 0.625,  m̂ = 0.625/0.75 = 5/6
    # v2 = 0.75·0.0625 + 0.25·1 = 0.296875,  v̂ = 0.296875/0.4375 = 0.678571428... = 19/28
    # w2 = (1 − 0.1) − 0.1·(5/6)/√(19/28)
    w = np.array([1.0])
    opt = Adam(learning_rate=0.1, beta_1=0.5, beta_2=0.75, epsilon=0.0)
    for g in (0.5, 1.0):
        opt.apply_gradients([(np.array([g]), w)])
    assert w[0] == pytest.approx(0.9 - 0.1 * (5 / 6) / (19 / 28) ** 0.5, rel=1e-15, abs=0)


# ---------------------------------------------------------------- multi-step against the formula

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("hyper", [(0.01, 0.9, 0.999, 1e-8), (0.1, 0.8, 0.99, 1e-3)])
def test_course_matches_formula_over_steps(dtype, hyper):
    params, grads = problem(dtype)
    got = train(Adam(*hyper), params, grads)
    for g, w in zip(got, course_reference(params, grads, *hyper)):
        assert g.dtype == dtype
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("hyper", [(0.01, 0.9, 0.999, 1e-7), (0.1, 0.8, 0.99, 1e-3)])
def test_keras_matches_formula_over_steps(dtype, hyper):
    params, grads = problem(dtype)
    got = train(Adam(*hyper, convention="keras"), params, grads)
    for g, w in zip(got, keras_reference(params, grads, *hyper)):
        assert g.dtype == dtype
        np.testing.assert_array_equal(g, w)


def test_keras_beta_powers_use_float32_betas():
    # float32(0.999) = 0.99900001287..., so √(1 − β2^t) is ~6.4e-6 smaller (relative) than with
    # β2 = 0.999 exactly; float32(0.9) changes 1 − β1^t by ~2.4e-7. With α = 0.01 each step moves w
    # by ~α, so after 3 steps the two forms are ~2e-7 apart (docs/keras-facts.md).
    params, grads = problem(np.float64, steps=3)
    got = train(Adam(0.01, convention="keras"), params, grads)
    unrounded = keras_reference(params, grads, 0.01, 0.9, 0.999, 1e-7, round_betas=False)
    gap = max(np.max(np.abs(g - u)) for g, u in zip(got, unrounded))
    assert 5e-8 < gap < 1e-6


def test_state_is_the_course_v_and_s():
    params, grads = problem(np.float64, steps=1)
    opt = Adam()
    train(opt, params, grads)
    # Keras order: per parameter, momentum (course v) then velocity (course s)
    for k, g in enumerate(grads[0]):
        np.testing.assert_array_equal(opt.variables[2 * k], (1 - 0.9) * g)
        np.testing.assert_array_equal(opt.variables[2 * k + 1], (1 - 0.999) * np.square(g))


def test_defaults():
    opt = Adam()
    assert (opt.learning_rate, opt.beta_1, opt.beta_2, opt.epsilon) == (1e-3, 0.9, 0.999, 1e-8)
    assert Adam(convention="keras").epsilon == 1e-7


@pytest.mark.parametrize("kwargs, match", [
    ({"beta_1": 1.0}, r"beta_1 must be in \[0, 1\)\. Received: beta_1=1\.0"),
    ({"beta_2": -0.5}, r"beta_2 must be in \[0, 1\)\. Received: beta_2=-0\.5"),
    ({"epsilon": -1e-8}, r"Received: epsilon=-1e-08"),
    ({"learning_rate": float("nan")}, r"Received: learning_rate=nan"),
])
def test_bad_hyperparameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Adam(**kwargs)
