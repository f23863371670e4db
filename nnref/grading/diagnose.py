"""Say *what* is wrong with a failing function: a known mistake, or a structural one.

Known mistakes (:mod:`nnref.grading.mistakes`): each variant of the answer key is run in this
process on every case's inputs (deep copies, NumPy's global generator seeded with the case's
seed, as for the answer key). A mistake is named only when

- the submission returned a value on every case, and
- its values equal that variant's on every case, under the grading comparison
  (:func:`nnref.grading.compare.compare`, the function's own tolerance), and
- no other variant's do.

When several variants match, or none, no mistake is named ("several known mistakes give these
values" / "not one of the N known mistakes", said only when the value has the expected
structure and shapes), and the usual feedback stands alone.

Structural mistakes are read from the first difference on each failing case, and named when
every failing case shows the same one: a value of the right numbers in the transposed shape (or
transposed in a square shape), the right numbers in another shape (``(n,)`` for ``(n, 1)``, a
``(1, 1)`` array for a scalar), a missing dict key whose value is present under another key.
(An input changed in place is reported by the grader itself, case by case.)
"""
from __future__ import annotations

import contextlib
import copy
import io
import threading
from dataclasses import dataclass

import numpy as np

from nnref.grading.child.wire import Unsupported
from nnref.grading.compare import compare
from nnref.grading.mistakes import Mistake, catalogue

NOT_RETURNED = object()   # a case where the submission raised, timed out, or was not run
_RNG_LOCK = threading.RLock()


@dataclass(frozen=True)
class Diagnosis:
    """What the values prove. ``kind``: "named", "several", "none", "structural" or "unknown"
    (not every case returned a value). ``mistake`` is set when ``kind == "named"``."""

    kind: str
    text: str
    mistake: Mistake | None = None
    candidates: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        return [f"Diagnosis: {self.text}"] if self.text else []


@dataclass(frozen=True)
class CaseValues:
    """One case: the call's inputs and seed, the answer key's value, the submission's value
    (:data:`NOT_RETURNED` when it returned none)."""

    args: tuple
    kwargs: dict
    seed: int
    expected: object
    received: object


def evaluate(function, args, kwargs, seed):
    """``function(*deepcopy(args), **deepcopy(kwargs))`` after ``np.random.seed(seed)``, its
    printing swallowed and the global generator restored; an exception is returned, not raised."""
    args, kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
    with _RNG_LOCK:  # NumPy's global generator is shared by the threads of a batch
        state = np.random.get_state()
        try:
            np.random.seed(seed)
            with contextlib.redirect_stdout(io.StringIO()), np.errstate(all="ignore"):
                return function(*args, **kwargs)
        except Exception as exc:  # a variant that fails on a case cannot match it
            return exc
        finally:
            np.random.set_state(state)


_VALUES: dict = {}
_VALUES_LOCK = threading.Lock()


def _variant_value(assignment, function, mistake: Mistake, index: int, case: CaseValues):
    """The variant's value on case ``index``, cached per process (the cases are fixed)."""
    cache_key = (assignment, function, mistake.key, index)
    with _VALUES_LOCK:
        if cache_key in _VALUES:
            return _VALUES[cache_key]
    value = evaluate(mistake.function, case.args, case.kwargs, case.seed)
    with _VALUES_LOCK:
        _VALUES[cache_key] = value
    return value


def diagnose(assignment: str, fspec, cases: list[CaseValues], cache: bool = True) -> Diagnosis:
    """The :class:`Diagnosis` of a failing function ``fspec`` on its graded ``cases``.

    ``cache=False`` evaluates the variants afresh (for cases that are not the graded ones).
    """
    if any(c.received is NOT_RETURNED or not _gradable(c.received) for c in cases):
        return Diagnosis("unknown", "")
    failing = [c for c in cases if _differs(fspec, c.expected, c.received)]
    if not failing:
        return Diagnosis("unknown", "")
    mistakes = catalogue(assignment, fspec.name)
    matches = []
    for mistake in mistakes:
        values = [_variant_value(assignment, fspec.name, mistake, i, c) if cache else
                  evaluate(mistake.function, c.args, c.kwargs, c.seed)
                  for i, c in enumerate(cases)]
        if all(not isinstance(v, Exception) and not _differs(fspec, v, c.received)
               for v, c in zip(values, cases)):
            matches.append(mistake)
    if len(matches) == 1:
        return Diagnosis("named", matches[0].message(), matches[0], (matches[0].key,))
    if matches:
        names = "; ".join(m.name for m in matches)
        return Diagnosis("several", f"your values equal those of {len(matches)} known mistakes "
                                    f"at once, which these cases cannot tell apart ({names})",
                         candidates=tuple(m.key for m in matches))
    found = [structural_mistake(fspec, c.expected, c.received) for c in failing]
    if None not in found and len({kind for kind, _ in found}) == 1:
        return Diagnosis("structural", found[0][1])   # the same mistake, in the same place
    if mistakes and all(_same_structure(fspec, c.expected, c.received) for c in failing):
        return Diagnosis("none", f"not one of the {len(mistakes)} known mistakes of "
                                 f"{fspec.name} (see the differences above)")
    return Diagnosis("none", "")  # another structure: comparing the values says nothing more


