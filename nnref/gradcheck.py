"""Gradient checking: centred differences against analytic gradients.

    numerical ∂J/∂θ_i ≈ (J(θ + ε·e_i) − J(θ − ε·e_i)) / 2ε
    relative difference  ‖a − b‖₂ / (‖a‖₂ + ‖b‖₂)        (the course's ``difference``)
    directional check    (J(θ + εv) − J(θ − εv)) / 2ε  against  ∇J·v  for a random direction v

The directional check costs two forward passes whatever the number of parameters, so the whole
12288-input SIGNS model is checked in well under a second; the coordinate check costs two passes
per checked coordinate and can be restricted to a sample of them.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from nnref._checks import check_bool, check_int, check_real

# Centred differences err by O(ε²) (truncation) plus O(u·|J|/ε) (rounding, u = 2⁻⁵³): on the
# course's networks ε = 1e-5 measured 10–100× closer to the analytic gradients than 1e-6.
DEFAULT_EPSILON = 1e-5


def relative_difference(a, b) -> float:
    """‖a − b‖₂ / (‖a‖₂ + ‖b‖₂); 0.0 when both are zero."""
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same size. Received: sizes {a.size} and {b.size}")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def numerical_gradient(f: Callable[[], float], x: np.ndarray, epsilon: float = DEFAULT_EPSILON,
                       indices: np.ndarray | None = None) -> np.ndarray:
    """Centred-difference gradient of the scalar ``f()`` with respect to the array ``x``.

    ``x`` is perturbed in place, one coordinate at a time, and restored exactly. ``indices``
    (flat indices) restricts the check to those coordinates; the others stay 0 in the result.
    Returns an array of x's shape.
    """
    if not isinstance(x, np.ndarray):
        raise TypeError(f"x must be an ndarray (perturbed in place). Received: {type(x).__name__}")
    check_real("epsilon", epsilon, low=0, low_open=True)
    grad = np.zeros(x.shape, dtype=np.float64)
    if not x.flags.c_contiguous:
        raise ValueError("x must be C-contiguous so it can be perturbed in place")
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in (range(x.size) if indices is None else indices):
        old = flat[i]
        flat[i] = old + epsilon
        plus = float(f())
        flat[i] = old - epsilon
        minus = float(f())
        flat[i] = old
        gflat[i] = (plus - minus) / (2 * epsilon)
    return grad


@dataclass
class CheckResult:
    """One gradient comparison: ``relative_difference`` of analytic and numerical values."""
    name: str
    relative_difference: float
    checked: int
    total: int

    def passed(self, threshold: float = 1e-7) -> bool:
        return self.relative_difference < threshold


def check_gradients(f: Callable[[], float], params: Sequence[np.ndarray], grads: Sequence[np.ndarray],
                    epsilon: float = DEFAULT_EPSILON, names: Sequence[str] | None = None,
                    max_coords: int | None = None, seed: int = 0) -> list[CheckResult]:
    """Compare analytic ``grads`` with numerical gradients of ``f`` for each array in ``params``.

    ``max_coords`` checks a seeded random sample of at most that many coordinates per array
    (all of them when None or when the array is smaller).
    """
    max_coords = check_int("max_coords", max_coords, low=1, allow_none=True)
    check_int("seed", seed)
    if len(params) != len(grads):
        raise ValueError(f"params and grads must pair up. Received: {len(params)} params, "
                         f"{len(grads)} grads")
    rng = np.random.default_rng(seed)
    names = list(names) if names is not None else [f"param_{i}" for i in range(len(params))]
    results = []
    for name, p, g in zip(names, params, grads):
        if p.shape != np.shape(g):
            raise ValueError(f"gradient of {name} must have shape {p.shape}. Received: {np.shape(g)}")
        idx = None
        if max_coords is not None and p.size > max_coords:
            idx = np.sort(rng.choice(p.size, size=max_coords, replace=False))
        num = numerical_gradient(f, p, epsilon, idx)
        ana = np.asarray(g, dtype=np.float64)
        if idx is not None:
            num, ana = num.reshape(-1)[idx], ana.reshape(-1)[idx]
        results.append(CheckResult(name, relative_difference(ana, num),
                                   p.size if idx is None else len(idx), p.size))
    return results


def directional_check(f: Callable[[], float], params: Sequence[np.ndarray], grads: Sequence[np.ndarray],
                      epsilon: float = DEFAULT_EPSILON, seed: int = 0) -> CheckResult:
    """Compare ∇J·v with (J(θ + εv) − J(θ − εv)) / 2ε for one random unit direction v over all params.

    Returns the relative difference |a − b| / (|a| + |b|) of the two directional derivatives.
    """
    rng = np.random.default_rng(seed)
    vs = [rng.standard_normal(p.shape) for p in params]
    norm = np.sqrt(sum(float(np.sum(v * v)) for v in vs))
    vs = [(v / norm).astype(p.dtype) for v, p in zip(vs, params)]
    analytic = sum(float(np.sum(np.asarray(g, dtype=np.float64) * v)) for g, v in zip(grads, vs))
    originals = [p.copy() for p in params]
    try:
        for p, v in zip(params, vs):
            p += epsilon * v
        plus = float(f())
        for p, p0, v in zip(params, originals, vs):
            np.copyto(p, p0)
            p -= epsilon * v
        minus = float(f())
    finally:
        for p, p0 in zip(params, originals):
            np.copyto(p, p0)
    numeric = (plus - minus) / (2 * epsilon)
    return CheckResult("direction", relative_difference([analytic], [numeric]),
                       sum(p.size for p in params), sum(p.size for p in params))


@contextmanager
def frozen(model):
    """Keep a model's state through a gradient check: inside the block, ``freeze_masks(model)``
    makes dropout layers reuse the masks of the last forward pass; on exit the previous masks
    and every non-trainable weight (batch-norm running statistics) are restored."""
    from nnref.layers import Dropout

    saved = [w.copy() for w in model.non_trainable_weights]
    dropouts = [layer for layer in model.layers if isinstance(layer, Dropout)]
    previous = [layer.fixed_mask for layer in dropouts]
    try:
        yield model
    finally:
        for layer, mask in zip(dropouts, previous):
            layer.fixed_mask = mask
        for w, s in zip(model.non_trainable_weights, saved):
            np.copyto(w, s)


def freeze_masks(model) -> None:
    """Make every dropout layer reuse the mask of its last training call."""
    from nnref.layers import Dropout

    for layer in model.layers:
        if isinstance(layer, Dropout):
            layer.fixed_mask = layer.last_mask


def check_model(model, x, y, loss=None, epsilon: float = DEFAULT_EPSILON, training: bool = True,
                max_coords: int | None = None, directions: int = 3, seed: int = 0) -> list[CheckResult]:
    """Check every trainable weight of a Sequential model on (x, y).

    The loss includes the regularization penalties; dropout masks are drawn once and then frozen.
    Returns one result per weight (coordinate check, sampled when ``max_coords`` is set) plus
    ``directions`` directional checks over all weights at once. ``max_coords=0`` perturbs no
    coordinate alone: only the directional checks are made (and returned).
    """
    check_int("max_coords", max_coords, low=0, allow_none=True)
    if max_coords == 0:
        check_int("directions", directions, low=1,
                  expected="an integer >= 1 when max_coords=0 (else nothing is checked)")
    else:
        check_int("directions", directions, low=0)
    check_int("seed", seed)
    check_real("epsilon", epsilon, low=0, low_open=True)
    training = check_bool("training", training)
    loss_fn, x, y = model.check_data(x, y, loss)

    def J():
        return model.compute_loss(y, model.forward(x, training=training), loss=loss_fn)

    with frozen(model):
        model.forward_backward(x, y, training, loss=loss_fn)
        grads = model.gradients()
        freeze_masks(model)                              # reuse the masks drawn just now
        names = [f"{layer.name}/{i}" for layer in model.layers for i in range(len(layer.trainable_weights))]
        params = model.trainable_weights
        results = [] if max_coords == 0 else check_gradients(J, params, grads, epsilon, names,
                                                             max_coords, seed)
        for k in range(directions):
            r = directional_check(J, params, grads, epsilon, seed=seed + 1 + k)
            r.name = f"direction_{k}"
            results.append(r)
    return results
