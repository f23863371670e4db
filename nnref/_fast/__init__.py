"""Fused, parallel kernels compiled by numba from the rules of :mod:`nnref.functional.rules`.

Imported only when :func:`nnref.backend.get_backend` is ``"numba"`` and an array large enough to
gain from it is updated (``MIN_SIZE`` elements). :func:`kernel` returns the compiled loop for a
rule, or None when the arrays do not suit it (then NumPy runs the rule: same results).

Compilation is cached on disk (numba's ``cache=True``) in a folder of its own: under
``$NUMBA_CACHE_DIR`` if set, else the user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``,
then the temporary folder if neither is writable), in a subfolder named by a hash of the rules'
and the loops' source, so that a changed formula is never served a stale compiled copy (numba
only checks the time stamp of the file defining the loop, not of the rules it calls). The first
run compiles (a few seconds; `benchmarks/` reports it), later runs load the cache.

Threads: ``NUMBA_NUM_THREADS`` (default: all cores). The threading layer is numba's "workqueue"
unless ``NUMBA_THREADING_LAYER`` says otherwise (see ``_load``); calls are serialised by
``LOCK``.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import warnings

import numpy as np

MIN_SIZE = 4096          # elements; below this NumPy's replay is as fast as a parallel launch
# numba's "workqueue" threading layer runs one parallel loop at a time: LOCK serialises the calls
# from several Python threads (a second concurrent launch would abort the process).
LOCK = threading.Lock()


def cache_dir() -> str:
    """The writable folder the compiled kernels are cached in (created if needed)."""
    here = os.path.dirname(os.path.abspath(__file__))
    digest = hashlib.sha256()
    for path in (os.path.join(here, os.pardir, "functional", "rules.py"),
                 os.path.join(here, "kernels.py")):
        with open(path, "rb") as f:
            digest.update(f.read())
    user = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    bases = [os.environ.get("NUMBA_CACHE_DIR"), os.path.join(user, "nnref", "numba"),
             os.path.join(tempfile.gettempdir(), f"nnref-numba-{os.getuid()}")]
    for base in filter(None, bases):
        folder = os.path.join(base, digest.hexdigest()[:16])
        try:
            os.makedirs(folder, exist_ok=True)
            with tempfile.TemporaryFile(dir=folder):
                return folder
        except OSError:
            continue
    raise OSError(f"nnref: no writable folder to cache compiled kernels in; tried {bases}")


def _load():
    folder = cache_dir()                         # first: without the sources, numba is not imported
    import numba

    if not os.environ.get("NUMBA_THREADING_LAYER"):
        # OpenMP's waiting threads and OpenBLAS's fight for the cores whenever other processes
        # compete for them (measured on 2 cores at load 8: 2,641 ms per SIGNS epoch with "omp",
        # 468 with "workqueue", 706-1,179 with NumPy alone). Only if no parallel loop has run yet.
        numba.config.THREADING_LAYER = "workqueue"
    saved = numba.config.CACHE_DIR
    numba.config.CACHE_DIR = folder              # read when each kernel is decorated
    try:
        from nnref._fast import kernels
    finally:
        numba.config.CACHE_DIR = saved
    return kernels.KERNELS


_KERNELS = None


def kernel(rule, arrays):
    """The compiled loop for ``rule`` over ``arrays`` (updated, then read), or None when they do
    not suit it: fewer than MIN_SIZE elements, shapes or dtypes that differ, a dtype other than
    float32/float64, or a layout that is not C-contiguous."""
    global _KERNELS
    first = arrays[0]
    if first.size < MIN_SIZE or first.dtype not in (np.float32, np.float64):
        return None
    for a in arrays:
        if (not isinstance(a, np.ndarray) or a.shape != first.shape or a.dtype != first.dtype
                or not a.flags.c_contiguous):
            return None
    if _KERNELS is None:
        try:
            _KERNELS = _load()
        except (ImportError, OSError) as exc:    # e.g. a numba too old for this NumPy
            from nnref import backend

            if backend.explicit():
                raise ImportError(f"The numba backend was chosen but cannot be used: {exc}. "
                                  "Use set_backend('numpy') or NNREF_BACKEND=numpy, or install "
                                  "a numba that supports this NumPy.") from exc
            warnings.warn(f"nnref: the fused kernels are unavailable ({exc}); NumPy runs "
                          "everything (same results). Set NNREF_BACKEND=numpy to silence this.",
                          RuntimeWarning, stacklevel=3)
            _KERNELS = {}
    return _KERNELS.get(rule)
