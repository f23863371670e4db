"""The assignment specs: consistent with nnref.course and well-formed."""
from __future__ import annotations

import importlib
import inspect

import pytest

from nnref.grading import ASSIGNMENTS, get_assignment
from nnref.grading.spec import FunctionSpec


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_spec_is_well_formed(name):
    spec = get_assignment(name)
    assert spec.name == name and spec.max_score > 0
    names = [f.name for f in spec.functions]
    assert len(names) == len(set(names))
    for fspec in spec.functions:
        cases = fspec.cases()
        assert len(cases) >= 2, f"{fspec.name}: a single case can be hard-coded"
        labels = [c.label for c in cases]
        assert len(labels) == len(set(labels))
        seeds = [spec.case_seed(fspec.name, c) for c in cases]
        assert not set(seeds) & {0, 1, 2, 3}, "a case seed equal to a course seed hides seeding bugs"
        assert fspec.cases()[0].label == cases[0].label  # deterministic


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_graded_functions_exist_in_nnref_course(name):
    try:
        module = importlib.import_module(f"nnref.course.{name}")
    except ModuleNotFoundError:
        pytest.skip(f"nnref.course.{name} is not part of this checkout")
    for fspec in get_assignment(name).functions:
        signature = inspect.signature(getattr(module, fspec.name))
        for case in fspec.cases():
            signature.bind(*case.args, **case.kwargs)  # TypeError if the course's takes other arguments


def test_points_must_be_positive():
    with pytest.raises(ValueError, match="points must be > 0. Received: points=0"):
        FunctionSpec("f", 0, lambda: [])


def test_unknown_assignment_names_the_choices():
    with pytest.raises(ValueError, match=r"Received: assignment='c3w1'"):
        get_assignment("c3w1")
