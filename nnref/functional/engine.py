"""Running a rule of :mod:`nnref.functional.rules` over whole arrays, with one of two engines.

NumPy (:mod:`nnref.functional.replay`) or, with the ``nnref[fast]`` extra and the "numba"
backend (:mod:`nnref.backend`), one compiled loop (:mod:`nnref._fast`); their results are
identical bit for bit. The constants are Python numbers or NumPy scalars; both engines use them
as NumPy rounds them to the arrays' dtype.

``work``: NumPy's scratch arrays of the updated arrays' shape and dtype, which receive its
intermediate results so that a step allocates nothing (the optimizer classes keep one set per
parameter, made once in ``build``: allocating and freeing parameter-sized temporaries every step
costs more than the arithmetic, as fresh pages are page-faulted and zeroed by the OS); None: NumPy
allocates them. The compiled loops need none.
"""
from __future__ import annotations

from nnref import _fast, backend
from nnref.functional import replay


def typed(consts, dtype) -> tuple:
    """``consts`` as NumPy scalars of ``dtype``, rounded as NumPy rounds them."""
    return tuple(map(dtype.type, consts))


def fused(rule, updated, grad, consts, own_state=False) -> bool:
    """Run the compiled loop of ``rule`` over ``updated`` (in place) and ``grad``, with
    ``consts`` already :func:`typed`; False (nothing done) when no loop suits the arrays.

    ``own_state``: ``updated[1:]`` are an optimizer's state arrays, made by ``full_like`` of the
    parameter ``updated[0]`` (same shape, dtype and layout), so only the parameter and ``grad``
    are checked (a training step then spends its time in the loops, not in checks)."""
    arrays = (*updated, grad)
    loop = _fast.kernel(rule, (updated[0], grad) if own_state else arrays)
    if loop is None:
        return False
    loop(*[a.reshape(-1) for a in arrays], consts)
    return True


def run_rule(rule, updated, grad, consts, work=None, extras=False):
    """Run ``rule`` over ``updated`` (arrays updated in place) and ``grad`` with ``consts``: one
    compiled loop when the backend is numba and the arrays suit it, else NumPy (``work``: its
    scratch arrays, see :func:`nnref.functional.replay.run`). Returns the rule's extras as new
    arrays if ``extras`` (NumPy always computes those)."""
    if (not extras and backend.get_backend() == "numba"
            and fused(rule, updated, grad, typed(consts, updated[0].dtype))):
        return None
    return numpy_rule(rule, updated, grad, consts, work, extras)


def numpy_rule(rule, updated, grad, consts, work=None, extras=False):
    """``run_rule`` with NumPy, whatever the backend."""
    return replay.run(rule, updated, (grad,), consts, work=work, extras=extras)
