"""How long ``nnref grade`` takes: one submission per assignment, then a folder of 100.

    python benchmarks/bench_grading.py [--submissions 100] [--workers 2] [--startup 20]

``--startup N`` first times the sandbox alone: N runs of a one-line submission through
``run_submission`` (one call), against N bare ``python -I -c "import numpy"`` processes; the
difference is what the isolation adds per sandbox process.

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
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from nnref.grading import ASSIGNMENTS, Limits, get_assignment, grade, grade_folder  # noqa: E402
from nnref.grading.grader import answer_key  # noqa: E402
from nnref.grading.loading import load_submission  # noqa: E402
from nnref.grading.sandbox import Call, run_submission  # noqa: E402

SOLUTIONS = os.path.join(ROOT, "tests", "grading", "solutions")
BROKEN = os.path.join(ROOT, "tests", "grading", "fixtures", "c1w4_deep_nn")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--startup", type=int, default=20, metavar="N")
    args = parser.parse_args(argv)
    limits = Limits()
    if args.startup:
        startup(args.startup, limits)
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


def startup(n: int, limits: Limits) -> None:
    """Median seconds of a bare interpreter + NumPy start, and of one sandbox run."""
    bare, sandboxed = [], []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "tiny.py")
        with open(path, "w", encoding="utf-8") as f:
            f.write("def f(x):\n    return x + 1\n")
        submission = load_submission(path)
        for _ in range(n):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-I", "-c", "import numpy"], check=True)
            bare.append(time.perf_counter() - started)
            started = time.perf_counter()
            run = run_submission(submission, [Call(0, "f", 1, (1,), {})], (), limits)
            sandboxed.append(time.perf_counter() - started)
            assert run.outcomes[0].value == 2, run.outcomes[0]
    b, s = statistics.median(bare), statistics.median(sandboxed)
    print(f"sandbox start-up, median of {n}: bare python + NumPy {b:.3f} s, one sandboxed "
          f"submission (one call) {s:.3f} s, added by the sandbox {s - b:.3f} s")
    print()


if __name__ == "__main__":
    sys.exit(main())
