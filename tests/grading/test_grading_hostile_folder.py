"""Hostile submissions, part 3: folder mode (names, symbolic links, FIFOs, undecodable names).

Every submission gets its own results file, one that is not a regular file of its own is refused
with a per-submission error, and summary.csv is always written.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import threading

import pytest

from hostile_helpers import SOLUTIONS, require_bwrap
from nnref.grading import Limits, grade_folder

SOLUTION = os.path.join(SOLUTIONS, "c1w2_numpy_basics.py")
LIMITS = Limits(timeout=20, call_timeout=5, memory_mb=1024)


@pytest.fixture(autouse=True)
def bwrap():
    require_bwrap()


def _grade_with_a_deadline(folder, out_dir, seconds=240):
    """grade_folder in a thread: a hanging batch fails the test instead of hanging it."""
    result = {}

    def work():
        try:
            result["reports"] = grade_folder(folder, "c1w2_numpy_basics", out_dir, workers=2,
                                             limits=LIMITS, progress=False)
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "grading the folder hangs"
    assert "error" not in result, repr(result.get("error"))
    return result["reports"]


def _summary(out_dir) -> dict:
    with open(os.path.join(out_dir, "summary.csv"), encoding="utf-8") as f:
        return {row["submission"]: row for row in csv.DictReader(f)}


def _results_files(out_dir) -> list[dict]:
    found = []
    for name in os.listdir(out_dir):
        if name.endswith(".results.json"):
            with open(os.path.join(out_dir, name), encoding="utf-8") as f:
                found.append(json.load(f))
    return found


def test_names_that_differ_only_in_punctuation_get_their_own_results(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(SOLUTION, folder / "jo_ann.py")
    (folder / "jo~ann.py").write_text("def sigmoid(x):\n    return x\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    _grade_with_a_deadline(folder, out_dir)
    results = _results_files(out_dir)
    assert len(results) == 2
    assert sorted(r["extra_data"]["submission"] for r in results) == ["jo_ann.py", "jo~ann.py"]
    assert sorted(r["score"] for r in results) == [0, 100]
    assert {k: v["score"] for k, v in _summary(out_dir).items()} == {"jo_ann.py": "100",
                                                                     "jo~ann.py": "0"}


def test_a_symlink_to_a_classmates_file_is_refused(tmp_path):
    folder = tmp_path / "class"
    (folder / "carl").mkdir(parents=True)
    shutil.copy(SOLUTION, folder / "alice.py")
    os.symlink(folder / "alice.py", folder / "bob.py")
    os.symlink(folder / "alice.py", folder / "carl" / "hw.py")
    out_dir = tmp_path / "out"
    _grade_with_a_deadline(folder, out_dir)
    rows = _summary(out_dir)
    assert rows["alice.py"]["score"] == "100"
    assert rows["bob.py"]["score"] == "0" and rows["carl"]["score"] == "0"
    for result in _results_files(out_dir):
        if result["extra_data"]["submission"] != "alice.py":
            assert "symbolic link" in result["output"]


def test_a_fifo_is_refused_and_does_not_hang_the_batch(tmp_path):
    folder = tmp_path / "class"
    (folder / "dora").mkdir(parents=True)
    shutil.copy(SOLUTION, folder / "alice.py")
    os.mkfifo(folder / "bob.py")
    os.mkfifo(folder / "dora" / "hw.ipynb")
    out_dir = tmp_path / "out"
    _grade_with_a_deadline(folder, out_dir)
    rows = _summary(out_dir)
    assert [rows[n]["score"] for n in ("alice.py", "bob.py", "dora")] == ["100", "0", "0"]
    outputs = {r["extra_data"]["submission"]: r["output"] for r in _results_files(out_dir)}
    assert "not a regular file" in outputs["bob.py"]
    assert "not a regular file" in outputs["dora"]


def test_an_undecodable_file_name_is_graded_and_summarised(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(SOLUTION, os.path.join(os.fsencode(folder), b"caf\xe9.py"))
    shutil.copy(SOLUTION, folder / "alice.py")
    out_dir = tmp_path / "out"
    reports = _grade_with_a_deadline(folder, out_dir)
    assert [r.score for r in reports] == [100, 100]
    rows = _summary(out_dir)
    assert len(rows) == 2 and all(row["score"] == "100" for row in rows.values())
    assert len(_results_files(out_dir)) == 2
