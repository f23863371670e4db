"""The course's own ``public_tests.py``, run against ``nnref.course``.

Each assignment's folder in the course files (``course_dir`` in conftest.py: absent locally
the tests skip, in CI they fail) holds the course's ``public_tests.py`` and the helpers it
imports (``test_cases.py``, ``dlai_tools``). Every test of a graded function that the course's
notebook runs, ``X_test(X)``, is run here on ``nnref.course``'s ``X``: the course's expected
numbers, types and shapes, not ours.

The TensorFlow assignment's tests also require TensorFlow types ("Use the TensorFlow API"),
which the NumPy answer key does not return: its functions are run through ``_as_tensorflow``
(the result wrapped in ``tf.constant``, the parameters in ``tf.Variable``), so those tests check
the values only. Its ``forward_propagation_test`` is not run: it feeds parameters drawn by
TensorFlow's ``GlorotNormal(seed=1)``, which ``nnref.course`` does not reproduce (the grader
grades that function on its own inputs).
"""
from __future__ import annotations

import importlib
import inspect
import re
import sys

import numpy as np
import pytest

from conftest import course_root, require_module, skip_or_fail
from nnref.course import MODULES

_NOT_A_FUNCTION = {"dataset_test", "reshape_test"}  # the notebook passes data, not a function
_NOT_REPRODUCIBLE = {("c2w3_tensorflow", "forward_propagation_test")}  # see the module doc


def _notebook_calls(folder):
    """[(test name, function name)] in the order the course's notebook runs them."""
    notebooks = sorted(folder.glob("*.ipynb"))
    if len(notebooks) != 1:
        return []
    text = notebooks[0].read_text(encoding="utf-8")
    return list(dict.fromkeys(re.findall(r"\b(\w+_test(?:_\d)?)\((\w+)", text)))


def _collect():
    root = course_root()
    cases = [(name, test, function) for name in MODULES
             for test, function in _notebook_calls(root / name)
             if test not in _NOT_A_FUNCTION and (name, test) not in _NOT_REPRODUCIBLE]
    # gradient_check_test: in public_tests.py, the notebook prints its own check instead
    if cases:
        cases.append(("c2w1_gradient_checking", "gradient_check_test", "gradient_check"))
    return cases or [("course files absent", "", "")]


CASES = _collect()


@pytest.fixture
def public_tests(course_dir, request):
    """The course's public_tests module of the requested assignment, imported from its folder."""
    name = request.node.callspec.params["case"][0]
    folder = course_dir / name
    saved_path = list(sys.path)
    for module in ("public_tests", "test_cases", "dlai_tools", "dlai_tools.test_utils"):
        sys.modules.pop(module, None)
    sys.path[:0] = [str(folder), str(course_dir)]
    try:
        yield importlib.import_module("public_tests")
    finally:
        sys.path[:] = saved_path
        for module in ("public_tests", "test_cases"):
            sys.modules.pop(module, None)


def _as_tensorflow(function):
    tf = require_module("tensorflow")

    def wrapped(*args):
        value = function(*[a.numpy() if hasattr(a, "numpy") else a for a in args])
        if isinstance(value, dict):
            return {k: tf.Variable(v) for k, v in value.items()}
        return tf.constant(value)

    wrapped.__name__ = function.__name__
    return wrapped


def _first_signs_labels():
    """The course's ``new_y_train``, of which its test reads the first two labels only: 5 and 0
    in the course's ``datasets/train.h5`` (the SIGNS train file among the course data here
    holds the same photos in another order, so it cannot stand in)."""
    tf = require_module("tensorflow")
    return tf.data.Dataset.from_tensor_slices(np.eye(6, dtype=np.float32)[[5, 0]])


@pytest.mark.parametrize("case", CASES, ids=[f"{n}-{t}" for n, t, _ in CASES])
def test_course_public_test_passes_on_nnref_course(case, public_tests):
    name, test_name, function_name = case
    if not test_name:
        skip_or_fail("course files absent")
    module = importlib.import_module(f"nnref.course.{name}")
    target = getattr(module, function_name)
    test = getattr(public_tests, test_name)
    args = ()
    if name == "c2w3_tensorflow":
        target = _as_tensorflow(target)
        if test_name == "compute_total_loss_test":
            args = (_first_signs_labels(),)
    assert len(inspect.signature(test).parameters) == 1 + len(args)
    np.random.seed(0)  # some course tests draw without seeding; fixed for reproducibility
    test(target, *args)


def test_every_graded_function_of_nnref_course_is_tested_by_the_course(course_dir):
    from nnref.grading import get_assignment

    tested = {(n, f) for n, _, f in CASES} | {("c2w3_tensorflow", "forward_propagation")}
    for name in MODULES:
        for fspec in get_assignment(name).functions:
            names = {fspec.name, *fspec.old_names}
            if fspec.name == "gradient_check_n":  # the course's notebook only prints its check
                continue
            assert any((name, f) in tested for f in names), (name, fspec.name)
