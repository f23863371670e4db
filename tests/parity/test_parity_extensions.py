"""tf_parity.extensions: the course's formulas in Keras, against the formulas recomputed here."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import require_module

tf = require_module("tensorflow")
keras = require_module("keras")

from tf_parity.extensions import (CourseAdagrad, CourseAdam, CourseMomentum,  # noqa: E402
                                  CourseRMSprop, MaskedDropout)

pytestmark = pytest.mark.tf

STEPS = 3


@pytest.fixture(autouse=True)
def float64(keras_float64):
    """Keras keeps the learning rate in a variable of floatx: float64 here, as tf_parity runs."""


def run_keras(optimizer, dtype="float64", seed=0):
    """Apply STEPS fixed gradients to one (3, 4) variable; return its value after each step and
    the (params, grads) used."""
    rng = np.random.default_rng(seed)
    w0 = rng.standard_normal((3, 4)).astype(dtype)
    grads = [rng.standard_normal((3, 4)).astype(dtype) for _ in range(STEPS)]
    var = keras.Variable(w0.copy(), dtype=dtype)
    values = []
    for g in grads:
        optimizer.apply_gradients([(tf.constant(g), var)])
        values.append(var.numpy())
    return w0, grads, values


def course_adam(w, grads, lr, b1, b2, eps):
    m, v, out = np.zeros_like(w), np.zeros_like(w), []
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
        out.append(w)
    return out


def course_momentum(w, grads, lr, beta, nesterov):
    v, out = np.zeros_like(w), []
    for g in grads:
        v = v * beta + (1 - beta) * g
        w = w - lr * ((v * beta + (1 - beta) * g) if nesterov else v)
        out.append(w)
    return out


def course_rmsprop(w, grads, lr, rho, eps):
    s, out = np.zeros_like(w), []
    for g in grads:
        s = s * rho + (1 - rho) * g ** 2
        w = w - lr * g / (np.sqrt(s) + eps)
        out.append(w)
    return out


def course_adagrad(w, grads, lr, c0, eps):
    c, out = np.full_like(w, c0), []
    for g in grads:
        c = c + g ** 2
        w = w - lr * g / (np.sqrt(c) + eps)
        out.append(w)
    return out


# The formulas above and the extensions may order a few operations differently: allow rounding.
TOL = 1e-14


@pytest.mark.parametrize("nesterov", [False, True])
def test_course_momentum_is_the_course_formula(nesterov):
    w0, grads, got = run_keras(CourseMomentum(0.1, beta=0.8, nesterov=nesterov))
    want = course_momentum(w0, grads, 0.1, 0.8, nesterov)
    np.testing.assert_allclose(got, want, rtol=0, atol=TOL)


def test_course_momentum_equals_keras_sgd_with_the_mapped_rate():
    _, _, course = run_keras(CourseMomentum(0.1, beta=0.75))
    _, _, sgd = run_keras(keras.optimizers.SGD(0.1 * (1 - 0.75), momentum=0.75))  # 0.75: exact in float32
    np.testing.assert_allclose(course, sgd, rtol=0, atol=1e-14)


def test_course_rmsprop_puts_epsilon_outside_the_root():
    w0, grads, got = run_keras(CourseRMSprop(0.01, rho=0.9, epsilon=0.5))
    np.testing.assert_allclose(got, course_rmsprop(w0, grads, 0.01, 0.9, 0.5), rtol=0, atol=TOL)
    _, _, keras_rms = run_keras(keras.optimizers.RMSprop(0.01, rho=0.9, epsilon=0.5))
    assert np.max(np.abs(np.array(got) - np.array(keras_rms))) > 1e-4     # a large ε shows it


def test_course_adagrad_starts_from_the_exact_accumulator():
    w0, grads, got = run_keras(CourseAdagrad(0.01, initial_accumulator_value=0.1, epsilon=1e-8))
    np.testing.assert_allclose(got, course_adagrad(w0, grads, 0.01, 0.1, 1e-8), rtol=0, atol=TOL)


def test_course_adam_is_algorithm_1_of_the_paper():
    w0, grads, got = run_keras(CourseAdam(0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-8))
    want = course_adam(w0, grads, 0.01, 0.9, 0.999, 1e-8)
    np.testing.assert_allclose(got, want, rtol=0, atol=TOL)


def test_course_adam_differs_from_keras_adam_by_the_epsilon_placement():
    # With ε comparable to √v̂ the two forms visibly differ.
    w0, grads, course = run_keras(CourseAdam(0.01, epsilon=0.5))
    _, _, keras_adam = run_keras(keras.optimizers.Adam(0.01, epsilon=0.5))
    assert np.max(np.abs(np.array(course) - np.array(keras_adam))) > 1e-4


def test_course_adam_float32_stays_float32():
    _, _, got = run_keras(CourseAdam(0.01), dtype="float32")
    assert all(v.dtype == np.float32 for v in got)


@pytest.mark.parametrize("make, message", [
    (lambda: CourseMomentum(0.1, beta=1.5), "beta must be in [0, 1). Received: beta=1.5"),
    (lambda: CourseRMSprop(0.1, epsilon=-1.0), "epsilon must be a finite number >= 0"),
    (lambda: CourseAdam(0.1, beta_2=1.0), "beta_2 must be in [0, 1)"),
    (lambda: CourseAdagrad(0.1, initial_accumulator_value=float("nan")),
     "initial_accumulator_value must be a finite number >= 0"),
    (lambda: MaskedDropout(1.0), "rate must be in [0, 1)"),
])
def test_hyperparameters_are_validated(make, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("(", r"\(")
                       .replace(")", r"\)")):
        make()


def test_hyperparameter_types_are_validated():
    with pytest.raises(TypeError, match="beta_1 must be a real number"):
        CourseAdam(beta_1="0.9")


def test_get_config_holds_the_hyperparameters():
    config = CourseAdam(0.01, beta_1=0.8, epsilon=1e-6).get_config()
    assert (config["beta_1"], config["beta_2"], config["epsilon"]) == (0.8, 0.999, 1e-6)
    assert CourseMomentum(nesterov=True).get_config()["nesterov"] is True


# ---------------------------------------------------------------------------- MaskedDropout
def test_masked_dropout_uses_the_given_mask():
    x = np.arange(1.0, 13.0).reshape(3, 4)
    mask = np.random.default_rng(0).random((3, 4)) < 0.75
    layer = MaskedDropout(0.25, dtype="float64")
    layer.set_mask(mask)
    out = layer(x, training=True).numpy()
    np.testing.assert_array_equal(out, np.where(mask, x * (1 / 0.75), 0.0))


def test_masked_dropout_is_the_identity_at_inference():
    x = np.ones((2, 3))
    assert np.array_equal(MaskedDropout(0.5, dtype="float64")(x, training=False).numpy(), x)


def test_masked_dropout_refuses_a_training_call_without_a_mask():
    with pytest.raises(ValueError, match="needs a mask"):
        MaskedDropout(0.5, dtype="float64")(np.ones((2, 3)), training=True)


def test_masked_dropout_refuses_a_mask_of_the_wrong_shape():
    layer = MaskedDropout(0.5, dtype="float64")
    layer.set_mask(np.ones((3, 3), dtype=bool))
    with pytest.raises(ValueError, match=r"mask must have the input's shape \(2, 3\)"):
        layer(np.ones((2, 3)), training=True)


def test_masked_dropout_refuses_a_non_boolean_mask():
    with pytest.raises(TypeError, match="boolean"):
        MaskedDropout(0.5).set_mask(np.ones((2, 3)))


def test_masked_dropout_equals_keras_dropout_given_its_mask():
    x = np.random.default_rng(1).random((16, 8)) + 0.5          # > 0: the mask is visible
    keras_out = keras.layers.Dropout(0.3, seed=3, dtype="float64")(x, training=True).numpy()
    layer = MaskedDropout(0.3, dtype="float64")
    layer.set_mask(keras_out != 0)
    np.testing.assert_array_equal(layer(x, training=True).numpy(), keras_out)
