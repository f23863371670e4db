"""Weights and gradient of different float dtypes: the fused loops stand aside.

A numba loop compiled for float32 weights and a float64 gradient would compute ``α·g`` in
float64 and round once; NumPy's replay rounds each operation into the weights' dtype. So the
loops run only when every array has one dtype, and NumPy, whose bits are the reference, runs
the rest: both engines give the same bits for mixed dtypes too.
"""
import numpy as np
import pytest

from fast_engines import ENGINES, use_engine
from nnref.functional import optim


def _sgd_and_keras_adam(weights, grad):
    """One SGD step and one Keras Adam step on copies of ``weights``; the two results."""
    w_sgd, w_adam = weights.copy(), weights.copy()
    optim.sgd_update(w_sgd, grad, 0.1)
    m, v = np.zeros_like(weights), np.zeros_like(weights)
    optim.adam_update(w_adam, grad, m, v, 1, 0.01, 0.9, 0.999, 1e-7, "keras")
    return w_sgd, w_adam


@pytest.mark.parametrize("weights_dtype, grad_dtype", [(np.float32, np.float64),
                                                       (np.float64, np.float32)])
def test_mixed_dtypes_run_in_numpy_with_the_same_bits(monkeypatch, weights_dtype, grad_dtype):
    rng = np.random.default_rng(7)
    weights = rng.normal(size=(64, 33)).astype(weights_dtype)
    grad = rng.normal(size=(64, 33)).astype(grad_dtype)
    results, used = {}, {}
    for name in ENGINES:
        used[name] = use_engine(name, monkeypatch)
        results[name] = _sgd_and_keras_adam(weights, grad)
    for engine in ENGINES[1:]:
        assert used[engine] and all(loop is None for loop in used[engine])   # asked, refused
        for numpy_result, numba_result in zip(results["numpy"], results[engine]):
            assert numba_result.dtype == weights_dtype
            np.testing.assert_array_equal(numba_result, numpy_result)


def test_one_dtype_does_use_the_fused_loops(monkeypatch):
    """The check above means something: with one dtype the same calls do run fused loops."""
    rng = np.random.default_rng(7)
    used = use_engine("numba", monkeypatch)
    _sgd_and_keras_adam(rng.normal(size=(64, 33)).astype(np.float32),
                        rng.normal(size=(64, 33)).astype(np.float32))
    assert len(used) == 2 and None not in used
