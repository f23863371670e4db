"""The kernels reproduce the course's own NumPy code bit for bit (nnref.course relies on it).

The course's ``update_parameters_with_gd``, ``update_parameters_with_momentum`` and
``update_parameters_with_adam`` are taken from its notebook at test time (the ``course`` fixture).
"""
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import course_function

from nnref.functional import optim


@pytest.fixture(scope="module")
def course(course_dir):
    """The course's own update functions, from its notebook (read at test time)."""
    names = ("update_parameters_with_gd", "update_parameters_with_momentum",
             "update_parameters_with_adam")
    return SimpleNamespace(**{n: course_function(course_dir, "c2w2_optimization", n) for n in names})


def course_problem(dtype, steps, seed=5):
    rng = np.random.default_rng(seed)
    dims = [5, 4, 1]
    params = {}
    for l in range(1, len(dims)):
        params["W" + str(l)] = rng.standard_normal((dims[l], dims[l - 1])).astype(dtype)
        params["b" + str(l)] = rng.standard_normal((dims[l], 1)).astype(dtype)
    grads = [{"d" + k: rng.standard_normal(w.shape).astype(dtype) for k, w in params.items()}
             for _ in range(steps)]
    return params, grads


def zeros_like_grads(params):
    return {"d" + k: np.zeros_like(w) for k, w in params.items()}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gd_kernel_is_the_course_code(dtype, course):
    params, grads = course_problem(dtype, 5)
    ours = {k: w.copy() for k, w in params.items()}
    theirs = {k: w.copy() for k, w in params.items()}
    for g in grads:
        theirs = course.update_parameters_with_gd(theirs, g, 0.0075)
        for k in ours:
            optim.sgd_update(ours[k], g["d" + k], 0.0075)
    for k in ours:
        assert ours[k].dtype == dtype
        np.testing.assert_array_equal(ours[k], theirs[k])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_momentum_kernel_is_the_course_code(dtype, course):
    params, grads = course_problem(dtype, 6)
    ours, v_ours = {k: w.copy() for k, w in params.items()}, zeros_like_grads(params)
    theirs, v_theirs = {k: w.copy() for k, w in params.items()}, zeros_like_grads(params)
    for g in grads:
        theirs, v_theirs = course.update_parameters_with_momentum(theirs, g, v_theirs, 0.9, 0.0075)
        for k in ours:
            optim.momentum_update(ours[k], g["d" + k], v_ours["d" + k], 0.0075, 0.9)
    for k in ours:
        np.testing.assert_array_equal(ours[k], theirs[k])
        np.testing.assert_array_equal(v_ours["d" + k], v_theirs["d" + k])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_adam_kernel_is_the_course_code(dtype, course):
    params, grads = course_problem(dtype, 6)
    ours = {k: w.copy() for k, w in params.items()}
    m, v = zeros_like_grads(params), zeros_like_grads(params)
    theirs = {k: w.copy() for k, w in params.items()}
    v_c, s_c = zeros_like_grads(params), zeros_like_grads(params)
    for t, g in enumerate(grads, start=1):
        theirs, v_c, s_c, v_corr, s_corr = course.update_parameters_with_adam(theirs, g, v_c, s_c, t, 0.01)
        for k in ours:
            key = "d" + k
            m_hat, v_hat = optim.adam_update(ours[k], g[key], m[key], v[key], t, 0.01, 0.9,
                                             0.999, 1e-8)
            np.testing.assert_array_equal(m_hat, v_corr[key])
            np.testing.assert_array_equal(v_hat, s_corr[key])
    for k in ours:
        assert ours[k].dtype == dtype
        np.testing.assert_array_equal(ours[k], theirs[k])
        np.testing.assert_array_equal(m["d" + k], v_c["d" + k])
        np.testing.assert_array_equal(v["d" + k], s_c["d" + k])


def test_kernels_update_in_place_and_keep_float32():
    w = np.ones((2, 3), np.float32)
    g = np.full((2, 3), 0.5, np.float32)
    m, v = np.zeros_like(w), np.zeros_like(w)
    buffers = [w.ctypes.data, m.ctypes.data, v.ctypes.data]
    # a NumPy float64 learning rate must not upcast float32 arrays
    optim.adam_update(w, g, m, v, 1, np.float64(0.1), 0.9, 0.999, 1e-8)
    assert [a.dtype for a in (w, m, v)] == [np.float32] * 3
    assert [w.ctypes.data, m.ctypes.data, v.ctypes.data] == buffers
    assert not np.all(w == 1)


def test_keras_adam_returns_none():
    w, g = np.ones(2), np.ones(2)
    assert optim.adam_update(w, g, np.zeros(2), np.zeros(2), 1, 0.1, 0.9, 0.999, 1e-7,
                             "keras") is None


def test_unknown_convention():
    with pytest.raises(ValueError, match=r"Received: convention='torch'"):
        optim.sgd_update(np.ones(1), np.ones(1), 0.1) or optim.rmsprop_update(
            np.ones(1), np.ones(1), np.zeros(1), 0.1, 0.9, 1e-8, "torch")


def test_ema_update_is_the_lecture_formula():
    avg = np.array([10.0, 20.0])
    optim.ema_update(avg, np.array([20.0, 0.0]), 0.75)
    # 0.75·10 + 0.25·20 = 12.5;  0.75·20 + 0.25·0 = 15
    np.testing.assert_array_equal(avg, [12.5, 15.0])
