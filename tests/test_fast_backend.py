"""The backend switch (set_backend, NNREF_BACKEND), its bad input, where numba is imported, the
compilation cache folder, and whole training runs equal under both engines."""
import os
import subprocess
import sys

import numpy as np
import pytest

import nnref
from nnref import _fast, backend, layers, losses, optimizers
from nnref.functional import optim
from nnref.models import Sequential

from conftest import require_module

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(autouse=True)
def fresh_choice(monkeypatch):
    """Each test starts with no set_backend choice and no NNREF_BACKEND."""
    monkeypatch.setattr(backend, "_chosen", None)
    monkeypatch.delenv(backend.ENVIRONMENT_VARIABLE, raising=False)


def _fused_calls(monkeypatch):
    """Record every request for a fused loop."""
    calls = []
    loop_for = _fast.loop_for                         # every request for a loop ends here
    monkeypatch.setattr(_fast, "loop_for", lambda rule, first: calls.append(rule) or
                        loop_for(rule, first))
    return calls


def _adam_step(dtype="float32", size=_fast.MIN_SIZE):
    w, g = np.ones(size, dtype), np.full(size, 0.5, dtype)
    optim.adam_update(w, g, np.zeros_like(w), np.zeros_like(w), 1, 0.1, 0.9, 0.999, 1e-8,
                      work=optim.work_arrays(w, 2))
    return w


def test_default_is_numba_when_installed():
    require_module("numba")
    assert backend.get_backend() == "numba" and nnref.get_backend() == "numba"


def test_numpy_choice_never_asks_for_fused_loops(monkeypatch):
    require_module("numba")
    calls = _fused_calls(monkeypatch)
    nnref.set_backend("numpy")
    numpy_result = _adam_step()
    assert calls == []
    nnref.set_backend("numba")
    np.testing.assert_array_equal(_adam_step(), numpy_result)
    assert len(calls) == 1


def test_environment_variable_and_set_backend_order(monkeypatch):
    require_module("numba")
    monkeypatch.setenv("NNREF_BACKEND", "numpy")
    assert backend.get_backend() == "numpy"
    calls = _fused_calls(monkeypatch)
    _adam_step()
    assert calls == []
    backend.set_backend("numba")                       # an explicit call wins
    assert backend.get_backend() == "numba"


@pytest.mark.parametrize("name", ["NumPy", "torch", "", None, 1])
def test_bad_backend_names(name):
    with pytest.raises(ValueError, match=rf"backend must be one of \('numpy', 'numba'\)\. "
                                         rf"Received: backend={name!r}"):
        backend.set_backend(name)
    assert backend._chosen is None                     # nothing changed


def test_bad_environment_variable(monkeypatch):
    monkeypatch.setenv("NNREF_BACKEND", "fast")
    with pytest.raises(ValueError, match="NNREF_BACKEND must be one of .* Received: "
                                         "NNREF_BACKEND='fast'"):
        backend.get_backend()


def test_without_numba(monkeypatch):
    monkeypatch.setattr(backend, "numba_available", lambda: False)
    assert backend.get_backend() == "numpy"
    with pytest.raises(ImportError, match=r'needs numba: pip install "nnref\[fast\]"'):
        backend.set_backend("numba")
    monkeypatch.setenv("NNREF_BACKEND", "numba")
    with pytest.raises(ImportError, match="NNREF_BACKEND='numba' needs numba"):
        backend.get_backend()


def _imports_numba(code, **env):
    environment = {**os.environ, "PYTHONPATH": ROOT, **env}
    environment.pop("NNREF_BACKEND", None)
    environment.update(env)
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('numba' in sys.modules)"],
                         capture_output=True, text=True, env=environment, check=True)
    return out.stdout.split()[-1] == "True"


def test_numba_is_imported_only_for_large_arrays_under_the_numba_backend():
    require_module("numba")
    small = "import numpy as np; from nnref.functional import optim; " \
            "optim.sgd_update(np.ones(10), np.ones(10), 0.1)"
    large = small.replace("10", str(_fast.MIN_SIZE))
    assert not _imports_numba("import nnref, nnref.optimizers, nnref.course")
    assert not _imports_numba(small)
    assert _imports_numba(large)
    assert not _imports_numba(large, NNREF_BACKEND="numpy")
    # the grading sandbox's own code never imports numba (nor nnref's kernels)
    assert not _imports_numba("import nnref.grading.child.runner, nnref.grading.child.wire")


def test_cache_folder_falls_back_when_the_chosen_one_is_not_writable(monkeypatch, tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(not_a_folder / "numba"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = _fast.cache_dir()
    assert folder.startswith(str(tmp_path / "cache" / "nnref" / "numba"))
    assert os.path.isdir(folder)
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "mine"))
    assert _fast.cache_dir().startswith(str(tmp_path / "mine"))


