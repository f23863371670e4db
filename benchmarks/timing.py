"""Interleaved repeated timings and their summaries.

On a shared machine the speed changes from second to second, so contenders are never timed in
blocks: every round runs each of them once, in turn (run.py drives the rounds), and ratios are
taken within a round (both sides of a ratio saw the same load) before the median over rounds is
reported.

An epoch is timed warm, as in any training longer than one epoch: a round trains
``EPOCHS_PER_ROUND`` epochs and reports the median of all but the first (which starts with the
caches full of the previous contender's data).
"""
from __future__ import annotations

import statistics
import time
from typing import Callable

EPOCHS_PER_ROUND = 3


def warm(epoch: Callable[[], float]) -> float:
    """Run ``epoch() -> seconds`` EPOCHS_PER_ROUND times; the median of all but the first."""
    seconds = [epoch() for _ in range(EPOCHS_PER_ROUND)]
    return statistics.median(seconds[1:])


def summary(seconds: list[float]) -> dict:
    """Median and minimum, in milliseconds, and the number of rounds."""
    return {"median_ms": 1e3 * statistics.median(seconds), "min_ms": 1e3 * min(seconds),
            "rounds": len(seconds)}


def ratio(numerator: list[float], denominator: list[float]) -> float:
    """Median over rounds of numerator[r] / denominator[r]."""
    return statistics.median(a / b for a, b in zip(numerator, denominator))


def ratio_range(numerator: list[float], denominator: list[float]) -> list[float]:
    """[lowest, highest] over rounds of numerator[r] / denominator[r]: how far one round's
    ratio strays from the median (a disturbed minute shows here first)."""
    each = [a / b for a, b in zip(numerator, denominator)]
    return [min(each), max(each)]


class EpochClock:
    """Times the epochs of a ``fit`` from its epoch callbacks (nnref's or Keras's).

    ``callback()`` gives a callback object for the framework; ``epochs`` lists the duration from
    ``on_epoch_begin`` to ``on_epoch_end`` of every epoch since the last ``reset()``, and
    ``warm_seconds()`` is their median without the first.
    """

    def __init__(self, base_class):
        clock = self

        class _Callback(base_class):
            def on_epoch_begin(self, epoch, logs=None):
                clock._started = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                clock.epochs.append(time.perf_counter() - clock._started)

        self._callback = _Callback()
        self._started = 0.0
        self.epochs: list[float] = []

    def callback(self):
        return self._callback

    def reset(self) -> None:
        self.epochs = []

    def warm_seconds(self) -> float:
        return statistics.median(self.epochs[1:])
