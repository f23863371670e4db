"""Parity records, error measures and tolerances.

A record compares an nnref quantity with its TensorFlow/Keras reference::

    max_abs_err = max |nnref − keras|
    max_rel_err = max |nnref − keras| / max |keras|

For a quantity made of several arrays (every layer's output, every weight) both are computed per
array and the largest is reported, so a small bias vector is not hidden behind a large kernel.
``passed`` is ``max_rel_err <= tolerance`` (NaN never passes).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

# Tolerances on max_rel_err, by kind of check and dtype.
#
# "step": forward outputs, losses, gradients, batch statistics. The two sides differ only in the
#   order of floating-point operations (OpenBLAS vs Eigen summation order): 1e-12 in float64 and
#   1e-5 in float32, the bounds the README promises. Measured worst: 7.8e-15 and 3.8e-6 (layer
#   outputs).
# "update": one optimizer step applied to the same gradients on both sides (their difference is
#   checked by the gradient records). Only elementwise operations remain, evaluated in the same
#   order up to a rounding or two (Adadelta's course order; a fused multiply-add), so the weights
#   differ by at most 4 roundings of max|w|, whatever the data: 4·2⁻⁵³ and 4·2⁻²⁴. Measured: 0,
#   and 2.1e-16 / 1.1e-7 for Adadelta's course order. Independent gradients would not allow a bound
#   independent of the data: see tf_parity.checks.optimizers.
# "batch-norm gradient": weight gradients of the batch-norm model. Float64: 1e-12 (measured
#   ≤ 3e-14). Float32: 5e-5. Batch norm makes Σ_i dz_i = 0 over the batch, so the first kernel's
#   gradient xᵀ·dz (12288 × 25, a sum over m examples of positive pixels times dz) cancels: its
#   float32 rounding error is large relative to the result. Measured at m = 1080 against a float64
#   computation: the matrix product alone is off by 2e-6 on each side (NumPy and TensorFlow
#   alike), the whole gradient by 5e-6 (nnref) and 2e-6 (TensorFlow), and the two sides differ by
#   1.3e-5 with a random upstream gradient. 5e-5 allows for other BLAS kernels' summation orders.
# "trajectory": 50 optimizer steps, 20 batch-norm training steps, a 34-step epoch: each step feeds
#   the previous rounding differences back. Float64: 1e-10 (measured ≤ 2e-13).
#   Float32: 1e-3. Measured worst 1.3e-4: the batch-norm model's first kernel after the Adam epoch,
#   where gradient entries that are cancelling sums (above) carry float32 noise comparable to
#   their size and Adam's normalised step m̂/√v̂ turns that noise into steps of up to α; the
#   plain-model optimizer trajectories stay ≤ 5e-6. The bound still catches real formula errors:
#   a learning rate off by 0.1% moves the 50-step Adam weights by 4e-2 relative, the course's
#   Adam against Keras's by 0.3 (measured in float32).
# "exact": file round trips and Keras-convention schedules, which copy or recompute the same
#   numbers: no difference is allowed.
# "float32 ulp": Keras-convention schedules that TensorFlow evaluates with an operation NumPy
#   cannot reproduce bit for bit (its own float32 pow; x/c rewritten as x·(1/c) in a
#   tf.function): one float32 ulp, 2⁻²³ relative.
# "float32 rounding": the course convention against Keras's L2, which rounds l2 to float32 even
#   in float64 (docs/keras-facts.md): one rounding, at most 2⁻²⁴ relative; 4·2⁻²⁴ ≈ 2.4e-7
#   allows for the summation order. Float32 runs: 1e-5, as "step".
# "float32 schedule": the course convention (float64) against a Keras schedule computed in
#   float32: α0, decay_rate and p rounded, then ~4 float32 operations, and in ExponentialDecay the
#   rounding of decay_rate raised to the power p (≤ 100 here): ≤ (p + 6)·2⁻²⁴ < 2⁻¹⁷ ≈ 7.6e-6.
TOLERANCES = {
    "float64": {"step": 1e-12, "update": 4 * 2.0 ** -53, "batch-norm gradient": 1e-12, "trajectory": 1e-10, "exact": 0.0,
                "float32 ulp": 2.0 ** -23, "float32 rounding": 4 * 2.0 ** -24,
                "float32 schedule": 2.0 ** -17},
    "float32": {"step": 1e-5, "update": 4 * 2.0 ** -24, "batch-norm gradient": 5e-5, "trajectory": 1e-3, "exact": 0.0,
                "float32 ulp": 2.0 ** -23, "float32 rounding": 1e-5, "float32 schedule": 1e-5},
}
KINDS = tuple(TOLERANCES["float64"])


def tolerance(kind: str, dtype: str) -> float:
    """The tolerance on max_rel_err for a ``kind`` of check in ``dtype``."""
    if dtype not in TOLERANCES:
        raise ValueError(f"dtype must be one of {tuple(TOLERANCES)}. Received: dtype={dtype!r}")
    if kind not in TOLERANCES[dtype]:
        raise ValueError(f"kind must be one of {KINDS}. Received: kind={kind!r}")
    return TOLERANCES[dtype][kind]


@dataclass(frozen=True)
class Record:
    """One row of the parity report."""

    name: str
    quantity: str
    max_abs_err: float
    max_rel_err: float
    tolerance: float
    dtype: str
    passed: bool

    @property
    def key(self) -> tuple[str, str]:
        return (self.name, self.quantity)

    def as_dict(self) -> dict:
        """A JSON-ready dict (NaN and infinities become None)."""
        out = asdict(self)
        for field in ("max_abs_err", "max_rel_err", "tolerance"):
            if not math.isfinite(out[field]):
                out[field] = None
        return out


def _as_arrays(value) -> list[np.ndarray]:
    if isinstance(value, (list, tuple)):
        return [np.asarray(v) for v in value]
    return [np.asarray(value)]


def errors(got, reference) -> tuple[float, float]:
    """(max_abs_err, max_rel_err) between ``got`` and ``reference``: arrays, numbers, or
    equal-length lists of them (per-array errors, the largest reported)."""
    got, reference = _as_arrays(got), _as_arrays(reference)
    if len(got) != len(reference):
        raise ValueError(f"got and reference must hold as many arrays. "
                         f"Received: {len(got)} and {len(reference)}")
    max_abs = max_rel = 0.0
    for i, (a, b) in enumerate(zip(got, reference)):
        if a.shape != b.shape:
            raise ValueError(f"Array {i}: got has shape {a.shape}, reference {b.shape}")
        if a.size == 0:
            continue
        diff = float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))))
        scale = float(np.max(np.abs(b.astype(np.float64))))
        rel = diff / scale if scale > 0 else (0.0 if diff == 0 else math.inf)
        if math.isnan(diff):
            return math.nan, math.nan
        max_abs, max_rel = max(max_abs, diff), max(max_rel, rel)
    return max_abs, max_rel


def compare(name: str, quantity: str, got, reference, tol: float, dtype: str) -> Record:
    """A record comparing nnref's ``got`` with Keras's ``reference``."""
    max_abs, max_rel = errors(got, reference)
    return Record(name, quantity, max_abs, max_rel, float(tol), dtype,
                  bool(max_rel <= tol))


def failed(name: str, quantity: str, tol: float, dtype: str) -> Record:
    """The record of a quantity that could not be computed (its check raised)."""
    return Record(name, quantity, math.nan, math.nan, float(tol), dtype, False)
