"""nnref.course.c1w2_numpy_basics against the course's published outputs and formulas."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnref.course import c1w2_numpy_basics as nb

finite = st.floats(-30, 30, allow_nan=False)


def test_basic_sigmoid_is_the_course_value():
    assert nb.basic_sigmoid(1) == pytest.approx(0.7310585786300049, rel=1e-15)
    assert isinstance(nb.basic_sigmoid(1), float)
    assert nb.basic_sigmoid(-2.5) == pytest.approx(1 / (1 + math.exp(2.5)), rel=1e-15)


@pytest.mark.parametrize("bad", [[1, 2, 3], np.array([1.0, 2.0]), "1", True])
def test_basic_sigmoid_takes_one_number_only(bad):
    with pytest.raises(TypeError, match="x must be a real number"):
        nb.basic_sigmoid(bad)


def test_sigmoid_course_output():
    s = nb.sigmoid(np.array([1, 2, 3]))
    np.testing.assert_allclose(s, [0.73105858, 0.88079708, 0.95257413], atol=5e-9)  # printed to 8 digits
    assert s.shape == (3,)


@settings(max_examples=30, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=4), elements=finite))
def test_sigmoid_and_derivative_match_the_formulas(x):
    x0 = x.copy()
    s, ds = nb.sigmoid(x), nb.sigmoid_derivative(x)
    ref = 1 / (1 + np.exp(-x))
    assert s.shape == ds.shape == x.shape
    np.testing.assert_allclose(s, ref, rtol=1e-15, atol=0)
    np.testing.assert_allclose(ds, ref * (1 - ref), rtol=1e-13, atol=1e-300)  # s·(1−s) from an s 1 ulp apart
    np.testing.assert_array_equal(x, x0)


def test_sigmoid_derivative_course_output():
    np.testing.assert_allclose(nb.sigmoid_derivative(np.array([1, 2, 3])),
                               [0.19661193, 0.10499359, 0.04517666], atol=5e-9)


def test_image2vector():
    image = np.arange(3 * 3 * 2, dtype=float).reshape(3, 3, 2)
    v = nb.image2vector(image)
    assert v.shape == (18, 1)
    np.testing.assert_array_equal(v[:, 0], image.ravel())
    with pytest.raises(ValueError, match="image must be a 3-D array"):
        nb.image2vector(np.zeros((3, 3)))


def test_normalize_rows_course_output():
    x = np.array([[0., 3., 4.], [1., 6., 4.]])
    x0 = x.copy()
    out = nb.normalize_rows(x)
    np.testing.assert_allclose(out, [[0., 0.6, 0.8], [0.13736056, 0.82416338, 0.54944226]], atol=5e-9)
    np.testing.assert_allclose(np.sum(out ** 2, axis=1), 1.0, rtol=1e-15)
    np.testing.assert_array_equal(x, x0)
    with pytest.raises(ValueError, match="x must be a 2-D array"):
        nb.normalize_rows(np.ones(3))


def test_softmax_course_output():
    x = np.array([[9, 2, 5, 0, 0], [7, 5, 0, 0, 0]])
    s = nb.softmax(x)
    expected = [[9.80897665e-01, 8.94462891e-04, 1.79657674e-02, 1.21052389e-04, 1.21052389e-04],
                [8.78679856e-01, 1.18916387e-01, 8.01252314e-04, 8.01252314e-04, 8.01252314e-04]]
    np.testing.assert_allclose(s, expected, rtol=1e-8)  # the course prints 9 significant digits
    assert s.shape == (2, 5)


@settings(max_examples=30, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 5)), elements=finite))
def test_softmax_is_rowwise_course_formula(x):
    ref = np.exp(x) / np.sum(np.exp(x), axis=1, keepdims=True)
    np.testing.assert_allclose(nb.softmax(x), ref, rtol=1e-13)   # the core shifts by the row max


def test_softmax_rejects_vectors():
    with pytest.raises(ValueError, match="x must be a 2-D array"):
        nb.softmax(np.ones(4))


def test_losses_course_outputs():
    yhat = np.array([.9, 0.2, 0.1, .4, .9])
    y = np.array([1, 0, 0, 1, 1])
    assert nb.L1(yhat, y) == pytest.approx(1.1, rel=1e-15)
    assert nb.L2(yhat, y) == pytest.approx(0.43, rel=1e-15)
    assert nb.L1(yhat, y) == pytest.approx(np.sum(np.abs(y - yhat)), rel=1e-15)
    assert nb.L2(yhat, y) == pytest.approx(np.dot(y - yhat, y - yhat), rel=1e-15)
    with pytest.raises(ValueError, match="same shape"):
        nb.L1(yhat, y[:3])
