"""The assignment specs: consistent with nnref.course and well-formed."""
from __future__ import annotations

import ast
import importlib
import inspect
import re

import pytest

from conftest import skip_or_fail
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
        # a case seed equal to a course seed hides seeding bugs, unless the course's test seeds
        # so itself (and says so in the case's label)
        seeds = [spec.case_seed(fspec.name, c) for c in cases if "the course's seed" not in c.label]
        assert not set(seeds) & {0, 1, 2, 3}, fspec.name
        assert fspec.cases()[0].label == cases[0].label  # deterministic


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_graded_functions_exist_in_nnref_course(name):
    try:
        module = importlib.import_module(f"nnref.course.{name}")
    except ModuleNotFoundError as exc:
        skip_or_fail(f"nnref.course.{name} is not importable: {exc}")
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


def _course_tests(course_dir, name):
    """{graded function: [(test source, keyword names the test passes)]}, from the course's
    public_tests.py and the calls of its completed notebook (``X_test(function, ...)``)."""
    folder = course_dir / name
    source = (folder / "public_tests.py").read_text()
    tests = {node.name: node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)}
    notebook = next(folder.glob("*.ipynb")).read_text()
    calls = re.findall(r"\b(\w+_test(?:_\d)?)\((\w+)", notebook)
    # a test public_tests.py has and the notebook does not call (gradient_check_test)
    calls += [(f"{f.name}_test", f.name) for f in get_assignment(name).functions
              if f"{f.name}_test" in tests and f"{f.name}_test" not in notebook]
    found = {}
    for test, function in calls:
        if test not in tests or function in ("m_train", "shape_X", "train_set_x_flatten"):
            continue
        node = tests[test]
        code = "\n".join(line for line in ast.get_source_segment(source, node).splitlines()
                         if not line.strip().startswith("#"))
        keywords = {kw.arg for call in ast.walk(node) if isinstance(call, ast.Call)
                    and getattr(call.func, "id", None) == "target" for kw in call.keywords}
        found.setdefault(function, []).append((code, keywords))
    return found


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_graded_functions_are_called_as_the_course_tests_call_them(name, course_dir):
    # a keyword the course's tests do not use may be spelled otherwise in a template
    # (one_hot_matrix(label, depth) for (label, C)): such arguments are passed by position
    tests = _course_tests(course_dir, name)
    for fspec in get_assignment(name).functions:
        allowed = set().union(*(kw for _, kw in tests.get(fspec.name, [("", set())])))
        for case in fspec.cases():
            assert set(case.kwargs) <= allowed, (fspec.name, case.label, set(case.kwargs), allowed)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_types_are_checked_where_the_course_tests_check_them(name, course_dir):
    tests = _course_tests(course_dir, name)
    for fspec in get_assignment(name).functions:
        codes = [code for code, _ in tests.get(fspec.name, [])]
        datatype = any('"datatype_check"' in code for code in codes)
        typed = any("type(" in code for code in codes)
        assert fspec.datatype == datatype, fspec.name
        assert bool(fspec.types) == typed, fspec.name


def test_every_graded_function_has_a_course_test(course_dir):
    for name in ASSIGNMENTS:
        tests = _course_tests(course_dir, name)
        for fspec in get_assignment(name).functions:
            if fspec.name == "gradient_check_n":  # the course's notebook only prints its check
                continue
            assert fspec.name in tests or set(fspec.old_names) & set(tests), (name, fspec.name)
