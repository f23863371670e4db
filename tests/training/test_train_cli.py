"""`nnref train`: the main job, end to end on the real data, and its failure modes."""
from __future__ import annotations

import json

import numpy as np
import pytest

from nnref.cli import main


def test_train_signs_writes_weights_history_and_plot(signs, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "signs", "--epochs", "2", "--out", str(out), "--verbose", "0",
                 "--print-every", "1"]) == 0
    text = capsys.readouterr().out
    assert "epoch     1:" in text and "epoch     2:" in text and "test accuracy" in text
    record = json.loads((out / "history.json").read_text())
    assert len(record["history"]["loss"]) == 2 and 0 <= record["test_accuracy"] <= 1
    png = (out / "learning_curve.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(out.glob("*.tmp"))

    from nnref.train_cli import SPECS, build_model
    import argparse
    args = argparse.Namespace(l2=0.0, batchnorm=False, dropout=0.0, dtype="float64", seed=1,
                              optimizer=None, learning_rate=None, convention="course")
    model = build_model(SPECS["signs"], args, 12288, 32)
    before = model.get_weights()
    model.load_weights(out / "signs.weights.h5")
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_same_seed_same_run(signs, tmp_path):
    for name in ("a", "b"):
        assert main(["train", "signs", "--epochs", "1", "--out", str(tmp_path / name), "--verbose", "0",
                     "--no-plot", "--dtype", "float32", "--batchnorm", "--dropout", "0.1", "--l2", "0.1"]) == 0
    a = json.loads((tmp_path / "a" / "history.json").read_text())["history"]
    b = json.loads((tmp_path / "b" / "history.json").read_text())["history"]
    assert a == b


def test_missing_data_says_where_it_looked(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("NNREF_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    assert main(["train", "catvnoncat", "--data", str(empty), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert str(empty) in err and "train_catvnoncat.h5" in err


def test_auto_falls_back_to_the_generated_flower_data(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("NNREF_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["train", "--epochs", "300", "--out", str(tmp_path / "o"), "--verbose", "0", "--no-plot"]) == 0
    captured = capsys.readouterr()
    assert "SIGNS data not found" in captured.err and "flower" in captured.out
    record = json.loads((tmp_path / "o" / "history.json").read_text())
    assert record["dataset"] == "flower"
    assert record["history"]["loss"][-1] < record["history"]["loss"][0]
    assert record["train_accuracy"] > 0.8                 # the course reaches 0.9 after 10000 epochs
