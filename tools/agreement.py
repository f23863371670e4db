"""Does ``nnref grade`` agree with the course's own tests, function by function?

    python tools/agreement.py NOTEBOOKS --course COURSE [--json OUT]

``NOTEBOOKS`` is a folder of students' notebooks (kept outside the repository), in subfolders
named after the assignments (``c2w2_optimization/``...) or anywhere below it (the assignment is
then recognised from the functions a notebook defines). ``COURSE`` is the folder of the course's
files: per assignment its completed notebook, ``public_tests.py`` and helpers.

For each notebook and graded function, two verdicts:

- the grader's: full points or not (``nnref.grading.grade``);
- the course's: the course's own test of that function (``X_test`` of ``public_tests.py``, as
  the course's notebook calls it) passes or fails on the student's function. The notebook runs
  in a separate process, in a temporary folder, cell after cell (each cell stopped after
  ``--cell-seconds``: training and demo cells are cut short, errors are ignored, as when a
  notebook is run with errors), with the course's helper files importable under their old names
  too (``testCases_v4a``, ``dnn_app_utils_v3``...) and inert stand-ins for missing demo-only
  libraries (as the grader does).

A function that a notebook does not define, or that no course test checks, is not counted.
The report lists, per assignment and function, how often the verdicts agree, and every
disagreement: a correct function without points, or a wrong function with points.
Student notebooks are code from strangers: run this in a throwaway machine or container.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# what a notebook defines, per assignment (checked in this order)
_RECOGNISE = [
    ("c2w3_tensorflow", ["one_hot_matrix", "initialize_parameters"]),
    ("c1w4_application", ["two_layer_model", "L_layer_model"]),
    ("c1w4_deep_nn", ["L_model_backward", "linear_activation_backward"]),
    ("c1w2_numpy_basics", ["basic_sigmoid", "image2vector"]),
    ("c1w2_logistic_regression", ["initialize_with_zeros", "propagate"]),
    ("c1w3_planar", ["layer_sizes", "nn_model"]),
    ("c2w1_initialization", ["initialize_parameters_he"]),
    ("c2w1_regularization", ["forward_propagation_with_dropout"]),
    ("c2w1_gradient_checking", ["gradient_check_n"]),
    ("c2w2_optimization", ["update_parameters_with_adam", "random_mini_batches"]),
]
_ALIASES = [(r"(testCases|test_cases)\w*", "test_cases"), (r"dnn_app_utils\w*", "dnn_app_utils"),
            (r"dnn_utils\w*", "dnn_utils"), (r"opt_utils\w*", "opt_utils"),
            (r"planar_utils\w*", "planar_utils"), (r"reg_utils\w*", "reg_utils"),
            (r"init_utils\w*", "init_utils"), (r"gc_utils\w*", "gc_utils"), (r"lr_utils\w*", "lr_utils")]
_NOT_A_FUNCTION = {"dataset_test", "reshape_test"}


def recognise(path: str) -> str | None:
    from nnref.grading.loading import SubmissionError, load_submission

    try:
        defined = set(load_submission(path).defined_functions())
    except SubmissionError:
        return None
    for assignment, names in _RECOGNISE:
        if all(name in defined for name in names):
            return assignment
    return None


def discover(folder: str):
    from nnref.grading import ASSIGNMENTS

    for dirpath, _, files in sorted(os.walk(folder)):
        for name in sorted(files):
            if name.endswith(".ipynb") and ".ipynb_checkpoints" not in dirpath:
                path = os.path.join(dirpath, name)
                here = os.path.basename(dirpath)
                assignment = here if here in ASSIGNMENTS else recognise(path)
                if assignment:
                    yield path, assignment


def course_tests(course: str, assignment: str) -> dict[str, list[str]]:
    """``{graded function: [test names]}``: the tests the course's notebook runs on it."""
    folder = os.path.join(course, assignment)
    notebook = next(f for f in sorted(os.listdir(folder)) if f.endswith(".ipynb"))
    with open(os.path.join(folder, notebook), encoding="utf-8") as f:
        calls = re.findall(r"\b(\w+_test(?:_\d)?)\((\w+)", f.read())
    with open(os.path.join(folder, "public_tests.py"), encoding="utf-8") as f:
        defined = set(re.findall(r"^def (\w+)\(", f.read(), re.M))
    calls += [(name, name[:-5]) for name in defined if name == "gradient_check_test"]
    tests: dict[str, list[str]] = {}
    for test, function in dict.fromkeys(calls):
        if test in defined and test not in _NOT_A_FUNCTION:
            tests.setdefault(function, []).append(test)
    return tests


