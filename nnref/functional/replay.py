"""Run a scalar update rule over whole arrays with NumPy, in place, allocating nothing.

A rule (:mod:`nnref.functional.rules`) is a plain function of scalars, for example::

    def sgd(w, g, lr):
        return (w - lr * g,)

numba compiles it per element (:mod:`nnref._fast`). Called by NumPy on whole arrays, it would
allocate a new array for every operation (measured: the course's Adam on 307,615 float64
weights takes 3.4 ms per step that way, 1.2 ms in place). So :func:`plan` calls the rule once on
symbols that record each operation (``np.multiply``, ``np.sqrt``, ...), in order, and
:func:`run` replays that list with the same ufuncs, each writing into an array that is free at
that point (``out=``): the results go straight into the arrays the rule updates, and the
intermediates share a few scratch arrays (``Plan.n_work``).

Both engines thus perform the same IEEE operations in the same order on the same values, so
their results are identical bit for bit (tests/test_fast_kernels.py checks every rule, dtype
and convention). A rule's constants are arguments given in the arrays' dtype, never literals:
numba would widen a float32 by a float64 literal, NumPy would not.

Argument order of a rule: the ``n_updated`` arrays it updates (returned first, in that order),
then the arrays it only reads, then the constants. Further returned values are "extras" (the
course's Adam returns m̂ and v̂), written to new arrays when asked for.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin


class _Symbol(NDArrayOperatorsMixin):
    """A value inside a traced rule; operators and ufuncs applied to it are recorded in ``ops``."""

    def __init__(self, ops, index, is_const):  # index: an argument number or ("op", j)
        self._ops, self.index, self.is_const = ops, index, is_const

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" or kwargs or not all(isinstance(x, _Symbol) for x in inputs):
            raise TypeError("A rule may only apply ufuncs to its arguments (constants are "
                            f"arguments, never literals). Received: {ufunc.__name__}{inputs}")
        if all(x.is_const for x in inputs):
            raise TypeError(f"A rule must not combine constants ({ufunc.__name__}): form them "
                            "once, outside the rule, in the arrays' dtype.")
        self._ops.append((ufunc, tuple(x.index for x in inputs)))
        return _Symbol(self._ops, ("op", len(self._ops) - 1), False)


@dataclass(frozen=True)
class Plan:
    """A traced rule and where each of its operations reads and writes.

    Storage is one list of slots: the updated arrays, the arrays read, the constants, then
    ``n_work`` scratch arrays and one new array per extra result. ``steps``: ``(ufunc, input
    slots, output slot)`` in the rule's order. ``copies``: ``(k, slot)`` for an updated array
    whose new value could not be computed in place and is copied in at the end. ``extras``: the
    slots holding the extra results.
    """
    steps: tuple
    copies: tuple
    extras: tuple
    n_work: int


@lru_cache(maxsize=None)
def plan(rule, n_updated: int, n_arrays: int, n_consts: int, extras: bool = False) -> Plan:
    """Trace ``rule`` (``n_arrays`` arrays, the first ``n_updated`` of them updated, then
    ``n_consts`` constants) and give each value a slot: the rule's results in the arrays they
    update, the extras in new arrays, each intermediate in an updated or scratch array whose
    value is no longer needed (the smallest number of scratch arrays, greedily)."""
    ops = []
    args = [_Symbol(ops, i, False) for i in range(n_arrays)]
    args += [_Symbol(ops, n_arrays + j, True) for j in range(n_consts)]
    results = [x.index for x in rule(*args)]
    if len(results) < n_updated:
        raise TypeError(f"{rule.__name__} returns {len(results)} values; it updates {n_updated}")
    updated, extra = results[:n_updated], results[n_updated:] if extras else []
    last_use = {}
    for j, (_, inputs) in enumerate(ops):
        for value in inputs:
            last_use[value] = j
    for value in updated + extra:
        last_use[value] = len(ops)                    # results live to the end
    # Values are argument numbers, then ("op", j); slots are numbers (see Plan), the work and
    # extra slots numbered once their count is known: ("work", w) and ("extra", e) until then.
    home = {value: k for k, value in enumerate(updated)}
    home.update({value: ("extra", e) for e, value in enumerate(extra)})
    holds = {k: k for k in range(n_updated)}         # writable slot -> the value it holds
    slot = {i: i for i in range(n_arrays + n_consts)}  # value -> its slot
    n_work, steps = 0, []
    for j, (ufunc, inputs) in enumerate(ops):
        value = ("op", j)
        candidates = [home[value]] if value in home else []
        candidates += [slot[x] for x in inputs] + [("work", w) for w in range(n_work)]
        out = next((c for c in candidates if c in holds and last_use.get(holds[c], -1) <= j),
                   None)
        if isinstance(home.get(value), tuple):       # an extra: its own new array
            out = home[value]
        elif out is None:
            out, n_work = ("work", n_work), n_work + 1
        holds[out] = value
        slot[value] = out
        steps.append((ufunc, tuple(slot[x] for x in inputs), out))
    first_work = n_arrays + n_consts
    number = lambda s: s if isinstance(s, int) else first_work + s[1] + n_work * (s[0] == "extra")
    return Plan(steps=tuple((u, tuple(map(number, ins)), number(out)) for u, ins, out in steps),
                copies=tuple((k, number(slot[v])) for k, v in enumerate(updated)
                             if slot[v] != k),
                extras=tuple(number(slot[v]) for v in extra), n_work=n_work)


def run(rule, updated, inputs, consts, *, work=None, extras=False):
    """Apply ``rule`` over whole arrays: ``updated`` (a sequence of arrays) in place.

    Args:
        rule: a scalar rule (see the module docstring).
        updated: the arrays the rule updates, in its argument order.
        inputs: the arrays it reads (broadcastable to ``updated[0]``).
        consts: its constants, NumPy scalars of the arrays' dtype.
        work: None, or at least ``plan(...).n_work`` arrays of ``updated[0]``'s shape and
            dtype for the intermediates (None: allocated here).
        extras: also return the rule's further results, as new arrays.
    Returns:
        the extras (a tuple of arrays) if ``extras``, else None.
    """
    p = plan(rule, len(updated), len(updated) + len(inputs), len(consts), extras)
    if work is None or len(work) < p.n_work:
        work = [np.empty_like(updated[0]) for _ in range(p.n_work)]
    slots = [*updated, *inputs, *consts, *work[:p.n_work],
             *(np.empty_like(updated[0]) for _ in p.extras)]
    for ufunc, ins, out in p.steps:
        if len(ins) == 2:
            ufunc(slots[ins[0]], slots[ins[1]], out=slots[out])
        else:
            ufunc(*[slots[i] for i in ins], out=slots[out])
    # (a copy may read an updated array that another copy writes: read them all first)
    sources = [slots[i].copy() if i < len(updated) else slots[i] for _, i in p.copies]
    for (k, _), source in zip(p.copies, sources):
        np.copyto(updated[k], source)
    return tuple(slots[i] for i in p.extras) if extras else None
