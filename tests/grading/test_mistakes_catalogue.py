"""Every catalogue entry: it differs from the answer key on the graded cases, and a submission
whose values are the variant's gets that mistake's name (and no other)."""
from __future__ import annotations

import pytest

from mistakes_helpers import graded_cases
from nnref.grading.assignments import ASSIGNMENTS, get_assignment
from nnref.grading.compare import compare
from nnref.grading.diagnose import CaseValues, diagnose, evaluate
from nnref.grading.mistakes import all_mistakes, catalogue, solution

ENTRIES = all_mistakes()
GRADED = [(a, f.name) for a in ASSIGNMENTS for f in get_assignment(a).functions]


def test_the_catalogue_has_mistakes_for_many_functions():
    counts = {(a, f): len(catalogue(a, f)) for a, f in GRADED}
    covered = [k for k, n in counts.items() if n]
    assert len(ENTRIES) >= 150
    assert len(covered) >= 0.9 * len(GRADED), sorted(k for k, n in counts.items() if not n)


@pytest.mark.parametrize("assignment,function", sorted({(a, f) for a, f, _ in ENTRIES}),
                         ids=lambda x: str(x))
def test_the_catalogue_solution_without_a_mistake_is_the_answer_key(assignment, function):
    fspec = get_assignment(assignment).function(function)
    for args, kwargs, seed, expected in graded_cases(assignment, function):
        value = evaluate(solution(assignment, function), args, kwargs, seed)
        assert not isinstance(value, Exception), value
        assert compare(expected, value, fspec.rtol, fspec.atol, fspec.returns,
                       fspec.values) is None


@pytest.mark.parametrize("assignment,function,mistake", ENTRIES,
                         ids=[f"{a}.{f}.{m.key}" for a, f, m in ENTRIES])
def test_each_mistake_differs_from_the_key_and_is_named(assignment, function, mistake):
    fspec = get_assignment(assignment).function(function)
    cases = []
    for args, kwargs, seed, expected in graded_cases(assignment, function):
        value = evaluate(mistake.function, args, kwargs, seed)
        assert not isinstance(value, Exception), f"the variant fails on a graded case: {value!r}"
        cases.append(CaseValues(args, kwargs, seed, expected, value))
    assert any(compare(c.expected, c.received, fspec.rtol, fspec.atol, fspec.returns,
                       fspec.values) for c in cases), "the variant passes the graded cases"
    found = diagnose(assignment, fspec, cases, cache=False)
    assert found.kind == "named", found.text
    assert found.mistake.key == mistake.key
    assert mistake.name in found.lines()[0] and mistake.fix in found.lines()[0]
