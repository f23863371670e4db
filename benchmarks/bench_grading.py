"""How long ``nnref grade`` takes: one submission per assignment, then a folder of 100.

    python benchmarks/bench_grading.py [--submissions 100] [--workers 2]

The single submissions are the hand-written course solutions of the grading tests; the folder
holds copies of the week-4 solution and of its broken variants. Each submission runs in its
own sandbox process (interpreter start and NumPy import included). The answer key is computed
once per process, before the timings (its time is printed separately). Not a test: nothing
here asserts a time.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from nnref.grading import ASSIGNMENTS, Limits, get_assignment, grade, grade_folder  # noqa: E402
from nnref.grading.grader import answer_key  # noqa: E402

SOLUTIONS = os.path.join(ROOT, "tests", "grading", "solutions")
BROKEN = os.path.join(ROOT, "tests", "grading", "fixtures", "c1w4_deep_nn")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    limits = Limits()
    rows = []
    for name in ASSIGNMENTS:
        path = os.path.join(SOLUTIONS, f"{name}.py")
        spec = get_assignment(name)
        started = time.perf_counter()
        answer_key(spec)
        key_seconds = time.perf_counter() - started
        started = time.perf_counter()
        report = grade(path, name, limits)
        seconds = time.perf_counter() - started
        cases = sum(len(f.cases()) for f in spec.functions)
        rows.append((name, f"{report.score:g}/{report.max_score:g}", len(spec.functions), cases,
                     key_seconds, seconds))
    print(f"{'assignment':<26} {'score':>8} {'functions':>9} {'cases':>5} {'answer key s':>12} "
          f"{'grading s':>9}")
    for name, score, functions, cases, key_seconds, seconds in rows:
        print(f"{name:<26} {score:>8} {functions:>9} {cases:>5} {key_seconds:>12.2f} {seconds:>9.2f}")

    sources = [os.path.join(SOLUTIONS, "c1w4_deep_nn.py")]
    sources += sorted(os.path.join(BROKEN, f) for f in os.listdir(BROKEN))
    with tempfile.TemporaryDirectory() as tmp:
        folder = os.path.join(tmp, "submissions")
        os.mkdir(folder)
        for i in range(args.submissions):
            shutil.copy(sources[i % len(sources)], os.path.join(folder, f"student_{i:03d}.py"))
        started = time.perf_counter()
        reports = grade_folder(folder, "c1w4_deep_nn", os.path.join(tmp, "results"),
                               workers=args.workers, limits=limits, progress=False)
        seconds = time.perf_counter() - started
    mean = sum(r.score for r in reports) / len(reports)
    print()
    print(f"{args.submissions} submissions of c1w4_deep_nn, {args.workers} workers: "
          f"{seconds:.1f} s ({seconds / args.submissions:.2f} s per submission, mean score "
          f"{mean:.1f}, {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
