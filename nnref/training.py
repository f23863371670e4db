"""Training a Sequential model: compile, fit, evaluate, predict, train_on_batch (Keras 3's
arguments, order and defaults; the differences are listed in docs/keras.md).

One optimizer step on a mini-batch (x_b, y_b) with example weights w_b (1 without weights) is
``model.forward_backward`` (``nnref.trainer``: forward, loss Σ_i w_i·ℓ_i / m_b + penalties,
backward; the reported loss includes the penalties), then
    optimizer.apply_gradients(zip(model.gradients(), model.trainable_weights))
Mini-batches come from a seeded permutation per epoch (``shuffle=True``) or in order, and the last
partial batch is kept (⌈m / batch_size⌉ steps per epoch). Inputs and labels are validated and
converted once per ``fit``. An epoch's "loss" is the mean of its step losses weighted by batch
size, and each metric the mean of its per-example values (Keras's), both computed on the
training-mode outputs before each step; ``evaluate`` does the same in inference mode.
"""
from __future__ import annotations

import math

import numpy as np

from nnref import losses as losses_mod, metrics as metrics_mod, optimizers
from nnref.callbacks import CallbackList
from nnref._checks import check_choice, check_int, check_type
from nnref.fit_inputs import check_sample_weight, example_weights

VERBOSE = ("auto", 0, 1, 2)


class EvaluationLogs(dict):
    """``evaluate``'s dict ({"loss": ..., "accuracy": ...}) that also answers Keras's list
    indexing: ``logs[0]`` is the loss, ``logs[1]`` the first metric (``score[0]`` in Keras
    scripts). Iterating or unpacking it gives the keys, as any dict: write
    ``loss, acc = model.evaluate(..., return_dict=False)`` for Keras's list."""

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            return list(self.values())[key]
        return super().__getitem__(key)


class NonFiniteLossError(FloatingPointError):
    """The training loss became NaN or infinite."""


def compile_model(model, optimizer="sgd", loss=None, metrics=None) -> None:
    if loss is None:
        raise ValueError("compile needs a loss, e.g. losses.CategoricalCrossentropy(from_logits=True). "
                         "Received: loss=None")
    metrics = _as_list(metrics, "metrics", "a metric name")               # "accuracy" as Keras
    for name in metrics:
        metrics_mod.get(name)
    model.optimizer = optimizers.get(optimizer)
    model.loss = losses_mod.get(loss)
    model.metrics = metrics


def _as_list(value, name: str, what: str, single=str) -> list:
    """None -> [], one item (an instance of ``single``) -> [item], a list or tuple -> a list."""
    if value is None:
        return []
    if isinstance(value, single):
        return [value]
    return list(check_type(name, value, (list, tuple), f"{what} or a list of them"))


def accuracy(y: np.ndarray, out: np.ndarray, loss) -> float:
    """Fraction of correct predictions (the "accuracy" metric of ``nnref.metrics``)."""
    return float(np.mean(metrics_mod.per_example(["accuracy"], y, out, loss)["accuracy"]))


def _require_compiled(model, what: str) -> None:
    if model.optimizer is None or model.loss is None:
        raise ValueError(f"{what} needs a compiled model: call model.compile(optimizer=..., loss=...)")


def _check_verbose(verbose):
    return check_choice("verbose", verbose, VERBOSE, expected="'auto', 0, 1 or 2")


def _batch_size(batch_size) -> int:
    return 32 if batch_size is None else check_int("batch_size", batch_size, low=1)


def _prepare(model, x, y, name_x="x", name_y="y"):
    x = model.check_inputs(x, name_x)
    if x.shape[0] == 0:
        raise ValueError(f"{name_x} must hold at least one example. Received: {name_x}.shape={x.shape}")
    y = np.asarray(y)
    if y.ndim == 0 or y.shape[0] != x.shape[0]:
        raise ValueError(f"{name_x} and {name_y} must have the same number of examples. "
                         f"Received: {name_x}.shape={x.shape}, {name_y}.shape={y.shape}")
    return x, model.loss.prepare(y, model.output_dim, model.dtype)


