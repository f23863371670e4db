"""Grade a folder of submissions in parallel; one results.json each and a CSV summary.

A folder's submissions are its ``.py`` and ``.ipynb`` files, and its sub-folders (one per
student, as platforms export them), each holding one ``.py`` or ``.ipynb`` file (searched
recursively; a sub-folder with several is graded as not gradable, naming them). A symbolic
link or anything not a regular file (a FIFO would block the reader) is refused with its own
error, never followed. Any file name works: each gets its own results file (a name with
characters other than letters, digits, ``.``, ``_`` and ``-`` gets a hash of the name added),
and ``summary.csv`` is written whatever happens to single submissions.

Each worker is a thread: the work happens in the sandbox processes, and the answer key is
computed once, before the workers start.
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed

from nnref.grading.assignments import get_assignment
from nnref.grading.answer_key import answer_key
from nnref.grading.grader import grade
from nnref.grading.results import GradeReport, TestResult, summary_csv, write_atomic, write_results
from nnref.grading.sandbox import Limits

_SUFFIXES = (".py", ".ipynb")
_MAX_STEM = 100  # characters of a name kept in its results file's name (255 bytes at most)


def find_submissions(folder: str | os.PathLike) -> list[tuple[str, str | None, str]]:
    """``(name, path or None, problem)`` for each submission in ``folder``, sorted by name."""
    folder = os.fspath(folder)
    found = []
    for entry in sorted(os.scandir(folder), key=lambda e: os.fsencode(e.name)):
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            found.append(_one_in_folder(entry.name, entry.path))
        elif entry.name.lower().endswith(_SUFFIXES):
            found.append((entry.name, *_regular(entry.path)))
    return _refuse_shared_files(found)


def _refuse_shared_files(found):
    """Submissions that are one file (hard links: same device and inode) cannot be told apart:
    each is refused, naming the others, rather than one student scoring the other's work."""
    ids = [None if path is None else _file_id(path) for _, path, _ in found]
    by_file = {}
    for (name, _, _), file_id in zip(found, ids):
        if file_id is not None:
            by_file.setdefault(file_id, []).append(name)
    out = []
    for (name, path, problem), file_id in zip(found, ids):
        others = [] if file_id is None else [n for n in by_file[file_id] if n != name]
        if others:
            path, problem = None, (f"the same file as {', '.join(map(_as_utf8, others))} "
                                   "(a hard link): refused; grade it alone if it is the "
                                   "student's own")
        out.append((name, path, problem))
    return out


def _file_id(path: str) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_dev, info.st_ino


def _one_in_folder(name: str, path: str) -> tuple[str, str | None, str]:
    candidates = sorted(
        os.path.join(root, file)
        for root, dirs, files in os.walk(path)  # symbolic links to folders are not followed
        for file in files
        if file.lower().endswith(_SUFFIXES) and not file.startswith(".")
        and ".ipynb_checkpoints" not in root)
    if len(candidates) == 1:
        return (name, *_regular(candidates[0]))
    if candidates:
        names = ", ".join(_as_utf8(os.path.relpath(c, path)) for c in candidates[:5])
        return name, None, f"several candidate files ({names})"
    return name, None, "no .py or .ipynb file"


def _regular(path: str) -> tuple[str | None, str]:
    """``(path, "")`` for a regular file, else ``(None, why it is refused)``."""
    mode = os.lstat(path).st_mode
    if stat.S_ISLNK(mode):
        return None, "the submission is a symbolic link, not the student's own file: refused"
    if not stat.S_ISREG(mode):
        return None, "the submission is not a regular file (a FIFO, a device...): refused"
    return path, ""


def _as_utf8(name: str) -> str:
    """``name`` as valid UTF-8 (bytes that were not UTF-8 become U+FFFD)."""
    return os.fsencode(name).decode("utf-8", "replace")


def _safe_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name, flags=re.ASCII).strip("._") or "submission"


def results_names(names: list[str]) -> list[str]:
    """One distinct results-file stem per submission name (``jo~ann.py`` is not ``jo_ann.py``)."""
    stems, used = [], set()
    for name in names:
        stem = _safe_name(name)
        if stem != name or len(stem) > _MAX_STEM:  # a long name: cut, the hash keeps it apart
            stem = stem[:_MAX_STEM] + "-" + hashlib.sha256(os.fsencode(name)).hexdigest()[:8]
        unique, k = stem, 1
        while unique.lower() in used:  # case-insensitive file systems too
            k += 1
            unique = f"{stem}-{k}"
        used.add(unique.lower())
        stems.append(unique)
    return stems


def check_output_dir(output_dir) -> None:
    """Make ``output_dir`` and check that files can be written there, before any grading."""
    try:
        os.makedirs(output_dir, exist_ok=True)
        probe = os.path.join(output_dir, f".nnref-write-check-{os.getpid()}")
        with open(probe, "w", encoding="utf-8"):
            pass
        os.remove(probe)
    except OSError as exc:
        raise ValueError(f"output_dir must be a folder where files can be written. "
                         f"Received: output_dir={os.fspath(output_dir)!r} "
                         f"({exc.strerror or exc})") from None


def _refused(name: str, spec, problem: str) -> GradeReport:
    return GradeReport(
        name, spec.name,
        [TestResult(f.name, 0.0, f.points, f"{f.name}: 0/{f.points:g}\nFAIL  not graded: "
                    f"{problem}") for f in spec.functions],
        f"The submission could not be graded: {problem}", 0.0)


def grade_folder(folder, assignment: str, output_dir, *, workers: int = 1,
                 limits: Limits | None = None, progress: bool = True,
                 trusted: bool = False) -> list[GradeReport]:
    """Grade every submission in ``folder``; writes ``output_dir/<name>.results.json`` and
    ``output_dir/summary.csv``. Returns the reports in the folder's order. ``trusted``: see
    :func:`nnref.grading.grader.grade`."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer. Received: workers={workers!r}")
    spec = get_assignment(assignment)
    check_output_dir(output_dir)
    answer_key(spec)  # once, here, rather than in the first worker while the others wait
    submissions = find_submissions(folder)
    stems = results_names([name for name, _, _ in submissions])
    reports: dict[int, GradeReport] = {}

    def work(index: int) -> int:
        name, path, problem = submissions[index]
        try:
            if path is None:
                reports[index] = _refused(_as_utf8(name), spec, problem)
            else:
                reports[index] = grade(path, spec.name, limits, trusted=trusted)
        except Exception as exc:  # grade() never raises; this is the last net
            reports[index] = _refused(_as_utf8(name), spec, f"grader error: {exc}")
            reports[index].error = f"{type(exc).__name__}: {exc}"
            reports[index].extra["traceback"] = traceback.format_exc(limit=8)
        reports[index].submission = _as_utf8(name)
        try:  # one submission's results file never stops the batch
            write_results(reports[index], os.path.join(output_dir, f"{stems[index]}.results.json"))
        except OSError as exc:
            reports[index].error = f"its results file cannot be written: {exc.strerror or exc}"
        return index

    bar = _progress_bar(len(submissions), progress)
    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for future in as_completed([pool.submit(work, i) for i in range(len(submissions))]):
                future.result()
                bar.update(1)
    finally:  # summary.csv is written even when grading is interrupted
        bar.close()
        ordered = [reports[i] if i in reports else
                   _refused(_as_utf8(submissions[i][0]), spec, "not graded (interrupted)")
                   for i in range(len(submissions))]
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
