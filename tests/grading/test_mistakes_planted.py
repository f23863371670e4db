"""The planted mistakes of tools/plant_mistakes.py: every edit applies to the course's completed
notebook, and a sample graded end to end gets the right verdict (the full run is the tool's)."""
from __future__ import annotations

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

from plant_mistakes import judge, notebook_of, plant  # noqa: E402
from planted_mistakes import EQUIVALENT, IN_CATALOGUE, NOT_IN_CATALOGUE, PLANTS  # noqa: E402

from nnref.grading.grader import grade  # noqa: E402
from nnref.grading.mistakes import catalogue  # noqa: E402


def test_every_planted_catalogue_mistake_is_in_the_catalogue():
    for p in IN_CATALOGUE:
        assert p.expected in [m.key for m in catalogue(p.assignment, p.function)], p.label


@pytest.mark.parametrize("p", PLANTS, ids=[f"{i}-{p.label}" for i, p in enumerate(PLANTS)])
def test_every_edit_applies_to_the_course_notebook(course_dir, tmp_path, p):
    path = tmp_path / "planted.ipynb"
    plant(notebook_of(str(course_dir), p.assignment), p, path)
    assert path.read_text() != open(notebook_of(str(course_dir), p.assignment)).read()


SAMPLE = [next(p for p in IN_CATALOGUE if p.expected == "adam_no_bias_correction"),
          next(p for p in NOT_IN_CATALOGUE if p.function == "gradient_check_n"),
          next(p for p in EQUIVALENT if p.function == "update_lr")]


@pytest.mark.parametrize("p,verdict", list(zip(SAMPLE, ["correct", "unnamed", "passed"])),
                         ids=["catalogue", "not in the catalogue", "equivalent"])
def test_a_graded_sample_gets_its_verdict(course_dir, tmp_path, p, verdict):
    path = tmp_path / "planted.ipynb"
    plant(notebook_of(str(course_dir), p.assignment), p, path)
    row = judge(p, grade(path, p.assignment), set())
    assert row["verdict"] == verdict, row
    assert "wrong" not in row["downstream"].values()
