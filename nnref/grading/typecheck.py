"""The types the course's tests check, and how a received value fails them.

Two kinds of check, as the course's tests make them (see :mod:`nnref.grading.compare`):
a :class:`TypeRule` per returned item (``assert type(b) == float, "Wrong type for b"``), and
the course's ``datatype_check`` of every item against the answer key's value.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnref.grading.child.wire import Tensor, Unsupported


@dataclass(frozen=True)
class TypeRule:
    """A type the course's test requires, and the reason it gives.

    ``kind``: ``"ndarray"``, ``"float"`` (a Python float: ``type(x) == float``), ``"list"``,
    ``"tuple"``, or a TensorFlow class name (``"EagerTensor"``, ``"ResourceVariable"``);
    ``dtype``: a TensorFlow dtype name the value must have (``"float32"``), or None.
    ``reason``: the course's message; ``<type>`` in it stands for the received value's type.
    """

    kind: str
    reason: str
    dtype: str | None = None


_KIND_TEXT = {"ndarray": "a numpy array", "float": "a Python float", "list": "a list",
              "tuple": "a tuple"}


def type_problem(rule: TypeRule, received) -> str | None:
    kind = rule.kind
    if kind == "ndarray":
        ok = type(received) is np.ndarray
    elif kind == "float":
        ok = type(received) is float
    elif kind in ("list", "tuple"):
        ok = type(received) is (list if kind == "list" else tuple)
    else:
        ok = isinstance(received, Tensor) and received.type_name == kind
        if ok and rule.dtype and received.dtype != rule.dtype:
            return (f"expected a TensorFlow {kind} of dtype {rule.dtype}, received dtype "
                    f"{received.dtype} (the course's test: \"{rule.reason}\")")
    if ok:
        return None
    wanted = _KIND_TEXT.get(kind, f"a TensorFlow {kind}")
    reason = rule.reason.replace("<type>", f"<class '{type(received).__name__}'>")
    return f"expected {wanted}, received {describe_type(received)} (the course's test: \"{reason}\")"


def datatype_problem(expected, received) -> str | None:
    """The course's ``datatype_check`` of one item against the answer key's value."""
    if isinstance(expected, np.ndarray):
        ok = isinstance(received, np.ndarray)
    elif isinstance(expected, (float, np.floating)):
        ok = isinstance(received, (float, np.floating, np.ndarray))
    elif isinstance(expected, (int, np.integer)) and not isinstance(expected, (bool, np.bool_)):
        ok = isinstance(received, (int, np.integer)) and not isinstance(received, (bool, np.bool_))
    else:
        return None
    if ok:
        return None
    return (f"expected {describe_type(expected)}, received {describe_type(received)} (the "
            "course's test: \"Datatype mismatch\")")


def describe_type(value) -> str:
    """``"a numpy array"``, ``"a Python int"``, ``"a numpy.float64"``, ``"a TensorFlow EagerTensor"``..."""
    if isinstance(value, Tensor):
        return f"a TensorFlow {value.type_name} ({value.dtype})"
    if isinstance(value, Unsupported):
        return f"a {value.type_name} object"
    if type(value) is np.ndarray:
        return "a numpy array"
    if isinstance(value, np.generic):
        return f"a numpy.{type(value).__name__}"
    if value is None:
        return "None"
    return f"a Python {type(value).__name__}"
