"""The parity harness: every check of nnref against TensorFlow/Keras on SIGNS.

    from tf_parity.checks import run_checks, planned
    run = run_checks("float64")          # ParityRun: records, errors, seconds
    all(r.passed for r in run.records)
    planned()                            # [(name, quantity, tolerance kind), ...] without TF

Groups (one module each): forward outputs and gradients (``forward``), optimizer steps
(``optimizers``), batch norm, dropout and L2 (``layers``), learning-rate schedules
(``schedules``), a whole training epoch (``training``), Keras weight files (``weight_files``), whole-model ``.keras`` files
(``model_files``).
Importing this package does not import TensorFlow; :func:`run_checks` does.
"""
from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field

from tf_parity.checks import (forward, layers, model_files, optimizers, schedules, training,
                              weight_files)
from tf_parity.checks.base import Check
from tf_parity.checks.records import Record, compare, errors, failed, tolerance

DTYPES = ("float64", "float32")
GROUPS = (forward, optimizers, layers, schedules, training, weight_files, model_files)

__all__ = ["Check", "DTYPES", "ParityRun", "Record", "all_checks", "compare", "errors",
           "planned", "run_checks", "tolerance"]


def all_checks() -> list[Check]:
    """Every check, in report order."""
    return [check for group in GROUPS for check in group.checks()]


def planned() -> list[tuple[str, str, str]]:
    """``(name, quantity, tolerance kind)`` of every record :func:`run_checks` produces."""
    return [(c.name, q, kind) for c in all_checks() for q, kind in c.quantities]


@dataclass
class ParityRun:
    """The result of :func:`run_checks`."""

    dtype: str
    records: list[Record] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)   # check name -> traceback
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return bool(self.records) and all(r.passed for r in self.records)

    def by_key(self) -> dict[tuple[str, str], Record]:
        return {r.key: r for r in self.records}


def run_checks(dtype: str = "float64", signs=None, select=None, progress=None,
               threads: int | None = 1) -> ParityRun:
    """Run the checks in ``dtype`` and return their records.

    Args:
        dtype: "float64" or "float32": nnref's dtype and Keras's floatx.
        signs: ``nnref.datasets.load_signs()``'s tuple; loaded when None.
        select: optional predicate on the check name (e.g. ``lambda n: n.startswith("dropout")``).
        progress: optional callable receiving each check's name before it runs.
        threads: threads for TensorFlow and NumPy's BLAS (see ``context.tensorflow_for``);
            None leaves them alone.
    Returns:
        A :class:`ParityRun`. A check that raises gives failed records (NaN errors) for its
        quantities and its traceback in ``errors``; the other checks still run.
    """
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {DTYPES}. Received: dtype={dtype!r}")
    from tf_parity.checks.context import Context, tensorflow_for

    start = time.perf_counter()
    run = ParityRun(dtype)
    with tensorflow_for(dtype, threads):
        ctx = Context(dtype, signs)
        for check in all_checks():
            if select is not None and not select(check.name):
                continue
            if progress is not None:
                progress(check.name)
            run.records.extend(_run_one(check, ctx, run.errors))
    run.seconds = time.perf_counter() - start
    return run


def _run_one(check: Check, ctx, errors_out: dict) -> list[Record]:
    try:
        values = check.compute(ctx)
        declared = [q for q, _ in check.quantities]
        if sorted(values) != sorted(declared):
            raise RuntimeError(f"check {check.name} computed {sorted(values)}, "
                               f"declared {declared}")
        return [compare(check.name, q, *values[q], tolerance(kind, ctx.dtype), ctx.dtype)
                for q, kind in check.quantities]
    except Exception:  # noqa: BLE001 - reported as failed records, the run goes on
        errors_out[check.name] = traceback.format_exc()
        return [failed(check.name, q, tolerance(kind, ctx.dtype), ctx.dtype)
                for q, kind in check.quantities]
