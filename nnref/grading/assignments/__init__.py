"""The graded assignments, one module per ``nnref.course`` module, each defining ``SPEC``.

``get_assignment(name)`` imports the module on first use; ``ASSIGNMENTS`` lists the names in
course order.
"""
from __future__ import annotations

import importlib

from nnref.course import MODULES
from nnref.grading.spec import AssignmentSpec

ASSIGNMENTS = MODULES        # one graded assignment per nnref.course module


def get_assignment(name: str) -> AssignmentSpec:
    """The :class:`AssignmentSpec` named ``name`` (an ``nnref.course`` module name)."""
    if name not in ASSIGNMENTS:
        raise ValueError(f"assignment must be one of {', '.join(ASSIGNMENTS)}. "
                         f"Received: assignment={name!r}")
    return importlib.import_module(f"{__name__}.{name}").SPEC


def all_assignments() -> list[AssignmentSpec]:
    return [get_assignment(name) for name in ASSIGNMENTS]
