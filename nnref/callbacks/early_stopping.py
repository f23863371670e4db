"""EarlyStopping: stop training when a monitored quantity has stopped improving (Keras 3's rule).

At each epoch end from ``start_from_epoch`` on, with ``current`` = logs[monitor]:
    wait += 1
    if current improves on best (by more than min_delta): best = current, best_epoch = epoch,
        and wait = 0 if current also improves on ``baseline`` (or there is none)
    elif wait >= patience and epoch > 0: stop (stopped_epoch = epoch)
``restore_best_weights``: at the end of training, set the weights of the best epoch (the first
epoch seen counts as best until something beats it). ``stopped_epoch`` is 0 when not stopped.
"""
from __future__ import annotations

from nnref._checks import check_bool, check_int
from nnref.callbacks.monitor import MonitorCallback


class EarlyStopping(MonitorCallback):
    """Args (Keras's):
        monitor: a logs key. Defaults to "val_loss".
        min_delta: the smallest change that counts as an improvement. Defaults to 0.
        patience: epochs without improvement before stopping. Defaults to 0.
        verbose: 1 prints the stop and the restore. Defaults to 0.
        mode: "auto", "min" or "max". Defaults to "auto".
        baseline: the value to beat; epochs that improve on the best but not on it do not reset
            the patience. Defaults to None.
        restore_best_weights: defaults to False.
        start_from_epoch: epochs to wait before monitoring. Defaults to 0.
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = check_int("patience", patience)
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = check_bool("restore_best_weights", restore_best_weights)
        self.start_from_epoch = check_int("start_from_epoch", start_from_epoch)
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
