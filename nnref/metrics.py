"""Metrics by Keras's names, each a per-example function averaged over the epoch.

A metric maps labels ``y`` (m, units) (as prepared by the loss: sparse labels arrive one-hot)
and outputs ``out`` (m, units) to per-example values (m,). ``fit`` and ``evaluate`` report
Σ w_i·v_i / Σ w_i over the examples (w = sample weights, 1 by default), as Keras's
``MeanMetricWrapper``; the logs key is the name given to ``compile`` ("mae" stays "mae").

| names | per-example value | direction |
|---|---|---|
| accuracy, acc | nnref's rule below | up |
| binary_accuracy | mean_k [(p_k > 0.5) = (y_k > 0.5)] (p as output, 0.5 as Keras) | up |
| categorical_accuracy, sparse_categorical_accuracy | [argmax p = argmax y] | up |
| top_k_categorical_accuracy, sparse_top_k_categorical_accuracy | [#{j: p_j > p_true} < 5] | up |
| mae, mean_absolute_error | mean_k abs(y_k − p_k) | down |
| mse, mean_squared_error | mean_k (y_k − p_k)² | down |

"accuracy": one output unit: logit > 0 (``from_logits=True``) or p > 0.5, against y > 0.5;
several: argmax against argmax. Keras difference: Keras's "accuracy" with a binary loss is
``binary_accuracy``, which thresholds at 0.5 even on logits.
"""
from __future__ import annotations

import numpy as np


def _accuracy(y, out, loss):
    if out.shape[1] == 1:
        threshold = 0.0 if getattr(loss, "from_logits", False) else 0.5
        return ((out[:, 0] > threshold) == (y[:, 0] > 0.5)).astype(out.dtype)
    return _categorical_accuracy(y, out, loss)


def _binary_accuracy(y, out, loss):
    return np.mean((out > 0.5) == (y > 0.5), axis=1, dtype=out.dtype)


def _categorical_accuracy(y, out, loss):
    return (out.argmax(axis=1) == y.argmax(axis=1)).astype(out.dtype)


def _top_k_categorical_accuracy(y, out, loss, k: int = 5):
    true = out[np.arange(len(out)), np.argmax(y, axis=1)]                 # (m,)
    return (np.sum(out > true[:, None], axis=1) < k).astype(out.dtype)


def _mean_absolute_error(y, out, loss):
    return np.mean(np.abs(y - out), axis=1)


def _mean_squared_error(y, out, loss):
    return np.mean(np.square(y - out), axis=1)


# name -> (per-example function, direction)
METRICS = {
    "accuracy": (_accuracy, "up"),
    "acc": (_accuracy, "up"),
    "binary_accuracy": (_binary_accuracy, "up"),
    "categorical_accuracy": (_categorical_accuracy, "up"),
    "sparse_categorical_accuracy": (_categorical_accuracy, "up"),
    "top_k_categorical_accuracy": (_top_k_categorical_accuracy, "up"),
    "sparse_top_k_categorical_accuracy": (_top_k_categorical_accuracy, "up"),
    "mae": (_mean_absolute_error, "down"),
    "mean_absolute_error": (_mean_absolute_error, "down"),
    "mse": (_mean_squared_error, "down"),
    "mean_squared_error": (_mean_squared_error, "down"),
}


def direction(name: str) -> str | None:
    """"up" (higher is better), "down", or None for a name that is not a metric here."""
    entry = METRICS.get(name)
    return None if entry is None else entry[1]


def get(name: str):
    """The per-example function ``fn(y, out, loss) -> (m,)`` for a metric name."""
    if not isinstance(name, str) or name not in METRICS:
        raise ValueError(f"Unknown metric: expected one of {sorted(METRICS)}. Received: {name!r}")
    return METRICS[name][0]


def per_example(names, y: np.ndarray, out: np.ndarray, loss) -> dict[str, np.ndarray]:
    """{name: (m,) values} for each compiled metric name; NaN for rows whose outputs are not
    finite (no accuracy is computed from NaN)."""
    values = {name: METRICS[name][0](y, out, loss) for name in names}
    finite = np.isfinite(out)
    if names and not finite.all():
        bad = ~finite.all(axis=1)                                        # (m,)
        for v in values.values():
            v[bad] = np.nan
    return values
