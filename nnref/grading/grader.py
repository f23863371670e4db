"""Grade one submission: the answer key, the sandbox run, the comparison, the feedback.

The answer key is ``nnref.course`` (:mod:`nnref.grading.answer_key`: called on deep copies of
each case's inputs with NumPy's global generator seeded as in the sandbox, the caller's random
state restored after).

A function earns its points when every case passes: the return value matches (see
:mod:`nnref.grading.compare`: values, shapes, and types where the course's tests check them).
An input changed where the course's function leaves it unchanged is noted, not counted (the
course's tests do not check it). A function found under an earlier course name is graded under
it (:mod:`nnref.grading.names`). The feedback names the function, the case, the first wrong
item, the expected and the received value, and the course formula for that item.
"""
from __future__ import annotations

import fnmatch
import os
import stat
import time
import traceback

from nnref.grading import names as graded_names
from nnref.grading.answer_key import AnswerKey, Expected, answer_key
from nnref.grading.assignments import get_assignment
from nnref.grading.compare import compare, format_path
from nnref.grading.diagnose import feedback_lines
from nnref.grading.loading import SubmissionError, load_submission
from nnref.grading.results import GradeReport, TestResult
from nnref.grading.isolation import packages_for
from nnref.grading.sandbox import Limits, SandboxUnavailable, run_submission
from nnref.grading.spec import ATOL, RTOL, AssignmentSpec, FunctionSpec

_PRINTED_CHARS = 3000  # of the submission's output, shown in the report


def grade(submission_path, assignment: str, limits: Limits | None = None, *,
          trusted: bool = False) -> GradeReport:
    """Grade the ``.py`` or ``.ipynb`` at ``submission_path`` on ``assignment``.

    Never raises: a submission that cannot be read scores 0 with the reason, and a failure of
    the grader itself (bubblewrap missing included) is reported in ``GradeReport.error`` (with
    a score of 0). ``trusted=True`` runs the submission without bubblewrap's isolation: only
    for code one trusts (it can read and change whatever the grader's user can).
    """
    started = time.perf_counter()
    limits = limits or Limits()
    path = str(submission_path)
    spec = None
    try:
        spec = get_assignment(assignment)
        key = answer_key(spec)
        try:
            if os.path.exists(path) and not stat.S_ISREG(os.stat(path).st_mode):
                raise SubmissionError("the submission is not a regular file (a FIFO, a "
                                      "device...): refused")
            submission = load_submission(path)
        except SubmissionError as exc:
            return _not_graded(path, spec, str(exc), time.perf_counter() - started)
        defined = submission.defined_functions()
        renamed = graded_names.graded_names(spec, defined)
        run = run_submission(submission, graded_names.renamed_calls(key.calls, renamed),
                             spec.provided, limits, packages=packages_for(spec.name),
                             trusted=trusted)
        submission.notes += [graded_names.old_name_note(*item) for item in renamed.items()]
        tests = [_grade_function(fspec, key, run, defined) for fspec in spec.functions]
        report = GradeReport(path, spec.name, tests, "", time.perf_counter() - started,
                             extra={"sandbox_user": run.user, "processes": run.processes,
                                    "isolation": "none (trusted)" if trusted else "bubblewrap",
                                    "limits_hit": list(dict.fromkeys(run.limits_hit)),
                                    "cgroup_limits": run.limits_enforced,
                                    "tolerance": f"rtol={RTOL:g}, atol={ATOL:g} unless a "
                                                 "function states its own"})
        report.output = _overview(report, submission, run, limits)
        return report
    except Exception as exc:  # the grader's own failure: reported, never raised
        message = (f"the sandbox is unavailable: {exc}" if isinstance(exc, SandboxUnavailable)
                   else f"{type(exc).__name__}: {exc}")
        detail = traceback.format_exc(limit=8)
        tests = ([TestResult(f.name, 0.0, f.points, f"{f.name}: not graded (grader error)")
                  for f in spec.functions] if spec else [])
        return GradeReport(path, spec.name if spec else str(assignment), tests,
                           f"The grader failed (not because of the submission): {message}",
                           time.perf_counter() - started, error=message,
                           extra={"traceback": detail})  # extra_data: not shown to students


def _not_graded(path, spec: AssignmentSpec, reason: str, seconds: float) -> GradeReport:
    tests = [TestResult(f.name, 0.0, f.points, f"{f.name}: 0/{f.points:g}\nFAIL  not graded: {reason}")
             for f in spec.functions]
    return GradeReport(path, spec.name, tests, f"The submission could not be graded: {reason}",
                       seconds)


