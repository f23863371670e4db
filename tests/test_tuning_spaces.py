"""Search spaces: scales (chi-square per decade), bounds, unit maps, grids, narrowing, validation."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnref.tuning import Choice, IntUniform, LogUniform, OneMinusLogUniform, Uniform, sample_config
from nnref.tuning.spaces import check_space, searched


# ---------------------------------------------------------------------------- chi-square, no scipy
def chi2_sf(x: float, df: int) -> float:
    """P(X > x) for X ~ chi-square with integer ``df`` degrees of freedom (closed forms).

    Even df: e^(-x/2) Σ_{i<df/2} (x/2)^i / i!.
    Odd df:  erfc(√(x/2)) + e^(-x/2) Σ_{i=1}^{(df-1)/2} (x/2)^(i-1/2) / Γ(i+1/2).
    """
    h = x / 2
    if df % 2 == 0:
        return math.exp(-h) * sum(h**i / math.factorial(i) for i in range(df // 2))
    return math.erfc(math.sqrt(h)) + math.exp(-h) * sum(
        h ** (i - 0.5) / math.gamma(i + 0.5) for i in range(1, (df - 1) // 2 + 1))


# Upper-tail critical values of the chi-square distribution, from the NIST/SEMATECH e-Handbook of
# Statistical Methods, section 1.3.6.7.4 ("Critical Values of the Chi-Square Distribution").
CHI2_TABLE = {  # (df, upper-tail probability): critical value
    (1, 0.05): 3.841, (1, 0.001): 10.828,
    (3, 0.05): 7.815, (3, 0.001): 16.266,
    (9, 0.05): 16.919, (9, 0.001): 27.877,
}
ALPHA = 0.001  # reject "equal share per decade" when p < 0.1%


@pytest.mark.parametrize(("df", "p"), sorted(CHI2_TABLE))
def test_chi2_sf_matches_the_printed_table(df, p):
    # The table prints 3 decimals, which moves p by at most ~0.1% of its value here.
    assert chi2_sf(CHI2_TABLE[(df, p)], df) == pytest.approx(p, rel=2e-3)


def decade_chi_square(values: np.ndarray, low_exp: int, high_exp: int) -> tuple[float, int]:
    """(statistic, df) of equal counts per decade [10^e, 10^(e+1)) for e in [low_exp, high_exp)."""
    edges = 10.0 ** np.arange(low_exp, high_exp + 1)
    counts, _ = np.histogram(values, bins=edges)
    assert counts.sum() == len(values)  # every value falls in one of the decades
    expected = len(values) / len(counts)
    return float(((counts - expected) ** 2 / expected).sum()), len(counts) - 1


N = 20_000


def test_log_uniform_puts_an_equal_share_in_every_decade():
    space = LogUniform(1e-4, 1)
    rng = np.random.default_rng(2024)
    values = np.array([space.sample(rng) for _ in range(N)])
    stat, df = decade_chi_square(values, -4, 0)
    assert df == 3
    assert chi2_sf(stat, df) > ALPHA, f"chi2={stat:.2f}, df={df}"


def test_one_minus_log_uniform_puts_an_equal_share_of_one_minus_beta_in_every_decade():
    space = OneMinusLogUniform(0.9, 0.999)
    rng = np.random.default_rng(2024)
    betas = np.array([space.sample(rng) for _ in range(N)])
    assert betas.min() >= 0.9 and betas.max() <= 0.999
    stat, df = decade_chi_square(1 - betas, -3, -1)
    assert df == 1
    assert chi2_sf(stat, df) > ALPHA, f"chi2={stat:.2f}, df={df}"


def test_the_decade_test_rejects_a_linear_scale():
    # The test has power: uniform sampling on [1e-4, 1] puts ~90% of values in the top decade.
    rng = np.random.default_rng(2024)
    values = np.array([Uniform(1e-4, 1).sample(rng) for _ in range(N)])
    stat, df = decade_chi_square(values, -4, 0)
    assert chi2_sf(stat, df) < 1e-12
    betas = np.array([Uniform(0.9, 0.999).sample(rng) for _ in range(N)])
    stat, df = decade_chi_square(1 - betas, -3, -1)
    assert chi2_sf(stat, df) < 1e-12


def test_int_uniform_and_choice_are_uniform():
    rng = np.random.default_rng(7)
    ints = [IntUniform(3, 7).sample(rng) for _ in range(5000)]
    counts = np.bincount(ints, minlength=8)[3:]
    stat = float(((counts - 1000) ** 2 / 1000).sum())
    assert set(ints) == {3, 4, 5, 6, 7}
    assert chi2_sf(stat, 4) > ALPHA
    picks = [Choice(["a", "b", "c", "d"]).sample(rng) for _ in range(4000)]
    counts = np.array([picks.count(o) for o in "abcd"])
    assert chi2_sf(float(((counts - 1000) ** 2 / 1000).sum()), 3) > ALPHA


# ---------------------------------------------------------------------------- scale maps
def test_from_unit_ends_and_middle_are_the_scale_as_taught():
    assert LogUniform(1e-4, 1).from_unit(0.0) == 1e-4
    assert LogUniform(1e-4, 1).from_unit(1.0) == 1.0
    assert LogUniform(1e-4, 1).from_unit(0.5) == pytest.approx(1e-2, rel=1e-12)
    beta = OneMinusLogUniform(0.9, 0.999)
    assert beta.from_unit(0.0) == pytest.approx(0.9, abs=1e-15)
    assert beta.from_unit(1.0) == pytest.approx(0.999, abs=1e-15)
    assert beta.from_unit(0.5) == pytest.approx(0.99, abs=1e-14)
    assert Uniform(-1, 3).from_unit(0.25) == 0.0
    assert [IntUniform(0, 3).from_unit(u) for u in (0.0, 0.24, 0.25, 0.99, 1.0)] == [0, 0, 1, 3, 3]


bounds = st.tuples(st.floats(-6, 0), st.floats(0.05, 5)).map(lambda t: (10 ** t[0], 10 ** (t[0] + t[1])))


@settings(max_examples=60, deadline=None)
@given(bounds=bounds, u=st.floats(0, 1), seed=st.integers(0, 2**32 - 1))
def test_log_uniform_samples_in_bounds_and_to_unit_inverts_from_unit(bounds, u, seed):
    low, high = bounds
    space = LogUniform(low, high)
    x = space.sample(np.random.default_rng(seed))
    assert isinstance(x, float) and low <= x <= high
    assert space.to_unit(space.from_unit(u)) == pytest.approx(u, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(low=st.floats(0.0, 0.99), width=st.floats(1e-4, 1.0), u=st.floats(0, 1), seed=st.integers(0, 2**32 - 1))
def test_one_minus_log_uniform_samples_in_bounds_and_inverts(low, width, u, seed):
    high = min(low + width, 0.9999)
    if not low < high:
        return
    space = OneMinusLogUniform(low, high)
    x = space.sample(np.random.default_rng(seed))
    assert low <= x <= high
    assert space.from_unit(u) <= space.from_unit(min(u + 0.1, 1.0))  # increasing in u
    assert space.to_unit(space.from_unit(u)) == pytest.approx(u, abs=1e-7)


@settings(max_examples=60, deadline=None)
@given(low=st.integers(-50, 50), span=st.integers(0, 60), seed=st.integers(0, 2**32 - 1))
def test_int_uniform_samples_ints_in_bounds_and_round_trips(low, span, seed):
    space = IntUniform(low, low + span)
    n = space.sample(np.random.default_rng(seed))
    assert type(n) is int and low <= n <= low + span
    assert all(space.from_unit(space.to_unit(k)) == k for k in range(low, low + span + 1))


def test_samples_are_python_scalars_and_seeded():
    space = {"lr": LogUniform(1e-4, 1), "beta": OneMinusLogUniform(0.9, 0.999), "units": IntUniform(1, 9),
             "bs": Choice([16, 32]), "drop": Uniform(0, 0.5), "epochs": 10}
    a = [sample_config(space, np.random.default_rng(3)) for _ in range(1)][0]
    b = sample_config(space, np.random.default_rng(3))
    c = sample_config(space, np.random.default_rng(4))
    assert a == b and a != c
    assert a["epochs"] == 10  # constants pass through
    assert [type(a[k]) for k in ("lr", "beta", "units", "drop")] == [float, float, int, float]
    assert list(searched(space)) == ["lr", "beta", "units", "bs", "drop"]


# ---------------------------------------------------------------------------- grids and narrowing
def test_grid_is_evenly_spaced_on_the_scale():
    assert LogUniform(1e-4, 1).grid(3) == pytest.approx([1e-4, 1e-2, 1.0], rel=1e-12)
    assert OneMinusLogUniform(0.9, 0.999).grid(3) == pytest.approx([0.9, 0.99, 0.999], abs=1e-14)
    assert Uniform(0, 1).grid(1) == [0.5]
    assert IntUniform(1, 3).grid(10) == [1, 2, 3]  # no duplicates
    assert Choice([16, 32, 64, 128]).grid(2) == [16, 128]
    assert Choice([16, 32, 64, 128]).grid(9) == [16, 32, 64, 128]


def test_narrow_shrinks_around_the_values_on_the_space_scale():
    space = LogUniform(1e-4, 1)
    box = space.narrow([1e-3, 1e-2], margin=0.125)  # units 0.25, 0.5 → [0.125, 0.625]
    assert isinstance(box, LogUniform)
    assert box.low == pytest.approx(10 ** -3.5, rel=1e-12)
    assert box.high == pytest.approx(10 ** -1.5, rel=1e-12)
    beta = OneMinusLogUniform(0.9, 0.999).narrow([0.99], margin=0.25)  # unit 0.5 → [0.25, 0.75]
    assert isinstance(beta, OneMinusLogUniform)
    assert 1 - beta.low == pytest.approx(10 ** -1.5, rel=1e-12)
    assert 1 - beta.high == pytest.approx(10 ** -2.5, rel=1e-12)
    ints = IntUniform(0, 99).narrow([40, 45], margin=0.05)
    assert (ints.low, ints.high) == (35, 50)
    edge = Uniform(0, 1).narrow([0.02], margin=0.1)  # clipped at the box's edge
    assert (edge.low, edge.high) == pytest.approx((0.0, 0.12))
    assert Choice([16, 32, 64]).narrow([64, 16, 64]).options == [16, 64]


@settings(max_examples=50, deadline=None)
@given(values=st.lists(st.floats(1e-4, 1), min_size=1, max_size=5), margin=st.floats(0.01, 1))
def test_narrow_contains_the_values_and_stays_inside_the_space(values, margin):
    space = LogUniform(1e-4, 1)
    box = space.narrow(values, margin)
    assert space.low <= box.low <= min(values) * (1 + 1e-12)
    assert max(values) * (1 - 1e-12) <= box.high <= space.high


# ---------------------------------------------------------------------------- validation
@pytest.mark.parametrize(("make", "error", "words"), [
    (lambda: LogUniform(0, 1), ValueError, "low must be a finite number > 0 (a log scale). Received: low=0"),
    (lambda: LogUniform(1, 1e-4), ValueError, "low must be < high. Received: low=1.0, high=0.0001"),
    (lambda: Uniform("a", 1), TypeError, "low must be a finite number. Received: low='a'"),
    (lambda: Uniform(0, math.inf), ValueError, "high must be a finite number. Received: high=inf"),
    (lambda: OneMinusLogUniform(0.9, 1.0), ValueError, "high must be a finite number < 1 (1 - beta > 0). Received: high=1.0"),
    (lambda: IntUniform(1.5, 3), TypeError, "low must be an integer. Received: low=1.5"),
    (lambda: IntUniform(5, 3), ValueError, "low must be <= high. Received: low=5, high=3"),
    (lambda: Choice([]), ValueError, "options must not be empty"),
    (lambda: Choice("abc"), TypeError, "options must be a list of values"),
    (lambda: Choice([object()]), TypeError, "options must be JSON values"),
    (lambda: LogUniform(1e-4, 1).narrow([1e-2], margin=0), ValueError, "margin must be in (0, 1]"),
    (lambda: LogUniform(1e-4, 1).grid(0), ValueError, "n must be an integer >= 1. Received: n=0"),
    (lambda: Choice([1, 2]).narrow([3]), ValueError, "values must include at least one of the options"),
    (lambda: check_space({}), TypeError, "space must be a non-empty dict"),
    (lambda: check_space({"f": print}), TypeError, "space['f'] must be a Space or a JSON constant"),
])
def test_invalid_arguments_name_the_argument_and_value(make, error, words):
    with pytest.raises(error) as info:
        make()
    assert words in str(info.value)