def _step(model, x_b, y_b, w_b=None) -> tuple[float, np.ndarray]:
    """One optimizer step; returns the loss before it (with penalties) and the outputs."""
    loss, out = model.forward_backward(x_b, y_b, sample_weight=w_b)
    if math.isfinite(loss):
        model.optimizer.apply_gradients(zip(model.gradients(), model.trainable_weights))
    return float(loss), out


def train_on_batch(model, x, y, sample_weight=None, class_weight=None) -> float:
    """One optimizer step on (x, y); returns the loss before the step."""
    _require_compiled(model, "train_on_batch")
    raw_y = y
    x, y = _prepare(model, x, y)
    w = example_weights(raw_y, len(x), model.dtype, sample_weight, class_weight)
    loss, _ = _step(model, x, y, w)
    if not math.isfinite(loss):
        raise NonFiniteLossError(f"The loss is {loss} on this batch; no step was taken.")
    return loss


class _Means:
    """Running means for logs: the loss weighted by batch size, metrics per example."""

    def __init__(self, model):
        self.model, self.seen, self.loss = model, 0, 0.0
        self.sums = {name: 0.0 for name in model.metrics}

    def add(self, loss: float, y_b, out) -> dict:
        self.seen += len(out)
        self.loss += loss * len(out)
        for name, values in metrics_mod.per_example(self.model.metrics, y_b, out, self.model.loss).items():
            self.sums[name] += float(values.sum())
        return self.logs()

    def logs(self) -> dict:
        return {"loss": self.loss / self.seen, **{k: v / self.seen for k, v in self.sums.items()}}


def _starts(m: int, batch_size: int, steps) -> range:
    """First rows of the batches: all of them, or the first ``steps`` (Keras's ``steps``)."""
    starts = range(0, m, batch_size)
    return starts if steps is None else starts[:check_int("steps", steps, low=1)]


def _run_evaluation(model, x, y, w, batch_size, callbacks, steps=None) -> dict:
    """Inference-mode loss (penalties included) and metrics over prepared (x, y), Keras's way."""
    callbacks.on_test_begin()
    means = _Means(model)
    for step, start in enumerate(_starts(len(x), batch_size, steps)):
        callbacks.on_test_batch_begin(step)
        rows = slice(start, start + batch_size)
        out = model.forward(x[rows], training=False)
        loss = model.compute_loss(y[rows], out, None if w is None else w[rows])
        callbacks.on_test_batch_end(step, means.add(float(loss), y[rows], out))
    logs = means.logs()
    callbacks.on_test_end(logs)
    return logs


def evaluate(model, x, y, batch_size=None, verbose="auto", sample_weight=None, steps=None,
             callbacks=None, return_dict=True):
    """Inference-mode loss and metrics over (x, y): ``{"loss": ..., "accuracy": ...}``, or with
    ``return_dict=False`` Keras's ``[loss, *metrics]`` (the bare loss without metrics)."""
    _require_compiled(model, "evaluate")
    batch_size, verbose = _batch_size(batch_size), _check_verbose(verbose)
    x, y = _prepare(model, x, y)
    w = check_sample_weight(sample_weight, len(x), model.dtype)
    cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=model, verbose=verbose,
                       epochs=1, steps=len(_starts(len(x), batch_size, steps)))
    logs = _run_evaluation(model, x, y, w, batch_size, cbs, steps)
    if return_dict:
        return EvaluationLogs(logs)
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def predict(model, x, batch_size=None, verbose="auto", steps=None, callbacks=None) -> np.ndarray:
    """Inference-mode outputs (m, output_dim), computed ``batch_size`` rows at a time (32)."""
    batch_size, verbose = _batch_size(batch_size), _check_verbose(verbose)
    x = model.check_inputs(x)
    starts = _starts(len(x), batch_size, steps)
    cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=model, verbose=verbose,
                       epochs=1, steps=len(starts))
    cbs.on_predict_begin()
    outs = []
    for step, start in enumerate(starts):
        cbs.on_predict_batch_begin(step)
        outs.append(model.forward(x[start:start + batch_size], training=False))
        cbs.on_predict_batch_end(step, {"outputs": outs[-1]})
    cbs.on_predict_end()
    return outs[0] if len(outs) == 1 else np.concatenate(outs)
