"""Fused kernels compiled by numba from the rules of :mod:`nnref.functional.rules`.

numba is imported only when :func:`nnref.backend.get_backend` is ``"numba"`` and an array of
``MIN_SIZE`` elements or more is updated. :func:`kernel` returns the compiled loop for a rule (the
plain one, or the parallel one for ``PARALLEL_SIZE`` elements or more), or None when the arrays
do not suit it (then NumPy runs the rule: same results).

Compilation is cached on disk (numba's ``cache=True``) in a folder of its own: under
``$NUMBA_CACHE_DIR`` if set, else the user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``,
then the temporary folder if neither is writable), in a subfolder named by a hash of the rules'
and the loops' source, so that a changed formula is never served a stale compiled copy (numba
only checks the time stamp of the file defining the loop, not of the rules it calls). The first
run compiles (a few seconds; `benchmarks/` reports it), later runs load the cache.

Threads: ``NUMBA_NUM_THREADS`` (default: all cores), for the parallel loops. The threading
layer is numba's "workqueue" unless ``NUMBA_THREADING_LAYER`` says otherwise; parallel calls are
serialised by ``LOCK``.
"""
from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import threading
import warnings

import numpy as np

MIN_SIZE = 4096          # elements: the first array this large loads numba (smaller ones, once
                         # it is loaded, use the plain loops too)
PARALLEL_SIZE = 1 << 21    # elements (2,097,152): from here on the loop is spread over the cores
# numba's "workqueue" threading layer runs one parallel loop at a time: LOCK serialises the
# parallel calls from several Python threads (a second concurrent launch would abort the process).
LOCK = threading.Lock()
THREADING_LAYER = "workqueue"   # OpenMP's spinning threads fight OpenBLAS's (docs/speed.md)
_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))   # the loops' dtypes


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
    """{rule: (plain loop, parallel loop)}, compiled or loaded from the cache folder."""
    folder = cache_dir()                         # first: without the sources, numba is not imported
    import numba

    if not os.environ.get("NUMBA_THREADING_LAYER"):
        numba.config.THREADING_LAYER = THREADING_LAYER
    saved = numba.config.CACHE_DIR
    try:
        numba.config.CACHE_DIR = folder          # read when each function is decorated
        from nnref._fast import kernels
        compiled = {}
        for parallel in (False, True):           # one cache each: numba's index would mix them
            numba.config.CACHE_DIR = os.path.join(folder, "parallel" if parallel else "plain")
            compiled[parallel] = kernels.compile_loops(parallel)
    finally:
        numba.config.CACHE_DIR = saved
    return {rule: (compiled[False][rule], _locked(compiled[True][rule])) for rule in compiled[False]}


_KERNELS = None


def threads() -> int:
    """The threads numba's parallel loops run on (``NUMBA_NUM_THREADS``, ``numba.set_num_threads``)."""
    import numba

    return numba.get_num_threads()


def kernel(rule, arrays):
    """The compiled loop for ``rule`` over ``arrays`` (updated, then read), or None when they do
    not suit it: shapes or dtypes that differ, a layout that is not C-contiguous, or what
    :func:`loop_for` refuses."""
    first = arrays[0]
    for a in arrays:
        if (not isinstance(a, np.ndarray) or a.shape != first.shape or a.dtype != first.dtype
                or not a.flags.c_contiguous):
            return None
    return loop_for(rule, first)


def loop_for(rule, first):
    """The compiled loop for ``rule`` over C-contiguous arrays like ``first``, or None: a dtype
    other than float32/float64, or fewer than MIN_SIZE elements before numba is loaded. The
    loop is the parallel one for PARALLEL_SIZE elements or more when numba runs several threads."""
    global _KERNELS
    if (_KERNELS is None and first.size < MIN_SIZE) or first.dtype not in _DTYPES:
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
                          RuntimeWarning, stacklevel=4)
            _KERNELS = {}
    loops = _KERNELS.get(rule)
    if loops is None:
        return None
    plain, parallel = loops
    return plain if first.size < PARALLEL_SIZE or threads() == 1 else parallel


def _locked(loop):
    """``loop``, called under LOCK."""
    @functools.wraps(loop)
    def run(*args):
        with LOCK:
            loop(*args)
    return run
