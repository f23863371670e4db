"""Training a Sequential model: compile, fit, evaluate, train_on_batch.

One optimizer step on a mini-batch (x_b, y_b):
    out = model.forward(x_b, training=True)
    loss = L(y_b, out) + Σ regularization penalties          (the reported loss includes them)
    grads = model.backward(∂L/∂out)                           (penalty gradients included)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
Mini-batches come from a seeded permutation per epoch (``shuffle=True``) or in order, and the last
partial batch is kept (⌈m / batch_size⌉ steps per epoch). Inputs are validated and converted to
the model's dtype once per ``fit``, labels once per ``fit``.
An epoch's "loss" and "accuracy" are the means over its steps weighted by batch size (Keras's),
computed on the training-mode outputs before each step.
"""
from __future__ import annotations

import math

import numpy as np

from nnref import losses as losses_mod
from nnref.data import as_rng, batches as make_batches, check_int, num_batches
from nnref.callbacks import Callback, EarlyStopping, History

METRICS = ("accuracy",)


class NonFiniteLossError(FloatingPointError):
    """The training loss became NaN or infinite."""


def compile_model(model, optimizer="sgd", loss=None, metrics=None) -> None:
    from nnref import optimizers

    if loss is None:
        raise ValueError("compile needs a loss, e.g. losses.CategoricalCrossentropy(from_logits=True). "
                         "Received: loss=None")
    metrics = _as_list(metrics, "metrics", "a metric name")               # "accuracy" as Keras
    for name in metrics:
        if name not in METRICS:
            raise ValueError(f"Unknown metric: expected one of {METRICS}. Received: metrics={metrics!r}")
    model.optimizer = optimizers.get(optimizer)
    model.loss = losses_mod.get(loss)
    model.metrics = metrics


def accuracy(y: np.ndarray, out: np.ndarray, loss) -> float:
    """Fraction of correct predictions. y: labels prepared by the loss, (m, units); out: (m, units).
    One unit: p > 0.5 (logit > 0) against y > 0.5; several: argmax against argmax.
    NaN when an output is not finite: no accuracy is computed from NaN."""
    if not np.isfinite(out).all():
        return math.nan
    if out.shape[1] == 1:
        threshold = 0.0 if loss.from_logits else 0.5
        return float(np.mean((out > threshold) == (y > 0.5)))
    return float(np.mean(np.argmax(out, axis=1) == np.argmax(y, axis=1)))


def _require_compiled(model, what: str) -> None:
    if model.optimizer is None or model.loss is None:
        raise ValueError(f"{what} needs a compiled model: call model.compile(optimizer=..., loss=...)")


def _prepare(model, x, y, name_x="x", name_y="y"):
    x = model.check_inputs(x, name_x)
    if x.shape[0] == 0:
        raise ValueError(f"{name_x} must hold at least one example. Received: {name_x}.shape={x.shape}")
    y = np.asarray(y)
    if y.ndim == 0 or y.shape[0] != x.shape[0]:
        raise ValueError(f"{name_x} and {name_y} must have the same number of examples. "
                         f"Received: {name_x}.shape={x.shape}, {name_y}.shape={y.shape}")
    return x, model.loss.prepare(y, model.output_dim, model.dtype)


def _step(model, x_b, y_b) -> tuple[float, np.ndarray]:
    """One optimizer step; returns the loss before it (with penalties) and the outputs."""
    out = model.forward(x_b, training=True)
    loss = model.loss.compute(y_b, out) + model.regularization_loss()
    model.backward(model.loss.compute_gradient(y_b, out), input_gradient=False)
    if math.isfinite(loss):
        model.optimizer.apply_gradients(zip(model.gradients(), model.trainable_weights))
    return float(loss), out


def train_on_batch(model, x, y) -> float:
    """One optimizer step on (x, y); returns the loss before the step."""
    _require_compiled(model, "train_on_batch")
    x, y = _prepare(model, x, y)
    loss, _ = _step(model, x, y)
    if not math.isfinite(loss):
        raise NonFiniteLossError(f"The loss is {loss} on this batch; no step was taken.")
    return loss


def evaluate(model, x, y, batch_size: int | None = None) -> dict:
    """Inference-mode loss (with penalties) and metrics over (x, y): {"loss": ..., "accuracy": ...}."""
    _require_compiled(model, "evaluate")
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size")
    x, y = _prepare(model, x, y)
    return _evaluate_prepared(model, x, y, batch_size)


def _evaluate_prepared(model, x, y, batch_size=None) -> dict:
    out = model.predict(x, batch_size=batch_size)
    logs = {"loss": float(model.loss.compute(y, out) + model.regularization_loss())}
    if "accuracy" in model.metrics:
        logs["accuracy"] = accuracy(y, out, model.loss)
    return logs


def _as_list(value, name: str, what: str, single=str) -> list:
    """None -> [], one item (an instance of ``single``) -> [item], a list or tuple -> a list."""
    if value is None:
        return []
    if isinstance(value, single):
        return [value]
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{name} must be {what} or a list of them. Received: {name}={value!r}")
    return list(value)