# --- the course's verdict, in a child process ----------------------------------------------

def _verdict_main(notebook: str, assignment: str, course: str, cell_seconds: float) -> None:
    import contextlib
    import importlib.abc
    import importlib.util
    import io
    import signal
    import tempfile
    import types

    import numpy as np

    from nnref.grading import get_assignment
    from nnref.grading.child import standins
    from nnref.grading.loading import load_submission

    folder = os.path.join(course, assignment)

    class Aliases(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path=None, target=None):
            for pattern, real in _ALIASES:
                file = os.path.join(folder, real + ".py")
                if fullname != real and re.fullmatch(pattern, fullname) and os.path.exists(file):
                    return importlib.util.spec_from_file_location(fullname, file)
            return None

    class Stop(BaseException):
        pass

    def alarm(*_):
        raise Stop("time")

    signal.signal(signal.SIGALRM, alarm)
    os.chdir(tempfile.mkdtemp(prefix="agreement-"))
    sys.path[:0] = [folder, course]
    sys.meta_path.append(Aliases())
    standins.install(lambda filename: filename.startswith(("<cell ", folder)))
    namespace = types.ModuleType("__main__").__dict__
    namespace["get_ipython"] = lambda: types.SimpleNamespace(run_line_magic=lambda *a: None,
                                                            magic=lambda *a: None)
    namespace["display"] = lambda *a, **k: None
    if assignment == "c2w3_tensorflow":
        importlib.import_module("tensorflow")  # its slow first import is not the cell's time
    for source in load_submission(notebook).sources:
        signal.setitimer(signal.ITIMER_REAL, cell_seconds)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(source.code, source.filename, "exec"), namespace)
        except BaseException:  # a failing cell: the next one still runs, as in the course
            pass
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    sys.modules.pop("public_tests", None)
    public = importlib.import_module("public_tests")
    tests = course_tests(course, assignment)
    verdicts = {}
    for fspec in get_assignment(assignment).functions:
        names = [n for n in (fspec.name, *fspec.old_names) if callable(namespace.get(n))]
        if not tests.get(fspec.name) or not names:
            verdicts[fspec.name] = {"status": "absent" if not names else "untested"}
            continue
        verdict = {"status": "pass", "name": names[0]}
        for test in tests[fspec.name]:
            args = ()
            if test == "compute_total_loss_test":  # the course's first two labels: 5, 0
                import tensorflow as tf
                args = (tf.data.Dataset.from_tensor_slices(np.eye(6, dtype=np.float32)[[5, 0]]),)
            elif test == "forward_propagation_test" and assignment == "c2w3_tensorflow":
                verdict = {"status": "untested"}  # needs the course's data and TF draws
                break
            np.random.seed(0)
            signal.setitimer(signal.ITIMER_REAL, 300)
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    getattr(public, test)(namespace[names[0]], *args)
            except BaseException as exc:
                verdict = {"status": "fail", "name": names[0],
                           "detail": f"{test}: {type(exc).__name__}: {str(exc)[:200]}"}
                break
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        verdicts[fspec.name] = verdict
    sys.__stdout__.write(json.dumps(verdicts) + "\n")


def course_verdicts(notebook, assignment, course, cell_seconds=20.0, timeout=1800):
    env = dict(os.environ, MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--verdict", notebook,
                           assignment, course, str(cell_seconds)],
                          capture_output=True, text=True, timeout=timeout, env=env)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"error": (proc.stderr or proc.stdout)[-500:]}
    return json.loads(lines[-1])


