"""Plant mistakes in the course's completed notebooks, grade them, and count the names given.

    python tools/plant_mistakes.py COURSE_DIR [--out report.json] [--only ASSIGNMENT ...]

COURSE_DIR holds one folder per assignment (``c2w2_optimization/``...) with the course's
completed notebook; it is read at run time and nothing of it is kept. Each planted mistake
(tools/planted_mistakes.py) is a text edit of one graded function in that notebook; the edited
notebook is graded by ``nnref grade`` (the sandbox, the answer key, the diagnosis), and:

- the planted function's diagnosis is **correct** when it names the planted catalogue mistake,
  **wrong** when it names another one (or names anything for a mistake not in the catalogue),
  **unnamed** otherwise ("several", "not one of the known mistakes", or nothing); a
  structural diagnosis is counted apart (and listed, to be read);
- every *other* function that fails because it calls the planted one is checked too: a name
  there is **consistent** when it is the planted mistake's key, **wrong** otherwise;
- the unmodified notebooks are graded first: any name given there is wrong.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import tempfile

import nbformat

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from planted_mistakes import PLANTS, Plant  # noqa: E402

from nnref.grading.grader import grade  # noqa: E402
from nnref.grading.mistakes import catalogue  # noqa: E402

NAMED, OTHER = "Diagnosis: your result equals that of ", ("Diagnosis: not one of", "Diagnosis: your values")


def notebook_of(course_dir: str, assignment: str) -> str:
    found = sorted(glob.glob(os.path.join(course_dir, assignment, "*.ipynb")))
    if not found:
        raise FileNotFoundError(f"no notebook in {os.path.join(course_dir, assignment)}")
    return found[0]


def plant(notebook: str, p: Plant, out_path: str) -> None:
    """Write ``notebook`` with ``p``'s edits applied to the cell defining ``p.function``."""
    nb = nbformat.read(notebook, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and f"def {p.function}(" in c.source]
    for cell in cells:
        if all(old in cell.source for old, _ in p.edits):
            for old, new in p.edits:
                cell.source = cell.source.replace(old, new, 1)
            nbformat.write(nb, out_path)
            return
    raise ValueError(f"{p.label}: an edit does not apply to the cell of {p.function}")


def diagnosis(assignment: str, test) -> tuple[str, str]:
    """``(kind, detail)``: ("named", key), ("structural", text), ("unnamed", text) or ("", "")."""
    lines = [line for line in test.output.splitlines() if line.startswith("Diagnosis: ")]
    if not lines:
        return "", ""
    line = lines[0]
    if line.startswith(NAMED):
        for mistake in catalogue(assignment, test.name):
            if line == f"Diagnosis: {mistake.message()}":
                return "named", mistake.key
        return "named", f"(unlisted) {line}"
    if line.startswith(OTHER) or line.startswith("Diagnosis: not available"):
        return "unnamed", line
    return "structural", line


def judge(p: Plant, report, baseline_failing: set) -> dict:
    tests = {t.name: t for t in report.tests}
    planted = tests[p.function]
    kind, detail = diagnosis(p.assignment, planted)
    if planted.status == "passed":
        verdict = "passed" if kind == "" else "wrong"
    elif kind == "named":
        verdict = "correct" if detail == p.expected else "wrong"
    elif kind == "structural":
        verdict = "structural"
    else:
        verdict = "unnamed"
    downstream = {}
    for name, t in tests.items():
        if name == p.function or name in baseline_failing or t.status == "passed":
            continue
        d_kind, d_detail = diagnosis(p.assignment, t)
        downstream[name] = ("consistent" if d_kind == "named" and d_detail == p.expected else
                            "wrong" if d_kind == "named" else d_kind or "unnamed")
    return {"assignment": p.assignment, "function": p.function, "expected": p.expected,
            "status": planted.status, "verdict": verdict, "diagnosis": detail,
            "downstream": downstream}


def summarize(results: list[dict], baseline: dict) -> dict:
    def count(rows, verdict):
        return sum(r["verdict"] == verdict for r in rows)

    groups = {"in the catalogue": [r for r in results if r["expected"] not in (None, "equivalent")],
              "not in the catalogue": [r for r in results if r["expected"] is None],
              "equivalent edits": [r for r in results if r["expected"] == "equivalent"]}
    summary = {name: {v: count(rows, v) for v in ("correct", "wrong", "unnamed", "structural",
                                                  "passed")} | {"planted": len(rows)}
               for name, rows in groups.items()}
    downstream = [v for r in results for v in r["downstream"].values()]
    summary["downstream functions"] = {v: downstream.count(v) for v in sorted(set(downstream))}
    summary["correct notebooks"] = {
        "graded": len(baseline),
        "full marks": sum(b["score"] == b["max_score"] for b in baseline.values()),
        "names given": sum(b["names"] for b in baseline.values())}
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("course_dir", help="the folder of the course's assignment folders")
    parser.add_argument("--out", help="write the full report here (JSON)")
    parser.add_argument("--only", nargs="*", help="only these assignments")
    args = parser.parse_args(argv)
    plants = [p for p in PLANTS if not args.only or p.assignment in args.only]
    assignments = sorted({p.assignment for p in plants} | set(args.only or []))
    if not args.only:
        from nnref.course import MODULES
        assignments = list(MODULES)
    baseline, baseline_failing = {}, {}
    for a in assignments:
        report = grade(notebook_of(args.course_dir, a), a)
        names = sum(diagnosis(a, t)[0] in ("named", "structural") for t in report.tests)
        baseline[a] = {"score": report.score, "max_score": report.max_score, "names": names}
        baseline_failing[a] = {t.name for t in report.tests if t.status != "passed"}
        print(f"correct notebook {a}: {report.score:g}/{report.max_score:g}, names given: {names}")
    results = []
    with tempfile.TemporaryDirectory(prefix="nnref-plant-") as tmp:
        for i, p in enumerate(plants):
            path = os.path.join(tmp, f"plant{i}.ipynb")
            plant(notebook_of(args.course_dir, p.assignment), p, path)
            row = judge(p, grade(path, p.assignment), baseline_failing[p.assignment])
            results.append(row)
            print(f"{row['verdict']:>10}  {p.label}  {row['diagnosis'][:90]}")
    summary = summarize(results, baseline)
    print(json.dumps(summary, indent=2))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump({"summary": summary, "baseline": baseline, "plants": results}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
