"""Training callbacks, with Keras's hooks and meanings.

``fit`` calls, in order: on_train_begin, then per epoch on_epoch_begin(epoch),
on_train_batch_end(step, logs) after every optimizer step, on_epoch_end(epoch, logs), and finally
on_train_end. ``logs`` holds the epoch's metrics ("loss", "accuracy", "val_loss", ...). A callback
stops training by setting ``model.stop_training = True``.
"""
from __future__ import annotations

import inspect
import math

import numpy as np

from nnref.schedules import LearningRateSchedule


class Callback:
    def __init__(self):
        self.model = None

    def set_model(self, model) -> None:
        self.model = model

    def on_train_begin(self, logs=None): ...
    def on_epoch_begin(self, epoch: int, logs=None): ...
    def on_train_batch_end(self, step: int, logs=None): ...
    def on_epoch_end(self, epoch: int, logs=None): ...
    def on_train_end(self, logs=None): ...


class History(Callback):
    """Records every epoch's logs: ``history.history["loss"]`` is the list of epoch losses."""

    def __init__(self):
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    Args:
        monitor: a logs key. Defaults to "val_loss".
        min_delta: the smallest change that counts as an improvement (>= 0). Defaults to 0.
        patience: epochs without improvement before stopping (>= 0). Defaults to 0.
        mode: "min", "max" or "auto" (max for names containing "acc", else min).
        restore_best_weights: when training ends (stopped early or not), set the weights of the
            best epoch. Defaults to False.
    ``stopped_epoch`` and ``best_epoch`` tell what happened.
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0,
                 mode: str = "auto", restore_best_weights: bool = False):
        super().__init__()
        if not isinstance(patience, (int, np.integer)) or isinstance(patience, bool) or patience < 0:
            raise ValueError(f"patience must be an integer >= 0. Received: patience={patience!r}")
        if not isinstance(min_delta, (int, float)) or not min_delta >= 0:
            raise ValueError(f"min_delta must be a number >= 0. Received: min_delta={min_delta!r}")
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"mode must be 'auto', 'min' or 'max'. Received: mode={mode!r}")
        self.monitor = monitor
        self.min_delta = float(min_delta)
        self.patience = int(patience)
        self.restore_best_weights = restore_best_weights
        self.mode = ("max" if "acc" in monitor else "min") if mode == "auto" else mode

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = None
        self.best_epoch = None
        self.best = -math.inf if self.mode == "max" else math.inf
        self.best_weights = None

    def _improved(self, value: float) -> bool:
        if self.mode == "max":
            return value - self.min_delta > self.best
        return value + self.min_delta < self.best

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.monitor not in logs:
            raise KeyError(f"EarlyStopping monitors {self.monitor!r}, which is not in the logs "
                           f"{sorted(logs)}; pass validation_data for 'val_*' metrics.")
        value = float(logs[self.monitor])
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience and epoch > 0:      # Keras's rule
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)


class LearningRateScheduler(Callback):
    """Set the optimizer's learning rate at the start of every epoch.

    ``schedule`` is Keras's ``schedule(epoch, lr) -> new_lr`` or ``schedule(epoch) -> new_lr``
    (epoch counted from 0; both forms Keras accepts), or a per-epoch schedule object from
    ``nnref.schedules`` called as ``schedule(epoch)``.
    """

    def __init__(self, schedule, verbose: int = 0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"schedule must be callable. Received: schedule={schedule!r}")
        self.schedule = schedule
        self._takes_lr = not isinstance(schedule, LearningRateSchedule) and _accepts(schedule, 0, 0.1)
        if not (self._takes_lr or _accepts(schedule, 0)):
            raise TypeError(f"schedule must take (epoch) or (epoch, lr). Received: schedule="
                            f"{schedule!r} with signature {inspect.signature(schedule)}")
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        opt = self.model.optimizer
        if self._takes_lr:
            lr = self.schedule(epoch, float(opt.learning_rate))
        else:
            lr = self.schedule(epoch)
        lr = float(lr)
        if not math.isfinite(lr) or lr <= 0:
            raise ValueError(f"The learning-rate schedule must give a finite rate > 0. "
                             f"Received: learning_rate={lr!r} at epoch {epoch}")
        opt.learning_rate = lr
        if self.verbose:
            print(f"Epoch {epoch + 1}: learning rate {lr:.6g}")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


def _accepts(fn, *args) -> bool:
    """Whether ``fn(*args)`` binds to ``fn``'s signature (True when it cannot be inspected)."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):       # some builtins: assume it does
        return True
    try:
        signature.bind(*args)
    except TypeError:
        return False
    return True
