"""Weight regularizers: a penalty added to the loss and its gradient.

    L2(l2):      l2·Σ W²,  gradient 2·l2·W        (the course's term: nnref.functional.penalties)
    L1(l1):      l1·Σ |W|, gradient l1·sign(W)
    L1L2(l1, l2): both

Defaults are Keras's (0.01). Keras rounds the factors to float32 before use, even in float64; pass
``convention="keras"`` to reproduce that rounding (the default "course" uses the factor as given).
"""
from __future__ import annotations

import numpy as np

from nnref._checks import check_convention, check_real
from nnref.functional.penalties import l1_penalty, l1_penalty_grad, l2_penalty, l2_penalty_grad


def _factor(name: str, value, convention: str) -> float:
    """A penalty factor: a finite number >= 0, rounded to float32 under ``convention="keras"``."""
    value = check_real(name, value, low=0)
    return float(np.float32(value)) if convention == "keras" else value


class Regularizer:
    """A penalty R(W): ``reg(W)`` is its value, ``reg.gradient(W)`` its gradient."""

    def __call__(self, W: np.ndarray) -> float:
        raise NotImplementedError

    def gradient(self, W: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class L1L2(Regularizer):
    """l1·Σ|W| + l2·ΣW². Defaults to ``l1=0.0, l2=0.0``."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0, convention: str = "course"):
        self.convention = check_convention(convention)
        self.l1 = _factor("l1", l1, convention)
        self.l2 = _factor("l2", l2, convention)

    def __call__(self, W):
        total = 0.0
        if self.l1:
            total = total + l1_penalty(W, self.l1)
        if self.l2:
            total = total + l2_penalty(W, self.l2)
        return total

    def gradient(self, W):
        grad = np.zeros_like(W)
        if self.l1:
            grad += l1_penalty_grad(W, self.l1)
        if self.l2:
            grad += l2_penalty_grad(W, self.l2)
        return grad

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2, "convention": self.convention}

    def __repr__(self):
        return f"{type(self).__name__}(l1={self.l1}, l2={self.l2})"


class L2(L1L2):
    """l2·ΣW². Defaults to ``l2=0.01`` (Keras)."""

    def __init__(self, l2: float = 0.01, convention: str = "course"):
        super().__init__(l1=0.0, l2=l2, convention=convention)


class L1(L1L2):
    """l1·Σ|W|. Defaults to ``l1=0.01`` (Keras)."""

    def __init__(self, l1: float = 0.01, convention: str = "course"):
        super().__init__(l1=l1, l2=0.0, convention=convention)


def get(identifier, argument: str = "regularizer") -> Regularizer | None:
    """None, a Regularizer, or a name ("l1", "l2", "l1_l2") with Keras's default factors.
    ``argument`` is the caller's parameter name (e.g. "kernel_regularizer") for the error message."""
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    names = {"l1": L1, "l2": L2, "l1_l2": lambda: L1L2(0.01, 0.01), "l1l2": lambda: L1L2(0.01, 0.01)}
    if isinstance(identifier, str) and identifier.lower() in names:
        return names[identifier.lower()]()
    raise ValueError(f"Unknown regularizer: expected None, a Regularizer or one of {sorted(names)}. "
                     f"Received: {argument}={identifier!r}")
