"""MonitorCallback: watch one logs key and decide what counts as an improvement (Keras's rule).

``mode="min"``: improved when ``current − min_delta < best``; ``"max"``: when
``current + min_delta > best``; ``"auto"``: "min" for ``loss``/``val_loss`` and the error
metrics, "max" for the accuracy metrics (by the metric's direction, as Keras), else an error.
The first value seen is always an improvement (``best`` starts at None).
Keras difference: an unknown ``mode`` is an error here (Keras warns and uses "auto").
"""
from __future__ import annotations

import operator
import warnings

from nnref._checks import check_choice, check_real, check_type
from nnref.callbacks.base import Callback

MODES = ("auto", "min", "max")


def metric_direction(name: str) -> str | None:
    """"up" or "down" for a metric name nnref knows (without "val_"), None otherwise."""
    from nnref.metrics import direction
    return "down" if name == "loss" else direction(name)


class MonitorCallback(Callback):
    def __init__(self, monitor: str = "val_loss", mode: str = "auto", baseline=None, min_delta=0):
        super().__init__()
        check_type("monitor", monitor, str, "a logs key (a str)")
        self.mode = check_choice("mode", mode, MODES)
        min_delta = check_real("min_delta", min_delta)
        self.monitor = monitor
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self) -> None:
        mode = self.mode
        if mode == "auto":
            direction = metric_direction(self.monitor.removeprefix("val_"))
            if direction is None:
                raise ValueError(
                    f"{type(self).__name__} callback received monitor={self.monitor}, but nnref "
                    "can't tell whether that metric should be maximized or minimized. Pass "
                    "mode='max' or mode='min'.")
            mode = "max" if direction == "up" else "min"
        self.monitor_op = operator.gt if mode == "max" else operator.lt
        if mode == "min":
            self.min_delta = -abs(self.min_delta)

    def _is_improvement(self, current, reference) -> bool:
        if reference is None:
            return True
        return bool(self.monitor_op(current - self.min_delta, reference))

    def get_monitor_value(self, logs):
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(f"{type(self).__name__} is conditioned on metric `{self.monitor}` which "
                          f"is not available. Available metrics are: {','.join(logs)}",
                          stacklevel=3)
        return value
