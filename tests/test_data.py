"""nnref.data: image preparation, one-hot, standardization, splits and mini-batches."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnref.data import (Standardizer, as_rng, batches, flatten_images, from_one_hot, num_batches,
                        one_hot, scale_images, train_val_split)

SETTINGS = settings(max_examples=40, deadline=None)
images = hnp.arrays(np.uint8, hnp.array_shapes(min_dims=4, max_dims=4, min_side=1, max_side=5))


# ----------------------------------------------------------------------------- images
@SETTINGS
@given(images)
def test_flatten_is_the_course_reshape(x):
    flat = flatten_images(x)
    assert flat.shape == (x.shape[0], x.shape[1] * x.shape[2] * x.shape[3]) and flat.dtype == np.uint8
    m = x.shape[0]
    for i in range(m):  # row i is image i read in (h, w, c) order
        np.testing.assert_array_equal(flat[i], [x[i, h, w, c] for h in range(x.shape[1])
                                                for w in range(x.shape[2]) for c in range(x.shape[3])])


@SETTINGS
@given(images, st.sampled_from(["float32", "float64"]))
def test_scale_divides_by_255_in_the_requested_dtype(x, dtype):
    out = scale_images(x, dtype)
    assert out.dtype == np.dtype(dtype) and out.shape == x.shape
    expected = x.astype(dtype) / np.array(255, dtype)  # the float32 division, no float64 detour
    np.testing.assert_array_equal(out, expected)
    assert out.min() >= 0 and out.max() <= 1
    flat = flatten_images(x, scale=True, dtype=dtype)
    np.testing.assert_array_equal(flat, expected.reshape(x.shape[0], -1))


def test_scale_values_and_default_dtype():
    x = np.array([[0, 51, 255]], np.uint8)
    np.testing.assert_array_equal(scale_images(x), [[0.0, 0.2, 1.0]])
    assert scale_images(x).dtype == np.float64
    assert flatten_images(x[:, :, None], scale=True).dtype == np.float64
    assert flatten_images(x[:, :, None], dtype="float32").dtype == np.float32  # cast, no scaling
    np.testing.assert_array_equal(flatten_images(x[:, :, None], dtype="float32"), [[0, 51, 255]])


def test_image_errors():
    with pytest.raises(ValueError, match=r"x must hold uint8 pixel values.*Received: x.dtype=float64"):
        scale_images(np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"dtype must be one of \('float32', 'float64'\). Received: dtype='int8'"):
        scale_images(np.zeros((1, 2), np.uint8), "int8")
    with pytest.raises(ValueError, match=r"Received: dtype='float16'"):
        scale_images(np.zeros((1, 2), np.uint8), "float16")
    with pytest.raises(ValueError, match=r"Received: dtype='nonsense'"):
        flatten_images(np.zeros((1, 2), np.uint8), dtype="nonsense")
    with pytest.raises(ValueError, match=r"at least 2 axes. Received: x.shape=\(3,\)"):
        flatten_images(np.zeros(3, np.uint8))
    with pytest.raises(TypeError, match=r"x must be a numpy.ndarray. Received: x of type list"):
        flatten_images([[1, 2]])


# ----------------------------------------------------------------------------- one-hot
@SETTINGS
@given(st.integers(1, 7).flatmap(lambda c: st.tuples(
    st.just(c), hnp.arrays(np.int64, st.integers(0, 20), elements=st.integers(0, c - 1)))))
def test_one_hot_both_layouts_and_back(case):
    c, labels = case
    y = one_hot(labels, c)
    assert y.shape == (labels.shape[0], c) and y.dtype == np.float64
    for i, label in enumerate(labels):
        expected = np.zeros(c)
        expected[label] = 1
        np.testing.assert_array_equal(y[i], expected)
    course = one_hot(labels.reshape(1, -1), c, layout="course", dtype="float32")  # course's (1, m) labels
    assert course.dtype == np.float32
    np.testing.assert_array_equal(course, np.eye(c, dtype=np.float32)[labels].T)  # convert_to_one_hot
    if labels.size:
        np.testing.assert_array_equal(from_one_hot(y), labels)
        np.testing.assert_array_equal(from_one_hot(course, layout="course"), labels)


def test_one_hot_accepts_whole_number_float_labels():
    np.testing.assert_array_equal(one_hot(np.array([[1.0], [0.0]]), 2), [[0, 1], [1, 0]])


def test_from_one_hot_is_argmax_of_probabilities():
    p = np.array([[0.1, 0.7, 0.2], [0.5, 0.1, 0.4]])
    np.testing.assert_array_equal(from_one_hot(p), [1, 0])
    assert from_one_hot(p).dtype == np.int64


def test_one_hot_errors():
    with pytest.raises(ValueError, match=r"labels must be in \[0, num_classes=3\). Received: labels in \[0, 3\]"):
        one_hot(np.array([0, 3]), 3)
    with pytest.raises(ValueError, match=r"Received: labels in \[-1, 1\]"):
        one_hot(np.array([-1, 1]), 3)
    with pytest.raises(ValueError, match=r"labels must be integer class indices. Received: labels.dtype=float64"):
        one_hot(np.array([0.5, 1.0]), 3)
    with pytest.raises(ValueError, match=r"labels must have shape \(m,\), \(1, m\) or \(m, 1\). Received: labels.shape=\(2, 2\)"):
        one_hot(np.zeros((2, 2), np.int64), 3)
    with pytest.raises(ValueError, match=r"num_classes must be an integer >= 1. Received: num_classes=0"):
        one_hot(np.array([0]), 0)
    with pytest.raises(ValueError, match=r"layout must be 'batch_first' or 'course'. Received: layout='rows'"):
        one_hot(np.array([0]), 2, layout="rows")
    with pytest.raises(ValueError, match=r"y must have shape \(m, C\).*Received: y.shape=\(3,\)"):
        from_one_hot(np.zeros(3))


# ----------------------------------------------------------------------------- Standardizer
@SETTINGS
@given(hnp.arrays(np.float64, st.tuples(st.integers(2, 30), st.integers(1, 6)),
                  elements=st.floats(-1e3, 1e3)),
       st.sampled_from([np.float64, np.float32]))
def test_standardizer_formula_and_inverse(x, dtype):
    x = x.astype(dtype)
    s = Standardizer().fit(x)
    mu = x.mean(axis=0)
    sigma = np.sqrt(((x - mu) ** 2).mean(axis=0))
    scale = np.where(sigma > 0, sigma, 1)
    z = s.transform(x)
    assert z.dtype == dtype and s.mean_.dtype == dtype
    np.testing.assert_array_equal(z, (x - mu) / scale)
    np.testing.assert_array_equal(s.fit_transform(x), z)
    # inverse_transform undoes transform up to two roundings of each value
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(s.inverse_transform(z), x, rtol=tol, atol=tol * (1 + np.abs(x).max()))


def test_standardizer_applies_train_statistics_to_test_and_handles_constant_features():
    train = np.array([[1.0, 5.0], [3.0, 5.0]])
    test = np.array([[5.0, 7.0]])
    s = Standardizer().fit(train)
    np.testing.assert_array_equal(s.mean_, [2.0, 5.0])
    np.testing.assert_array_equal(s.std_, [1.0, 0.0])
    np.testing.assert_array_equal(s.transform(train), [[-1.0, 0.0], [1.0, 0.0]])  # σ = 0: centred only
    np.testing.assert_array_equal(s.transform(test), [[3.0, 2.0]])  # train's μ, σ; not refitted
    np.testing.assert_array_equal(s.mean_, [2.0, 5.0])
    assert Standardizer().fit(np.array([[1], [3]])).transform(np.array([[2]])).dtype == np.float64


def test_standardizer_errors():
    s = Standardizer()
    with pytest.raises(ValueError, match=r"not fitted yet"):
        s.transform(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"x must have shape \(m, n\) with m ≥ 1. Received: x.shape=\(3,\)"):
        s.fit(np.zeros(3))
    with pytest.raises(ValueError, match=r"x must be finite"):
        s.fit(np.array([[np.nan, 1.0]]))
    s.fit(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"x must have 3 features \(as fitted\). Received: x.shape=\(2, 2\)"):
        s.transform(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"z must have 3 features"):
        s.inverse_transform(np.zeros((2, 4)))


# ----------------------------------------------------------------------------- splits
@SETTINGS
@given(st.integers(2, 60), st.floats(0.01, 0.99), st.integers(0, 2**32 - 1))
def test_train_val_split_partitions_the_examples(m, fraction, seed):
    n_val = int(round(m * fraction))
    x, y = np.arange(m * 2).reshape(m, 2), np.arange(m)
    if not 1 <= n_val <= m - 1:
        with pytest.raises(ValueError, match="empty training or validation set"):
            train_val_split(x, y, fraction, seed=seed)
        return
    xt, yt, xv, yv = train_val_split(x, y, fraction, seed=seed)
    assert len(yv) == n_val and len(yt) == m - n_val
    np.testing.assert_array_equal(np.sort(np.concatenate([yt, yv])), np.arange(m))
    np.testing.assert_array_equal(xt[:, 0], 2 * yt)  # rows stay paired with their labels
    np.testing.assert_array_equal(xv[:, 0], 2 * yv)
    again = train_val_split(x, y, fraction, seed=seed)
    np.testing.assert_array_equal(again[3], yv)  # same seed, same split


def test_train_val_split_without_shuffle_takes_the_last_examples():
    x, y = np.arange(10)[:, None], np.arange(10)
    xt, yt, xv, yv = train_val_split(x, y, 0.2, shuffle=False)
    np.testing.assert_array_equal(yt, np.arange(8))
    np.testing.assert_array_equal(yv, [8, 9])


def test_split_errors():
    x, y = np.zeros((10, 2)), np.zeros(10)
    for bad in (0, 1, 1.5, -0.1, True, "0.2"):
        with pytest.raises(ValueError, match=rf"val_fraction must be in \(0, 1\). Received: val_fraction={bad!r}"):
            train_val_split(x, y, bad)
    with pytest.raises(ValueError, match=r"same number of examples.*x.shape=\(10, 2\), y.shape=\(9,\)"):
        train_val_split(x, np.zeros(9), 0.2)
    with pytest.raises(TypeError, match=r"seed must be a non-negative int, a numpy.random.Generator or None"):
        train_val_split(x, y, 0.2, seed=1.5)
    with pytest.raises(ValueError, match=r"seed must be non-negative. Received: seed=-1"):
        train_val_split(x, y, 0.2, seed=-1)


# ----------------------------------------------------------------------------- batches
@SETTINGS
@given(st.integers(1, 50), st.integers(1, 20), st.booleans(), st.integers(0, 1000))
def test_batches_cover_every_example_once_and_keep_the_last_partial_batch(m, batch_size, shuffle, seed):
    x, y = np.arange(m * 3).reshape(m, 3), np.arange(m)
    got = list(batches(x, y, batch_size, shuffle=shuffle, seed=seed))
    assert len(got) == num_batches(m, batch_size) == -(-m // batch_size)
    sizes = [len(yb) for _, yb in got]
    assert sizes[:-1] == [batch_size] * (len(got) - 1)
    assert sizes[-1] == m - batch_size * (len(got) - 1)  # the remainder, not dropped
    order = np.concatenate([yb for _, yb in got])
    np.testing.assert_array_equal(np.sort(order), np.arange(m))
    for xb, yb in got:
        np.testing.assert_array_equal(xb[:, 0], 3 * yb)
    if shuffle:
        np.testing.assert_array_equal(order, np.random.default_rng(seed).permutation(m))
    else:
        np.testing.assert_array_equal(order, np.arange(m))


def test_batches_from_a_generator_differ_per_epoch_and_reproduce():
    x = np.arange(20)[:, None]
    epochs = lambda rng: [np.concatenate([xb[:, 0] for xb, _ in batches(x, None, 8, seed=rng)])
                          for _ in range(2)]
    first, second = epochs(np.random.default_rng(3)), epochs(np.random.default_rng(3))
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[0], first[1])  # a new order each epoch from one Generator
    assert all(yb is None for _, yb in batches(x, None, 8))


def test_batches_validate_when_called():
    x = np.zeros((5, 2))
    for bad in (0, -1, 2.0, True):
        with pytest.raises(ValueError, match=rf"batch_size must be an integer >= 1. Received: batch_size={bad!r}"):
            batches(x, None, bad)  # raised at the call, before any iteration
    with pytest.raises(ValueError, match=r"same number of examples"):
        batches(x, np.zeros(4), 2)
    with pytest.raises(ValueError, match=r"x must have shape \(m, ...\) with m ≥ 1. Received: x.shape=\(0, 2\)"):
        batches(np.zeros((0, 2)), None, 2)
    with pytest.raises(TypeError, match=r"y must be a numpy.ndarray"):
        batches(x, [1, 2, 3, 4, 5], 2)


def test_as_rng_uses_a_generator_as_is():
    g = np.random.default_rng(0)
    assert as_rng(g) is g
    assert as_rng(5).random() == np.random.default_rng(5).random()
