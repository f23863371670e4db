"""BackupAndRestore: resume an interrupted ``fit`` where it stopped, as Keras 3's.

At every epoch end (or every ``save_freq`` batches) the weights go to
``backup_dir/latest.weights.h5``, the optimizer's state (``iterations`` and ``variables``: Adam's
moments, momentum, RMSprop's averages...; a learning-rate schedule follows ``iterations``) to
``latest.optimizer.npz``, ``{"epoch", "batch"}`` to ``training_metadata.json`` (as Keras) and
the state of ``fit``'s batch-order generator at the start of that epoch to ``fit_rng.json`` (each
file written atomically); at ``on_train_begin`` an existing backup is loaded and ``fit`` starts
at its epoch. The generator's state is restored too, so a resumed ``fit`` draws the batches the
uninterrupted one would have (Keras does not restore its shuffling). A ``fit`` that ends normally deletes ``backup_dir``
(``delete_checkpoint=True``). ``double_checkpoint=True`` keeps the previous backup as ``*.bkp``
and falls back to it when the latest cannot be read. An optimizer state that does not fit the
model's optimizer (other count, shapes or dtypes) raises :class:`BackupMismatchError` before
anything (weights, optimizer, files) changes. Not restored: dropout masks' generators.
"""
from __future__ import annotations

import copy
import json
import os
import shutil
import zipfile

import numpy as np

from nnref._files import atomic_write
from nnref.callbacks.base import Callback, check_save_freq
from nnref.optimizers.base import Optimizer


class BackupMismatchError(ValueError):
    """The backup does not fit this model's optimizer or fit's generator: it is refused and
    nothing is changed."""


def _check_rng_state(path, rng, state) -> None:
    """Raise unless ``state`` can be set on ``rng``'s bit generator (tried on a probe)."""
    name = type(rng.bit_generator).__name__
    if not isinstance(state, dict) or state.get("bit_generator") != name:
        raise BackupMismatchError(f"The generator state in {path} is not a {name} state (fit's "
                                  f"seed= generator). Received: {str(state)[:80]}")
    type(rng.bit_generator)().state = state        # a malformed state raises ValueError/TypeError


def _read_optimizer_state(path, optimizer, params):
    """``(iterations, values)`` from ``path``, checked against ``optimizer`` built for ``params``
    (a probe copy is built when it is not, so the optimizer itself is untouched)."""
    with np.load(path, allow_pickle=False) as data:
        iterations = int(data["iterations"])
        values = [data[f"v{i}"] for i in range(len(data.files) - 1)]
    if optimizer.built:
        expected = optimizer.variables
    else:
        probe = copy.copy(optimizer)
        probe.build(params)
        expected = probe.variables
    where = f"The optimizer state in {path}"
    if len(values) != len(expected):
        raise BackupMismatchError(f"{where} has {len(values)} arrays; {optimizer.name} has "
                                  f"{len(expected)}. Received: {len(values)} arrays")
    for i, (target, value) in enumerate(zip(expected, values)):
        if value.shape != target.shape or value.dtype != target.dtype:
            raise BackupMismatchError(
                f"{where} does not fit {optimizer.name}: state array {i} must have shape "
                f"{target.shape} and dtype {target.dtype}. Received: shape={value.shape}, "
                f"dtype={value.dtype}")
    return iterations, values


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
        self._optimizer_path = os.path.join(self.backup_dir, "latest.optimizer.npz")
        self._rng_path = os.path.join(self.backup_dir, "fit_rng.json")
        self._paths = (self._weights_path, self._optimizer_path, self._rng_path, self._metadata_path)
        self._epoch_rng_state, self._in_epoch = None, False
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0

    def on_train_begin(self, logs=None):
        try:
            self._load()
        except BackupMismatchError:
            raise
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile):    # unreadable
            if not os.path.exists(self._weights_path + ".bkp"):
                raise
            for path in self._paths:
                if os.path.exists(path + ".bkp"):
                    shutil.copy(path + ".bkp", path)
                elif os.path.exists(path):
                    os.remove(path)
            self._load()

    def _load(self) -> None:
        if not self.model.built:
            raise ValueError("To use the BackupAndRestore callback, your model must be built "
                             "before you call `fit()` (pass input_dim= or call model.build).")
        optimizer = getattr(self.model, "optimizer", None)
        state = meta = rng_state = None
        if os.path.exists(self._optimizer_path) and isinstance(optimizer, Optimizer):
            state = _read_optimizer_state(self._optimizer_path, optimizer,
                                          self.model.trainable_weights)
        if os.path.exists(self._metadata_path):
            with open(self._metadata_path, encoding="utf-8") as f:
                meta = json.load(f)
            if not isinstance(meta, dict) or not isinstance(meta.get("epoch"), int):
                raise ValueError(f"{self._metadata_path} has no epoch. Received: {meta!r}")
        rng = getattr(self.model, "_fit_rng", None)
        if rng is not None and os.path.exists(self._rng_path):
            with open(self._rng_path, encoding="utf-8") as f:
                rng_state = json.load(f)
            _check_rng_state(self._rng_path, rng, rng_state)
        if os.path.exists(self._weights_path):
            self.model.load_weights(self._weights_path)
        if state is not None:
            if not optimizer.built:
                optimizer.build(self.model.trainable_weights)
            optimizer.set_variables(state[1])
            optimizer.iterations = state[0]
        if rng_state is not None:
            rng.bit_generator.state = rng_state
        if meta is not None:
            self.model._initial_epoch = meta["epoch"]

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch, self._in_epoch = epoch, True
        rng = getattr(self.model, "_fit_rng", None)
        self._epoch_rng_state = None if rng is None else rng.bit_generator.state

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch, self._in_epoch = epoch + 1, False
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
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint:
            for path in self._paths:
                if os.path.exists(path):
                    shutil.copy(path, path + ".bkp")
        self.model.save_weights(self._weights_path)
        optimizer = getattr(self.model, "optimizer", None)
        if isinstance(optimizer, Optimizer):
            arrays = {f"v{i}": v for i, v in enumerate(optimizer.variables)}
            atomic_write(self._optimizer_path, lambda f: np.savez(
                f, iterations=np.int64(optimizer.iterations), **arrays), binary=True)
        rng = getattr(self.model, "_fit_rng", None)
        # the generator's state at the start of the epoch a resumed fit runs first
        if rng is not None:
            rng_state = self._epoch_rng_state if self._in_epoch else rng.bit_generator.state
            atomic_write(self._rng_path, lambda f: f.write(json.dumps(rng_state)))
        meta = {"epoch": self._current_epoch, "batch": self._last_batch_seen}
        atomic_write(self._metadata_path, lambda f: f.write(json.dumps(meta)))

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
