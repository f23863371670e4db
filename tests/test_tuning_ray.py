"""The Ray backend against a local Ray runtime: same trials and best as the process pool; failures.

Needs ``ray`` (the ``nnref[ray]`` extra): skipped when it is missing, a failure in CI.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import tuning_trials
from conftest import IN_CI

from nnref.tuning import Choice, IntUniform, LogUniform, RandomSearch
from nnref.tuning.backends import get_backend

try:
    import ray
except ImportError:  # pragma: no cover - depends on the installation
    if IN_CI:
        raise
    pytest.skip('ray is not installed (pip install "nnref[ray]")', allow_module_level=True)

TESTS = Path(__file__).resolve().parent
SPACE = {"lr": LogUniform(1e-4, 1), "units": IntUniform(1, 60), "epochs": 2}


@pytest.fixture(scope="module")
def local_ray():
    """A 2-CPU local Ray runtime whose workers can import nnref and tuning_trials."""
    python_path = os.pathsep.join([str(TESTS), str(TESTS.parent), os.environ.get("PYTHONPATH", "")])
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False,
             object_store_memory=100 * 1024**2,
             runtime_env={"env_vars": {"PYTHONPATH": python_path, "OMP_NUM_THREADS": "1"}})
    yield
    ray.shutdown()


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


def test_raise_nan_timeout_and_a_crashed_worker_fail_their_trials_on_ray(local_ray):
    # Last in the file: the timeout and the crash kill Ray workers, which later tests would restart.
    records = []
    tasks = [(i, 0, {"lr": 0.01, "behaviour": kind})
             for i, kind in enumerate(["ok", "raise", "nan", "sleep", "exit"])]
    with get_backend("ray", workers=2, time_limit=3.0) as backend:
        backend.run(tuning_trials.behaves, "score", tasks, records.append)
    by_kind = {r.config["behaviour"]: r for r in records}
    assert sorted(by_kind) == ["exit", "nan", "ok", "raise", "sleep"]
    assert by_kind["ok"].ok and by_kind["ok"].metrics["score"] == 0.0
    assert by_kind["raise"].error == "ValueError: bad config lr=0.01"
    assert by_kind["nan"].error == "FloatingPointError: metric 'score' is nan"
    assert by_kind["sleep"].error == "TimeoutError: trial exceeded its time limit of 3 s and was stopped"
    assert not by_kind["exit"].ok and "Error" in by_kind["exit"].error.split(":")[0]
