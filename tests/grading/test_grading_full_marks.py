"""Correct solutions score full marks on every assignment.

Two kinds of solution: the course's own completed notebooks (read from the course files, see
``course_dir`` in conftest.py: absent locally, the tests skip; in CI they fail), which must run
in the grader as in the course, and a hand-written solution per assignment in the course's
style (``solutions/``), which also uses the course's helper modules as students do.
"""
from __future__ import annotations

import os

import pytest

from conftest import skip_or_fail
from grading_helpers import SOLUTIONS, grade_file
from nnref.grading import ASSIGNMENTS, get_assignment


def _failures(report):
    return "\n".join([report.output] + [t.output for t in report.tests if t.status != "passed"])


def _notebook(course_dir, assignment):
    folder = course_dir / assignment
    notebooks = sorted(folder.glob("*.ipynb"))
    if len(notebooks) != 1:
        skip_or_fail(f"expected one completed notebook in {folder}, found {len(notebooks)}")
    return notebooks[0]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_course_notebook_scores_full_marks(assignment, course_dir):
    spec = get_assignment(assignment)
    report = grade_file(_notebook(course_dir, assignment), assignment)
    assert report.error is None
    assert report.score == spec.max_score, _failures(report)
    assert all(t.status == "passed" for t in report.tests)
    assert "Blocked import" not in report.output


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_hand_written_solution_scores_full_marks(assignment):
    path = os.path.join(SOLUTIONS, f"{assignment}.py")
    if not os.path.exists(path):
        skip_or_fail(f"no hand-written solution for {assignment}")
    spec = get_assignment(assignment)
    report = grade_file(path, assignment)
    assert report.error is None
    assert report.score == spec.max_score, _failures(report)
    assert all(t.status == "passed" for t in report.tests)
