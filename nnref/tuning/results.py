"""Search results: the per-trial log (JSON lines, for resuming), and the table, JSON and best config.

Files are written atomically (a temporary file in the same folder, then ``os.replace``): after a
crash a results file holds every trial that had finished, and never half a line. JSON is strict
(NaN and ±inf are written as ``null``) so that any JSON reader can load it.
"""
from __future__ import annotations

import csv
import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nnref._files import atomic_write  # noqa: F401  (re-exported for nnref.tuning.plot)
from nnref.tuning.spaces import Space, searched
from nnref.tuning.trial import TrialRecord

MODES = ("max", "min")


def _json_safe(value):
    """NaN/±inf → None, recursively (strict JSON has no NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def dumps(value, **kwargs) -> str:
    return json.dumps(_json_safe(value), allow_nan=False, **kwargs)


class ResultsLog:
    """The search's trial log: one JSON object (a ``TrialRecord``) per line, in completion order.

    Rewritten atomically after every trial. ``load()`` reads it back to resume a search.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._lines: list[str] = []

    def load(self) -> dict[int, TrialRecord]:
        """The records already in the file, by trial_id (empty if the file does not exist)."""
        self._lines = []
        if not self.path.exists():
            return {}
        records = {}
        with open(self.path, encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    record = TrialRecord.from_dict(json.loads(line))
                except (ValueError, TypeError, KeyError) as exc:
                    raise ValueError(f"{self.path}:{number} is not a trial record ({exc}). "
                                     "Is this a results file of nnref.tuning?") from exc
                records[record.trial_id] = record
                self._lines.append(line.rstrip("\n"))
        return records

    def append(self, record: TrialRecord) -> None:
        self._lines.append(dumps(record.to_dict()))
        text = "\n".join(self._lines) + "\n"
        atomic_write(self.path, lambda f: f.write(text))


@dataclass
class SearchResult:
    """Every trial of a search (sorted by trial_id), and which one is best.

    ``best`` is the successful trial with the highest (``mode="max"``) or lowest metric; ties go to
    the lowest trial_id, so the best trial does not depend on the order trials finished in.
    """

    trials: list[TrialRecord]
    metric: str
    mode: str = "max"
    space: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        self.trials = sorted(self.trials, key=lambda t: t.trial_id)

    @property
    def succeeded(self) -> list[TrialRecord]:
        return [t for t in self.trials if t.ok]

    @property
    def failed(self) -> list[TrialRecord]:
        return [t for t in self.trials if not t.ok]

    @property
    def shared_error(self) -> str | None:
        """The error every trial failed with, if they all failed the same way; else None.

        Compared on the error's first line, so that a cause common to every trial (data missing
        on the workers, a module they cannot import) can be named once rather than read off
        every row of the table.
        """
        firsts = {(t.error or "").split("\n", 1)[0] for t in self.trials}
        if self.succeeded or len(firsts) != 1:
            return None
        return firsts.pop() or None

    @property
    def best(self) -> TrialRecord | None:
        """The best successful trial, or None if every trial failed."""
        sign = -1.0 if self.mode == "max" else 1.0
        ranked = sorted(self.succeeded, key=lambda t: (sign * t.metrics[self.metric], t.trial_id))
        return ranked[0] if ranked else None

    @property
    def best_config(self) -> dict[str, Any] | None:
        best = self.best
        return None if best is None else dict(best.config)

    def top(self, k: int) -> list[TrialRecord]:
        """The ``k`` best successful trials, best first."""
        sign = -1.0 if self.mode == "max" else 1.0
        return sorted(self.succeeded, key=lambda t: (sign * t.metrics[self.metric], t.trial_id))[:k]

    # ---- table -------------------------------------------------------------------------------
    def columns(self) -> tuple[list[str], list[str]]:
        """(config columns, metric columns): config in space order, the target metric first."""
        config_cols = list(self.space) or _union(t.config for t in self.trials)
        metric_cols = _union(t.metrics for t in self.trials)
        metric_cols = [self.metric] + sorted(c for c in metric_cols if c != self.metric)
        return config_cols, metric_cols

    def rows(self) -> list[dict[str, Any]]:
        """One flat dict per trial: trial_id, round, status, config..., metrics..., duration_s, error."""
        config_cols, metric_cols = self.columns()
        return [{"trial_id": t.trial_id, "round": t.round, "status": t.status,
                 **{c: t.config.get(c) for c in config_cols},
                 **{m: t.metrics.get(m) for m in metric_cols},
                 "duration_s": round(t.duration_s, 3), "error": t.error or ""}
                for t in self.trials]

    def to_csv(self, path: str | os.PathLike) -> Path:
        rows = self.rows()
        fieldnames = list(rows[0]) if rows else ["trial_id", "round", "status"]

        def write(f):
            writer = csv.DictWriter(f, fieldnames=fieldnames, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: json.dumps(v) if isinstance(v, (list, dict)) else v
                                 for k, v in row.items()})
        return atomic_write(path, write)

    def to_dict(self) -> dict[str, Any]:
        best = self.best
        return {
            "metric": self.metric, "mode": self.mode,
            "space": {name: repr(dim) if isinstance(dim, Space) else dim for name, dim in self.space.items()},
            "n_trials": len(self.trials), "n_failed": len(self.failed),
            "best": None if best is None else best.to_dict(),
            "trials": [t.to_dict() for t in self.trials],
        }

    def to_json(self, path: str | os.PathLike) -> Path:
        text = dumps(self.to_dict(), indent=2) + "\n"
        return atomic_write(path, lambda f: f.write(text))

    def save_best(self, path: str | os.PathLike) -> Path:
        """``{"metric", "mode", "trial_id", "config", "metrics"}`` of the best trial (null if none)."""
        best = self.best
        data = {"metric": self.metric, "mode": self.mode,
                **({"trial_id": None, "config": None, "metrics": None} if best is None else
                   {"trial_id": best.trial_id, "config": best.config, "metrics": best.metrics})}
        text = dumps(data, indent=2) + "\n"
        return atomic_write(path, lambda f: f.write(text))

    def plot(self, path: str | os.PathLike | None = None):
        """The metric against each searched hyperparameter; see ``nnref.tuning.plot``."""
        from nnref.tuning.plot import plot_search

        return plot_search(self, path)

    def format_table(self, max_rows: int | None = None) -> str:
        """A plain-text table of the trials, best first (failed trials last)."""
        config_cols = list(searched(self.space)) or self.columns()[0]
        order = self.top(len(self.trials)) + self.failed
        shown = order if max_rows is None else order[:max_rows]
        header = ["trial", *config_cols, self.metric, "status"]
        body = [[str(t.trial_id), *(_fmt(t.config.get(c)) for c in config_cols),
                 _fmt(t.metrics.get(self.metric)), t.status if t.ok else f"failed: {t.error}"[:60]]
                for t in shown]
        widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header, *body]]
        return "\n".join(lines)


def _union(dicts: Iterable[Mapping]) -> list[str]:
    return list(dict.fromkeys(k for d in dicts for k in d))


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
