"""Shared fixtures, and no silent skip in CI.

The course data are read through ``nnref.datasets`` (``NNREF_DATA`` points at them). Outside CI a
missing file skips the tests that need it, with the reason; in CI (``CI=true``) it is a failure,
so that the real-data tests can never be skipped silently there. The same holds for TensorFlow
(``require_module``), the course files (``course_dir``) and anything else through
``skip_or_fail``. As a net under all of them, a CI run that skips any test anyway (a bare
``pytest.skip`` or ``importorskip`` added later) ends with a failing exit status: the summary
prints the skip count, and in CI it must be 0.
"""
from __future__ import annotations

import ast
import importlib
import json
import math
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# In CI the property tests draw the same cases on every run (a failure there is reproducible);
# locally they explore new ones.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if IN_CI:
    settings.load_profile("ci")


def skip_or_fail(reason: str):
    """Skip with ``reason`` locally; in CI, fail instead: a promised check is never skipped there."""
    if IN_CI:
        pytest.fail(f"in CI this must run, not skip: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def require_module(name: str):
    """``pytest.importorskip`` that fails in CI (a missing TensorFlow must not pass CI silently)."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        skip_or_fail(f"{name} is not importable ({exc}); install nnref[all]")


# ------------------------------------------------------------------ the skip count, 0 in CI
SKIPPED: list[str] = []            # node ids of the tests (and modules) skipped in this session
SKIP_COUNT_FILE = "NNREF_SKIP_COUNT_FILE"      # set by .ci/run: the count is written there


def _count_skip(report) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        SKIPPED.append(report.nodeid)


def pytest_runtest_logreport(report):
    _count_skip(report)


def pytest_collectreport(report):
    _count_skip(report)


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test fails the run (exit status 1), whichever way it was skipped."""
    path = os.environ.get(SKIP_COUNT_FILE)
    if path:
        Path(path).write_text(f"{len(SKIPPED)}\n")
    if IN_CI and SKIPPED and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    rule = "skipped tests: %d%s" % (len(SKIPPED), " (CI requires 0: failing the run)" if IN_CI and SKIPPED else "")
    terminalreporter.write_sep("-", rule, red=bool(IN_CI and SKIPPED))
    for nodeid in SKIPPED if IN_CI else ():
        terminalreporter.write_line(f"skipped in CI: {nodeid}")


def course_root() -> Path:
    """The course's own assignment files: ``NNREF_COURSE``, else ``shared/course`` beside the repository."""
    env = os.environ.get("NNREF_COURSE")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "course"


@pytest.fixture(scope="session")
def course_dir() -> Path:
    """The course files folder; skipped locally, a failure in CI, when absent."""
    root = course_root()
    if not (root / "README.md").is_file():
        skip_or_fail(f"course files not found at {root} (set NNREF_COURSE)")
    return root


def course_function(course_dir: Path, assignment: str, name: str):
    """The course's own definition of ``name``, taken from the code cells of the assignment's
    notebook (or its ``*.py`` helpers) under ``course_dir/assignment`` and executed in a fresh
    namespace holding ``np`` and ``math``: an independent source to compare nnref with."""
    folder = course_dir / assignment
    sources = []
    for notebook in sorted(folder.glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        sources += ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    sources += [f.read_text(encoding="utf-8") for f in sorted(folder.glob("*.py"))]
    for source in sources:
        code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == name:
                namespace = {"np": np, "math": math}
                exec(compile(ast.Module([node], []), f"{folder.name}:{name}", "exec"), namespace)
                return namespace[name]
    raise LookupError(f"no definition of {name} in the course files of {assignment}")


def require_data(loader, *args, **kwargs):
    """Call a dataset loader; skip (locally) or fail (in CI) when its files are missing."""
    try:
        return loader(*args, **kwargs)
    except FileNotFoundError as exc:
        skip_or_fail(f"course data not found (set NNREF_DATA to the datasets folder): {exc}")


@pytest.fixture(scope="session")
def signs():
    from nnref.datasets import load_signs

    return require_data(load_signs)


@pytest.fixture(scope="session")
def catvnoncat():
    from nnref.datasets import load_catvnoncat

    return require_data(load_catvnoncat)


@pytest.fixture(scope="session")
def football():
    from nnref.datasets import load_football

    return require_data(load_football)


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture
def keras_float64():
    """floatx and the global dtype policy float64 for the test, both restored after: Keras keeps
    learning rates in floatx variables, its ``predict`` casts float inputs to floatx, and a policy
    left set by an earlier test (a model built at float32) would override floatx."""
    keras = require_module("keras")
    previous, policy = keras.backend.floatx(), keras.config.dtype_policy()
    keras.backend.set_floatx("float64")
    keras.config.set_dtype_policy("float64")
    yield
    keras.backend.set_floatx(previous)
    keras.config.set_dtype_policy(policy)
