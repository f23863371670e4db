"""The command-line jobs, timed as a user runs them: ``nnref train``, ``nnref parity``, grading.

Each runs in its own process. A job that is not available in this installation (e.g. the parity
suite without TensorFlow) is reported as such, not as a failure of the benchmark.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GRADING_SCRIPT = os.path.join(HERE, "bench_grading.py")


def _environment(base: dict | None = None) -> dict:
    env = dict(os.environ if base is None else base)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (ROOT, env.get("PYTHONPATH")) if p)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


def _run(command: list[str], timeout: float,
         env: dict | None = None) -> tuple[subprocess.CompletedProcess | None, float]:
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=ROOT, env=_environment(env), capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - started
    return done, time.perf_counter() - started


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def train_signs(threads: int, epochs: int = 100, timeout: float = 1800.0) -> dict:
    """``nnref train signs --epochs 100`` wall time (process start to exit): with
    ``NNREF_BACKEND=numpy``, then with the fused kernels twice, sharing a cache folder that is
    empty the first time (so that run includes compiling them) and full the second."""
    import machine

    base = machine.benchmark_environment(threads)[0]
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        cache = os.path.join(tmp, "numba-cache")
        for name, extra in [("numpy", {"NNREF_BACKEND": "numpy"}),
                            ("fused_first_run", {"NNREF_BACKEND": "numba", "NUMBA_CACHE_DIR": cache}),
                            ("fused_cached", {"NNREF_BACKEND": "numba", "NUMBA_CACHE_DIR": cache})]:
            done, seconds = _run([sys.executable, "-m", "nnref", "train", "signs", "--epochs",
                                  str(epochs), "--no-plot", "--verbose", "0", "--out", os.path.join(tmp, name)],
                                 timeout, {**base, **extra})
            status = "timed out" if done is None else (
                "ran" if done.returncode == 0 else f"failed: {_last_line(done.stderr)}")
            summary = [line for line in (done.stdout if done else "").splitlines()
                       if line.startswith("done in")]          # accuracies, nnref's own time
            runs[name] = {"status": status, "seconds": seconds,
                          "result": summary[-1] if summary else ""}
    return {"epochs": epochs, "threads": threads, "runs": runs}


def parity(dtype: str = "float64", timeout: float = 1800.0) -> dict:
    """``nnref parity --dtype DTYPE --json FILE``: wall time and how many checks passed."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "parity.json")
        done, seconds = _run([sys.executable, "-m", "nnref", "parity", "--dtype", dtype,
                              "--json", path], timeout)
        if done is None:
            return {"status": f"timed out after {timeout:.0f} s", "seconds": seconds}
        if done.returncode != 0 and not os.path.exists(path):
            reason = _last_line(done.stderr) or _last_line(done.stdout)
            status = ("n/a: `nnref parity` is not available" if "invalid choice" in reason
                      else f"failed (exit {done.returncode}): {reason}")
            return {"status": status, "seconds": seconds}
        with open(path, encoding="utf-8") as f:
            records = json.load(f)
    if isinstance(records, dict):
        records = records.get("records", records.get("checks", []))
    passed = sum(1 for r in records if r.get("passed"))
    return {"status": "ran", "exit_code": done.returncode, "seconds": seconds, "dtype": dtype,
            "checks": len(records), "passed": passed}


def grading(submissions: int, workers: int, timeout: float = 1800.0) -> dict:
    """benchmarks/bench_grading.py (the grading benchmark): one submission of every assignment,
    then a folder of ``submissions``; its table is kept and its per-assignment rows parsed."""
    if not os.path.exists(GRADING_SCRIPT):
        return {"status": "n/a: benchmarks/bench_grading.py is not present"}
    done, seconds = _run([sys.executable, GRADING_SCRIPT, "--submissions", str(submissions),
                          "--workers", str(workers)], timeout)
    if done is None:
        return {"status": f"timed out after {timeout:.0f} s", "seconds": seconds}
    if done.returncode != 0:
        return {"status": f"failed (exit {done.returncode}): {_last_line(done.stderr)}",
                "seconds": seconds}
    folder = re.search(r"^(\d+) submissions of (\S+), (\d+) workers: ([\d.]+) s", done.stdout,
                       re.MULTILINE)
    return {"status": "ran", "seconds": seconds, "submissions": submissions, "workers": workers,
            "per_assignment_seconds": _grading_rows(done.stdout),
            "folder_seconds": float(folder.group(4)) if folder else None,
            "folder_assignment": folder.group(2) if folder else None,
            "output": done.stdout}


def _grading_rows(text: str) -> dict:
    """{assignment: grading seconds} from bench_grading.py's table (its last column)."""
    rows = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 6 and "/" in fields[1]:
            try:
                rows[fields[0]] = float(fields[-1])
            except ValueError:
                continue
    return rows
