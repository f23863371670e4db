"""nnref.augment: flips, quarter turns, bilinear rotations and the per-batch pipelines."""
from __future__ import annotations

import pickle
from functools import partial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnref.augment import Compose, RandomAugment, flip_left_right, random_rotation, rot90, rotate

SETTINGS = settings(max_examples=30, deadline=None)
DTYPES = st.sampled_from([np.float64, np.float32, np.uint8])


def batch_of(dtype, square=False):
    """Hypothesis: (m, H, W, C) batches with small random sides."""
    def shapes(draw_sides):
        m, h, w, c = draw_sides
        return (m, h, h if square else w, c)
    sides = st.tuples(st.integers(1, 4), st.integers(1, 7), st.integers(1, 7), st.integers(1, 3)).map(shapes)
    elements = st.integers(0, 255) if dtype == np.uint8 else st.floats(-10, 10, width=32)
    return hnp.arrays(dtype, sides, elements=elements)


@st.composite
def batches(draw, square=False):
    dtype = draw(DTYPES)
    return draw(batch_of(dtype, square))


# ----------------------------------------------------------------------------- flips and turns
@SETTINGS
@given(batches(), st.integers(0, 100))
def test_flip_twice_is_identity_and_flip_mirrors(x, seed):
    once = flip_left_right(x, seed, p=1.0)
    assert once.shape == x.shape and once.dtype == x.dtype
    np.testing.assert_array_equal(once[:, :, ::-1], x)
    np.testing.assert_array_equal(flip_left_right(once, seed, p=1.0), x)
    np.testing.assert_array_equal(flip_left_right(x, seed, p=0.0), x)


@SETTINGS
@given(batches(square=True), st.integers(0, 100))
def test_four_quarter_turns_are_identity(x, seed):
    y = x
    for _ in range(4):
        y = rot90(y, seed, p=1.0, k=1)
        assert y.shape == x.shape and y.dtype == x.dtype
    np.testing.assert_array_equal(y, x)
    np.testing.assert_array_equal(rot90(x, seed, p=1.0, k=1), np.rot90(x, 1, axes=(1, 2)))


def test_random_quarter_turns_are_per_image_and_seeded():
    x = np.random.default_rng(0).random((200, 3, 3, 1))
    out = rot90(x, 7, p=1.0)
    turns = [next(k for k in (1, 2, 3) if np.array_equal(out[i], np.rot90(x[i], k))) for i in range(200)]
    assert set(turns) == {1, 2, 3}  # 200 draws from {1, 2, 3}: all three occur
    np.testing.assert_array_equal(rot90(x, 7, p=1.0), out)  # same seed, same turns
    half = rot90(x, 1, p=0.5)
    unchanged = np.all(half == x, axis=(1, 2, 3)).mean()
    assert 0.3 < unchanged < 0.7  # p = 0.5 over 200 images (binomial sd ≈ 0.035)


def test_flip_probability_is_per_image():
    x = np.arange(400 * 2, dtype=np.float64).reshape(400, 1, 2, 1)
    out = flip_left_right(x, np.random.default_rng(1), p=0.25)
    flipped = np.all(out == x[:, :, ::-1], axis=(1, 2, 3))
    np.testing.assert_array_equal(out[~flipped], x[~flipped])
    assert 0.17 < flipped.mean() < 0.33  # p = 0.25 over 400 images (sd ≈ 0.022)
    np.testing.assert_array_equal(flipped, np.random.default_rng(1).random(400) < 0.25)


# ----------------------------------------------------------------------------- rotations
@SETTINGS
@given(batches())
def test_rotation_by_zero_is_exact_identity(x):
    np.testing.assert_array_equal(rotate(x, 0.0), x)
    np.testing.assert_array_equal(random_rotation(x, 0, max_degrees=0), x)
    assert rotate(x, 0.0).dtype == x.dtype


