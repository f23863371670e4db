"""``nnref grade``: one submission, a folder, --list, and the grader's own failures."""
from __future__ import annotations

import csv
import json
import os
import shutil

import pytest

from grading_helpers import FIXTURES, SOLUTIONS
from nnref.cli import main
from nnref.grading import get_assignment

GRADESCOPE_TEST_KEYS = {"name", "score", "max_score", "status", "output", "visibility"}
SOLUTION = os.path.join(SOLUTIONS, "c1w2_numpy_basics.py")
MISSING_SOFTMAX = os.path.join(FIXTURES, "c1w2_numpy_basics", "missing_function.py")


def check_results_file(path) -> dict:
    with open(path, encoding="utf-8") as f:
        results = json.load(f)
    assert {"score", "max_score", "execution_time", "output", "tests"} <= set(results)
    for test in results["tests"]:
        assert set(test) == GRADESCOPE_TEST_KEYS
        assert test["status"] in ("passed", "failed")
    assert results["score"] == sum(t["score"] for t in results["tests"])
    return results


def test_list_shows_every_assignment_with_its_points(capsys):
    assert main(["grade", "--list"]) == 0
    out = capsys.readouterr().out
    for name in ("c1w2_numpy_basics", "c1w4_deep_nn", "c2w2_optimization"):
        spec = get_assignment(name)
        assert f"{name}  ({spec.title}, {spec.max_score:g} points)" in out
        for f in spec.functions:
            assert f"    {f.name:<42} {f.points:>4g}" in out


def test_one_submission_writes_results_json_and_prints_a_table(tmp_path, capsys):
    results_path = tmp_path / "out" / "results.json"
    code = main(["grade", MISSING_SOFTMAX, "-a", "c1w2_numpy_basics", "--results",
                 str(results_path), "--timeout", "30", "--memory", "1024"])
    assert code == 0
    results = check_results_file(results_path)
    assert (results["score"], results["max_score"]) == (85, 100)
    softmax = next(t for t in results["tests"] if t["name"] == "softmax")
    assert softmax["status"] == "failed" and "softmax is not defined" in softmax["output"]
    out = capsys.readouterr().out
    assert "softmax is not defined" in out and "total" in out and "85/100" in out
    assert [p.name for p in results_path.parent.iterdir()] == ["results.json"]  # no temp left


