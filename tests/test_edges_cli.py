"""The command line's edges, tried as a new user would: every bad option is refused by name before
any work (exit 2, one line, no traceback); an explicit --data is the only place looked at; no
finished epoch is lost (Ctrl-C, --resume, checkpoints); each run's outputs are one set."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nnref.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _fails_with_usage(capsys, argv, *needles):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err
    return err


# ----------------------------------------------------------------------------- argparse-level checks
@pytest.mark.parametrize("option, value, expected", [
    ("--epochs", "-5", "an integer >= 0"),
    ("--batch-size", "-32", "an integer >= 1"),
    ("--batch-size", "0", "an integer >= 1"),
    ("--print-every", "0", "an integer >= 1"),
    ("--learning-rate", "-1", "a finite number > 0"),
    ("--learning-rate", "0", "a finite number > 0"),
    ("--learning-rate", "nan", "a finite number > 0"),
    ("--learning-rate", "inf", "a finite number > 0"),
    ("--dropout", "1.0", "a number in [0, 1)"),
    ("--dropout", "-0.1", "a number in [0, 1)"),
    ("--l2", "-0.5", "a finite number >= 0"),
    ("--seed", "-1", "an integer >= 0"),
    ("--checkpoint", "0", "an integer >= 1"),
])
def test_train_rejects_bad_values_by_name(capsys, tmp_path, option, value, expected):
    err = _fails_with_usage(capsys, ["train", "flower", option, value, "--out", str(tmp_path / "o")],
                            f"argument {option}", expected, f"Received: '{value}'")
    assert err.strip().splitlines()[-1].startswith("nnref train: error: argument")   # after the usage
    assert not (tmp_path / "o").exists()                 # nothing written


def test_out_that_is_a_file_is_refused(capsys, tmp_path):
    file = tmp_path / "taken"
    file.write_text("mine")
    _fails_with_usage(capsys, ["train", "flower", "--out", str(file)], "argument --out", "not an existing file")
    assert file.read_text() == "mine"


def test_out_below_a_file_is_refused_before_any_work(capsys, tmp_path):
    file = tmp_path / "taken"
    file.write_text("mine")
    assert main(["train", "flower", "--epochs", "5", "--out", str(file / "sub"), "--no-plot"]) == 2
    err = capsys.readouterr()
    assert f"cannot write into {file / 'sub'}" in err.err and "is a file, not a folder" in err.err
    assert "epoch" not in err.out and ".tmp" not in err.err


def test_tune_results_that_is_a_folder_is_refused(capsys, tmp_path):
    _fails_with_usage(capsys, ["tune", "signs", "--results", str(tmp_path)], "argument --results",
                      "a file name, not a folder")


def test_parity_json_that_is_a_folder_is_refused(capsys, tmp_path):
    _fails_with_usage(capsys, ["parity", "--json", str(tmp_path)], "argument --json", "a file name, not a folder")


@pytest.mark.parametrize("command, option", [(["parity"], "--json"), (["tune", "signs"], "--results")])
def test_output_below_a_file_is_refused_before_any_work(capsys, tmp_path, command, option):
    blocker = tmp_path / "taken"
    blocker.write_text("mine")
    assert main([*command, option, str(blocker / "out.json")]) == 2
    err = capsys.readouterr().err
    assert f"{option}: cannot write into {blocker}" in err and "is a file, not a folder" in err
    assert len(err.strip().splitlines()) == 1 and blocker.read_text() == "mine"


def test_tune_checks_every_derived_output(capsys, tmp_path):
    (tmp_path / "trials.csv").mkdir()                     # where the table would go
    assert main(["tune", "signs", "--results", str(tmp_path / "trials.jsonl")]) == 2
    assert f"cannot write {tmp_path / 'trials.csv'}: it is a folder" in capsys.readouterr().err


# ----------------------------------------------------------------------------- explicit data paths
def _folders(tmp_path):
    only_train = tmp_path / "only-train"
    only_train.mkdir()
    (only_train / "train_signs.h5").write_bytes(b"not really")
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    empty = tmp_path / "empty"
    empty.mkdir()
    return {"missing": tmp_path / "missing", "empty": empty, "a file": a_file, "only train": only_train}


@pytest.mark.parametrize("case", ["missing", "empty", "a file", "only train"])
@pytest.mark.parametrize("command", [["train", "signs"], ["train"], ["tune", "signs", "--trials", "1"],
                                     ["parity"]])
def test_explicit_data_is_the_only_place_looked_at(signs, tmp_path, capsys, monkeypatch, case, command):
    monkeypatch.chdir(tmp_path)                           # NNREF_DATA still names the real files
    folder = _folders(tmp_path)[case]
    extra = {"train": ["--epochs", "1", "--no-plot", "--out", str(tmp_path / "o")],
             "tune": ["--epochs", "1", "--no-plot", "--results", str(tmp_path / "t.jsonl")],
             "parity": ["--json", str(tmp_path / "p.json")]}[command[0]]
    status = main([*command, "--data", str(folder), *extra])
    err = capsys.readouterr().err
    assert status != 0
    assert str(folder.resolve()) in err and "the only place looked at" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o" / "history.json").exists() and not (tmp_path / "p.json").exists()


@pytest.mark.parametrize("case", ["missing", "empty", "a file", "only train"])
def test_load_signs_with_a_path_never_substitutes(signs, tmp_path, case):
    from nnref.datasets import load_signs

    folder = _folders(tmp_path)[case]
    with pytest.raises(FileNotFoundError, match="the only place looked at") as info:
        load_signs(path=folder)
    assert str(folder.resolve()) in str(info.value)


def test_wrong_folder_hints_at_the_right_one(signs, tmp_path):
    from nnref.datasets import find_data, load_signs

    parent = find_data("signs")["train_signs.h5"].parent.parent
    with pytest.raises(FileNotFoundError, match=r"they are in .*signs: pass that folder"):
        load_signs(path=parent)
    with pytest.raises(FileNotFoundError):
        load_signs(path=parent / "catvnoncat")


# ----------------------------------------------------------------------------- one run, one set
def _train(tmp_path, *extra):
    return main(["train", "signs", "--epochs", "2", "--verbose", "0", "--no-plot", *extra])


def test_default_outputs_are_one_folder_per_run_with_latest(signs, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert _train(tmp_path) == 0
    assert _train(tmp_path) == 0
    runs = sorted(p for p in (tmp_path / "runs" / "signs").iterdir() if p.name != "latest")
    assert len(runs) == 2
    latest = (tmp_path / "runs" / "signs" / "latest").resolve()
    record = json.loads((latest / "history.json").read_text())
    assert latest.name == record["run_id"] and latest in runs
    for run in runs:
        assert json.loads((run / "history.json").read_text())["run_id"] == run.name
        assert (run / "signs.weights.h5").is_file() and (run / "checkpoint.npz").is_file()


def test_out_holding_an_earlier_run_keeps_it_apart(signs, tmp_path, capsys):
    out = tmp_path / "o"
    assert _train(tmp_path, "--out", str(out)) == 0
    first = json.loads((out / "history.json").read_text())
    weights = (out / "signs.weights.h5").read_bytes()
    assert _train(tmp_path, "--out", str(out), "--seed", "3") == 0
    kept = out / "earlier" / first["run_id"]
    assert f"moved an earlier run's files from {out} to {kept}" in capsys.readouterr().err
    assert json.loads((kept / "history.json").read_text()) == first
    assert (kept / "signs.weights.h5").read_bytes() == weights and (kept / "checkpoint.npz").is_file()
    second = json.loads((out / "history.json").read_text())
    assert second["run_id"] != first["run_id"]
    import numpy as np_
    with np_.load(out / "checkpoint.npz") as npz:                 # the top level is one run's set
        assert json.loads(str(npz["header"]))["run_id"] == second["run_id"]
    assert _train(tmp_path, "--out", str(out), "--overwrite") == 0
    assert "deleted an earlier run's files" in capsys.readouterr().err
    assert sorted(p.name for p in (out / "earlier").iterdir()) == [first["run_id"]]


def test_a_refused_run_changes_nothing_in_out(signs, tmp_path, capsys):
    out = tmp_path / "o"
    assert _train(tmp_path, "--out", str(out)) == 0
    before = sorted(p.name for p in out.iterdir())
    assert _train(tmp_path, "--out", str(out), "--data", str(tmp_path / "missing")) == 1
    assert sorted(p.name for p in out.iterdir()) == before


def test_stale_temp_files_of_dead_writers_are_removed(signs, tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    stale = out / f".history.json.{dead}.abcd1234.tmp"
    stale.write_text("half")
    alive = out / f".history.json.{os.getpid()}.abcd1234.tmp"   # a running writer's: kept
    alive.write_text("in progress")
    assert _train(tmp_path, "--out", str(out)) == 0
    assert not stale.exists() and alive.exists()


def test_divergence_saves_the_finished_epochs(catvnoncat, tmp_path, capsys):
    out = tmp_path / "o"
    with np.errstate(all="ignore"):
        status = main(["train", "catvnoncat", "--learning-rate", "10", "--epochs", "50", "--verbose", "0",
                       "--out", str(out)])
    assert status == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "The training loss became nan" in err and "saved the 1 finished epoch(s) of 50" in err
    record = json.loads((out / "history.json").read_text())
    assert record["epochs_done"] == 1 and len(record["history"]["loss"]) == 1
    assert all(np.isfinite(v) for v in record["history"]["loss"])


def test_epochs_zero_saves_without_crashing(signs, tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["train", "signs", "--epochs", "0", "--verbose", "0", "--out", str(out)]) == 0
    assert "no epoch trained: no learning curve written" in capsys.readouterr().out
    record = json.loads((out / "history.json").read_text())
    assert record["epochs_done"] == 0 and record["history"] == {}
    assert (out / "signs.weights.h5").is_file() and not (out / "learning_curve.png").exists()


def test_zero_options_are_not_replaced_by_defaults(signs, tmp_path):
    from nnref.train_cli import SPECS, build_model
    import argparse

    args = argparse.Namespace(l2=0.0, batchnorm=False, dropout=0.0, dtype="float64", seed=0,
                              optimizer=None, learning_rate=0.5, convention=None)
    assert build_model(SPECS["signs"], args, 12288, 32).optimizer.learning_rate == 0.5


# ----------------------------------------------------------------------------- no run lost
def test_resume_continues_exactly(signs, tmp_path):
    whole, part = tmp_path / "whole", tmp_path / "part"
    common = ["--verbose", "0", "--no-plot", "--shuffle", "--dropout", "0.2", "--batchnorm"]
    assert main(["train", "signs", "--epochs", "3", "--out", str(whole), *common]) == 0
    assert main(["train", "signs", "--epochs", "2", "--out", str(part), *common]) == 0
    assert main(["train", "--resume", str(part), "--epochs", "3", "--verbose", "0", "--no-plot"]) == 0
    a = json.loads((whole / "history.json").read_text())
    b = json.loads((part / "history.json").read_text())
    assert a["history"] == b["history"] and a["test_accuracy"] == b["test_accuracy"]
    import h5py
    with h5py.File(whole / "signs.weights.h5") as f, h5py.File(part / "signs.weights.h5") as g:
        f.visititems(lambda name, obj: None if not hasattr(obj, "shape")
                     else np.testing.assert_array_equal(obj[()], g[name][()]))


def test_resume_refuses_changed_options(signs, tmp_path, capsys):
    out = tmp_path / "o"
    assert _train(tmp_path, "--out", str(out)) == 0
    assert main(["train", "--resume", str(out), "--learning-rate", "0.1"]) == 2
    assert "--learning-rate 0.1 differs from the run's 0.0001" in capsys.readouterr().err
    dropped = tmp_path / "dropout"
    assert _train(tmp_path, "--out", str(dropped), "--dropout", "0.2") == 0
    capsys.readouterr()
    assert main(["train", "--resume", str(dropped), "--dropout", "0"]) == 2     # a given 0 counts
    assert "--dropout 0.0 differs from the run's 0.2" in capsys.readouterr().err
    assert main(["train", "--resume", str(tmp_path / "nothing")]) == 2
    assert "no checkpoint in" in capsys.readouterr().err


def test_checkpoint_every_n_epochs(signs, tmp_path, monkeypatch):
    from nnref import runs

    saved = []
    real = runs.save_checkpoint
    monkeypatch.setattr(runs, "save_checkpoint", lambda p, s, m: saved.append(s["epoch"]) or real(p, s, m))
    assert main(["train", "signs", "--epochs", "4", "--checkpoint", "2", "--verbose", "0", "--no-plot",
                 "--out", str(tmp_path / "o")]) == 0
    assert saved == [2, 4, 4]                           # every 2 epochs, then the final one


def test_ctrl_c_saves_the_finished_epochs(signs, tmp_path):
    out = tmp_path / "o"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    proc = subprocess.Popen([sys.executable, "-m", "nnref", "train", "signs", "--epochs", "500",
                             "--verbose", "0", "--print-every", "1", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        for line in proc.stdout:
            if line.startswith("epoch     2:"):
                break
        proc.send_signal(signal.SIGINT)
        out_text, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and "interrupted; saved the" in err and "--resume" in err
    record = json.loads((out / "history.json").read_text())
    done = record["epochs_done"]
    assert record["interrupted"] and 2 <= done < 500
    assert len(record["history"]["loss"]) == done
    assert (out / "learning_curve.png").is_file() and (out / "signs.weights.h5").is_file()
    assert not list(out.glob(".*.tmp"))


# ----------------------------------------------------------------------------- honest labels
def test_flower_has_no_test_accuracy(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("NNREF_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["train", "flower", "--epochs", "3", "--verbose", "0", "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "test accuracy" not in out and "no test set" in out
    record = json.loads((tmp_path / "o" / "history.json").read_text())
    assert record["test_accuracy"] is None and "val_accuracy" not in record["history"]


def test_batchnorm_labels_both_accuracies_and_verbose_2_prints_each_epoch_once(signs, tmp_path, capsys):
    assert main(["train", "signs", "--epochs", "3", "--batchnorm", "--verbose", "2", "--no-plot",
                 "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.lower().startswith("epoch")]
    assert len(lines) == 3
    assert all("(training mode)" in line and "(inference mode)" in line for line in lines)
    record = json.loads((tmp_path / "o" / "history.json").read_text())
    assert len(record["history"]["train_accuracy_inference"]) == 3


def test_curve_log_axis_and_markers(tmp_path):
    from nnref.learning_curve import cost_axis_scale, plot_history

    assert cost_axis_scale([1.0, 97.0, 0.5]) == "log"
    assert cost_axis_scale([1.0, 0.5]) == "linear"
    fig = plot_history({"loss": [0.5], "accuracy": [0.6]}, tmp_path / "c.png", "one epoch")
    line = fig.axes[0].get_lines()[0]
    assert line.get_marker() == "o"
    fig = plot_history({"loss": [1.0, 97.0] + [0.5] * 40, "accuracy": [0.5] * 42}, tmp_path / "d.png", "t")
    assert fig.axes[0].get_yscale() == "log" and fig.axes[0].get_lines()[0].get_marker() in ("None", "", None)
    with pytest.raises(ValueError, match="no epoch"):
        plot_history({"loss": []}, tmp_path / "e.png", "none")


# ----------------------------------------------------------------------------- pipes and temp names
def test_closed_pipe_ends_quietly(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(f"{sys.executable} -m nnref grade --list | head -1", shell=True,
                          capture_output=True, text=True, env=env, timeout=120)
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
    assert len(proc.stdout.splitlines()) == 1


def test_write_errors_name_the_users_path_not_the_temporary_file(tmp_path):
    from nnref._files import atomic_write

    target = tmp_path / "history.json"

    def full_disk(f):
        raise OSError(28, "No space left on device", f.name)

    with pytest.raises(OSError) as info:
        atomic_write(target, full_disk)
    assert str(target) in str(info.value) and ".tmp" not in str(info.value)
    assert not list(tmp_path.iterdir())


def test_unguarded_tuning_script_says_to_add_the_main_guard(tmp_path):
    script = tmp_path / "search.py"
    script.write_text(
        "from nnref.tuning import RandomSearch, LogUniform\n"
        "def trial(config):\n"
        "    return {'val_accuracy': config['learning_rate']}\n"
        "RandomSearch({'learning_rate': LogUniform(1e-4, 1)}, n_trials=2, metric='val_accuracy',\n"
        "             seed=0).run(trial, workers=2, results='s.jsonl')\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode != 0
    assert 'if __name__ == "__main__":' in proc.stderr.splitlines()[-1]
    assert len(proc.stderr.splitlines()) < 25                 # was 137 lines of worker tracebacks
    guarded = script.read_text().replace("RandomSearch(", "if __name__ == '__main__':\n    RandomSearch(", 1)
    script.write_text(guarded.replace("\n             seed=0)", "\n                 seed=0)"))
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