@SETTINGS
@given(batches(square=True).filter(lambda a: a.dtype != np.uint8), st.sampled_from([90, 180, 270, -90]))
def test_rotation_by_right_angles_matches_rot90(x, degrees):
    expected = np.rot90(x, degrees // 90, axes=(1, 2))
    # cos 90° evaluates to 6e-17, not 0: sample points move by ~1e-15 px; float32 rounds weights
    tol = 1e-12 if x.dtype == np.float64 else 1e-5
    np.testing.assert_allclose(rotate(x, degrees), expected, rtol=0, atol=tol * (1 + np.abs(x).max()))


@SETTINGS
@given(st.integers(1, 5), st.integers(1, 7), st.integers(1, 7), st.integers(1, 3),
       st.floats(-180, 180), st.integers(0, 100))
def test_rotation_preserves_shape_and_dtype(m, h, w, c, degrees, seed):
    for dtype in (np.float32, np.float64, np.uint8):
        x = (np.random.default_rng(seed).random((m, h, w, c)) * 200).astype(dtype)
        out = rotate(x, degrees)
        assert out.shape == x.shape and out.dtype == dtype
        assert random_rotation(x, seed, max_degrees=15).dtype == dtype


def test_rotation_keeps_a_radially_symmetric_image():
    n = 41
    r = np.hypot(*np.meshgrid(np.arange(n) - 20.0, np.arange(n) - 20.0, indexing="ij"))
    disk = np.exp(-(r / 8) ** 2)[None, :, :, None]  # a Gaussian blob f about the centre
    # Bilinear interpolation error bound, grid step h = 1: (h²/8)·(max|f_xx| + max|f_yy|), and
    # max|f_xx| = 2/σ² = 1/32 here, so 1/128 (observed: 0.006).
    bound = (1 / 8) * (2 / 64 + 2 / 64)
    for degrees in (13.0, 37.0, 90.0, -61.0):
        np.testing.assert_allclose(rotate(disk, degrees), disk, rtol=0, atol=bound)
    assert np.abs(rotate(disk, 37.0) - disk).max() > 0  # it did interpolate


def test_rotation_direction_is_counter_clockwise():
    x = np.zeros((1, 5, 5, 1))
    x[0, 2, 4, 0] = 1.0  # a dot to the right of the centre
    out = rotate(x, 90)
    assert out[0, 0, 2, 0] == pytest.approx(1.0, abs=1e-12)  # now above the centre


def test_rotation_fill_modes():
    x = np.ones((1, 6, 6, 1))
    corners = rotate(x, 45, fill_value=0.0)[0, [0, 0, -1, -1], [0, -1, 0, -1], 0]
    assert np.all(corners < 0.5)  # corners come from outside the image: filled with 0
    np.testing.assert_allclose(rotate(x, 45, fill_mode="nearest"), x, atol=1e-12)  # edges replicated
    np.testing.assert_array_equal(rotate(x, 45, fill_value=1.0), x)


def test_float32_is_computed_in_float32():
    x = np.random.default_rng(0).random((2, 8, 8, 3)).astype(np.float32)
    out = rotate(x, 17.0)
    assert out.dtype == np.float32
    ref = rotate(x.astype(np.float64), 17.0)
    np.testing.assert_allclose(out, ref, rtol=0, atol=1e-6)  # float32 rounding of the weights
    aug = RandomAugment(flip=0.5, rot90=0.5, max_degrees=10, image_shape=(8, 8, 3), seed=0)
    assert aug(x).dtype == np.float32 and aug(x.reshape(2, -1)).dtype == np.float32


def test_uint8_images_are_rounded_and_clipped():
    x = np.full((1, 4, 4, 1), 255, np.uint8)
    out = rotate(x, 30, fill_mode="nearest")
    np.testing.assert_array_equal(out, x)
    assert out.dtype == np.uint8


def test_inputs_are_not_modified():
    x = np.random.default_rng(0).random((3, 6, 6, 2))
    copy = x.copy()
    for f in (partial(flip_left_right, p=1.0), partial(rot90, p=1.0),
              partial(random_rotation, max_degrees=20), RandomAugment(rot90=1.0, max_degrees=5)):
        out = f(x, 0)
        assert out is not x
        np.testing.assert_array_equal(x, copy)


# ----------------------------------------------------------------------------- pipelines
def test_compose_applies_in_order_and_handles_flattened_batches():
    x = np.random.default_rng(0).random((4, 5, 5, 3))
    pipe = Compose([partial(flip_left_right, p=1.0), partial(rot90, p=1.0, k=1)], image_shape=(5, 5, 3))
    expected = np.rot90(x[:, :, ::-1], 1, axes=(1, 2))
    np.testing.assert_array_equal(pipe(x, 0), expected)
    flat = pipe(x.reshape(4, -1), 0)
    assert flat.shape == (4, 75)
    np.testing.assert_array_equal(flat, expected.reshape(4, -1))


def test_seeded_reproducibility():
    x = np.random.default_rng(0).random((16, 8, 8, 3))
    a = RandomAugment(flip=0.5, rot90=0.5, max_degrees=15, seed=3)
    b = RandomAugment(flip=0.5, rot90=0.5, max_degrees=15, seed=3)
    first = a(x)
    np.testing.assert_array_equal(first, b(x))  # same seed, same stream
    assert not np.array_equal(a(x), first)  # the next batch draws new transforms
    # fit passes its own Generator: the result depends only on it
    np.testing.assert_array_equal(a(x, np.random.default_rng(9)), b(x, np.random.default_rng(9)))
    np.testing.assert_array_equal(random_rotation(x, 4, max_degrees=10), random_rotation(x, 4, max_degrees=10))
    assert not np.array_equal(random_rotation(x, 4, max_degrees=10), random_rotation(x, 5, max_degrees=10))


def test_random_augment_is_picklable_and_describes_itself():
    aug = RandomAugment(flip=0.5, max_degrees=10, image_shape=(8, 8, 3), seed=1)
    clone = pickle.loads(pickle.dumps(aug))
    x = np.random.default_rng(0).random((4, 8, 8, 3))
    np.testing.assert_array_equal(clone(x), aug(x))
    assert "flip=0.5" in repr(aug) and "max_degrees=10" in repr(aug)
    assert len(RandomAugment(flip=0, rot90=0, max_degrees=0).transforms) == 0


def test_random_augment_with_nothing_on_is_identity():
    x = np.random.default_rng(0).random((4, 8, 8, 3))
    np.testing.assert_array_equal(RandomAugment(flip=0.0)(x), x)


def test_errors():
    x = np.zeros((2, 4, 4, 1))
    with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\]. Received: p=1.5"):
        flip_left_right(x, 0, p=1.5)
    with pytest.raises(ValueError, match=r"flip must be a probability in \[0, 1\]. Received: flip=-0.1"):
        RandomAugment(flip=-0.1)
    with pytest.raises(ValueError, match=r"images must have shape \(m, H, W, C\).*image_shape.*Received: images.shape=\(2, 16\)"):
        flip_left_right(np.zeros((2, 16)), 0)
    with pytest.raises(TypeError, match=r"images must be a numpy.ndarray. Received: images of type list"):
        rotate([[1]], 10)
    with pytest.raises(ValueError, match=r"needs square images. Received: images.shape=\(1, 2, 3, 1\)"):
        rot90(np.zeros((1, 2, 3, 1)), 0)
    np.testing.assert_array_equal(rot90(np.ones((1, 2, 3, 1)), 0, p=1.0, k=2), np.ones((1, 2, 3, 1)))
    with pytest.raises(ValueError, match=r"k must be an integer or None. Received: k=1.5"):
        rot90(x, 0, k=1.5)
    with pytest.raises(ValueError, match=r"max_degrees must be in \[0, 180\]. Received: max_degrees=-5"):
        random_rotation(x, 0, max_degrees=-5)
    with pytest.raises(ValueError, match=r"max_degrees must be in \[0, 180\]. Received: max_degrees=200"):
        RandomAugment(max_degrees=200)
    with pytest.raises(ValueError, match=r"fill_mode must be one of \('constant', 'nearest'\). Received: fill_mode='reflect'"):
        rotate(x, 10, fill_mode="reflect")
    with pytest.raises(ValueError, match=r"fill_value must be a finite number. Received: fill_value=nan"):
        RandomAugment(max_degrees=5, fill_value=float("nan"))
    with pytest.raises(ValueError, match=r"degrees must be finite"):
        rotate(x, np.inf)
    for bad in (None, "10", True):     # None once slipped through the check and failed later
        with pytest.raises(ValueError, match=rf"max_degrees must be in \[0, 180\]. Received: max_degrees={bad!r}"):
            random_rotation(x, 0, max_degrees=bad)
        with pytest.raises(ValueError, match=rf"max_degrees must be in \[0, 180\]. Received: max_degrees={bad!r}"):
            RandomAugment(max_degrees=bad)
    with pytest.raises(ValueError, match=r"flattened batch \(m, n\) needs image_shape.*x.shape=\(2, 16\), image_shape=None"):
        Compose([])(np.zeros((2, 16)))
    with pytest.raises(ValueError, match=r"H·W·C = n. Received: x.shape=\(2, 15\), image_shape=\(4, 4, 1\)"):
        Compose([], image_shape=(4, 4, 1))(np.zeros((2, 15)))
    with pytest.raises(ValueError, match=r"images must have shape \(m, 4, 4, 1\). Received: x.shape=\(2, 4, 4, 3\)"):
        Compose([], image_shape=(4, 4, 1))(np.zeros((2, 4, 4, 3)))
    with pytest.raises(ValueError, match=r"image_shape must be \(H, W, C\) positive ints. Received: image_shape=\(4, 4\)"):
        Compose([], image_shape=(4, 4))
    with pytest.raises(TypeError, match=r"transforms\[0\] must be callable"):
        Compose([3])
    with pytest.raises(TypeError, match=r"rng must be a non-negative int, a numpy.random.Generator or None. Received: rng='a'"):
        flip_left_right(x, "a")
