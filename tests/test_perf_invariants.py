"""What makes training fast, checked without a clock.

Wall-clock times are never asserted (they depend on the machine and its load; benchmarks/ has
them). These tests pin the properties the speed comes from:

- optimizers update in place with scratch arrays made once (``work=`` of the kernels), and the
  kernels give the same bits with and without them;
- data already in the model's dtype is not converted or copied, and unshuffled batches are views;
- training never computes the first layer's input gradient;
- ``fit`` holds at most 2× the bytes of data + parameters + optimizer state (tracemalloc counts
  every NumPy allocation; memory is deterministic, unlike time).
"""
from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnref import layers, losses, optimizers
from nnref.data import batches
from nnref.functional import optim
from nnref.models import Sequential

DTYPES = (np.float32, np.float64)


def small_model(dtype, input_dim=300, optimizer=None, seed=0):
    model = Sequential([layers.Dense(25, activation="relu"), layers.Dense(12, activation="relu"),
                        layers.Dense(6)], input_dim=input_dim, dtype=dtype, seed=seed)
    model.compile(optimizer=optimizer or optimizers.Adam(1e-3),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def data(m, n, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((m, n)).astype(dtype), rng.integers(0, 6, m)


# ------------------------------------------------------------------------ kernels: work= is exact
def kernel_calls(convention):
    """(name, number of state arrays, call(param, grad, state, t, work))."""
    return [
        ("sgd", 0, lambda p, g, s, t, w: optim.sgd_update(p, g, 0.1, work=w)),
        ("momentum", 1, lambda p, g, s, t, w: optim.momentum_update(
            p, g, s[0], 0.1, 0.9, convention, work=w)),
        ("nesterov", 1, lambda p, g, s, t, w: optim.momentum_update(
            p, g, s[0], 0.1, 0.9, convention, nesterov=True, work=w)),
        ("rmsprop", 1, lambda p, g, s, t, w: optim.rmsprop_update(
            p, g, s[0], 0.01, 0.9, 1e-7, convention, work=w)),
        ("adagrad", 1, lambda p, g, s, t, w: optim.adagrad_update(
            p, g, s[0], 0.01, 1e-7, convention, work=w)),
        ("adadelta", 2, lambda p, g, s, t, w: optim.adadelta_update(
            p, g, s[0], s[1], 1.0, 0.95, 1e-6, convention, work=w)),
        ("adam", 2, lambda p, g, s, t, w: optim.adam_update(
            p, g, s[0], s[1], t, 0.01, 0.9, 0.999, 1e-8, convention, work=w)),
    ]


@settings(max_examples=15, deadline=None)
@given(shape=st.lists(st.integers(1, 6), min_size=0, max_size=3).map(tuple),
       dtype=st.sampled_from(DTYPES), convention=st.sampled_from(optim.CONVENTIONS),
       seed=st.integers(0, 2**31 - 1))
def test_kernels_give_the_same_bits_with_and_without_work_arrays(shape, dtype, convention, seed):
    rng = np.random.default_rng(seed)
    grads = [rng.standard_normal(shape).astype(dtype) for _ in range(4)]
    start = rng.standard_normal(shape).astype(dtype)
    for name, n_state, call in kernel_calls(convention):
        fresh = [start.copy(), *(np.zeros(shape, dtype) for _ in range(n_state))]
        reused = [start.copy(), *(np.zeros(shape, dtype) for _ in range(n_state))]
        work = optim.work_arrays(start, 4)
        for t, g in enumerate(grads, start=1):
            call(fresh[0], g, fresh[1:], t, None)
            call(reused[0], g, reused[1:], t, work)
        for a, b in zip(fresh, reused):
            assert a.dtype == dtype, name
            np.testing.assert_array_equal(a, b, err_msg=name)


def test_course_adam_returns_new_bias_corrected_moments_only_without_work_arrays():
    rng = np.random.default_rng(0)
    p, g = rng.standard_normal(5), rng.standard_normal(5)
    m, v = np.zeros(5), np.zeros(5)
    m_hat, v_hat = optim.adam_update(p.copy(), g, m, v, 1, 0.01, 0.9, 0.999, 1e-8)
    np.testing.assert_array_equal(m_hat, m / (1 - 0.9))
    np.testing.assert_array_equal(v_hat, v / (1 - 0.999))
    work = optim.work_arrays(p, 2)
    assert optim.adam_update(p, g, m, v, 2, 0.01, 0.9, 0.999, 1e-8, work=work) is None


# ------------------------------------------------------------------------ optimizers: in place
OPTIMIZERS = [
    lambda c: optimizers.SGD(0.1, convention=c),
    lambda c: optimizers.SGD(0.1, momentum=0.9, convention=c),
    lambda c: optimizers.SGD(0.1, momentum=0.9, nesterov=True, convention=c),
    lambda c: optimizers.RMSprop(0.01, convention=c),
    lambda c: optimizers.Adagrad(0.01, convention=c),
    lambda c: optimizers.Adadelta(convention=c),
    lambda c: optimizers.Adam(0.01, convention=c),
]


@pytest.mark.parametrize("make", OPTIMIZERS)
@pytest.mark.parametrize("convention", optim.CONVENTIONS)
def test_optimizer_steps_update_in_place_and_allocate_nothing_after_build(make, convention):
    rng = np.random.default_rng(1)
    params = [rng.standard_normal((200, 100)), rng.standard_normal(100)]
    grads = [rng.standard_normal(p.shape) for p in params]
    buffers = [p.__array_interface__["data"][0] for p in params]
    opt = make(convention)
    opt.apply_gradients(zip(grads, params))                   # builds the state
    state = opt.variables
    tracemalloc.start()
    try:
        for _ in range(3):
            opt.apply_gradients(zip(grads, params))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A parameter-sized temporary would be 160 kB; the step's bookkeeping is a few hundred bytes.
    assert peak < params[0].nbytes // 8, f"{type(opt).__name__} allocated {peak} bytes per step"
    assert [p.__array_interface__["data"][0] for p in params] == buffers
    assert all(a is b for a, b in zip(opt.variables, state))
    assert opt.iterations == 4


# ------------------------------------------------------------------------ data: no copies
@pytest.mark.parametrize("dtype", DTYPES)
def test_inputs_in_the_model_dtype_are_used_as_they_are(dtype):
    x, _ = data(10, 300, dtype)
    model = small_model(dtype)
    assert model.check_inputs(x) is x


@pytest.mark.parametrize("dtype", DTYPES)
def test_unshuffled_training_batches_are_views_of_the_data(dtype):
    x, y = data(100, 300, dtype)
    model = small_model(dtype)
    first = model.layers[0]
    seen = []
    forward = first.forward

    def recording_forward(x_b, training=False):
        seen.append(x_b)
        return forward(x_b, training=training)

    first.forward = recording_forward
    model.fit(x, y, batch_size=32, epochs=1, shuffle=False)
    assert [len(b) for b in seen] == [32, 32, 32, 4]
    for b in seen:
        assert b.dtype == dtype
        assert np.shares_memory(b, x)


@pytest.mark.parametrize("dtype", DTYPES)
def test_shuffled_batches_keep_the_data_dtype(dtype):
    x, y = data(50, 3, dtype)
    for x_b, _ in batches(x, y, 16, shuffle=True, seed=0):
        assert x_b.dtype == dtype


# ------------------------------------------------------------------------ no first-layer dx
def test_training_never_computes_the_first_layers_input_gradient(monkeypatch):
    import nnref.layers.dense as dense_module

    calls = []
    original = dense_module.dense_backward

    def recording(dout, cache, compute_dx=True):
        calls.append((cache[0].shape[1], compute_dx))
        return original(dout, cache, compute_dx)

    monkeypatch.setattr(dense_module, "dense_backward", recording)
    x, y = data(64, 300, np.float32)
    model = small_model(np.float32)
    model.fit(x, y, batch_size=32, epochs=1)
    model.train_on_batch(x[:8], y[:8])
    model.loss_and_gradients(x[:8], y[:8])
    first_layer = [dx for width, dx in calls if width == 300]
    assert len(first_layer) == 4 and not any(first_layer)
    assert all(dx for width, dx in calls if width != 300)


@pytest.mark.parametrize("dtype", DTYPES)
def test_skipping_the_input_gradient_leaves_the_weight_gradients_unchanged(dtype):
    x, y = data(16, 300, dtype)
    model = small_model(dtype)
    target = model.loss.prepare(y, 6, model.dtype)

    def gradients(input_gradient):
        out = model.forward(x, training=True)
        dx = model.backward(model.loss.compute_gradient(target, out), input_gradient)
        return dx, [g.copy() for g in model.gradients()]

    dx_full, full = gradients(True)
    dx_none, partial = gradients(False)
    assert dx_full.shape == x.shape and dx_none is None
    for a, b in zip(full, partial):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------------ memory of fit
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shuffle", [True, False])
def test_fit_holds_at_most_twice_data_parameters_and_optimizer_state(dtype, shuffle):
    tracemalloc.start()
    try:
        x, y = data(1000, 2000, dtype)                        # 8 MB (float32), 16 MB (float64)
        model = small_model(dtype, input_dim=2000)
        tracemalloc.reset_peak()
        model.fit(x, y, batch_size=32, epochs=2, shuffle=shuffle, seed=0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    params = sum(w.nbytes for w in model.weights)
    state = sum(v.nbytes for v in model.optimizer.variables)
    budget = x.nbytes + y.nbytes + params + state
    assert peak <= 2 * budget, f"peak {peak / 1e6:.1f} MB > 2 × {budget / 1e6:.1f} MB"
