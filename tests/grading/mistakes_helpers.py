"""Helpers of the mistake tests: the graded cases of a function with the answer key's values."""
from __future__ import annotations

import importlib

from nnref.grading.assignments import get_assignment
from nnref.grading.diagnose import evaluate

_CASES: dict = {}


def graded_cases(assignment, function):
    """[(args, kwargs, seed, expected)] of the function's graded cases (cached)."""
    if (assignment, function) not in _CASES:
        spec = get_assignment(assignment)
        key = getattr(importlib.import_module(f"nnref.course.{assignment}"), function)
        rows = []
        for case in spec.function(function).cases():
            seed = spec.case_seed(function, case)
            expected = evaluate(key, case.args, dict(case.kwargs), seed)
            assert not isinstance(expected, Exception), expected
            rows.append((case.args, dict(case.kwargs), seed, expected))
        _CASES[assignment, function] = rows
    return _CASES[assignment, function]
