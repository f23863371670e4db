"""One trial: call the user's ``trial(config) -> dict of metrics`` and record what happened.

``run_trial`` is the only place a trial function is called, by every backend (in this process,
in a worker process, in a Ray task), so "what counts as a failure" is written once:

- the function raises                     → failed, ``error = "ValueError: ..."`` (+ traceback)
- it returns something other than a dict of numbers, or no ``metric`` → failed
- the target metric is NaN or ±inf        → failed, ``error = "metric 'val_accuracy' is nan"``
- it exceeds its time limit               → failed, recorded by the backend (``timeout_record``)

A failed trial is a result like any other: the search goes on.
"""
from __future__ import annotations

import math
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

OK, FAILED = "ok", "failed"


@dataclass
class TrialRecord:
    """Everything known about one trial; ``to_dict``/``from_dict`` are its JSON form."""

    trial_id: int
    config: dict[str, Any]
    status: str = OK
    metrics: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    traceback: str | None = None
    duration_s: float = 0.0
    round: int = 0

    @property
    def ok(self) -> bool:
        return self.status == OK

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "TrialRecord":
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})


def _clean_metrics(metrics) -> dict[str, Any]:
    """A dict of JSON numbers: numpy scalars become Python ``int``/``float``."""
    if not isinstance(metrics, Mapping):
        raise TypeError(f"trial must return a dict of metrics. Received: {type(metrics).__name__} {metrics!r:.200}")
    clean = {}
    for name, value in metrics.items():
        if isinstance(value, bool) or not hasattr(value, "__float__"):
            raise TypeError(f"metric {name!r} must be a number. Received: {value!r:.200}")
        clean[str(name)] = int(value) if isinstance(value, (int, np.integer)) else float(value)
    return clean


def run_trial(trial: Callable[[dict], Mapping[str, float]], trial_id: int, config: dict,
              metric: str, round: int = 0) -> TrialRecord:
    """Call ``trial(config)`` and return its record; never raises for a failing trial.

    Exceptions that are not ``Exception`` (KeyboardInterrupt, SystemExit) propagate: they stop
    the search, which can then be resumed from its results file.
    """
    start = time.perf_counter()
    record = TrialRecord(trial_id=trial_id, config=dict(config), round=round)
    try:
        record.metrics = _clean_metrics(trial(dict(config)))
        if metric not in record.metrics:
            raise KeyError(f"trial returned no {metric!r} metric (got {sorted(record.metrics)})")
        if not math.isfinite(record.metrics[metric]):
            raise FloatingPointError(f"metric {metric!r} is {record.metrics[metric]}")
    except Exception as exc:  # noqa: BLE001 - a failing trial is data, not a crash
        record.status = FAILED
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        record.error = f"{type(exc).__name__}: {message}"
        record.traceback = traceback.format_exc()
    record.duration_s = time.perf_counter() - start
    return record


def failed_record(trial_id: int, config: dict, error: str, duration_s: float, round: int = 0) -> TrialRecord:
    """A failure seen from outside the trial: time limit exceeded, worker process died."""
    return TrialRecord(trial_id=trial_id, config=dict(config), status=FAILED, error=error,
                       duration_s=duration_s, round=round)


def timeout_error(time_limit: float) -> str:
    return f"TimeoutError: trial exceeded its time limit of {time_limit:g} s and was stopped"
