"""Results: CSV and strict JSON of every trial, the best config, the plot on the spaces' scales."""
from __future__ import annotations

import csv
import json

import pytest
import tuning_trials

from nnref.tuning import (Choice, IntUniform, LogUniform, OneMinusLogUniform, RandomSearch, SearchResult, TrialRecord,
                          Uniform)
from nnref.tuning.results import atomic_write

SPACE = {"lr": LogUniform(1e-4, 1), "beta": OneMinusLogUniform(0.9, 0.999), "units": IntUniform(5, 40),
         "bs": Choice([16, 32, 64]), "drop": Uniform(0, 0.5), "behaviour": Choice(["ok", "ok", "nan"]),
         "epochs": 4}


@pytest.fixture(scope="module")
def result():
    return RandomSearch(SPACE, 12, metric="score", seed=6).run(tuning_trials.behaves, backend="serial")


def _strict(text):
    def no_constant(name):
        raise AssertionError(f"non-standard JSON constant {name}")
    return json.loads(text, parse_constant=no_constant)


def test_the_fixture_has_successes_and_failures(result):
    assert result.succeeded and result.failed  # so that the tests below see both


def test_csv_holds_every_trial_with_its_config_and_metrics(result, tmp_path):
    path = result.to_csv(tmp_path / "trials.csv")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 12
    assert list(rows[0])[:3] == ["trial_id", "round", "status"]
    assert list(rows[0])[3:10] == list(SPACE)
    for row, t in zip(rows, result.trials):
        assert int(row["trial_id"]) == t.trial_id and row["status"] == t.status
        assert float(row["lr"]) == t.config["lr"]  # full precision
        assert int(row["units"]) == t.config["units"]
        if t.ok:
            assert float(row["score"]) == t.metrics["score"] and row["error"] == ""
        else:
            assert row["error"] == "FloatingPointError: metric 'score' is nan"


def test_json_is_strict_and_holds_the_best(result, tmp_path):
    data = _strict(result.to_json(tmp_path / "trials.json").read_text())
    assert data["metric"] == "score" and data["mode"] == "max"
    assert data["n_trials"] == 12 and data["n_failed"] == len(result.failed)
    assert data["space"]["lr"] == "LogUniform(0.0001, 1.0)" and data["space"]["epochs"] == 4
    assert data["best"]["trial_id"] == result.best.trial_id
    nan_trial = next(t for t in data["trials"] if t["status"] == "failed")
    assert nan_trial["metrics"]["score"] is None  # NaN written as null
    best = _strict(result.save_best(tmp_path / "best.json").read_text())
    assert best["config"] == result.best.config and best["metrics"] == result.best.metrics


def test_the_table_lists_the_best_first_and_failures_last(result):
    lines = result.format_table().splitlines()
    assert lines[0].split()[:3] == ["trial", "lr", "beta"]
    assert lines[1].split()[0] == str(result.best.trial_id)
    assert "failed: FloatingPointError" in lines[-1]


def test_plot_uses_log_axes_for_log_spaces_and_one_minus_beta(result, tmp_path):
    path = tmp_path / "plot.png"
    fig = result.plot(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plot.png"]  # no temporary file left
    axes = {ax.get_xlabel(): ax for ax in fig.axes if ax.get_visible()}
    assert list(axes) == ["lr", "1 − beta", "units", "bs", "drop", "behaviour"]
    assert [axes[n].get_xscale() for n in axes] == ["log", "log", "linear", "linear", "linear", "linear"]
    points = axes["1 − beta"].collections[0].get_offsets()
    assert sorted(points[:, 0]) == pytest.approx(sorted(1 - t.config["beta"] for t in result.succeeded), rel=1e-12)
    assert sorted(points[:, 1]) == sorted(t.metrics["score"] for t in result.succeeded)
    assert [t.get_text() for t in axes["bs"].get_xticklabels()] == ["16", "32", "64"]


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old")

    def broken(f):
        f.write("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, broken)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def _failed(trial_id, error):
    return TrialRecord(trial_id, {"lr": 0.1}, status="failed", error=error)


def test_a_cause_shared_by_every_failed_trial_is_named_once(result):
    missing = "FileNotFoundError: Could not find the SIGNS data: train_signs.h5 and test_signs.h5. Looked in:"
    # the first line decides: the folders listed below it differ from one node to another
    every = [_failed(i, f"{missing}\n  - ./datasets = /node{i}/datasets: no such folder") for i in range(3)]
    assert SearchResult(every, metric="score").shared_error == missing
    assert SearchResult(every[:1], metric="score").shared_error == missing
    assert result.shared_error is None  # some trials succeeded
    different = every[:2] + [_failed(2, "ValueError: bad config lr=0.1")]
    assert SearchResult(different, metric="score").shared_error is None
    assert SearchResult([_failed(0, None), _failed(1, None)], metric="score").shared_error is None
    assert SearchResult([], metric="score").shared_error is None
