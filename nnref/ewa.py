"""Exponentially weighted averages (lecture "Exponentially weighted averages").

    v_0 = 0
    v_t = β·v_{t−1} + (1 − β)·θ_t          = Σ_{i=1..t} (1 − β)·β^(t−i)·θ_i
    bias-corrected: v_t / (1 − β^t)

v_t averages roughly the last 1/(1 − β) values (β = 0.9: ~10 days of the course's temperature
example; β = 0.98: ~50, smoother and lagging; β = 0.5: ~2, noisy). Starting from v_0 = 0 makes
the early v_t too small; dividing by 1 − β^t (the sum of the weights) removes that bias.
The update is :func:`nnref.functional.optim.ema_update`, the same kernel as momentum and Adam.

- :func:`ewa`: the whole series at once, along axis 0 (``(T,)`` or ``(T, ...)``).
- :class:`EWA`: a streaming average, ``update(x)`` then ``value``.
"""
from __future__ import annotations

import numpy as np

from nnref.functional.optim import ema_update
from nnref._checks import check_bool, check_real


def _check_beta(beta):
    return check_real("beta", beta, low=0, high=1, high_open=True)


def ewa(x, beta, bias_correction=False):
    """Exponentially weighted averages v_1, ..., v_T of a series θ_1, ..., θ_T.

    Args:
        x: the series, shape ``(T,)`` or ``(T, ...)`` (averaged along axis 0, element-wise
            along the other axes). Floating dtypes are kept; other numbers become float64.
        beta: β in [0, 1).
        bias_correction: divide v_t by 1 − β^t. Defaults to ``False``.

    Returns:
        ndarray of ``x``'s shape: row t−1 is v_t (corrected if asked).
    """
    beta = _check_beta(beta)
    bias_correction = check_bool("bias_correction", bias_correction)
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        if not np.issubdtype(x.dtype, np.integer):
            raise TypeError(f"x must hold real numbers. Received: x.dtype={x.dtype}")
        x = x.astype(np.float64)
    if x.ndim == 0:
        raise ValueError(f"x must be a series with at least one axis. Received: x.shape={x.shape}")
    out = np.empty_like(x)           # (T, ...)
    v = np.zeros_like(x[0])          # (...), v_0 = 0
    for t in range(x.shape[0]):
        ema_update(v, x[t], beta)
        out[t] = v
    if bias_correction:
        t = np.arange(1, x.shape[0] + 1, dtype=np.float64)
        correction = (1.0 - beta ** t).astype(x.dtype)      # (T,)
        out /= correction.reshape((-1,) + (1,) * (x.ndim - 1))
    return out


class EWA:
    """A streaming exponentially weighted average.

        avg = EWA(beta=0.9)
        for theta in temperatures:
            avg.update(theta)
        avg.value            # v_t / (1 − β^t); v_t itself with bias_correction=False

    The first ``update`` fixes the shape and dtype (a Python number gives a float64 scalar
    average; ``value`` is then a float, otherwise an array).

    Args:
        beta: β in [0, 1).
        bias_correction: report v_t / (1 − β^t). Defaults to ``True``.
    """

    def __init__(self, beta, bias_correction=True):
        self.beta = _check_beta(beta)
        self.bias_correction = check_bool("bias_correction", bias_correction)
        self.t = 0
        self._v = None
        self._scalar = False

    def update(self, x):
        """Add θ_t = ``x``: v_t = β·v_{t−1} + (1 − β)·θ_t."""
        x = np.asarray(x)
        if not (np.issubdtype(x.dtype, np.floating) or np.issubdtype(x.dtype, np.integer)):
            raise TypeError(f"x must hold real numbers. Received: x.dtype={x.dtype}")
        if self._v is None:
            dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
            self._v = np.zeros(x.shape, dtype=dtype)
            self._scalar = x.ndim == 0
        elif x.shape != self._v.shape:
            raise ValueError(f"x must have the shape of the first value, {self._v.shape}. "
                             f"Received: x.shape={x.shape}")
        ema_update(self._v, x.astype(self._v.dtype, copy=False), self.beta)
        self.t += 1

    @property
    def value(self):
        """The current average (bias-corrected if ``bias_correction``)."""
        if self._v is None:
            raise RuntimeError("EWA.value is undefined before the first update(x).")
        v = self._v / (1.0 - self.beta ** self.t) if self.bias_correction else self._v.copy()
        return float(v) if self._scalar else v
