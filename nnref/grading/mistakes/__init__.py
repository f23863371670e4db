"""Known mistakes of the graded functions: the answer key with one mistake in it, per function.

Each assignment module (named like its ``nnref.course`` module) writes its graded functions
once, in the course's own style, with the mistakes students make as marked branches::

    def update_parameters_with_adam(parameters, grads, v, s, t, ..., mistake=None):
        ...
        if mistake != "adam_no_bias_correction":
            v_corrected = v / (1 - beta1 ** t)

and lists them in ``MISTAKES = {function: (Mistake, ...)}``. With ``mistake=None`` the function
is the answer key (a test checks that it returns ``nnref.course``'s values on every graded
case); each :class:`Mistake` calls it with its own ``key``. The grader runs these variants in
its own process (never in the sandbox) on the graded cases' inputs, and names a mistake when
a submission's values equal that variant's, and no other's, on every case
(:mod:`nnref.grading.diagnose`).

    from nnref.grading.mistakes import catalogue
    catalogue("c2w2_optimization", "update_parameters_with_adam")   # -> (Mistake, ...)
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from nnref.course import MODULES


@dataclass(frozen=True)
class Mistake:
    """One known mistake of one graded function.

    Args:
        key: a short identifier; the same mistake has the same key in every function it
            appears in (``"db_no_keepdims"``), so that a mistake in a helper that shows in the
            functions calling it is recognised as the same mistake.
        name: what is wrong, in one line ("Adam without bias correction").
        fix: how to make it right, in the course's words.
        function: the answer key with the mistake (same arguments and return value).
    """

    key: str
    name: str
    fix: str
    function: Callable

    def message(self) -> str:
        return f"your result equals that of {self.name}: {self.fix}"


def variants(solution: Callable, *entries) -> tuple[Mistake, ...]:
    """The :class:`Mistake` entries of ``solution`` (a function taking ``mistake=key``): each
    a ``(key, name, fix)`` triple, or the key of a mistake shared by several assignments."""
    from nnref.grading.mistakes._common import shared

    entries = [shared(e) if isinstance(e, str) else e for e in entries]
    def bind(key):
        def variant(*args, **kwargs):
            return solution(*args, mistake=key, **kwargs)
        variant.__name__ = f"{solution.__name__}[{key}]"
        return variant

    keys = [key for key, _, _ in entries]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate mistake keys for {solution.__name__}: {keys}")
    return tuple(Mistake(key, name, fix, bind(key)) for key, name, fix in entries)


def _module(assignment: str):
    if assignment not in MODULES:
        raise ValueError(f"assignment must be one of {', '.join(MODULES)}. "
                         f"Received: assignment={assignment!r}")
    return importlib.import_module(f"{__name__}.{assignment}")


def catalogue(assignment: str, function: str) -> tuple[Mistake, ...]:
    """The known mistakes of ``function`` in ``assignment`` (empty when none are listed)."""
    return tuple(_module(assignment).MISTAKES.get(function, ()))


def solution(assignment: str, function: str) -> Callable:
    """The catalogue's own course-style ``function`` (``mistake=None`` is the answer key)."""
    return getattr(_module(assignment), function)


def all_mistakes() -> list[tuple[str, str, Mistake]]:
    """Every ``(assignment, function, mistake)`` of the catalogue, in course order."""
    return [(assignment, function, mistake)
            for assignment in MODULES
            for function, entries in _module(assignment).MISTAKES.items()
            for mistake in entries]
