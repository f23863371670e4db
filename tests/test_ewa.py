"""Exponentially weighted averages against the closed form Σ (1 − β)·β^(t−i)·θ_i."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnref.ewa import EWA, ewa


def temperatures(days=365, seed=0):
    """A year of daily temperatures in the spirit of the course's London example (°F)."""
    rng = np.random.default_rng(seed)
    day = np.arange(days)
    return 50 - 20 * np.cos(2 * np.pi * day / 365) + rng.normal(0, 6, days)


def closed_form(theta, beta, bias_correction):
    t = np.arange(1, len(theta) + 1)
    v = np.array([np.sum((1 - beta) * beta ** (k - np.arange(1, k + 1)) * theta[:k]) for k in t])
    return v / (1 - beta ** t) if bias_correction else v


def assert_matches_closed_form(got, theta, beta, bias_correction):
    """|got − closed form| ≤ 1e-12 × the same sum over |θ|: a relative bound that stays honest
    when terms of both signs cancel (a plain rtol would then demand more than float64 offers)."""
    want = closed_form(theta, beta, bias_correction)
    scale = closed_form(np.abs(theta), beta, bias_correction)
    assert np.all(np.abs(got - want) <= 1e-12 * scale)


# ---------------------------------------------------------------- by hand

def test_two_days_by_hand():
    # θ = 40, 50; β = 0.9: v1 = 0.1·40 = 4, v2 = 0.9·4 + 0.1·50 = 8.6
    # corrected: 4/(1 − 0.9) = 40, 8.6/(1 − 0.81) = 8.6/0.19 = 45.263157894736842
    np.testing.assert_allclose(ewa([40.0, 50.0], 0.9), [4.0, 8.6], rtol=1e-15)
    np.testing.assert_allclose(ewa([40.0, 50.0], 0.9, bias_correction=True),
                               [40.0, 45.263157894736842], rtol=1e-15)


def test_beta_zero_is_the_series_itself():
    theta = temperatures(30)
    np.testing.assert_array_equal(ewa(theta, 0.0), theta)


# ---------------------------------------------------------------- closed form, the lecture's betas

@pytest.mark.parametrize("beta", [0.9, 0.98, 0.5])
@pytest.mark.parametrize("bias_correction", [False, True])
def test_temperature_example_matches_closed_form(beta, bias_correction):
    theta = temperatures()
    got = ewa(theta, beta, bias_correction=bias_correction)
    np.testing.assert_allclose(got, closed_form(theta, beta, bias_correction), rtol=1e-12)


def test_bias_correction_fixes_the_start():
    # Uncorrected, the first days are far below the temperatures (v0 = 0); corrected, they are not.
    theta = temperatures()
    raw, corrected = ewa(theta, 0.98), ewa(theta, 0.98, bias_correction=True)
    assert raw[0] == pytest.approx(0.02 * theta[0], rel=1e-15, abs=0)
    assert corrected[0] == pytest.approx(theta[0], rel=1e-15, abs=0)
    assert np.all(np.abs(corrected[:10] - theta[:10].mean()) < 20)
    # late in the year the correction factor 1 − 0.98^t is 1 to within 1e-3
    np.testing.assert_allclose(raw[-20:], corrected[-20:], rtol=1e-3)


def test_larger_beta_is_smoother():
    theta = temperatures()
    roughness = [np.abs(np.diff(ewa(theta, b, True))).mean() for b in (0.5, 0.9, 0.98)]
    assert roughness[0] > roughness[1] > roughness[2]


@settings(max_examples=40, deadline=None)
@given(theta=st.lists(st.floats(-100, 100), min_size=1, max_size=60),
       beta=st.floats(0, 0.999), bias_correction=st.booleans())
def test_closed_form_property(theta, beta, bias_correction):
    theta = np.array(theta)
    assert_matches_closed_form(ewa(theta, beta, bias_correction), theta, beta, bias_correction)


# ---------------------------------------------------------------- streaming, shapes, dtypes

@pytest.mark.parametrize("bias_correction", [False, True])
def test_streaming_equals_vectorised(bias_correction):
    theta = temperatures(100)
    avg = EWA(0.9, bias_correction=bias_correction)
    stream = []
    for x in theta:
        avg.update(x)
        stream.append(avg.value)
    assert isinstance(stream[0], float) and avg.t == 100
    np.testing.assert_array_equal(stream, ewa(theta, 0.9, bias_correction))


def test_streaming_arrays_and_series_of_arrays():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((20, 3, 2))
    got = ewa(x, 0.8, bias_correction=True)
    assert got.shape == (20, 3, 2)
    for i in range(3):
        for j in range(2):
            assert_matches_closed_form(got[:, i, j], x[:, i, j], 0.8, True)
    avg = EWA(0.8)
    for row in x:
        avg.update(row)
    np.testing.assert_array_equal(avg.value, got[-1])


def test_float32_stays_float32():
    x = temperatures(50).astype(np.float32)
    out = ewa(x, 0.9, bias_correction=True)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, closed_form(x.astype(np.float64), 0.9, True), rtol=1e-5)
    avg = EWA(0.9)
    avg.update(np.float32(3.0) * np.ones(2, np.float32))
    assert avg.value.dtype == np.float32


def test_integers_become_float64():
    assert ewa([1, 2, 3], 0.5).dtype == np.float64


@pytest.mark.parametrize("call, error, match", [
    (lambda: ewa([1.0], 1.0), ValueError, r"beta must be in \[0, 1\)\. Received: beta=1\.0"),
    (lambda: ewa([1.0], -0.1), ValueError, r"Received: beta=-0\.1"),
    (lambda: ewa([1.0], "0.9"), TypeError, r"Received: beta='0\.9'"),
    (lambda: ewa([1.0], 0.9, bias_correction=1), TypeError, r"Received: bias_correction=1"),
    (lambda: ewa(3.0, 0.9), ValueError, r"Received: x.shape=\(\)"),
    (lambda: ewa(["a"], 0.9), TypeError, r"Received: x.dtype=<U1"),
    (lambda: EWA(1.5), ValueError, r"Received: beta=1\.5"),
])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_streaming_errors():
    avg = EWA(0.9)
    with pytest.raises(RuntimeError, match="before the first update"):
        avg.value
    avg.update(np.zeros(2))
    with pytest.raises(ValueError, match=r"Received: x.shape=\(3,\)"):
        avg.update(np.zeros(3))
    with pytest.raises(TypeError, match="real numbers"):
        avg.update("warm")
