"""The Ray backend against a local Ray runtime: same trials and best as the process pool; failures.

Needs ``ray`` (the ``nnref[ray]`` extra): skipped when it is missing, a failure in CI.
"""
from __future__ import annotations

import functools
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
import tuning_trials
from conftest import require_module

from nnref.tuning import Choice, CoarseToFine, IntUniform, LogUniform, RandomSearch

try:
    import ray
except ImportError:  # pragma: no cover - the local_ray fixture skips, or fails in CI
    ray = None

TESTS = Path(__file__).resolve().parent
SPACE = {"lr": LogUniform(1e-4, 1), "units": IntUniform(1, 60), "epochs": 2}


@pytest.fixture(scope="module")
def local_ray():
    """A 2-CPU local Ray runtime whose workers can import nnref and tuning_trials; its files in
    a temporary folder of its own (short: Ray's socket paths must fit in 107 bytes)."""
    require_module("ray")
    python_path = os.pathsep.join([str(TESTS), str(TESTS.parent), os.environ.get("PYTHONPATH", "")])
    temp_dir = tempfile.mkdtemp(prefix="nnref-ray-")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False,
             object_store_memory=100 * 1024**2, _temp_dir=temp_dir,
             runtime_env={"env_vars": {"PYTHONPATH": python_path, "OMP_NUM_THREADS": "1"}})
    yield
    ray.shutdown()
    shutil.rmtree(temp_dir, ignore_errors=True)


def test_same_seed_same_trials_and_best_as_the_process_pool(local_ray):
    search = RandomSearch(SPACE, 8, metric="score", seed=21)
    on_ray = search.run(tuning_trials.quadratic, backend="ray", workers=2)
    local = search.run(tuning_trials.quadratic, backend="process", workers=2)
    assert [(t.trial_id, t.config, t.status, t.metrics) for t in on_ray.trials] == \
           [(t.trial_id, t.config, t.status, t.metrics) for t in local.trials]
    assert on_ray.best.trial_id == local.best.trial_id
    assert on_ray.best.metrics == local.best.metrics
    assert ray.is_initialized()  # a runtime the caller started is left running


def test_a_search_with_failures_on_ray_ends_and_resumes(local_ray, tmp_path):
    space = {"lr": LogUniform(1e-4, 1), "behaviour": Choice(["ok", "raise"])}
    search = RandomSearch(space, 6, metric="score", seed=0)
    kinds = [c["behaviour"] for c in search.configs()]
    assert set(kinds) == {"ok", "raise"}  # this seed exercises both
    path = tmp_path / "ray.jsonl"
    result = search.run(tuning_trials.behaves, backend="ray", workers=2, results=path)
    assert [t.ok for t in result.trials] == [k == "ok" for k in kinds]
    ran = []
    again = search.run(tuning_trials.behaves, backend="ray", results=path, on_trial=ran.append)
    assert ran == [] and [t.metrics for t in again.trials] == [t.metrics for t in result.trials]


def test_data_shipped_with_the_trial_are_put_once_and_read_from_the_object_store(local_ray, monkeypatch):
    weights = np.arange(1_000_000, dtype=np.float64)  # 8 MB: held in the object store, not inlined
    trial = functools.partial(tuning_trials.weighted_sum, weights=weights)
    puts = []
    real_put = ray.put
    monkeypatch.setattr(ray, "put", lambda value, **kw: puts.append(value) or real_put(value, **kw))
    search = CoarseToFine({"lr": LogUniform(1e-3, 1)}, rounds=2, trials_per_round=3, metric="score", seed=0)
    on_ray = search.run(trial, backend="ray", workers=2)
    assert puts == [trial]  # once for the two rounds' six tasks
    assert all(t.ok for t in on_ray.trials) and len(on_ray.trials) == 6
    assert [t.metrics["score"] for t in on_ray.trials] == [t.config["lr"] * weights.sum() for t in on_ray.trials]
    assert {t.metrics["writeable"] for t in on_ray.trials} == {0}  # views of the shared object, not copies
    local = search.run(trial, backend="process", workers=2)
    assert [t.metrics["score"] for t in local.trials] == [t.metrics["score"] for t in on_ray.trials]


def test_workers_running_another_nnref_version_are_warned_about(local_ray, monkeypatch):
    import nnref

    real = nnref.__version__
    monkeypatch.setattr(nnref, "__version__", "0.0.0.dev-driver")  # the driver's only: workers import their own
    with pytest.warns(RuntimeWarning, match=rf"run nnref {real}, this process nnref 0.0.0.dev-driver"):
        result = RandomSearch(SPACE, 1, metric="score", seed=0).run(tuning_trials.quadratic, backend="ray")
    assert result.trials[0].ok


def test_raise_nan_and_a_crashed_worker_fail_their_trials_on_ray(local_ray):
    records = tuning_trials.run_behaviours("ray", ["ok", "raise", "nan", "exit", "ok"], workers=2)
    crashed = tuning_trials.check_failures_are_recorded(records)
    assert "Error" in crashed.error.split(":")[0]  # Ray's own error class for a dead worker


def test_a_trial_over_its_time_limit_is_cancelled_on_ray(local_ray, tmp_path):
    # Last in the file: cancelling kills a Ray worker, which later tests would have to restart.
    # The hanging trial never returns; the limit is far above what the trivial second trial
    # needs once started: failing it would mean a hang, not a slow machine.
    pid_file = tmp_path / "hang.pid"
    records = tuning_trials.run_behaviours("ray", ["hang", "pid"], pid_file=pid_file, workers=1, time_limit=5.0)
    hung_pid = tuning_trials.check_the_hung_trial_was_stopped(records, pid_file, "5 s")
    assert _ends(hung_pid), f"the worker {hung_pid} of the cancelled trial is still running"


def _ends(pid: int, within: float = 120.0) -> bool:
    """Whether process ``pid`` is gone within ``within`` seconds (a bound for a hang only)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False