def _gradable(value) -> bool:
    """False when the value holds an object the grader cannot compare (a tensor...)."""
    if isinstance(value, Unsupported):
        return False
    if isinstance(value, dict):
        return all(_gradable(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_gradable(v) for v in value)
    return True


def _same_structure(fspec, expected, received) -> bool:
    return compare(expected, received, fspec.rtol, fspec.atol, fspec.returns, False) is None


def _differs(fspec, expected, received) -> bool:
    return compare(expected, received, fspec.rtol, fspec.atol, fspec.returns,
                   fspec.values) is not None


# ----------------------------------------------------------------------------- structural
def structural_mistake(fspec, expected, received) -> tuple[tuple, str] | None:
    """``((what, where), sentence)`` when the first difference is a known structural mistake,
    else None."""
    mismatch = compare(expected, received, fspec.rtol, fspec.atol, fspec.returns, fspec.values)
    if mismatch is None:
        return None
    text = _structural_text(fspec, expected, received, mismatch)
    return None if text is None else ((text[0], mismatch.path), text[1])


def _structural_text(fspec, expected, received, mismatch):
    try:
        exp = _at(expected, mismatch.path, fspec.returns)
        rec = _at(received, mismatch.path, fspec.returns)
    except (KeyError, IndexError, TypeError):
        return None
    where = mismatch.where()
    if isinstance(exp, dict) and isinstance(rec, dict):
        text = _renamed_key(fspec, exp, rec, where)
        return None if text is None else ("renamed key", text)
    if not (_numeric(exp) and _numeric(rec)):
        return None
    exp, rec = np.asarray(exp), np.asarray(rec)
    square = exp.ndim == 2 and exp.shape[0] == exp.shape[1]
    if exp.ndim == 2 and rec.shape == exp.shape[::-1] and not square and _close(fspec, exp, rec.T):
        return "transposed", (f"{where} has the right values, transposed: shape {rec.shape} "
                              f"instead of {exp.shape} (check the order of the product, e.g. "
                              "np.dot(dZ, A_prev.T), or a .T too many)")
    if square and exp.shape[0] > 1 and rec.shape == exp.shape and _close(fspec, exp, rec.T):
        return "transposed", (f"{where} is the transpose of the expected value (a .T too many "
                              "or missing)")
    if rec.shape != exp.shape and rec.size == exp.size and _close(fspec, exp,
                                                                  rec.reshape(exp.shape)):
        if exp.shape == ():
            return "not squeezed", (f"{where} has the right value in an array of shape "
                                    f"{rec.shape}: return a scalar (np.squeeze(cost), or "
                                    "float(...))")
        return "reshaped", (f"{where} has the right values in shape {rec.shape} instead of "
                            f"{exp.shape} (keepdims=True in the sum, or reshape to the expected "
                            "shape)")
    return None


def _renamed_key(fspec, exp: dict, rec: dict, where: str) -> str | None:
    missing = [k for k in exp if k not in rec]
    if not missing:
        return None
    key = missing[0]
    for other, value in rec.items():
        if other in exp:
            continue
        if compare(exp[key], value, fspec.rtol, fspec.atol, (), fspec.values) is None:
            return (f"the key {key!r} of {where} is missing, but the key {other!r} holds its "
                    f"value: name it {key!r}")
    return None


def _at(value, path: tuple, returns: tuple):
    for token in path:
        if isinstance(token, str):
            if len(returns) > 1:
                value = value[returns.index(token)]
        else:
            value = value[token[1]]
    return value


def _numeric(value) -> bool:
    return isinstance(value, (np.ndarray, np.generic, int, float, bool)) and \
        np.asarray(value).dtype.kind in "biuf"


def _close(fspec, expected, received) -> bool:
    if not fspec.values:
        return True
    with np.errstate(all="ignore"):
        return bool(np.isclose(received, expected, rtol=fspec.rtol, atol=fspec.atol,
                               equal_nan=True).all())


# ----------------------------------------------------------------------------- the grader's hook
def feedback_lines(assignment: str, fspec, expected_entries, outcomes) -> list[str]:
    """The grader's hook: the "Diagnosis: ..." line(s) for a failing function, from the answer
    key's entries (``.call``, ``.value``, ``.error``) and the sandbox's outcomes by call id.
    Never raises: a failure here costs the diagnosis, not the grading."""
    try:
        cases = []
        for entry in expected_entries:
            if entry.error:
                return []
            outcome = outcomes.get(entry.call.id)
            received = outcome.value if outcome is not None and outcome.status == "returned" \
                else NOT_RETURNED
            cases.append(CaseValues(tuple(entry.call.args), dict(entry.call.kwargs),
                                    entry.call.seed, entry.value, received))
        return diagnose(assignment, fspec, cases).lines()
    except Exception as exc:  # noqa: BLE001 - the diagnosis is an extra, never a failure
        return [f"Diagnosis: not available ({type(exc).__name__})"]


__all__ = ["Diagnosis", "CaseValues", "NOT_RETURNED", "diagnose", "evaluate", "feedback_lines",
           "structural_mistake"]
