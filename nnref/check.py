"""``nnref.check``: check your own course function against the answer key, and say what is wrong.

In a notebook or a script, on your own code (run in your process, without a sandbox)::

    import nnref
    nnref.check(update_parameters_with_adam)           # the course's name is the function's
    nnref.check(my_adam, "update_parameters_with_adam", assignment="c2w2_optimization")
    nnref.check("update_parameters_with_adam")         # looked up among the caller's names

It runs the graded cases of ``nnref grade`` (same inputs, same seeds, same comparison), shows a
pass/fail table with the diagnosis (:mod:`nnref.grading.diagnose`) and returns a
:class:`CheckResult` (in a notebook the table is an HTML table). From the command line, on a
file, through the grading sandbox::

    nnref check my_notebook.ipynb [--assignment NAME] [--function NAME]
"""
from __future__ import annotations

import argparse
import html
import inspect
import sys
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CaseResult:
    label: str
    problem: str | None = None      # None when the case passes

    @property
    def passed(self) -> bool:
        return self.problem is None


@dataclass
class CheckResult:
    """The cases of one function, and what the values prove (``diagnosis``, may be empty)."""

    function: str
    assignment: str
    cases: list[CaseResult]
    diagnosis: str = ""
    _shown: bool = field(default=False, repr=False)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.cases)

    def summary(self) -> str:
        done = sum(c.passed for c in self.cases)
        verdict = "PASS" if self.passed else "FAIL"
        return f"{self.function} ({self.assignment}): {verdict}, {done}/{len(self.cases)} cases"

    def __str__(self) -> str:
        lines = [self.summary()]
        lines += [f"  {'PASS' if c.passed else 'FAIL'}  {c.label}" + ("" if c.passed else
                                                                     f": {c.problem}")
                  for c in self.cases]
        if self.diagnosis:
            lines.append(f"  {self.diagnosis}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"CheckResult({self.summary()})"

    def _repr_html_(self):
        if self._shown:  # already displayed by check(): a notebook shows the summary only
            return None
        rows = "".join(f"<tr><td>{'✅' if c.passed else '❌'}</td><td>{html.escape(c.label)}</td>"
                       f"<td>{html.escape(c.problem or '')}</td></tr>" for c in self.cases)
        note = f"<p>{html.escape(self.diagnosis)}</p>" if self.diagnosis else ""
        return (f"<p><b>{html.escape(self.summary())}</b></p><table>{rows}</table>{note}")


def check(function, name: str | None = None, *, assignment: str | None = None,
          show: bool = True) -> CheckResult:
    """Run the graded cases of a course function on ``function`` in this process.

    Args:
        function: your function, or its course name (a string, looked up among the names of
            the caller: a notebook's or a script's globals).
        name: the course's name of the function, when yours is named otherwise.
        assignment: the ``nnref.course`` module, when the name is graded in several
            (``sigmoid``, ``initialize_parameters``, ``compute_cost``...).
        show: print the table (a notebook displays it as an HTML table).
    """
    if isinstance(function, str):
        caller = inspect.currentframe().f_back.f_globals
        if not callable(caller.get(function)):
            raise ValueError(f"function must be a function, or the name of one defined here. "
                             f"Received: function={function!r}, which is not defined")
        name, function = name or function, caller[function]
    if not callable(function):
        raise TypeError(f"function must be callable. Received: function={function!r}")
    name = name or getattr(function, "__name__", "")
    spec = _assignment_of(function, name, assignment)
    result = _run(function, spec, spec.function(name))
    if show:
        _show(result)
    return result


def _assignment_of(function, name, assignment):
    from nnref.grading.assignments import all_assignments, get_assignment

    if assignment is not None:
        spec = get_assignment(assignment)
        if name not in [f.name for f in spec.functions]:
            raise ValueError(f"name must be a graded function of {spec.name} "
                             f"({', '.join(f.name for f in spec.functions)}). Received: name={name!r}")
        return spec
    specs = [s for s in all_assignments() if name in [f.name for f in s.functions]]
    if not specs:
        raise ValueError(f"name must be the course name of a graded function (see `nnref grade "
                         f"--list`). Received: name={name!r}")
    if len(specs) > 1:  # the assignment whose other graded functions the caller defines
        defined = getattr(function, "__globals__", {})
        overlap = [sum(f.name in defined for f in s.functions) for s in specs]
        best = [s for s, n in zip(specs, overlap) if n == max(overlap)]
        if len(best) != 1:
            raise ValueError(f"{name} is graded in {', '.join(s.name for s in specs)}: pass "
                             f"assignment=... Received: assignment=None")
        specs = best
    return specs[0]


def _run(function, spec, fspec) -> CheckResult:
    import contextlib
    import copy
    import io

    import numpy as np

    from nnref.grading.changes import changed_paths
    from nnref.grading.compare import compare
    from nnref.grading.diagnose import NOT_RETURNED, CaseValues, diagnose
    from nnref.grading.answer_key import answer_key

    key = answer_key(spec)
    parameters = key.parameters[fspec.name]
    results, values = [], []
    for expected in key.by_function[fspec.name]:
        call = expected.call
        args, kwargs = copy.deepcopy(call.args), copy.deepcopy(call.kwargs)
        state = np.random.get_state()
        problem, received = None, NOT_RETURNED
        try:
            np.random.seed(call.seed)
            with contextlib.redirect_stdout(io.StringIO()):
                received = function(*args, **kwargs)
        except Exception as exc:  # the user's own function: reported, as in grading
            problem = f"raised {type(exc).__name__}: {exc}"
        finally:
            np.random.set_state(state)
        if problem is None:
            mismatch = compare(expected.value, received, fspec.rtol, fspec.atol, fspec.returns,
                               fspec.values)
            changed = changed_paths(call.args, args) + changed_paths(call.kwargs, kwargs)
            extra = [p for p in changed if not any(p[:len(q)] == q for q in expected.changed)]
            if mismatch is not None:
                problem = f"{mismatch.where()}: {mismatch.problem}"
            elif extra:
                where = extra[0][0]
                where = parameters[where] if isinstance(where, int) and where < len(parameters) \
                    else where
                problem = (f"changed its input {where!r} in place; the course's {fspec.name} "
                           "leaves it unchanged")
        results.append(CaseResult(expected.case.label, problem))
        values.append(CaseValues(call.args, call.kwargs, call.seed, expected.value, received))
    found = diagnose(spec.name, fspec, values) if any(r.problem for r in results) else None
    return CheckResult(fspec.name, spec.name, results,
                       f"Diagnosis: {found.text}" if found and found.text else "")


def _show(result: CheckResult) -> None:
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    if type(shell).__name__ == "ZMQInteractiveShell":  # a notebook kernel: an HTML table
        from IPython.display import display

        display(result)
        result._shown = True
    else:
        print(result)


# ----------------------------------------------------------------------------- nnref check
def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a .py file or a .ipynb notebook")
    parser.add_argument("-a", "--assignment", metavar="NAME",
                        help="the nnref.course module (default: the one whose graded functions "
                             "the file defines)")
    parser.add_argument("-f", "--function", metavar="NAME", action="append",
                        help="check only this function (repeatable)")


def run(args: argparse.Namespace) -> int:
    """Grade FILE in the sandbox and show each function's cases and diagnosis. Exit status:
    0 when every checked function passes, 1 when one fails, 2 for a usage error."""
    import ast

    from nnref.grading.assignments import all_assignments, get_assignment
    from nnref.grading.grader import grade
    from nnref.grading.loading import SubmissionError, load_submission

    try:
        submission = load_submission(args.file)
        defined = set()
        for source in submission.sources:
            try:
                defined |= {n.name for n in ast.walk(ast.parse(source.code))
                            if isinstance(n, ast.FunctionDef)}
            except (SyntaxError, ValueError):
                continue  # the grading reports it
        spec = (get_assignment(args.assignment) if args.assignment
                else _assignment_defined(all_assignments(), defined))
        graded = [f.name for f in spec.functions]
        wanted = args.function or [name for name in graded if name in defined] or graded
        unknown = [name for name in wanted if name not in graded]
        if unknown:
            raise ValueError(f"--function must be a graded function of {spec.name} "
                             f"({', '.join(graded)}). Received: {unknown[0]!r}")
    except (SubmissionError, ValueError) as exc:
        print(f"nnref check: {exc}", file=sys.stderr)
        return 2
    report = grade(args.file, spec.name)
    tests = [t for t in report.tests if t.name in wanted]
    for t in tests:
        print(t.output + "\n")
    passed = sum(t.status == "passed" for t in tests)
    print(f"{spec.name}: {passed} of {len(tests)} functions pass"
          + (f"; grader error: {report.error}" if report.error else ""))
    return 0 if passed == len(tests) and not report.error else 1


def _assignment_defined(specs, defined: set):
    """The assignment whose graded functions the file defines most of."""
    counts = [sum(f.name in defined for f in s.functions) for s in specs]
    best = [s for s, n in zip(specs, counts) if n == max(counts)]
    if max(counts) == 0 or len(best) > 1:
        raise ValueError("cannot tell the assignment from the functions the file defines: "
                         "pass --assignment NAME (see `nnref grade --list`)")
    return best[0]
