"""BackupAndRestore: resume an interrupted ``fit`` where it stopped, as Keras 3's.

At every epoch end (or every ``save_freq`` batches) the weights go to
``backup_dir/latest.weights.h5`` and ``{"epoch", "batch"}`` to ``training_metadata.json``; at
``on_train_begin`` an existing backup is loaded and ``fit`` starts at its epoch. A ``fit`` that
ends normally deletes ``backup_dir`` (``delete_checkpoint=True``). ``double_checkpoint=True``
keeps the previous backup as ``*.bkp`` and falls back to it when the latest cannot be read.
Keras difference: the optimizer's state (Adam's moments, step count) is not in the backup, so
a resumed run restarts the optimizer's averages.
"""
from __future__ import annotations

import json
import os
import shutil

from nnref.callbacks.base import Callback, check_save_freq


class BackupAndRestore(Callback):
    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False,
                 delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError(f"Empty `backup_dir` argument passed. Received: backup_dir={backup_dir!r}")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = check_save_freq(save_freq)
        self.double_checkpoint = bool(double_checkpoint)
        self.delete_checkpoint = bool(delete_checkpoint)
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0

    def on_train_begin(self, logs=None):
        try:
            self._load()
        except (OSError, ValueError):
            prev = self._weights_path + ".bkp"
            if not os.path.exists(prev):
                raise
            shutil.copy(prev, self._weights_path)
            if os.path.exists(self._metadata_path + ".bkp"):
                shutil.copy(self._metadata_path + ".bkp", self._metadata_path)
            elif os.path.exists(self._metadata_path):
                os.remove(self._metadata_path)
            self._load()

    def _load(self) -> None:
        if not self.model.built:
            raise ValueError("To use the BackupAndRestore callback, your model must be built "
                             "before you call `fit()` (pass input_dim= or call model.build).")
        if os.path.exists(self._weights_path):
            self.model.load_weights(self._weights_path)
        if os.path.exists(self._metadata_path):
            with open(self._metadata_path, encoding="utf-8") as f:
                self.model._initial_epoch = json.load(f)["epoch"]

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._save()

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        added = batch + 1 if batch <= self._last_batch_seen else batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            self._save()

    def _save(self) -> None:
        from nnref._files import atomic_write

        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint:
            for path in (self._weights_path, self._metadata_path):
                if os.path.exists(path):
                    shutil.copy(path, path + ".bkp")
        self.model.save_weights(self._weights_path)
        meta = {"epoch": self._current_epoch, "batch": self._last_batch_seen}
        atomic_write(self._metadata_path, lambda f: f.write(json.dumps(meta)))

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
