"""The SIGNS search: its space, the validation split, the trial function and ``nnref tune signs``."""
from __future__ import annotations

import csv
import json
from collections import Counter

import numpy as np
import pytest
from conftest import require_data

from nnref.cli import main
from nnref.tuning import LogUniform, OneMinusLogUniform
from nnref.tuning.signs import COURSE_DEFAULT, SIGNS_SPACE, build_model, load_split, signs_trial

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def split():
    return require_data(load_split)


def test_space_covers_what_the_course_tunes_on_its_scales():
    assert list(SIGNS_SPACE) == list(COURSE_DEFAULT)
    assert isinstance(SIGNS_SPACE["learning_rate"], LogUniform)
    assert isinstance(SIGNS_SPACE["beta_1"], OneMinusLogUniform)
    assert (SIGNS_SPACE["beta_1"].low, SIGNS_SPACE["beta_1"].high) == (0.9, 0.999)
    for name, dim in SIGNS_SPACE.items():  # the course default lies inside the searched box
        if name in ("l2", "dropout"):
            continue
        value = COURSE_DEFAULT[name]
        assert value in dim.options if hasattr(dim, "options") else dim.low <= value <= dim.high


def test_validation_is_held_out_of_the_training_set(split, signs):
    x_train, y_train, x_val, y_val = split
    assert x_train.shape == (864, 12288) and x_val.shape == (216, 12288)
    assert y_train.shape == (864, 6) and y_val.shape == (216, 6)
    assert np.all(y_train.sum(axis=1) == 1) and np.all(y_val.sum(axis=1) == 1)
    def images(x):
        return Counter(row.tobytes() for row in x)

    # train + validation is exactly the SIGNS training set, image for image (it holds a few
    # identical photos, so compare multisets)
    assert images(x_train) + images(x_val) == images(signs[0].reshape(1080, -1) / 255)
    assert not images(signs[2].reshape(120, -1) / 255) & images(x_val)  # never a test image


def test_the_model_is_the_course_architecture():
    model = build_model({**COURSE_DEFAULT, "seed": 0})
    model.build(12288)
    assert [w.shape for w in model.get_weights()] == [(12288, 25), (25,), (25, 12), (12,), (12, 6), (6,)]
    with_dropout = build_model({**COURSE_DEFAULT, "dropout": 0.2, "l2": 1e-4, "seed": 0})
    assert sum(type(layer).__name__ == "Dropout" for layer in with_dropout.layers) == 2


def test_trial_is_deterministic_and_reports_validation_metrics(split):
    config = {**COURSE_DEFAULT, "learning_rate": 3e-4, "batch_size": 64, "epochs": 1, "seed": 0}
    first, second = signs_trial(config), signs_trial(config)
    assert first == second
    assert set(first) == {"val_accuracy", "val_loss", "accuracy", "loss"}
    assert 0 <= first["val_accuracy"] <= 1 and np.isfinite(first["val_loss"])
    # val_accuracy is a multiple of 1/216: it is measured on the 216 held-out images
    assert first["val_accuracy"] * 216 == pytest.approx(round(first["val_accuracy"] * 216), abs=1e-9)


def test_cli_searches_writes_every_file_and_resumes(split, tmp_path, capsys):
    log = tmp_path / "tune" / "trials.jsonl"
    argv = ["tune", "signs", "--trials", "2", "--epochs", "1", "--workers", "1", "--seed", "1",
            "--results", str(log)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "2 trial(s) run; 2 ok, 0 failed" in out and "best: trial" in out and "course default" in out
    rows = list(csv.DictReader(open(log.with_suffix(".csv"), newline="")))
    assert [int(r["trial_id"]) for r in rows] == [0, 1]
    assert {r["epochs"] for r in rows} == {"1"}
    best = json.loads((tmp_path / "tune" / "trials.best.json").read_text())
    assert best["metrics"]["val_accuracy"] == max(float(r["val_accuracy"]) for r in rows)
    assert log.with_suffix(".png").read_bytes()[:4] == b"\x89PNG"
    before = log.read_text()
    assert main(argv + ["--no-baseline", "--no-plot"]) == 0  # everything recorded: nothing reruns
    assert f"0 trial(s) run, 2 read back from {log}" in capsys.readouterr().out
    assert log.read_text() == before
    assert main([*argv[:-2], "--seed", "2", "--results", str(log)]) == 2  # another search's log
    assert "it belongs to another search" in capsys.readouterr().err


def test_cli_rejects_bad_numbers(capsys):
    with pytest.raises(SystemExit) as info:
        main(["tune", "signs", "--trials", "0"])
    assert info.value.code == 2
    assert "argument --trials: expected an integer >= 1. Received: '0'" in capsys.readouterr().err


def test_the_trial_uses_the_arrays_shipped_with_it(split):
    config = {**COURSE_DEFAULT, "batch_size": 128, "epochs": 1, "seed": 3}
    assert signs_trial(config, split=split) == signs_trial(config)
    x_train, y_train, x_val, y_val = split
    relabelled = (x_train, np.roll(y_train, 1, axis=1), x_val, np.roll(y_val, 1, axis=1))
    assert signs_trial(config, split=relabelled) != signs_trial(config, split=split)


def test_cli_names_the_shared_cause_when_every_trial_fails(split, tmp_path, capsys):
    # Serial trials are checked against the limit once they return: 1 ms fails both, the same way.
    argv = ["tune", "signs", "--trials", "2", "--epochs", "1", "--backend", "serial", "--time-limit", "0.001",
            "--no-baseline", "--no-plot", "--results", str(tmp_path / "trials.jsonl")]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("nnref tune: all 2 trials failed with the same error: TimeoutError: trial exceeded "
                     "its time limit of 0.001 s") == 1
