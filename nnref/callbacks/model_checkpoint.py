"""ModelCheckpoint: save the model (or its weights) during training, with Keras 3's rules.

- ``filepath`` is formatted with ``epoch`` (counted from 1) and the logs, e.g.
  ``"ckpt/model-{epoch:02d}-{val_loss:.2f}.keras"``; a missing key is a ``KeyError`` naming it.
- ``save_weights_only=True`` needs a path ending in ``.weights.h5`` (``model.save_weights``),
  otherwise ``.keras`` (``model.save``, the whole model).
- ``save_best_only=True``: save only when ``monitor`` improves (``MonitorCallback``'s rule,
  ``initial_value_threshold`` as the first best); without the monitored key it saves anyway and
  warns, as Keras.
- ``save_freq="epoch"`` or an int: save every that many training batches.
Keras difference: ``.h5`` (legacy whole-model HDF5) is not accepted.
"""
from __future__ import annotations

import os
import warnings

from nnref._checks import check_bool, check_path
from nnref.callbacks.base import check_save_freq
from nnref.callbacks.monitor import MonitorCallback


class ModelCheckpoint(MonitorCallback):
    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        check_path("filepath", filepath, expected="a path (a str or os.PathLike), such as 'best.keras'")
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = check_bool("save_best_only", save_best_only)
        self.save_weights_only = check_bool("save_weights_only", save_weights_only)
        self.save_freq = check_save_freq(save_freq)
        suffix = ".weights.h5" if self.save_weights_only else ".keras"
        if not self.filepath.endswith(suffix):
            raise ValueError(f"With save_weights_only={self.save_weights_only}, filepath must end "
                             f"in `{suffix}`. Received: filepath={self.filepath}")
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._current_epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs)

    def _should_save_on_batch(self, batch) -> bool:
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            added = batch + 1
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _should_save_model(self, epoch, logs, filepath) -> bool:
        logs = logs or {}
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=3)
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                      f"{current:.5f}, saving model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _get_file_path(self, epoch, batch, logs) -> str:
        logs = logs or {}
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". '
                           f"Reason: {e}") from None

    def _save_model(self, epoch, batch, logs) -> None:
        filepath = self._get_file_path(epoch, batch, logs)
        if os.path.isdir(filepath):
            raise IsADirectoryError("Please specify a non-directory filepath for ModelCheckpoint. "
                                    f"Filepath used is an existing directory: {filepath}")
        if not self._should_save_model(epoch, logs, filepath):
            return
        if self.save_weights_only:
            self.model.save_weights(filepath)
        else:
            self.model.save(filepath)
