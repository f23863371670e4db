"""ReduceLROnPlateau: multiply the learning rate by ``factor`` when ``monitor`` stalls (Keras 3).

At each epoch end (logs get "learning_rate"), with ``current`` = logs[monitor]:
    if in cooldown: cooldown_counter −= 1; wait = 0
    if current improves on best (by more than min_delta): best = current; wait = 0
    elif not in cooldown: wait += 1; when wait >= patience and lr > float32(min_lr):
        lr = max(lr·factor, min_lr); cooldown_counter = cooldown; wait = 0
"""
from __future__ import annotations

import numpy as np

from nnref._checks import check_int
from nnref.callbacks.monitor import MonitorCallback


class ReduceLROnPlateau(MonitorCallback):
    """Args (Keras's): monitor="val_loss", factor=0.1 (< 1), patience=10, verbose=0, mode="auto",
    min_delta=1e-4, cooldown=0 (epochs to wait after a reduction), min_lr=0.0."""

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0):
        super().__init__(monitor, mode, min_delta=min_delta)
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not factor < 1.0:
            raise ValueError("ReduceLROnPlateau does not support a factor >= 1.0. "
                             f"Received: factor={factor!r}")
        self.factor = float(factor)
        self.min_lr = min_lr
        self.patience = check_int("patience", patience)
        self.verbose = verbose
        self.cooldown = check_int("cooldown", cooldown)
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = {} if logs is None else logs
        optimizer = self.model.optimizer
        logs["learning_rate"] = float(optimizer.learning_rate)
        current = self.get_monitor_value(logs)
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce(optimizer, epoch):
                self.cooldown_counter = self.cooldown
                self.wait = 0

    def _reduce(self, optimizer, epoch) -> bool:
        old_lr = float(optimizer.learning_rate)
        if not old_lr > np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
        return True