def _train(dtype, variant):
    stack = [layers.Dense(30, activation="relu")]
    if variant == "bn_dropout":
        stack += [layers.BatchNormalization(), layers.Dropout(0.2, seed=3)]
    model = Sequential([*stack, layers.Dense(3)], input_dim=300, dtype=dtype, seed=1)
    model.compile(optimizer=optimizers.Adam(1e-3),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    rng = np.random.default_rng(0)
    x = rng.random((96, 300)).astype(dtype)
    y = rng.integers(0, 3, 96)
    history = model.fit(x, y, batch_size=32, epochs=3, seed=0)
    return model.get_weights(), history.history["loss"]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("variant", ["plain", "bn_dropout"])
def test_training_gives_the_same_bits_with_both_engines(monkeypatch, dtype, variant):
    require_module("numba")
    calls = _fused_calls(monkeypatch)
    backend.set_backend("numpy")
    weights, losses_ = _train(dtype, variant)
    assert calls == []
    backend.set_backend("numba")
    fused_weights, fused_losses = _train(dtype, variant)
    assert calls                                      # the 300x30 kernel is large enough
    assert fused_losses == losses_
    for want, got in zip(weights, fused_weights):
        np.testing.assert_array_equal(got, want, strict=True)


def test_a_numba_that_fails_to_import(monkeypatch):
    """Defaulted: a warning and NumPy (same results); chosen explicitly: a clear error."""
    def broken():
        raise ImportError("Numba needs NumPy 2.0 or less")

    monkeypatch.setattr(_fast, "_KERNELS", None)
    monkeypatch.setattr(_fast, "_load", broken)
    monkeypatch.setattr(backend, "numba_available", lambda: True)
    with pytest.warns(RuntimeWarning, match="fused kernels are unavailable .*Numba needs NumPy"):
        w = _adam_step()
    np.testing.assert_array_equal(w, _adam_step())    # NumPy ran it, and keeps running it
    monkeypatch.setattr(_fast, "_KERNELS", None)
    backend.set_backend("numba")
    with pytest.raises(ImportError, match="numba backend was chosen but cannot be used"):
        _adam_step()


def test_fused_updates_from_several_python_threads(monkeypatch):
    """The fused loops are serialised (numba's workqueue layer runs one at a time): updates
    from 4 threads at once all complete, each with the single-threaded result."""
    import threading

    require_module("numba")
    backend.set_backend("numba")
    expected = _adam_step(size=4 * _fast.MIN_SIZE)
    results = [None] * 4

    def work(i):
        for _ in range(5):
            results[i] = _adam_step(size=4 * _fast.MIN_SIZE)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for result in results:
        np.testing.assert_array_equal(result, expected)


def test_plain_loop_for_small_arrays_or_one_thread_parallel_loop_otherwise(monkeypatch):
    """Both loops are compiled from the same Python function; the parallel one only pays for
    its threads' start-up on large arrays (PARALLEL_SIZE) when numba runs several threads."""
    require_module("numba")
    from nnref.functional import rules

    backend.set_backend("numba")
    _adam_step()                                        # loads the kernels
    plain, parallel = _fast._KERNELS[rules.adam_course]
    assert parallel.__wrapped__.py_func is plain.py_func
    assert parallel.__wrapped__.targetoptions["parallel"] and not plain.targetoptions.get("parallel")
    arrays = [np.ones(_fast.MIN_SIZE, "float32")] * 4
    monkeypatch.setattr(_fast, "threads", lambda: 2)
    assert _fast.kernel(rules.adam_course, arrays) is plain
    monkeypatch.setattr(_fast, "PARALLEL_SIZE", _fast.MIN_SIZE)
    assert _fast.kernel(rules.adam_course, arrays) is parallel
    monkeypatch.setattr(_fast, "threads", lambda: 1)
    assert _fast.kernel(rules.adam_course, arrays) is plain


def test_small_arrays_use_the_loops_once_numba_is_loaded(monkeypatch):
    require_module("numba")
    from nnref.functional import rules

    backend.set_backend("numba")
    small = [np.ones(10)] * 4
    monkeypatch.setattr(_fast, "_KERNELS", None)
    monkeypatch.setattr(_fast, "_load", lambda: pytest.fail("numba loaded for a small array"))
    assert _fast.kernel(rules.sgd, small) is None
    monkeypatch.undo()
    backend.set_backend("numba")
    _adam_step()
    assert _fast.kernel(rules.sgd, small) is _fast._KERNELS[rules.sgd][0]


def test_an_optimizer_forms_its_flat_views_once_and_any_layout_gives_the_same_bits(monkeypatch):
    """An optimizer keeps flat views of each parameter and its state (``full_like`` the
    parameter) and asks only for the loop at each step; a gradient of another layout is read
    from a contiguous copy, a parameter that is not C-contiguous gets NumPy's update: the same
    bits every way."""
    require_module("numba")
    from nnref.functional import engine

    backend.set_backend("numba")
    _adam_step()                                        # loads the kernels
    loop_for, views, asked = _fast.loop_for, engine.flat_views, []
    monkeypatch.setattr(_fast, "loop_for", lambda rule, first: asked.append(first.shape) or
                        loop_for(rule, first))
    monkeypatch.setattr(engine, "flat_views", lambda arrays: asked.append("views") or views(arrays))
    start = np.random.default_rng(1).standard_normal((64, 80))
    grad = np.random.default_rng(2).standard_normal((64, 80)) * 1e-2
    results = {}
    for layout, fused_steps in (("C", 3), ("F gradient", 3), ("F parameter", 0)):
        w = np.asfortranarray(start) if layout == "F parameter" else start.copy()
        g = np.asfortranarray(grad) if layout == "F gradient" else grad
        opt = optimizers.Adam(0.01)
        asked.clear()
        for _ in range(3):
            opt.apply_gradients([(g, w)])
        assert asked == ["views"] + [(64 * 80,)] * fused_steps
        results[layout] = np.ascontiguousarray(w)
    assert results["C"].tobytes() == results["F gradient"].tobytes() == results["F parameter"].tobytes()
    assert not np.array_equal(results["C"], start)
    opt.build([w])                                      # new state: the views are made again
    asked.clear()
    opt.apply_gradients([(g, w)])
    assert asked == ["views"]
