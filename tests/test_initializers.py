"""Initializers (nnref.initializers): distributions, limits, seeding and dtypes.

Statistical bounds: for N i.i.d. draws with std σ, the sample mean has std σ/√N and the sample
std has relative std ≈ √((κ − 1)/4N) (κ the kurtosis: 3 for a normal, 1.8 for a uniform, less
than 3 for a truncated normal, so the normal bound covers all three). Every bound below is 6 of
those standard deviations (a false alarm has probability ~2e-9), with a fixed seed.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from nnref import initializers, layers
from nnref.models import Sequential

FAN_IN, FAN_OUT = 300, 200
SHAPE = (FAN_IN, FAN_OUT)                          # 60 000 draws
N = FAN_IN * FAN_OUT
Z = 6.0
TRUNCATED_STD = 0.87962566103423978                # std of a unit normal truncated to [−2, 2]

# name -> (expected std, largest |value| allowed or None, kind)
EXPECTED = {
    "random_normal": (0.05, None, "normal"),
    "random_uniform": (0.05 / math.sqrt(3), 0.05, "uniform"),
    "glorot_normal": (math.sqrt(2 / (FAN_IN + FAN_OUT)),
                      2 * math.sqrt(2 / (FAN_IN + FAN_OUT)) / TRUNCATED_STD, "truncated"),
    "glorot_uniform": (math.sqrt(2 / (FAN_IN + FAN_OUT)), math.sqrt(6 / (FAN_IN + FAN_OUT)), "uniform"),
    "he_normal": (math.sqrt(2 / FAN_IN), 2 * math.sqrt(2 / FAN_IN) / TRUNCATED_STD, "truncated"),
    "he_uniform": (math.sqrt(2 / FAN_IN), math.sqrt(6 / FAN_IN), "uniform"),
    "course_random": (0.01, None, "normal"),
    "course_xavier": (math.sqrt(1 / FAN_IN), None, "normal"),
    "course_he": (math.sqrt(2 / FAN_IN), None, "normal"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_mean_std_and_limits(name):
    std, limit, kind = EXPECTED[name]
    w = initializers.get(name)(SHAPE, np.random.default_rng(7), np.float64)
    assert w.shape == SHAPE and w.dtype == np.float64
    assert abs(w.mean()) < Z * std / math.sqrt(N)
    assert abs(w.std() / std - 1) < Z * math.sqrt(2 / (4 * N))
    if limit is not None:
        assert np.abs(w).max() <= limit
        # ... and the limit is the edge of the distribution, not just a loose bound: the largest
        # of 60 000 draws comes within 0.1 % of it (P(miss) = (1 − ~5e-4)^60000, negligible).
        assert np.abs(w).max() > 0.999 * limit
    if kind == "normal":
        # an untruncated normal reaches beyond 2σ for 4.6 % of its draws
        frac = np.mean(np.abs(w) > 2 * std)
        assert abs(frac - 0.0455) < Z * math.sqrt(0.0455 * 0.9545 / N)


@pytest.mark.parametrize("name", ["glorot_normal", "he_normal"])
def test_truncated_normal_has_the_truncated_shape(name):
    """Keras's truncated normal: a N(0, (σ/0.8796)²) cut at 2·σ/0.8796, so the median of |w| is
    that scale times the median of a unit normal's |t| given |t| < 2 (not a plain normal's)."""
    std, limit, _ = EXPECTED[name]
    scale = std / TRUNCATED_STD
    w = initializers.get(name)(SHAPE, np.random.default_rng(8), np.float64)
    # The median of |t| for t ~ N(0, 1) given |t| < 2: q with erf(q/√2) = erf(√2)/2, by bisection.
    lo, hi = 0.0, 2.0
    for _ in range(60):
        q = (lo + hi) / 2
        lo, hi = (q, hi) if math.erf(q / math.sqrt(2)) < math.erf(math.sqrt(2)) / 2 else (lo, q)
    # the fraction below the median is binomial: std √(0.25/N)
    assert abs(np.mean(np.abs(w) < q * scale) - 0.5) < Z * math.sqrt(0.25 / N)
    assert np.abs(w).max() <= 2 * scale == pytest.approx(limit, rel=1e-15, abs=0)


def test_truncated_normal_never_exceeds_two_sigma():
    rng = np.random.default_rng(9)
    w = initializers.truncated_normal((1000, 1000), rng, 0.3)
    assert np.abs(w).max() <= 2 * 0.3
    assert np.abs(w).max() > 0.999 * 2 * 0.3


def test_zeros_and_ones():
    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float64):
        z = initializers.get("zeros")((3, 4), rng, dtype)
        o = initializers.get("ones")((4,), rng, dtype)
        assert z.dtype == dtype and o.dtype == dtype
        np.testing.assert_array_equal(z, np.zeros((3, 4)))
        np.testing.assert_array_equal(o, np.ones(4))


@pytest.mark.parametrize("name", sorted(initializers.INITIALIZERS))
def test_seeded_reproducibility_and_dtype(name):
    init = initializers.get(name)
    a = init((20, 10), np.random.default_rng(3), np.float64)
    b = init((20, 10), np.random.default_rng(3), np.float64)
    np.testing.assert_array_equal(a, b)
    f32 = init((20, 10), np.random.default_rng(3), np.float32)
    assert f32.dtype == np.float32
    np.testing.assert_array_equal(f32, a.astype(np.float32))   # same draws, rounded once
    if name not in ("zeros", "ones"):
        c = init((20, 10), np.random.default_rng(4), np.float64)
        assert not np.array_equal(a, c)


def test_vector_shape_uses_its_length_as_both_fans():
    w = initializers.get("glorot_uniform")((50_000,), np.random.default_rng(0), np.float64)
    limit = math.sqrt(6 / (2 * 50_000))
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.999 * limit


def test_callable_initializer_is_used_as_is():
    def custom(shape, rng, dtype):
        return np.full(shape, 0.5, dtype=dtype)
    assert initializers.get(custom) is custom
    model = Sequential([layers.Dense(3, kernel_initializer=custom, bias_initializer="ones")],
                       input_dim=2, seed=0)
    np.testing.assert_array_equal(model.get_weights()[0], np.full((2, 3), 0.5))
    np.testing.assert_array_equal(model.get_weights()[1], np.ones(3))


def model_weights(seed):
    model = Sequential([layers.Dense(8, activation="relu", kernel_initializer="he_normal"),
                        layers.BatchNormalization(gamma_initializer="random_normal"),
                        layers.Dense(3, kernel_initializer="glorot_uniform",
                                     bias_initializer="random_uniform")],
                       input_dim=5, seed=seed)
    return model.get_weights()


def test_sequential_seed_gives_identical_weights():
    a, b = model_weights(11), model_weights(11)
    assert len(a) == len(b) == 8
    for wa, wb in zip(a, b):
        np.testing.assert_array_equal(wa, wb)


def test_different_seeds_give_different_weights():
    a, b = model_weights(11), model_weights(12)
    for i in (0, 2, 6, 7):                         # kernel, gamma, kernel, bias: all random
        assert not np.array_equal(a[i], b[i])


def test_layers_draw_from_independent_streams():
    """Each layer's generator is spawned from the model's: equal shapes still get different draws."""
    model = Sequential([layers.Dense(4), layers.Dense(4)], input_dim=4, seed=0)
    k1, _, k2, _ = model.get_weights()
    assert not np.array_equal(k1, k2)