def _grade_function(fspec: FunctionSpec, key: AnswerKey, run, defined=()) -> TestResult:
    results = []  # (label, problem or None, hint)
    notes = []
    for expected in key.by_function[fspec.name]:
        outcome = run.outcomes[expected.call.id]
        try:
            problem, hint = _judge(fspec, expected, outcome, key.parameters[fspec.name], run)
        except Exception as exc:  # a value the comparison cannot handle (10**100, forged data)
            problem, hint = (f"the returned value could not be compared with the expected one "
                             f"({type(exc).__name__}: {str(exc)[:200]})"), None
        if outcome.status == "missing":
            problem += graded_names.found_instead(fspec.name, list(defined))
        elif problem is None:
            notes += _changed_inputs(fspec, expected, outcome, key.parameters[fspec.name])
        results.append((expected.case.label, problem, hint))
    passed = all(problem is None for _, problem, _ in results)
    score = float(fspec.points) if passed else 0.0
    lines = [f"{fspec.name}: {score:g}/{fspec.points:g}"]
    problems = {problem for _, problem, _ in results}
    if len(results) > 1 and len(problems) == 1 and not passed:  # one message for all cases
        lines.append(f"FAIL  all {len(results)} cases: {problems.pop()}")
    else:
        for label, problem, _ in results:
            lines.append(f"PASS  {label}" if problem is None else f"FAIL  {label}: {problem}")
    if not passed:  # what the values prove: a known or structural mistake
        lines += feedback_lines(key.spec.name, fspec, key.by_function[fspec.name], run.outcomes)
    hints = dict.fromkeys(hint for _, problem, hint in results if problem is not None and hint)
    lines += [f"Hint: {hint}" for hint in hints]
    lines += [f"Note: {note}" for note in dict.fromkeys(notes)]
    return TestResult(fspec.name, score, float(fspec.points), "\n".join(lines))


def _judge(fspec: FunctionSpec, expected: Expected, outcome, parameters, run):
    """``(problem, hint)``; ``problem`` is None when the case passes."""
    if expected.error:
        return (f"grader error: the answer key failed on this case ({expected.error}); "
                "please report it", None)
    status = outcome.status
    if status == "missing":
        text = f"{fspec.name} {outcome.detail}"
        if run.load_stopped:
            text += f" (loading stopped: {run.load_stopped})"
        elif run.load_errors:
            text += " (some of the submission's code raised errors while loading: see the output)"
        return text, None
    if status == "raised":
        text = "raised an exception\n" + _indent(outcome.detail)
        if outcome.blocked_imports:
            text += (f"\n      (it tried to import {outcome.blocked_imports[0]}, which is not "
                     "available while grading: write the function yourself)")
        return text, None if outcome.limit else fspec.hints.get("*")
    if status != "returned":
        return outcome.detail or status, None
    mismatch = compare(expected.value, outcome.value, fspec.rtol, fspec.atol, fspec.returns,
                       fspec.values, fspec.types, fspec.datatype)
    if mismatch is not None:
        return f"{mismatch.where()}: {mismatch.problem}", _hint(fspec, mismatch.names)
    return None, None


def _changed_inputs(fspec: FunctionSpec, expected: Expected, outcome, parameters) -> list[str]:
    """A note (not a failure: the course's tests do not check it) for inputs changed where the
    course's function leaves them unchanged."""
    extra = [p for p in outcome.changed if not any(p[:len(q)] == q for q in expected.changed)]
    if not extra:
        return []
    where = _argument_path(extra[0], parameters)
    return [f"it changed its input {where} (in place, or by writing into the caller's dict); "
            f"the course's {fspec.name} leaves it unchanged. Not counted against it, as the "
            "course's tests do not check it, but a caller reusing its input would be "
            "surprised (compute new values, e.g. x = x / n instead of x /= n, or work on a copy)"]


def _hint(fspec: FunctionSpec, names: tuple) -> str | None:
    for name in reversed(names):
        for pattern, text in fspec.hints.items():
            if pattern != "*" and fnmatch.fnmatchcase(name, pattern):
                return text
    return fspec.hints.get("*")


def _argument_path(path: tuple, parameters: list[str]) -> str:
    if not path:
        return "(its inputs)"
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        head = parameters[head] if head < len(parameters) else f"argument {head + 1}"
    tokens = [("key", t) if isinstance(t, str) else ("index", t) for t in rest]
    return format_path(tuple([str(head)] + tokens))


def _indent(text: str, prefix: str = "      ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def _overview(report: GradeReport, submission, run, limits: Limits) -> str:
    lines = [f"{report.assignment}: {report.score:g}/{report.max_score:g}"]
    notes = list(dict.fromkeys(submission.notes + run.notes))
    if run.load_stopped:
        lines.append(f"Loading stopped: {run.load_stopped}")
    if run.blocked_imports:
        blocked = ", ".join(dict.fromkeys(run.blocked_imports))
        lines.append(f"Blocked import: {blocked} (the grader's own packages are not available "
                     "to submissions)")
    if run.load_errors:
        lines.append(f"{len(run.load_errors)} part(s) of the submission raised errors while "
                     "loading (the rest was still run):")
        lines += [_indent(e, "  ") for e in run.load_errors[:3]]
        if len(run.load_errors) > 3:
            lines.append(f"  ... and {len(run.load_errors) - 3} more")
    if notes:
        lines.append("Notes:")
        lines += [f"  - {note}" for note in notes[:20]]
    printed = (run.stdout + ("\n" + run.stderr if run.stderr else "")).strip()
    if printed:
        shown = printed[:_PRINTED_CHARS]
        kept = limits.output_kb << 10
        header = "The submission printed"
        if run.output_bytes > kept or len(printed) > _PRINTED_CHARS:
            header += (f" {_size(run.output_bytes)} (shown: the first {len(shown)} characters)")
        lines.append(header + ":")
        lines.append(_indent(shown, "  "))
    return "\n".join(lines)


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} bytes"
