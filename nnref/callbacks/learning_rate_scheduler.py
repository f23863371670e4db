"""LearningRateScheduler: set the optimizer's learning rate at the start of every epoch."""
from __future__ import annotations

import inspect
import math

from nnref._checks import check_callable
from nnref.callbacks.base import Callback
from nnref.schedules import LearningRateSchedule


class LearningRateScheduler(Callback):
    """Set the optimizer's learning rate at the start of every epoch.

    ``schedule`` is Keras's ``schedule(epoch, lr) -> new_lr`` or ``schedule(epoch) -> new_lr``
    (epoch counted from 0; both forms Keras accepts), or a per-epoch schedule object from
    ``nnref.schedules`` called as ``schedule(epoch)``.
    """

    def __init__(self, schedule, verbose: int = 0):
        super().__init__()
        check_callable("schedule", schedule)
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
