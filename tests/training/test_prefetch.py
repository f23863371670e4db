"""fit's batches gathered on a second thread (nnref.prefetch): the same rows, the same bits, the
generator drawn at the same moments (so BackupAndRestore resumes exactly), no thread left."""
import os
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnref import callbacks, data, layers, losses, optimizers, prefetch
from nnref.models import Sequential

from conftest import require_module

spare_core = prefetch.spare_core                         # before the fixture below replaces it


@pytest.fixture(autouse=True)
def free_core(monkeypatch):
    """As on a machine where BLAS leaves a core free (each test sets MIN_BYTES)."""
    monkeypatch.setattr(prefetch, "spare_core", lambda: True)


def _prefetching_threads():
    return [t for t in threading.enumerate() if t.name.startswith("nnref-batches")]


@settings(max_examples=40, deadline=None)
@given(m=st.integers(1, 70), batch_size=st.integers(1, 80), passes=st.integers(1, 3),
       seed=st.integers(0, 2**16))
def test_prefetched_batches_are_those_of_data_batches(m, batch_size, passes, seed):
    x = np.random.default_rng(seed).random((m, 3, 2))
    rng_a, rng_b = np.random.default_rng(seed), np.random.default_rng(seed)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(prefetch, "MIN_BYTES", 0)
        source = prefetch.Batches(x, batch_size, True, rng_a)
    assert source._pool is not None                     # really prefetching
    with source:
        for _ in range(passes):
            got = source.new_pass()
            for want_x, want_rows in data.batches(x, np.arange(m), batch_size, seed=rng_b):
                got_x, got_rows = next(got)
                np.testing.assert_array_equal(got_rows, want_rows, strict=True)
                np.testing.assert_array_equal(got_x, want_x, strict=True)
            # the next pass's order is not drawn before it starts
            assert rng_a.bit_generator.state == rng_b.bit_generator.state
    assert not _prefetching_threads()


def test_small_or_ordered_batches_or_no_free_core_are_not_prefetched(monkeypatch):
    x = np.zeros((100, 10))
    assert prefetch.Batches(x, 32, True, np.random.default_rng(0))._pool is None
    large = np.zeros((100, prefetch.MIN_BYTES // 8))
    assert prefetch.Batches(large, 1, False, np.random.default_rng(0))._pool is None
    with prefetch.Batches(large, 1, True, np.random.default_rng(0)) as source:
        assert source._pool is not None
    monkeypatch.setattr(prefetch, "spare_core", lambda: False)
    assert prefetch.Batches(large, 1, True, np.random.default_rng(0))._pool is None


def test_spare_core_follows_the_blas_threads():
    threadpoolctl = require_module("threadpoolctl")         # part of nnref[fast]
    cores = len(os.sched_getaffinity(0))
    with threadpoolctl.threadpool_limits(1, user_api="blas"):
        assert spare_core() == (cores > 1)
    with threadpoolctl.threadpool_limits(cores, user_api="blas"):
        assert not spare_core()


def _model():
    model = Sequential([layers.Dense(7, activation="relu"), layers.Dense(3)], input_dim=40,
                       dtype="float64", seed=2)
    model.compile(optimizer=optimizers.Adam(1e-2),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def _data():
    rng = np.random.default_rng(5)
    return rng.random((53, 40)), rng.integers(0, 3, 53)


@pytest.mark.filterwarnings("ignore:Your input ran out of data")
@pytest.mark.parametrize("steps_per_epoch", [None, 3, 5])
def test_fit_gives_the_same_bits_with_and_without_prefetching(monkeypatch, steps_per_epoch):
    x, y = _data()
    results = []
    for min_bytes in (0, np.inf):
        monkeypatch.setattr(prefetch, "MIN_BYTES", min_bytes)
        model = _model()
        history = model.fit(x, y, batch_size=8, epochs=4, seed=3, verbose=0,
                            steps_per_epoch=steps_per_epoch)
        results.append((model.get_weights(), history.history["loss"]))
    (weights, loss), (plain_weights, plain_loss) = results
    assert loss == plain_loss
    for got, want in zip(weights, plain_weights):
        np.testing.assert_array_equal(got, want, strict=True)
    assert not _prefetching_threads()


class _Interrupt(callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            raise KeyboardInterrupt


def test_interrupted_and_resumed_fit_equals_straight_fit_when_prefetching(monkeypatch, tmp_path):
    monkeypatch.setattr(prefetch, "MIN_BYTES", 0)
    x, y = _data()
    straight = _model()
    straight.fit(x, y, batch_size=8, epochs=4, seed=3, verbose=0)
    resumed = _model()
    backup = callbacks.BackupAndRestore(str(tmp_path / "backup"))
    with pytest.raises(KeyboardInterrupt):
        resumed.fit(x, y, batch_size=8, epochs=4, seed=3, verbose=0,
                    callbacks=[backup, _Interrupt()])
    assert not _prefetching_threads()                   # closed on the way out
    resumed = _model()
    resumed.fit(x, y, batch_size=8, epochs=4, seed=3, verbose=0,
                callbacks=[callbacks.BackupAndRestore(str(tmp_path / "backup"))])
    for got, want in zip(resumed.get_weights(), straight.get_weights()):
        np.testing.assert_array_equal(got, want, strict=True)
