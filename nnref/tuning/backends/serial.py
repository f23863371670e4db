"""Run trials one after the other in this process (no pickling: closures and lambdas work)."""
from __future__ import annotations

from nnref.tuning.trial import FAILED, run_trial, timeout_error


class SerialBackend:
    """Trials in the calling process, in ``trial_id`` order.

    A time limit cannot interrupt a function running in this process: a trial that took longer
    than ``time_limit`` seconds is marked failed once it returns (its metrics are kept).
    """

    def __init__(self, time_limit: float | None = None):
        self.time_limit = time_limit

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False

    def run(self, trial, metric, tasks, on_record):
        for trial_id, round_, config in tasks:
            record = run_trial(trial, trial_id, config, metric, round_)
            if self.time_limit is not None and record.ok and record.duration_s > self.time_limit:
                record.status, record.error = FAILED, timeout_error(self.time_limit)
            on_record(record)