def _check_callbacks(callbacks, has_validation: bool) -> list:
    """A list of callbacks (a single one is accepted, as Keras), checked before training."""
    callbacks = _as_list(callbacks, "callbacks", "a Callback", Callback)
    for cb in callbacks:
        if not isinstance(cb, Callback):
            raise TypeError(f"callbacks must be nnref.callbacks.Callback objects. Received: {cb!r}")
        if isinstance(cb, EarlyStopping) and cb.monitor.startswith("val_") and not has_validation:
            raise ValueError(f"EarlyStopping monitors {cb.monitor!r}, which needs validation_data. "
                             f"Pass validation_data=(x_val, y_val) or monitor a training metric "
                             f"(e.g. 'loss'). Received: validation_data=None")
    return callbacks


def fit(model, x, y, batch_size: int | None = 32, epochs: int = 1, verbose: int = 0,
        callbacks=None, validation_data=None, shuffle: bool = True, seed: int | None = None,
        augment=None, initial_epoch: int = 0) -> History:
    """Train for ``epochs`` epochs of mini-batch steps; returns a ``History``.

    Args:
        x: (m, n) inputs; y: labels in the form the loss takes ((m,) ints, (m, C) one-hot...).
        batch_size: examples per step (None: 32, as Keras). epochs: the last epoch (exclusive
            of ``initial_epoch``). verbose: 0 silent, 1 a progress bar per epoch, 2 a line per epoch.
        callbacks: ``nnref.callbacks`` objects. validation_data: (x_val, y_val), evaluated after
            every epoch into "val_loss", "val_accuracy".
        shuffle: a new permutation every epoch from a generator seeded by ``seed``.
        augment: ``augment(x_batch, rng) -> x_batch``, applied to every training batch.
    Raises NonFiniteLossError naming the epoch and step where the loss stops being finite.
    """
    _require_compiled(model, "fit")
    batch_size = 32 if batch_size is None else check_int(batch_size, "batch_size")
    epochs = check_int(epochs, "epochs", 0)
    initial_epoch = check_int(initial_epoch, "initial_epoch", 0)
    rng = as_rng(seed)
    if verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be 0, 1 or 2. Received: verbose={verbose!r}")
    if augment is not None and not callable(augment):
        raise TypeError(f"augment must be callable (x_batch, rng) -> x_batch. Received: {augment!r}")
    x, y = _prepare(model, x, y)
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError("validation_data must be a pair (x_val, y_val). "
                             f"Received: {type(validation_data).__name__}")
        xv, yv = _prepare(model, *validation_data, name_x="x_val", name_y="y_val")
    history = History()
    callbacks = [*_check_callbacks(callbacks, validation_data is not None), history]  # History last
    for cb in callbacks:
        cb.set_model(model)
    model.history = history
    model.stop_training = False
    for cb in callbacks:
        cb.on_train_begin()
    for epoch in range(initial_epoch, epochs):
        for cb in callbacks:
            cb.on_epoch_begin(epoch)
        n_steps = num_batches(len(x), batch_size)
        progress = _progress(n_steps, epoch, epochs, verbose)
        total_loss = total_correct = 0.0
        seen = 0
        for step, (x_b, y_b) in enumerate(make_batches(x, y, batch_size, shuffle=shuffle, seed=rng)):
            if augment is not None:
                x_b = augment(x_b, rng)
            loss, out = _step(model, x_b, y_b)
            if not math.isfinite(loss):
                raise NonFiniteLossError(f"The training loss became {loss} at epoch {epoch + 1}, "
                                         f"step {step + 1} of {n_steps}; training stopped.")
            seen += len(x_b)
            total_loss += loss * len(x_b)
            if "accuracy" in model.metrics:
                total_correct += accuracy(y_b, out, model.loss) * len(x_b)
            for cb in callbacks:
                cb.on_train_batch_end(step, {"loss": loss})
            if progress is not None:
                progress.update(1)
                progress.set_postfix(loss=f"{total_loss / seen:.4f}")
        logs = {"loss": total_loss / len(x)}
        if "accuracy" in model.metrics:
            logs["accuracy"] = total_correct / len(x)
        if validation_data is not None:
            logs.update({f"val_{k}": v for k, v in _evaluate_prepared(model, xv, yv).items()})
        if progress is not None:
            progress.set_postfix({k: f"{v:.4f}" for k, v in logs.items()})
            progress.close()
        for cb in callbacks:
            cb.on_epoch_end(epoch, logs)
        if verbose == 2:
            print(f"Epoch {epoch + 1}/{epochs} - " + " - ".join(f"{k}: {v:.4f}" for k, v in logs.items()))
        if model.stop_training:
            break
    for cb in callbacks:
        cb.on_train_end()
    return history


def _progress(total: int, epoch: int, epochs: int, verbose: int):
    if verbose != 1:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # the progress bar is optional: pip install "nnref[cli]"
        return None
    return tqdm(total=total, desc=f"Epoch {epoch + 1}/{epochs}", unit="step", leave=True)
