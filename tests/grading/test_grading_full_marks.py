"""The course's own solutions score full marks on every assignment.

Two kinds of solution files: nnref.course itself, written out by the test as a standalone
student file (its functions, with the nnref modules they use bundled as source, since the
sandbox blocks importing nnref), and a hand-written solution per assignment in the course's
NumPy style (``solutions/``), which also uses the course's helper modules as students do.
"""
from __future__ import annotations

import os

import pytest

from grading_helpers import SOLUTIONS, course_as_student_file, grade_file
from nnref.grading import ASSIGNMENTS, get_assignment


def _available(name):
    try:
        __import__(f"nnref.course.{name}")
    except ModuleNotFoundError:
        return False
    return True


def _failures(report):
    return "\n".join([report.output] + [t.output for t in report.tests if t.status != "passed"])


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nnref_course_written_out_as_a_student_file_scores_full_marks(assignment, tmp_path):
    if not _available(assignment):
        pytest.skip(f"nnref.course.{assignment} is not part of this checkout")
    spec = get_assignment(assignment)
    path = course_as_student_file(assignment, [f.name for f in spec.functions],
                                  tmp_path / f"{assignment}.py")
    report = grade_file(path, assignment)
    assert report.error is None
    assert report.score == spec.max_score, _failures(report)
    assert "Blocked import" not in report.output  # the bundle, not the installed nnref


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_hand_written_solution_scores_full_marks(assignment):
    path = os.path.join(SOLUTIONS, f"{assignment}.py")
    if not os.path.exists(path):
        pytest.skip(f"no hand-written solution for {assignment}")
    spec = get_assignment(assignment)
    report = grade_file(path, assignment)
    assert report.error is None
    assert report.score == spec.max_score, _failures(report)
    assert all(t.status == "passed" for t in report.tests)