# --- the comparison -------------------------------------------------------------------------

def compare(folder: str, course: str, cell_seconds: float = 20.0):
    from nnref.grading import get_assignment, grade

    rows = []
    for path, assignment in discover(folder):
        report = grade(path, assignment)
        course_says = course_verdicts(path, assignment, course, cell_seconds)
        if "error" in course_says:
            rows.append({"notebook": path, "assignment": assignment, "error": course_says["error"]})
            continue
        for test in report.tests:
            verdict = course_says.get(test.name, {"status": "absent"})
            if verdict["status"] not in ("pass", "fail"):
                continue
            full = test.score == get_assignment(assignment).function(test.name).points
            rows.append({"notebook": path, "assignment": assignment, "function": test.name,
                         "course": verdict["status"], "grader": "full" if full else "not full",
                         "agree": full == (verdict["status"] == "pass"),
                         "course_detail": verdict.get("detail", ""),
                         "grader_detail": test.output[:600]})
    return rows


def _only_other_cases_fail(feedback: str) -> bool:
    """The grader's feedback passes every case taken from the course's own examples and
    fails some other case (its wrong value is then a mistake the course's test misses)."""
    lines = feedback.splitlines()[1:]
    course = [line for line in lines if line[6:].startswith("course example")]
    return (bool(course) and all(line.startswith("PASS") for line in course)
            and any(line.startswith("FAIL") for line in lines))


def summary(rows) -> str:
    graded = [r for r in rows if "function" in r]
    errors = [r for r in rows if "error" in r]
    stricter = [r for r in graded if r["course"] == "pass" and r["grader"] != "full"
                and _only_other_cases_fail(r["grader_detail"])]
    correct_no_points = [r for r in graded if r["course"] == "pass" and r["grader"] != "full"
                         and r not in stricter]
    wrong_with_points = [r for r in graded if r["course"] == "fail" and r["grader"] == "full"]
    notebooks = {r["notebook"] for r in rows}
    lines = [f"{len(notebooks)} notebooks, {len(graded)} graded functions checked by a course "
             f"test: grader and course agree on {sum(r['agree'] for r in graded)}",
             f"  correct functions without points: {len(correct_no_points)}",
             f"  wrong functions with points: {len(wrong_with_points)}",
             f"  passing the course's test, failing only on the grader's other inputs (a "
             f"mistake the course's examples do not reach): {len(stricter)}",
             f"  notebooks the course's tests could not run: {len(errors)}", ""]
    per = Counter((r["assignment"], r["function"], r["agree"]) for r in graded)
    for assignment, function in sorted({(r["assignment"], r["function"]) for r in graded}):
        ok, bad = per[(assignment, function, True)], per[(assignment, function, False)]
        lines.append(f"{assignment:26} {function:42} agree {ok}/{ok + bad}")
    for title, group in (("Correct without points", correct_no_points),
                         ("Wrong with points", wrong_with_points),
                         ("Failing only the grader's other inputs", stricter)):
        for r in group:
            lines += ["", f"{title}: {r['notebook']} {r['function']}",
                      f"  course: {r['course_detail'] or 'passes'}",
                      "  grader: " + r["grader_detail"].replace("\n", "\n    ")]
    for r in errors:
        lines += ["", f"Course tests not run: {r['notebook']}: {r['error'][-300:]}"]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", help="folder of students' notebooks")
    parser.add_argument("--course", required=True, help="folder of the course's files")
    parser.add_argument("--json", help="write every verdict to this JSON file")
    parser.add_argument("--cell-seconds", type=float, default=20.0,
                        help="stop each notebook cell after this long (course side)")
    args = parser.parse_args(argv)
    rows = compare(args.notebooks, args.course, args.cell_seconds)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=1)
    print(summary(rows))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--verdict":
        _verdict_main(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]))
    else:
        sys.exit(main())
