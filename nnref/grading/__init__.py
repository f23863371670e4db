"""``nnref grade``: grade course assignments against ``nnref.course``, safely.

    from nnref.grading import grade, write_results
    report = grade("submission.ipynb", "c1w4_deep_nn")   # never raises
    report.score, report.max_score, report.tests          # per-function scores and feedback
    write_results(report, "results.json")                 # Gradescope's format

Modules: ``spec`` (what a graded function is), ``assignments/`` (one spec per course module),
``loading`` (.py / .ipynb), ``sandbox`` (running a submission's calls), ``isolation``
(bubblewrap's command line and file view), ``slots`` and ``cgroups`` (a uid and a cgroup per
sandbox), ``helper_files`` (the assignment's own course helpers), ``process``,
``process_output`` and ``channel`` (one sandbox process, its output and exit, its messages),
``outcomes`` (limits and results of a run), ``child/`` (what runs inside it: the runner, the
student's code, the values' ``wire`` and its ``frames``), ``changes`` (what a call changed in its
arguments), ``answer_key`` (the course's results), ``compare`` (return values against the answer
key), ``grader`` (one submission), ``batch`` (a folder, in parallel), ``results``
(results.json, table, CSV), ``cli``.

The names below are imported on first use, so that ``nnref grade --help`` stays fast.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "ASSIGNMENTS": "nnref.grading.assignments",
    "get_assignment": "nnref.grading.assignments",
    "grade": "nnref.grading.grader",
    "grade_folder": "nnref.grading.batch",
    "GradeReport": "nnref.grading.results",
    "TestResult": "nnref.grading.results",
    "write_results": "nnref.grading.results",
    "Limits": "nnref.grading.sandbox",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'nnref.grading' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_EXPORTS))
