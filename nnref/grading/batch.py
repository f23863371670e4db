"""Grade a folder of submissions in parallel; one results.json each and a CSV summary.

A folder's submissions are its ``.py`` and ``.ipynb`` files, and its sub-folders (one per
student, as platforms export them), each holding one ``.py`` or ``.ipynb`` file (searched
recursively; a sub-folder with several is graded as not gradable, naming them).

Each worker is a thread: the work happens in the sandbox processes, and the answer key is
computed once, before the workers start.
"""
from __future__ import annotations

import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

from nnref.grading.assignments import get_assignment
from nnref.grading.grader import answer_key, grade
from nnref.grading.results import GradeReport, TestResult, summary_csv, write_atomic, write_results
from nnref.grading.sandbox import Limits

_SUFFIXES = (".py", ".ipynb")


def find_submissions(folder: str | os.PathLike) -> list[tuple[str, str | None, str]]:
    """``(name, path or None, problem)`` for each submission in ``folder``, sorted by name."""
    folder = os.fspath(folder)
    found = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.name.lower().endswith(_SUFFIXES):
            found.append((entry.name, entry.path, ""))
        elif entry.is_dir():
            candidates = sorted(
                os.path.join(root, name)
                for root, dirs, files in os.walk(entry.path)
                for name in files
                if name.lower().endswith(_SUFFIXES) and not name.startswith(".")
                and ".ipynb_checkpoints" not in root)
            if len(candidates) == 1:
                found.append((entry.name, candidates[0], ""))
            elif candidates:
                names = ", ".join(os.path.relpath(c, entry.path) for c in candidates[:5])
                found.append((entry.name, None, f"several candidate files ({names})"))
            else:
                found.append((entry.name, None, "no .py or .ipynb file"))
    return found


def _safe_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("._") or "submission"


def grade_folder(folder, assignment: str, output_dir, *, workers: int = 1,
                 limits: Limits | None = None, progress: bool = True) -> list[GradeReport]:
    """Grade every submission in ``folder``; writes ``output_dir/<name>.results.json`` and
    ``output_dir/summary.csv``. Returns the reports in the folder's order."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer. Received: workers={workers!r}")
    spec = get_assignment(assignment)
    answer_key(spec)  # once, here, rather than in the first worker while the others wait
    submissions = find_submissions(folder)
    os.makedirs(output_dir, exist_ok=True)
    reports: dict[int, GradeReport] = {}

    def work(index: int) -> int:
        name, path, problem = submissions[index]
        if path is None:
            reports[index] = GradeReport(
                name, spec.name,
                [TestResult(f.name, 0.0, f.points, f"{f.name}: 0/{f.points:g}\nFAIL  not graded: "
                            f"{problem}") for f in spec.functions],
                f"The submission could not be graded: {problem}", 0.0)
        else:
            report = grade(path, spec.name, limits)
            report.submission = name
            reports[index] = report
        write_results(reports[index], os.path.join(output_dir, f"{_safe_name(name)}.results.json"))
        return index

    bar = _progress_bar(len(submissions), progress)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in as_completed([pool.submit(work, i) for i in range(len(submissions))]):
            future.result()
            bar.update(1)
    bar.close()
    ordered = [reports[i] for i in range(len(submissions))]
    write_atomic(os.path.join(output_dir, "summary.csv"), summary_csv(ordered))
    if progress:
        print(f"graded {len(ordered)} submissions in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
    return ordered


class _NoBar:
    def update(self, n):
        pass

    def close(self):
        pass


def _progress_bar(total: int, enabled: bool):
    if not enabled:
        return _NoBar()
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm is part of the [cli] extra; grading works without it
        return _NoBar()
    return tqdm(total=total, unit="submission", file=sys.stderr)
