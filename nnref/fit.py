"""``fit``: Keras 3's ``Model.fit`` for a Sequential model on arrays (see ``nnref.training``)."""
from __future__ import annotations

import math
import warnings

import numpy as np

from nnref._checks import check_bool, check_callable, check_int, check_type
from nnref.callbacks import Callback, CallbackList, EarlyStopping, History
from nnref.data import as_rng, batches as make_batches, num_batches
from nnref.fit_inputs import check_sample_weight, example_weights, split_validation, unpack_validation
from nnref.training import (NonFiniteLossError, _as_list, _batch_size, _check_verbose, _Means, _prepare,
                            _require_compiled, _run_evaluation, _step)


def _should_validate(epoch: int, validation_freq) -> bool:
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return epoch + 1 in validation_freq


def _check_callbacks(callbacks, has_validation: bool) -> list:
    """A list of callbacks (a single one is accepted, as Keras), checked before training."""
    callbacks = _as_list(callbacks, "callbacks", "a Callback", Callback)
    for i, cb in enumerate(callbacks):
        check_type(f"callbacks[{i}]", cb, Callback, "an nnref.callbacks.Callback")
        if isinstance(cb, EarlyStopping) and cb.monitor.startswith("val_") and not has_validation:
            raise ValueError(f"EarlyStopping monitors {cb.monitor!r}, which needs validation_data. "
                             f"Pass validation_data=(x_val, y_val) or monitor a training metric "
                             f"(e.g. 'loss'). Received: validation_data=None")
    return callbacks


def _passes(x, batch_size, shuffle, rng):
    """Endless passes over the data, each a new (seeded) order: (x_batch, row indices)."""
    index = np.arange(len(x))
    while True:
        yield from make_batches(x, index, batch_size, shuffle=shuffle, seed=rng)


def fit(model, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
        validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
        sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
        validation_batch_size=None, validation_freq=1, *, seed=None, augment=None) -> History:
    """Train for epochs ``initial_epoch`` .. ``epochs − 1``; returns the ``History``.

    Args (Keras's, in Keras's order):
        x: (m, n) inputs; y: labels in the form the loss takes ((m,) ints, (m, C) one-hot...).
        batch_size: examples per step. Defaults to 32.
        epochs: the index of the last epoch + 1. verbose: "auto" (= 1: a tqdm bar per epoch),
            0 silent, 2 one line per epoch.
        callbacks: ``nnref.callbacks`` objects; a History and (verbose ≠ 0) a ProgbarLogger are added.
        validation_split: the last fraction of (x, y) held out for validation (before shuffling).
        validation_data: (x_val, y_val) or (x_val, y_val, w_val), evaluated into "val_*" logs
            every ``validation_freq`` epochs (an int, or a list of 1-based epoch numbers).
        shuffle: a new permutation every epoch from a generator seeded by ``seed``.
        class_weight / sample_weight: per-example loss weights (``nnref.fit_inputs``).
        initial_epoch: the epoch to start at (to resume a run).
        validation_batch_size: defaults to batch_size.
    nnref only (keyword): seed for the batch order; augment ``(x_batch, rng) -> x_batch``.
    Raises NonFiniteLossError naming the epoch and step where the loss stops being finite,
    unless a callback (``TerminateOnNaN``) stops training at that step.
    """
    _require_compiled(model, "fit")
    batch_size = _batch_size(batch_size)
    epochs = check_int("epochs", epochs)
    initial_epoch = check_int("initial_epoch", initial_epoch)
    rng = as_rng(seed)
    shuffle = check_bool("shuffle", shuffle)
    verbose = _check_verbose(verbose)
    if steps_per_epoch is not None:
        steps_per_epoch = check_int("steps_per_epoch", steps_per_epoch, low=1)
    if not isinstance(validation_freq, (list, tuple)):
        check_int("validation_freq", validation_freq, low=1,
                  expected="an integer >= 1 or a list of epochs")
    check_callable("augment", augment, expected="callable (x_batch, rng) -> x_batch", allow_none=True)
    callbacks = _check_callbacks(callbacks, validation_data is not None or bool(validation_split))
    if validation_split and validation_data is None:
        (x, y, sample_weight), validation_data = split_validation(x, y, sample_weight, validation_split)
    raw_y = y
    x, y = _prepare(model, x, y)
    w = example_weights(raw_y, len(x), model.dtype, sample_weight, class_weight)
    if validation_data is not None:
        xv, yv, wv = unpack_validation(validation_data)
        xv, yv = _prepare(model, xv, yv, name_x="x_val", name_y="y_val")
        wv = check_sample_weight(wv, len(xv), model.dtype, "sample_weight_val")
        val_batch_size = batch_size if validation_batch_size is None else _batch_size(validation_batch_size)
    n_steps = num_batches(len(x), batch_size)                 # batches in one pass over x
    cbs = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=model,
                       verbose=verbose, epochs=epochs, steps=steps_per_epoch or n_steps)
    model.stop_training = False
    model._initial_epoch = None
    model._fit_rng = rng                      # BackupAndRestore saves and restores its state
    cbs.on_train_begin()
    initial_epoch = model._initial_epoch or initial_epoch
    epoch_logs, batches, seen = None, None, 0
    for epoch in range(initial_epoch, epochs):
        cbs.on_epoch_begin(epoch)
        means = _Means(model)
        if batches is None or steps_per_epoch is None:        # a new pass (Keras's EpochIterator)
            batches, seen = _passes(x, batch_size, shuffle, rng), 0
        for step in range(steps_per_epoch or n_steps):
            if seen == n_steps:                                   # the pass ran out mid-epoch
                warnings.warn("Your input ran out of data; interrupting the epoch. With "
                              f"steps_per_epoch={steps_per_epoch}, an epoch stops at the end of "
                              f"a pass over x ({n_steps} batches).", stacklevel=2)
                break
            x_b, rows = next(batches)
            seen += 1
            cbs.on_train_batch_begin(step)
            if augment is not None:
                x_b = augment(x_b, rng)
            y_b = y[rows]
            loss, out = _step(model, x_b, y_b, None if w is None else w[rows])
            cbs.on_train_batch_end(step, means.add(loss, y_b, out))
            if not math.isfinite(loss) and not model.stop_training:
                raise NonFiniteLossError(f"The training loss became {loss} at epoch {epoch + 1}, "
                                         f"step {step + 1} of {n_steps}; training stopped.")
            if model.stop_training:
                break
        if seen == n_steps:
            batches = None
        epoch_logs = means.logs()
        if validation_data is not None and _should_validate(epoch, validation_freq):
            val = _run_evaluation(model, xv, yv, wv, val_batch_size, cbs, validation_steps)
            epoch_logs.update({f"val_{k}": v for k, v in val.items()})
        cbs.on_epoch_end(epoch, epoch_logs)
        if model.stop_training:
            break
    cbs.on_train_end(epoch_logs)
    return model.history
