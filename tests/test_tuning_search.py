"""Random, grid and coarse-to-fine search (serial backend: the logic, not the execution)."""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
import tuning_trials
from tuning_trials import quadratic

from nnref.tuning import (Choice, CoarseToFine, GridSearch, IntUniform, LogUniform, RandomSearch,
                          SearchResult, TrialRecord, Uniform, grid_counts, sample_config)

SPACE = {"lr": LogUniform(1e-4, 1), "units": IntUniform(1, 60), "epochs": 3}


def test_random_search_samples_up_front_from_its_seed():
    search = RandomSearch(SPACE, 8, metric="score", seed=11)
    rng = np.random.default_rng(11)
    expected = [sample_config(SPACE, rng) for _ in range(8)]
    assert search.configs() == expected
    assert RandomSearch(SPACE, 8, metric="score", seed=12).configs() != expected
    result = search.run(quadratic, backend="serial")
    assert [t.trial_id for t in result.trials] == list(range(8))
    assert [t.config for t in result.trials] == expected
    assert [t.metrics for t in result.trials] == [quadratic(c) for c in expected]


def test_best_is_the_max_or_min_of_the_metric():
    search_max = RandomSearch(SPACE, 10, metric="score", mode="max", seed=1)
    search_min = RandomSearch(SPACE, 10, metric="loss", mode="min", seed=1)
    r_max, r_min = search_max.run(quadratic, backend="serial"), search_min.run(quadratic, backend="serial")
    scores = [quadratic(c)["score"] for c in search_max.configs()]
    assert r_max.best.trial_id == int(np.argmax(scores))
    assert r_min.best.trial_id == r_max.best.trial_id  # loss = -score
    assert r_max.best_config == search_max.configs()[int(np.argmax(scores))]


def test_ties_go_to_the_lowest_trial_id_whatever_the_completion_order():
    trials = [TrialRecord(i, {"x": i}, metrics={"m": 1.0 if i in (2, 5) else 0.0}) for i in (5, 0, 2, 1)]
    result = SearchResult(trials, metric="m", mode="max")
    assert result.best.trial_id == 2
    assert [t.trial_id for t in result.trials] == [0, 1, 2, 5]
    assert [t.trial_id for t in result.top(2)] == [2, 5]


def test_grid_counts_share_the_budget():
    two = {"a": Uniform(0, 1), "b": LogUniform(1e-3, 1)}
    # 1x1 → 2x1 → 2x2 → 3x2 → 3x3 → 4x3 → 4x4 → 5x4 = 20; 5x5 = 25 > 20
    assert grid_counts(two, 20) == {"a": 5, "b": 4}
    assert grid_counts({"c": Choice([1, 2]), "a": Uniform(0, 1)}, 20) == {"c": 2, "a": 10}
    assert grid_counts({"n": IntUniform(1, 3), "a": Uniform(0, 1)}, 12) == {"n": 3, "a": 4}
    assert grid_counts({"a": Uniform(0, 1)}, 1) == {"a": 1}


def test_random_search_tries_more_values_per_hyperparameter_than_a_grid():
    # The course's argument for random search: 16 trials over 2 hyperparameters try 4 values
    # of each on a grid, 16 at random.
    space = {"lr": LogUniform(1e-4, 1), "beta": Uniform(0.8, 0.99)}
    grid = GridSearch(space, 16, metric="score").configs()
    rand = RandomSearch(space, 16, metric="score", seed=0).configs()
    assert len(grid) == len(rand) == 16
    assert len({c["lr"] for c in grid}) == 4 and len({c["beta"] for c in grid}) == 4
    assert len({c["lr"] for c in rand}) == 16 and len({c["beta"] for c in rand}) == 16
    assert sorted({c["lr"] for c in grid}) == pytest.approx([1e-4, 10 ** (-8 / 3), 10 ** (-4 / 3), 1.0], rel=1e-12)


def test_coarse_to_fine_zooms_in_on_the_optimum():
    space = {"lr": LogUniform(1e-6, 1), "units": IntUniform(1, 100)}
    search = CoarseToFine(space, rounds=3, trials_per_round=12, top_k=3, margin=0.05, metric="score", seed=5)
    result = search.run(quadratic, backend="serial")
    assert len(result.trials) == 36 == search.n_trials
    assert [t.round for t in result.trials] == [r for r in range(3) for _ in range(12)]
    # Each round's box lies inside the previous one (on the log scale) and is narrower.
    widths = []
    for outer, inner in zip(search.boxes, search.boxes[1:]):
        assert outer["lr"].low <= inner["lr"].low and inner["lr"].high <= outer["lr"].high
        assert outer["units"].low <= inner["units"].low and inner["units"].high <= outer["units"].high
        widths.append(math.log10(inner["lr"].high / inner["lr"].low))
    assert widths[0] < 6 and widths[1] < widths[0]
    # ...and the samples concentrate near the optimum.
    def distance(r):
        return np.mean([abs(math.log10(t.config["lr"]) + 2) for t in result.trials if t.round == r])
    assert distance(2) < distance(1) < distance(0)
    best_round0 = max(t.metrics["score"] for t in result.trials if t.round == 0)
    assert result.best.metrics["score"] >= best_round0