@pytest.mark.parametrize("argv, message", [
    (["grade", SOLUTION], "--assignment NAME are required"),
    (["grade", SOLUTION, "-a", "c9w9_nothing"], "assignment must be one of c1w2_numpy_basics"),
    (["grade", SOLUTION, "-a", "c1w2_numpy_basics", "--timeout", "-1"],
     "timeout must be a positive number. Received: timeout=-1.0"),
    (["grade", SOLUTION, "-a", "c1w2_numpy_basics", "--memory", "64"],
     "memory_mb must be at least 256"),
    (["grade", SOLUTION, "-a", "c1w2_numpy_basics", "--cpus", "0"],
     "cpus must be a positive number. Received: cpus=0.0"),
    (["grade", "no/such/file.py", "-a", "c1w2_numpy_basics"], "no such file or folder"),
])
def test_usage_errors_exit_2_with_a_message(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_a_failing_grader_still_writes_a_zero_score_results_json(tmp_path, monkeypatch, capsys):
    import nnref.grading.grader as grader

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(grader, "grade", broken)
    results_path = tmp_path / "results.json"
    assert main(["grade", SOLUTION, "-a", "c1w2_numpy_basics", "--results", str(results_path)]) == 1
    results = check_results_file(results_path)
    assert results["score"] == 0
    assert results["extra_data"]["error"] == "RuntimeError: disk on fire"
    assert "The grader failed (not because of the submission): RuntimeError: disk on fire" \
        in results["output"]
    assert "Traceback" in results["extra_data"]["traceback"]  # for the instructor only


def test_grade_reports_a_broken_answer_key_instead_of_raising(monkeypatch):
    import nnref.grading.grader as grader

    monkeypatch.setattr(grader, "answer_key", lambda spec: 1 / 0)
    report = grader.grade(SOLUTION, "c1w2_numpy_basics")
    assert report.error == "ZeroDivisionError: division by zero"
    assert report.score == 0 and report.max_score == 100
    assert all(t.status == "failed" for t in report.tests)


def test_folder_mode_with_two_workers_grades_each_submission_and_writes_a_csv_summary(tmp_path, capsys):
    folder = tmp_path / "submissions"
    (folder / "student_a").mkdir(parents=True)
    (folder / "student_b").mkdir()
    (folder / "student_c" / ".ipynb_checkpoints").mkdir(parents=True)
    shutil.copy(SOLUTION, folder / "alice.py")
    shutil.copy(MISSING_SOFTMAX, folder / "bob.py")
    shutil.copy(SOLUTION, folder / "student_a" / "hw.py")
    shutil.copy(SOLUTION, folder / "student_b" / "one.py")
    shutil.copy(SOLUTION, folder / "student_b" / "two.py")
    shutil.copy(SOLUTION, folder / "student_c" / ".ipynb_checkpoints" / "old.py")
    (folder / "notes.txt").write_text("not a submission")
    out_dir = tmp_path / "graded"
    code = main(["grade", str(folder), "-a", "c1w2_numpy_basics", "--workers", "2",
                 "--output-dir", str(out_dir), "--timeout", "30", "--quiet"])
    assert code == 0
    with open(out_dir / "summary.csv", encoding="utf-8") as f:
        rows = {row["submission"]: row for row in csv.DictReader(f)}
    assert list(rows) == ["alice.py", "bob.py", "student_a", "student_b", "student_c"]
    assert [rows[n]["score"] for n in rows] == ["100", "85", "100", "0", "0"]
    assert rows["bob.py"]["softmax"] == "0" and rows["bob.py"]["L2"] == "15"
    for name in rows:
        check_results_file(out_dir / f"{name}.results.json")
    b = check_results_file(out_dir / "student_b.results.json")
    assert "several candidate files (one.py, two.py)" in b["output"]
    c = check_results_file(out_dir / "student_c.results.json")
    assert "no .py or .ipynb file" in c["output"]


def test_without_bubblewrap_untrusted_submissions_are_refused(monkeypatch, capsys, tmp_path):
    from nnref.grading import isolation

    monkeypatch.setattr(isolation, "problem", lambda: "bubblewrap (bwrap) is not installed; "
                        "install it with: " + isolation.BWRAP_INSTALL)
    results = tmp_path / "results.json"
    assert main(["grade", SOLUTION, "-a", "c1w2_numpy_basics", "--results", str(results)]) == 2
    err = capsys.readouterr().err
    assert "refusing to run untrusted submissions" in err
    assert "apt-get install -y bubblewrap" in err and "--trusted" in err
    assert not results.exists()
    assert main(["grade", SOLUTION, "-a", "c1w2_numpy_basics", "--results", str(results),
                 "--trusted", "--quiet"]) == 0
    assert "WITHOUT the sandbox" in capsys.readouterr().err
    assert check_results_file(results)["score"] == 100


@pytest.mark.parametrize("option, value, message", [
    ("--results", "{tmp}", "--results must be a file that can be written (it is a folder)"),
    ("--results", "{tmp}/afile/results.json", "is not a folder"),
    ("--output-dir", "{tmp}/afile", "output_dir must be a folder where files can be written"),
])
def test_output_locations_are_checked_before_any_grading(option, value, message, tmp_path,
                                                         monkeypatch, capsys):
    import nnref.grading.batch as batch
    import nnref.grading.grader as grader

    def never(*args, **kwargs):
        raise AssertionError("grading started")

    monkeypatch.setattr(grader, "grade", never)
    monkeypatch.setattr(batch, "grade", never)
    (tmp_path / "afile").write_text("not a folder")
    target = SOLUTION if option == "--results" else os.path.dirname(SOLUTION)
    assert main(["grade", target, "-a", "c1w2_numpy_basics", option,
                 value.format(tmp=tmp_path)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("reader", ["head -1", "true"])  # `true` leaves before the first write
def test_list_piped_into_a_reader_that_leaves_ends_quietly(reader):
    import subprocess
    import sys

    from grading_helpers import ROOT

    env = dict(os.environ, PYTHONPATH=ROOT)
    done = subprocess.run(f"{sys.executable} -m nnref grade --list | {reader}", shell=True,
                          capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.stdout.startswith("c1w2_numpy_basics") or reader == "true"
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr


def test_a_fifo_given_as_the_submission_is_refused(tmp_path, capsys):
    fifo = tmp_path / "student.py"
    os.mkfifo(fifo)
    results = tmp_path / "results.json"
    assert main(["grade", str(fifo), "-a", "c1w2_numpy_basics", "--results", str(results),
                 "--quiet"]) == 0
    assert "not a regular file" in check_results_file(results)["output"]
