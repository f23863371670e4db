"""The optimizer rules compiled per element by numba, one pass over the weights each.

Each loop below applies one rule of :mod:`nnref.functional.rules` to every element, reading the
updated arrays, then the gradient, and writing the rule's results back in place; ``c`` is the
tuple of constants, in the arrays' dtype. The formulas are the rules' only: these loops are just
the iteration. They are written out one per rule because numba cannot cache (``cache=True``) a
loop that receives its rule as an argument or from a closure (checked with numba 0.60-0.68).
:func:`compile_loops` compiles every loop twice from the same source: as a parallel loop over the
cores (``prange``) and as a plain loop (``prange`` is ``range`` without ``parallel=True``), which
skips the threads' start-up and runs small arrays and single-thread runs faster.

Compiled with ``fastmath=False`` (numba's default, stated here): no reassociation, no fused
multiply-add, IEEE results as NumPy's; ``error_model="numpy"``: x/0 gives inf or nan as in NumPy
(numba's default would raise ZeroDivisionError and could not vectorise the loop).
"""
from __future__ import annotations

from functools import partial

import numba
from numba import prange

from nnref.functional import rules

_scalar = partial(numba.njit, cache=True, error_model="numpy", fastmath=False)

_sgd = _scalar(rules.sgd)
_momentum_course = _scalar(rules.momentum_course)
_nesterov_course = _scalar(rules.nesterov_course)
_momentum_keras = _scalar(rules.momentum_keras)
_nesterov_keras = _scalar(rules.nesterov_keras)
_rmsprop_course = _scalar(rules.rmsprop_course)
_rmsprop_keras = _scalar(rules.rmsprop_keras)
_adagrad_course = _scalar(rules.adagrad_course)
_adagrad_keras = _scalar(rules.adagrad_keras)
_adadelta_course = _scalar(rules.adadelta_course)
_adadelta_keras = _scalar(rules.adadelta_keras)
_adam_course = _scalar(rules.adam_course)
_adam_keras = _scalar(rules.adam_keras)


def sgd(w, g, c):
    for i in prange(w.size):
        (w[i],) = _sgd(w[i], g[i], *c)


def momentum_course(w, v, g, c):
    for i in prange(w.size):
        w[i], v[i] = _momentum_course(w[i], v[i], g[i], *c)


def nesterov_course(w, v, g, c):
    for i in prange(w.size):
        w[i], v[i] = _nesterov_course(w[i], v[i], g[i], *c)


def momentum_keras(w, v, g, c):
    for i in prange(w.size):
        w[i], v[i] = _momentum_keras(w[i], v[i], g[i], *c)


def nesterov_keras(w, v, g, c):
    for i in prange(w.size):
        w[i], v[i] = _nesterov_keras(w[i], v[i], g[i], *c)


def rmsprop_course(w, s, g, c):
    for i in prange(w.size):
        w[i], s[i] = _rmsprop_course(w[i], s[i], g[i], *c)


def rmsprop_keras(w, s, g, c):
    for i in prange(w.size):
        w[i], s[i] = _rmsprop_keras(w[i], s[i], g[i], *c)


def adagrad_course(w, a, g, c):
    for i in prange(w.size):
        w[i], a[i] = _adagrad_course(w[i], a[i], g[i], *c)


def adagrad_keras(w, a, g, c):
    for i in prange(w.size):
        w[i], a[i] = _adagrad_keras(w[i], a[i], g[i], *c)


def adadelta_course(w, a, d, g, c):
    for i in prange(w.size):
        w[i], a[i], d[i] = _adadelta_course(w[i], a[i], d[i], g[i], *c)


def adadelta_keras(w, a, d, g, c):
    for i in prange(w.size):
        w[i], a[i], d[i] = _adadelta_keras(w[i], a[i], d[i], g[i], *c)


def adam_course(w, m, v, g, c):
    for i in prange(w.size):
        w[i], m[i], v[i], _, _ = _adam_course(w[i], m[i], v[i], g[i], *c)


def adam_keras(w, m, v, g, c):
    for i in prange(w.size):
        w[i], m[i], v[i] = _adam_keras(w[i], m[i], v[i], g[i], *c)


# rule -> its loop (plain Python until compiled)
LOOPS = {getattr(rules, name): loop for name, loop in list(globals().items())
         if getattr(rules, name, None) is not None and not name.startswith("_")
         and callable(loop) and loop.__module__ == __name__}


def compile_loops(parallel: bool) -> dict:
    """{rule: its loop compiled by numba}, spread over the cores if ``parallel``, releasing the
    GIL while it runs (other Python threads go on meanwhile). numba caches
    what it compiles in ``numba.config.CACHE_DIR`` as it is when this runs."""
    jit = partial(numba.njit, parallel=parallel, nogil=True, cache=True, error_model="numpy",
                  fastmath=False)
    return {rule: jit(loop) for rule, loop in LOOPS.items()}
