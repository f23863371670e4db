"""The shared set-up of the optimizer tests: random parameters and gradient sequences, and a
loop that applies an optimizer to copies of the parameters, and the fixture that runs each test
with both engines."""
import numpy as np
import pytest

from fast_engines import ENGINES, use_engine

SHAPES = [(3, 4), (4,), (2, 1), ()]


def problem(dtype, steps=7, seed=0):
    """Parameters of every shape in SHAPES and ``steps`` lists of gradients for them."""
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    grads = [[rng.standard_normal(s).astype(dtype) for s in SHAPES] for _ in range(steps)]
    return params, grads


def train(opt, params, grads):
    """Apply ``opt`` to copies of ``params`` for every step of ``grads``; returns the copies."""
    ws = [np.array(p) for p in params]
    for step in grads:
        opt.apply_gradients(zip(step, ws))
    return ws


@pytest.fixture(autouse=True, params=ENGINES)
def engine(request, monkeypatch):
    """Runs every test of a module that imports it with each engine: NumPy, and numba's fused
    loops (nnref[fast]), plain and parallel; gives the engine's name and, for numba, the fused
    loops used."""
    return request.param, use_engine(request.param, monkeypatch)
