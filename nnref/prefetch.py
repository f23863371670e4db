"""``fit``'s mini-batches, the next one gathered on a second thread while the current step runs.

A shuffled mini-batch is a copy of ``batch_size`` scattered rows of x (for SIGNS in float32,
32 rows of 48 KiB: as long as a quarter of the step's optimizer update). NumPy's ``take``
releases the GIL while it copies, so while the step's matrix products and update run, a worker
thread copies the next batch's rows (Keras's input pipeline prefetches the same way). The rows
and their order are those of ``nnref.data.batches``: the permutation of a pass is drawn from the
generator when the pass starts, never earlier (so the generator's state at the end of an epoch,
which ``BackupAndRestore`` saves, is what it would be without prefetching), and every batch is
the same bits as ``x[rows]``.

Prefetching needs a core the matrix products leave free: it runs only when the BLAS library's
threads (read with threadpoolctl, part of ``nnref[fast]``) are fewer than the cores this process
may use. On SIGNS in float32 (2 cores) it took 1.4 ms off a 24 ms epoch with one BLAS thread and
added 1-5 ms with two, where the copy competes with BLAS's second thread. Batches smaller than
``MIN_BYTES``, or taken in order (views, no copy), are not prefetched either: a thread hand-off
costs more than copying them.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Iterator

import numpy as np

from nnref.data import batches

MIN_BYTES = 1 << 18      # 256 KiB per batch: below this a copy is cheaper than a thread hand-off


@lru_cache(maxsize=1)
def _blas():
    """threadpoolctl's controllers of the BLAS libraries loaded (by NumPy), or None."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return [lib for lib in ThreadpoolController().lib_controllers if lib.user_api == "blas"]


def spare_core() -> bool:
    """Whether the BLAS threads leave a core of this process free (False when unknown)."""
    libraries = _blas()
    if not libraries:
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(lib.num_threads for lib in libraries) < (cores or 1)


class Batches:
    """Passes over x: ``new_pass()`` starts one (an iterator of ``(x_batch, rows)`` that goes
    on into further passes, as ``fit`` with ``steps_per_epoch`` needs); ``close()`` (or
    ``with``) stops the worker thread.

    Args:
        x: (m, ...) inputs.
        batch_size: rows per batch (the last batch of a pass keeps the rest).
        shuffle: a new permutation of the rows for every pass, drawn from ``rng``.
        rng: a NumPy Generator.
    """

    def __init__(self, x: np.ndarray, batch_size: int, shuffle: bool, rng: np.random.Generator):
        self.x, self.batch_size, self.shuffle, self.rng = x, batch_size, shuffle, rng
        prefetch = (shuffle and min(batch_size, len(x)) * x[:1].nbytes >= MIN_BYTES
                    and spare_core())
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="nnref-batches") if prefetch else None
        self._passes = None

    def new_pass(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Batches from the start of a new pass (the permutation is drawn at the first one)."""
        if self._passes is not None:
            self._passes.close()                  # a batch it still prefetches is dropped
        self._passes = self._generate()
        return self._passes

    def _generate(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        index = np.arange(len(self.x))
        while True:
            if self._pool is None:
                yield from batches(self.x, index, self.batch_size, shuffle=self.shuffle, seed=self.rng)
                continue
            # the rows of every batch of this pass: draws this pass's permutation, as batches() does
            rows = [r for r, _ in batches(index, None, self.batch_size, seed=self.rng)]
            pending = self._pool.submit(np.take, self.x, rows[0], 0)
            for k in range(len(rows)):
                x_batch = pending.result()
                if k + 1 < len(rows):                    # within this pass only
                    pending = self._pool.submit(np.take, self.x, rows[k + 1], 0)
                yield x_batch, rows[k]

    def close(self) -> None:
        """Stop the worker thread (after the copy it is making, if any)."""
        if self._passes is not None:
            self._passes.close()
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
