"""The check protocol: a named check declares its quantities, then computes them.

    Check(name, quantities=(("loss", "step"), ...), compute=fn)

``compute(ctx)`` returns ``{quantity: (nnref value, keras value)}`` for every declared quantity;
the harness turns each pair into a :class:`~tf_parity.checks.records.Record` with the tolerance of
the declared kind. Declaring the quantities up front lets the test suite list every record
without running TensorFlow (one pytest test per record).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Check:
    name: str
    quantities: tuple[tuple[str, str], ...]      # (quantity, tolerance kind)
    compute: Callable                            # compute(ctx) -> {quantity: (nnref, keras)}
