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


def fused(rule, updated, grad, consts) -> bool:
    """Run the compiled loop of ``rule`` over ``updated`` (in place) and ``grad``, with
    ``consts`` already :func:`typed`; False (nothing done) when no loop suits the arrays."""
    arrays = (*updated, grad)
    loop = _fast.kernel(rule, arrays)
    if loop is None:
        return False
    loop(*[a.reshape(-1) for a in arrays], consts)
    return True


def flat_views(arrays) -> tuple | None:
    """1-D views of ``arrays`` (no copy), or None when one of them is not C-contiguous."""
    if not all(a.flags.c_contiguous for a in arrays):
        return None
    return tuple(a.reshape(-1) for a in arrays)


def fused_flat(rule, flat, grad, consts) -> bool:
    """:func:`fused` for an optimizer's parameter: ``flat`` is :func:`flat_views` of the
    parameter and its state arrays (``full_like`` the parameter: same shape, dtype and layout),
    made once, and ``grad`` has the parameter's shape and dtype (``apply_gradients`` checked
    them), so a step checks nothing more (a gradient of another layout is read from a
    contiguous copy). A training step then spends its time in the loops, not in checks."""
    g = grad.reshape(-1)                          # (size,): a view, or a copy of another layout
    loop = _fast.loop_for(rule, flat[0])
    if loop is None:
        return False
    loop(*flat, g, consts)
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
