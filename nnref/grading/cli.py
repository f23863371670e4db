"""``nnref grade``: grade course assignments against nnref.course.

    nnref grade SUBMISSION --assignment NAME [--results results.json] [--timeout S] [--memory MB]
        [--cpus N]
    nnref grade FOLDER --assignment NAME --workers K [--output-dir DIR] [--timeout S]
        [--memory MB] [--cpus N]
    nnref grade --list

Submissions run under bubblewrap (see docs/grading.md); where it is missing or not permitted,
nothing is graded unless ``--trusted`` says the submissions are trusted code.

Exit status: 0 when the grading ran (whatever the score), 1 when the grader itself failed
(a results.json with a score of 0 and the error is still written), 2 for a usage error
(checked before any grading starts, output locations included).
"""
from __future__ import annotations

import argparse
import os
import sys
import traceback


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("submission", nargs="?", metavar="SUBMISSION",
                        help="a .py file, a .ipynb notebook, or a folder of them")
    parser.add_argument("-a", "--assignment", metavar="NAME",
                        help="the nnref.course module to grade against (see --list)")
    parser.add_argument("--results", default="results.json", metavar="FILE",
                        help="where to write Gradescope's results.json for one submission "
                             "(default: %(default)s)")
    parser.add_argument("--output-dir", default="grading_results", metavar="DIR",
                        help="folder mode: where the results.json files and summary.csv go "
                             "(default: %(default)s)")
    parser.add_argument("--workers", type=int, default=1, metavar="K",
                        help="folder mode: submissions graded in parallel (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=60.0, metavar="S",
                        help="wall-clock seconds for one submission (default: %(default)s)")
    parser.add_argument("--call-timeout", type=float, default=10.0, metavar="S",
                        help="wall-clock seconds for one call, and for loading the submission "
                             "(default: %(default)s)")
    parser.add_argument("--memory", type=int, default=2048, metavar="MB",
                        help="memory limit of the sandbox in MiB, for all its processes "
                             "together (default: %(default)s)")
    parser.add_argument("--cpus", type=float, default=1.0, metavar="N",
                        help="CPUs the sandbox may use, for all its processes together, where "
                             "a cpu cgroup can be made (default: %(default)s)")
    parser.add_argument("--list", action="store_true",
                        help="list the assignments, their graded functions and points")
    parser.add_argument("--quiet", action="store_true", help="no table and no progress bar")
    parser.add_argument("--trusted", action="store_true",
                        help="run the submissions WITHOUT the sandbox (when bubblewrap is not "
                             "available): only for code you trust, since it can read and change "
                             "everything your user can")


def list_text() -> str:
    from nnref.grading.assignments import all_assignments

    lines = []
    for spec in all_assignments():
        lines.append(f"{spec.name}  ({spec.title}, {spec.max_score:g} points)")
        for f in spec.functions:
            lines.append(f"    {f.name:<42} {f.points:>4g}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if args.list:
        try:
            print(list_text(), flush=True)
        except BrokenPipeError:  # `nnref grade --list | head`: the reader has left
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    from nnref.grading import isolation
    from nnref.grading.assignments import get_assignment
    from nnref.grading.batch import check_output_dir
    from nnref.grading.sandbox import Limits

    if not args.submission or not args.assignment:
        print("nnref grade: a SUBMISSION and --assignment NAME are required (or --list)",
              file=sys.stderr)
        return 2
    try:
        get_assignment(args.assignment)
        limits = Limits(timeout=args.timeout, call_timeout=args.call_timeout,
                        memory_mb=args.memory, cpus=args.cpus)
    except ValueError as exc:
        print(f"nnref grade: {exc}", file=sys.stderr)
        return 2
    if not os.path.exists(args.submission):
        print(f"nnref grade: no such file or folder: {args.submission}", file=sys.stderr)
        return 2
    try:
        if os.path.isdir(args.submission):
            check_output_dir(args.output_dir)
        else:
            _check_results_path(args.results)
    except ValueError as exc:
        print(f"nnref grade: {exc}", file=sys.stderr)
        return 2
    if args.trusted:
        print("nnref grade: --trusted: the submissions run WITHOUT the sandbox and can read and "
              "change everything this user can; use it only for code you trust", file=sys.stderr)
    elif isolation.problem():
        print(f"nnref grade: refusing to run untrusted submissions: {isolation.problem()}. "
              "(--trusted runs them without isolation, for code you trust only)", file=sys.stderr)
        return 2
    if os.path.isdir(args.submission):
        return _run_folder(args, limits)
    return _run_one(args, limits)


def _check_results_path(path: str) -> None:
    """``--results`` must be a file that can be written (missing folders are made): checked
    before the grading starts."""
    existing = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    problem = ("it is a folder" if os.path.isdir(path) else
               f"{existing} is not a folder" if not os.path.isdir(existing) else
               f"the folder {existing} is not writable"
               if not os.access(existing, os.W_OK | os.X_OK) else
               "it exists and is not writable"
               if os.path.exists(path) and not os.access(path, os.W_OK) else None)
    if problem:
        raise ValueError(f"--results must be a file that can be written ({problem}). "
                         f"Received: --results={path!r}")


def _run_one(args, limits) -> int:
    from nnref.grading.grader import grade
    from nnref.grading.results import GradeReport, format_table, write_results

    try:
        report = grade(args.submission, args.assignment, limits, trusted=args.trusted)
    except BaseException as exc:  # grade() reports its own failures; this is the last net
        if isinstance(exc, KeyboardInterrupt):
            raise
        message = f"{type(exc).__name__}: {exc}"
        report = GradeReport(args.submission, args.assignment, [],
                             f"The grader failed (not because of the submission): {message}",
                             0.0, error=message, extra={"traceback": traceback.format_exc(limit=8)})
    try:
        write_results(report, args.results)
    except OSError as exc:
        print(f"nnref grade: cannot write {args.results}: {exc}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(format_table(report))
        print(f"results written to {args.results}")
    return 1 if report.error else 0


def _run_folder(args, limits) -> int:
    from nnref.grading.batch import grade_folder
    from nnref.grading.results import printable

    try:
        reports = grade_folder(args.submission, args.assignment, args.output_dir,
                               workers=args.workers, limits=limits, progress=not args.quiet,
                               trusted=args.trusted)
    except ValueError as exc:
        print(f"nnref grade: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        names = [printable(r.submission) for r in reports]
        width = max([len(name) for name in names] + [10])
        for name, r in zip(names, reports):
            flag = f"  grader error: {printable(r.error)}" if r.error else ""
            print(f"  {name:<{width}}  {r.score:>6g}/{r.max_score:<6g}{flag}")
        print(f"{len(reports)} submissions; results in {args.output_dir} (summary.csv)")
    return 1 if any(r.error for r in reports) else 0
