"""Grading results: the report, its Gradescope ``results.json``, a table and a CSV summary.

``results.json`` follows Gradescope's autograder format::

    {"score": 85.0, "max_score": 100.0, "execution_time": 1.9, "output": "...",
     "output_format": "text", "visibility": "visible",
     "tests": [{"name": "linear_backward", "score": 0.0, "max_score": 10.0,
                "status": "failed", "output": "...", "visibility": "visible"}, ...],
     "extra_data": {"assignment": "c1w4_deep_nn", "grader": "nnref 0.1.0", ...}}

Files are written atomically (a temporary file in the same folder, then ``os.replace``), and
the JSON is always valid: no NaN, text decoded with replacement characters.

Texts in a report may come from a hostile submission (its messages, its file name). What goes
to a terminal passes :func:`printable` (no control character can move the cursor, erase a line
or reverse the text's direction), and a CSV cell cannot start a spreadsheet formula.
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
import unicodedata
from dataclasses import dataclass, field

from nnref._files import atomic_write

MAX_TEXT = 20_000  # characters kept of one output field
_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def printable(text) -> str:
    """``text`` on one line for a terminal: control characters (newlines included), lone
    surrogates and bidirectional controls are written as escapes (``\\x1b``, ``\\u202e``)."""
    return "".join(repr(c)[1:-1] if c in _BIDI or unicodedata.category(c) in ("Cc", "Cs") else c
                   for c in str(text))


def _cell(text: str) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


@dataclass
class TestResult:
    """One graded function's result (a Gradescope "test")."""

    __test__ = False  # not a pytest test class

    name: str
    score: float
    max_score: float
    output: str
    visibility: str = "visible"

    @property
    def status(self) -> str:
        return "passed" if self.score >= self.max_score else "failed"

    def first_line(self) -> str:
        for line in self.output.splitlines()[1:]:
            if line.startswith("FAIL"):
                return line
        return ""


@dataclass
class GradeReport:
    submission: str
    assignment: str
    tests: list[TestResult]
    output: str
    execution_time: float
    error: str | None = None          # the grader's own failure, if any
    extra: dict = field(default_factory=dict)

    @property
    def score(self) -> float:
        return float(sum(t.score for t in self.tests))

    @property
    def max_score(self) -> float:
        return float(sum(t.max_score for t in self.tests))

    def to_gradescope(self) -> dict:
        from nnref import __version__

        return {
            "score": _number(self.score),
            "max_score": _number(self.max_score),
            "execution_time": round(_number(self.execution_time), 3),
            "output": _text(self.output),
            "output_format": "text",
            "visibility": "visible",
            "tests": [{"name": t.name, "score": _number(t.score), "max_score": _number(t.max_score),
                       "status": t.status, "output": _text(t.output), "visibility": t.visibility}
                      for t in self.tests],
            "extra_data": _plain(dict(self.extra, assignment=self.assignment,
                                      submission=self.submission,
                                      grader=f"nnref {__version__}", error=self.error)),
        }


def _number(x) -> float:
    x = float(x)
    return x if math.isfinite(x) else 0.0


def _text(text) -> str:
    text = str(text)
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT] + f"\n... ({len(text) - MAX_TEXT} more characters)"
    return text.encode("utf-8", "replace").decode("utf-8")


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return _text(value)


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    atomic_write(path, lambda f: f.write(text))


def write_results(report: GradeReport, path: str | os.PathLike) -> None:
    """Write the Gradescope ``results.json`` of ``report``."""
    write_atomic(path, json.dumps(report.to_gradescope(), indent=2, allow_nan=False) + "\n")


def format_table(report: GradeReport) -> str:
    """A readable summary: one line per graded function, then the total."""
    width = max([len(t.name) for t in report.tests] + [8])
    lines = [f"{report.assignment}: {printable(os.path.basename(report.submission))}", ""]
    lines.append(f"  {'function':<{width}}  {'score':>11}  result")
    for t in report.tests:
        detail = "passed" if t.status == "passed" else (printable(t.first_line()[6:]) or "failed")
        if len(detail) > 90:
            detail = detail[:87] + "..."
        lines.append(f"  {t.name:<{width}}  {_points(t.score):>5}/{_points(t.max_score):<5}  {detail}")
    lines.append(f"  {'total':<{width}}  {_points(report.score):>5}/{_points(report.max_score):<5}"
                 f"  ({report.execution_time:.1f} s)")
    if report.error:
        lines.append(f"  grader error: {printable(report.error)}")
    return "\n".join(lines)


def _points(x: float) -> str:
    return f"{x:g}"


def summary_csv(reports: list[GradeReport]) -> str:
    """One row per submission: score, max_score, time, error, then one column per function."""
    functions = []
    for report in reports:
        for t in report.tests:
            if t.name not in functions:
                functions.append(t.name)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", "score", "max_score", "execution_time", "error"] + functions)
    for report in reports:
        by_name = {t.name: t.score for t in report.tests}
        writer.writerow([_cell(report.submission), _points(report.score),
                         _points(report.max_score), f"{report.execution_time:.2f}",
                         _cell(report.error or "")]
                        + [_points(by_name[f]) if f in by_name else "" for f in functions])
    return buffer.getvalue()