def test_coarse_to_fine_keeps_the_box_when_every_trial_failed():
    def fail(config):
        raise RuntimeError("nope")

    search = CoarseToFine({"lr": LogUniform(1e-4, 1)}, rounds=2, trials_per_round=3, metric="score", seed=0)
    result = search.run(fail, backend="serial")
    assert len(result.failed) == 6 and result.best is None
    assert repr(search.boxes[0]["lr"]) == repr(search.boxes[1]["lr"])


@pytest.mark.parametrize(("returns", "error"), [
    ({"score": float("nan")}, "FloatingPointError: metric 'score' is nan"),
    ({"score": float("inf")}, "FloatingPointError: metric 'score' is inf"),
    ({"other": 1.0}, "KeyError: trial returned no 'score' metric (got ['other'])"),
    ([1.0], "TypeError: trial must return a dict of metrics. Received: list [1.0]"),
    ({"score": "high"}, "TypeError: metric 'score' must be a number. Received: 'high'"),
])
def test_bad_returns_fail_the_trial_not_the_search(returns, error):
    calls = []

    def trial(config):
        calls.append(config)
        return returns if len(calls) == 2 else {"score": 1.0}

    result = RandomSearch(SPACE, 3, metric="score", seed=0).run(trial, backend="serial")
    assert [t.status for t in result.trials] == ["ok", "failed", "ok"]
    assert result.trials[1].error == error
    assert len(calls) == 3


def test_a_raising_trial_is_recorded_with_its_error_and_traceback():
    space = {"lr": LogUniform(1e-4, 1), "behaviour": Choice(["ok", "raise", "nan"])}
    search = RandomSearch(space, 12, metric="score", seed=3)
    kinds = [c["behaviour"] for c in search.configs()]
    assert set(kinds) == {"ok", "raise", "nan"}  # this seed exercises every behaviour
    result = search.run(tuning_trials.behaves, backend="serial")
    for kind, t in zip(kinds, result.trials):
        assert t.ok == (kind == "ok"), (kind, t.error)
    failed = [t for t in result.trials if t.config["behaviour"] == "raise"][0]
    assert failed.error == f"ValueError: bad config lr={failed.config['lr']}"
    assert "tuning_trials.py" in failed.traceback and "raise ValueError" in failed.traceback
    assert result.best.config["behaviour"] == "ok"


def test_serial_time_limit_marks_a_slow_trial_failed_after_it_returns(monkeypatch):
    # A counter stands in for the clock that run_trial reads: the "slow" trial advances it by
    # 100 s, the other by nothing, so no wall-clock time is involved.
    from nnref.tuning import trial as trial_module

    clock = [0.0]
    monkeypatch.setattr(trial_module, "time", SimpleNamespace(perf_counter=lambda: clock[0]))

    def trial(config):
        clock[0] += 100.0 if config["lr"] > 0.1 else 0.0
        return {"score": 1.0}

    search = GridSearch({"lr": Choice([0.01, 0.5])}, 2, metric="score")
    result = search.run(trial, backend="serial", time_limit=60)
    assert [t.status for t in result.trials] == ["ok", "failed"]
    assert [t.duration_s for t in result.trials] == [0.0, 100.0]
    assert result.trials[1].error == "TimeoutError: trial exceeded its time limit of 60 s and was stopped"
    assert result.trials[1].metrics == {"score": 1.0}  # kept: the trial did return


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    (dict(metric=""), TypeError, "metric must be a metric name (str). Received: metric=''"),
    (dict(metric="s", mode="best"), ValueError, "mode must be one of ('max', 'min'). Received: mode='best'"),
    (dict(metric="s", seed=-1), ValueError, "seed must be an integer >= 0 or None. Received: seed=-1"),
])
def test_search_arguments_are_validated(kwargs, error, words):
    with pytest.raises(error) as info:
        RandomSearch(SPACE, 3, **kwargs)
    assert words in str(info.value)


@pytest.mark.parametrize(("run_kwargs", "error", "words"), [
    (dict(backend="threads"), ValueError, "backend must be one of ('process', 'ray', 'serial')"),
    (dict(workers=0), ValueError, "workers must be an integer >= 1 or None. Received: workers=0"),
    (dict(time_limit=-1), ValueError, "time_limit must be a finite number of seconds > 0 or None. Received: time_limit=-1"),
    (dict(address="auto"), ValueError, "address is only used by backend='ray'"),
])
def test_run_arguments_are_validated(run_kwargs, error, words):
    with pytest.raises(error) as info:
        RandomSearch(SPACE, 3, metric="score", seed=0).run(quadratic, **run_kwargs)
    assert words in str(info.value)


def test_seed_none_draws_and_records_a_seed():
    a, b = RandomSearch(SPACE, 3, metric="score"), RandomSearch(SPACE, 3, metric="score")
    assert isinstance(a.seed, int) and a.seed != b.seed
    assert RandomSearch(SPACE, 3, metric="score", seed=a.seed).configs() == a.configs()
