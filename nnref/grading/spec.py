"""What an assignment's grading consists of: graded functions, points and cases.

An :class:`AssignmentSpec` is named after its ``nnref.course`` module (the answer key). Each
:class:`FunctionSpec` lists its cases: the course's own example inputs, plus seeded random
inputs of other shapes, so that a function returning the example's numbers fails. Before each
call, in the sandbox and in the grader alike, the global NumPy generator is seeded with the
case's seed (as the course's tests do before calling): a function that should call
``np.random.seed`` itself and does not (or uses another seed) then returns other numbers.

Tolerance: values are compared with ``numpy.isclose(received, expected, rtol, atol)`` with
``rtol = 1e-6`` and ``atol = 1e-9`` unless a function says otherwise. Correct solutions differ
from the course's by rounding only (they sum or multiply in another order, about 1e-15
relative, growing to about 1e-12 over the short training runs), while the mistakes the course
warns about (a sum for a mean, a transposed product, a missing term) change values by far more.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

RTOL = 1e-6
ATOL = 1e-9


@dataclass(frozen=True)
class Case:
    """One call of a graded function.

    ``args``/``kwargs`` are plain data (arrays, numbers, strings, tuples, lists, dicts).
    ``seed`` is the global ``np.random.seed`` set before the call; by default it is derived
    from the assignment, function and label (and is never one of the course's own seeds).
    """

    label: str
    args: tuple = ()
    kwargs: Mapping[str, object] = field(default_factory=dict)
    seed: int | None = None


@dataclass(frozen=True)
class FunctionSpec:
    """A graded function: all of its cases must pass for its points (as in the course).

    Args:
        name: the function's name in the course (and in ``nnref.course``).
        points: what it is worth.
        cases: builds the cases (called once per grading session).
        returns: names of the items of a returned tuple (or of the single returned value),
            used in feedback: ``grads["db"]`` rather than ``[0]["db"]``.
        hints: the course formula to show when a value is wrong, keyed by a returned item's
            name or dict key (``fnmatch`` patterns such as ``"dW*"``); ``"*"`` is the default.
        rtol, atol: the value tolerance (see the module docstring).
        values: ``False`` grades the structure and shapes only, for a function whose values
            the course draws from a generator a NumPy submission cannot reproduce.
        types: the types the course's test requires (``assert type(b) == float``), keyed by
            a returned item's name or dict key (patterns; ``"()"`` is the returned tuple
            itself), each a :class:`~nnref.grading.compare.TypeRule` with the course's reason.
        datatype: ``True`` where the course's test runs its ``datatype_check`` (every item
            of the answer key's type: an array an array, a float a float or an array).
        old_names: names the function had in earlier versions of the course's notebook; a
            submission defining one of them and not ``name`` is graded under it, with a note.
    """

    name: str
    points: float
    cases: Callable[[], Sequence[Case]]
    returns: tuple[str, ...] = ()
    hints: Mapping[str, str] = field(default_factory=dict)
    rtol: float = RTOL
    atol: float = ATOL
    values: bool = True
    types: Mapping[str, object] = field(default_factory=dict)
    datatype: bool = False
    old_names: tuple[str, ...] = ()

    def __post_init__(self):
        if not self.points > 0:
            raise ValueError(f"points must be > 0. Received: points={self.points!r}")


@dataclass(frozen=True)
class AssignmentSpec:
    """The graded functions of one assignment.

    ``provided`` names the course helper modules (``dnn_utils``...) whose functions the
    notebook imports; the sandbox puts them in the submission's namespace.
    """

    name: str
    title: str
    functions: tuple[FunctionSpec, ...]
    provided: tuple[str, ...] = ()

    @property
    def max_score(self) -> float:
        return sum(f.points for f in self.functions)

    def function(self, name: str) -> FunctionSpec:
        for spec in self.functions:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def case_seed(self, function: str, case: Case) -> int:
        if case.seed is not None:
            return case.seed
        # crc32 of the names: stable across runs and machines, and never a small course seed
        return 1000 + zlib.crc32(f"{self.name}/{function}/{case.label}".encode()) % 1_000_000
