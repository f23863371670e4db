"""Compare a submission's return value with the answer key's, and say where they differ.

Rules (what counts as "the same return value"):

- structure: a dict must have every key of the expected dict (extra keys are allowed, as the
  course's tests allow them); a tuple or list must have the expected length (tuples and lists
  are interchangeable: ``[A, W, b]`` for ``(A, W, b)`` passes); strings and ``None`` must match.
- numbers: arrays, NumPy scalars, Python numbers and bools are all numeric; the shape must match
  (a Python float is shape ``()``, like the 0-d array ``np.squeeze`` returns), then the values
  must agree within ``numpy.isclose(received, expected, rtol, atol)`` with NaN equal to NaN.
  The dtype itself is not graded: 0/1 floats for booleans pass.
- TensorFlow values (``EagerTensor``, ``ResourceVariable``) are numeric: their arrays are graded.
- types, where the course's tests check them (and only there): ``types`` maps a returned item's
  name or dict key (``fnmatch`` patterns) to a :class:`TypeRule`, as the course's
  ``assert type(b) == float, "Wrong type for b"``; ``datatype=True`` checks every item as the
  course's ``datatype_check`` does, against the answer key's value: an array must be an array,
  a float a float (Python or NumPy) or an array, an int an int.
- anything else a submission returns (a custom object, a set) is reported as unsupported.

The first difference in the expected value's order is reported: its path (``grads["db"]``,
``caches[1][0]``), what was expected and what was received, shortened.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass

import numpy as np

from nnref.grading.child.wire import Tensor, Unsupported
from nnref.grading.typecheck import TypeRule, datatype_problem, type_problem

__all__ = ["Mismatch", "TypeRule", "compare", "format_path", "short", "kind"]

_MAX_TEXT = 120


@dataclass(frozen=True)
class Mismatch:
    """The first place where the received value differs from the expected one."""

    path: tuple            # tokens: str for a named return item, ("key", k) or ("index", i)
    problem: str           # one sentence, without the path
    names: tuple = ()      # the returned items' names and dict keys along the path (for hints)

    def where(self, root: str = "the return value") -> str:
        return format_path(self.path, root)


def format_path(path: tuple, root: str = "the return value") -> str:
    text = ""
    for token in path:
        if isinstance(token, str):
            text = token
        elif token[0] == "key":
            text = (text or root) + f"[{token[1]!r}]".replace("'", '"')
        else:
            text = (text or root) + f"[{token[1]}]"
    return text or root


def short(value) -> str:
    """A one-line description of a value, at most about 120 characters."""
    if isinstance(value, Tensor):
        return f"a TensorFlow {value.type_name}: {short(value.array)}"
    if isinstance(value, Unsupported):
        return f"a {value.type_name} object"
    if isinstance(value, np.ndarray) and value.ndim > 0:
        if value.size <= 6:
            text = np.array2string(value, precision=10, separator=", ").replace("\n", "")
            return f"array {text} (shape {value.shape})"
        return f"an array of shape {value.shape}"
    if isinstance(value, (np.ndarray, np.generic)):
        value = value.item() if isinstance(value, np.ndarray) else value
        return _number(value)
    if isinstance(value, (bool, int, float)):
        return _number(value)
    if isinstance(value, dict):
        keys = ", ".join(repr(k) for k in list(value)[:8])
        return f"a dict with keys [{keys}{', ...' if len(value) > 8 else ''}]"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} items"
    text = repr(value)
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT - 3] + "..."


def _number(x) -> str:
    if isinstance(x, (bool, np.bool_)):
        return repr(bool(x))
    if isinstance(x, (float, np.floating)):
        return f"{float(x):.10g}"
    return repr(x)


def kind(value) -> str:
    if isinstance(value, Tensor):
        return f"a TensorFlow {value.type_name}"
    if isinstance(value, Unsupported):
        return f"a {value.type_name} object"
    if isinstance(value, np.ndarray):
        return "an array"
    if isinstance(value, (bool, int, float, np.generic)):
        return "a number"
    if isinstance(value, dict):
        return "a dict"
    if isinstance(value, tuple):
        return "a tuple"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "None"
    if isinstance(value, str):
        return "a string"
    return f"a {type(value).__name__}"


def _is_numeric(value) -> bool:
    if isinstance(value, Tensor):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "biufc"
    if isinstance(value, np.generic):
        return np.asarray(value).dtype.kind in "biufc"
    return isinstance(value, (bool, int, float))


def compare(expected, received, rtol: float, atol: float, returns: tuple[str, ...] = (),
            values: bool = True, types=None, datatype: bool = False):
    """Return the first :class:`Mismatch`, or ``None`` when ``received`` passes.

    ``returns`` names the items of an expected tuple (or the single value, if one name).
    ``values=False`` compares the structure and shapes only. ``types`` (name pattern ->
    :class:`TypeRule`) and ``datatype`` check types as the course's tests do (module docstring).
    """
    if not values:
        rtol = atol = float("inf")
    rules = _Rules(rtol, atol, dict(types or {}), datatype)
    if len(returns) == 1:
        return _compare(expected, received, (returns[0],), (returns[0],), rules)
    if returns and isinstance(expected, tuple) and len(returns) == len(expected):
        if not isinstance(received, (tuple, list)):
            return Mismatch((), f"expected a tuple ({', '.join(returns)}), received {kind(received)}")
        if len(received) != len(expected):
            return Mismatch((), f"expected a tuple of {len(expected)} items ({', '.join(returns)}), "
                                f"received {len(received)} items")
        rule = rules.types.get("()")
        problem = rule and type_problem(rule, received)
        if problem:
            return Mismatch((), problem)
        for name, exp, rec in zip(returns, expected, received):
            found = _compare(exp, rec, (name,), (name,), rules)
            if found:
                return found
        return None
    return _compare(expected, received, (), (), rules)


@dataclass(frozen=True)
class _Rules:
    rtol: float
    atol: float
    types: dict
    datatype: bool


def _type_rule(rules: _Rules, path, names):
    """The type rule of a named item (a returned item or a dict key), if any."""
    if not rules.types or not path or not (isinstance(path[-1], str) or path[-1][0] == "key"):
        return None
    for pattern, rule in rules.types.items():
        if fnmatch.fnmatchcase(names[-1], pattern):
            return rule
    return None


def _compare(expected, received, path, names, rules):
    if isinstance(received, Unsupported):
        return Mismatch(path, f"expected {kind(expected)}, received a {received.type_name} "
                              "object, which cannot be graded (return arrays, numbers, "
                              "tuples, lists or dicts)", names)
    rule = _type_rule(rules, path, names)
    problem = (rule and type_problem(rule, received)) or (
        rules.datatype and datatype_problem(expected, received))
    if problem:
        return Mismatch(path, problem, names)
    if _is_numeric(expected):
        if not _is_numeric(received):
            return Mismatch(path, f"expected {kind(expected)} ({short(expected)}), received "
                                  f"{kind(received)} ({short(received)})", names)
        return _compare_numbers(_numeric_array(expected), _numeric_array(received), path, names,
                                rules.rtol, rules.atol)
    if isinstance(expected, dict):
        if not isinstance(received, dict):
            return Mismatch(path, f"expected a dict with keys {list(expected)}, received "
                                  f"{kind(received)}", names)
        missing = [k for k in expected if k not in received]
        if missing:
            return Mismatch(path, f"the key {missing[0]!r} is missing (keys received: "
                                  f"{list(received)[:12]})", names)
        for key in expected:
            found = _compare(expected[key], received[key], path + (("key", key),),
                             names + (str(key),), rules)
            if found:
                return found
        return None
    if isinstance(expected, (tuple, list)):
        if not isinstance(received, (tuple, list)):
            return Mismatch(path, f"expected {kind(expected)} of {len(expected)} items, received "
                                  f"{kind(received)}", names)
        if len(received) != len(expected):
            return Mismatch(path, f"expected {len(expected)} items, received {len(received)}", names)
        for i, (exp, rec) in enumerate(zip(expected, received)):
            found = _compare(exp, rec, path + (("index", i),), names, rules)
            if found:
                return found
        return None
    if expected is None or isinstance(expected, str):
        if received != expected or type(received) is not type(expected):
            return Mismatch(path, f"expected {expected!r}, received {short(received)}", names)
        return None
    raise TypeError(f"the answer key returned an unsupported {type(expected).__name__}")


def _numeric_array(value) -> np.ndarray:
    array = np.asarray(value.array if isinstance(value, Tensor) else value)
    return array.astype(np.int64) if array.dtype.kind == "b" else array  # bool - bool is an error


def _compare_numbers(expected: np.ndarray, received: np.ndarray, path, names, rtol, atol):
    if expected.shape != received.shape:
        exp = "a scalar (shape ())" if expected.shape == () else f"shape {expected.shape}"
        rec = "a scalar (shape ())" if received.shape == () else f"shape {received.shape}"
        return Mismatch(path, f"expected {exp}, received {rec}", names)
    if atol == float("inf"):  # shapes only
        return None
    with np.errstate(all="ignore"):
        close = np.isclose(received, expected, rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return None
    wrong = np.argwhere(~close)
    first = tuple(int(i) for i in wrong[0])
    exp_value, rec_value = expected[first], received[first]
    if expected.shape == ():
        return Mismatch(path, f"expected {_number(exp_value.item())}, received "
                              f"{_number(rec_value.item())}", names)
    with np.errstate(all="ignore"):
        differences = np.abs(received - expected)[~close]
    finite = differences[np.isfinite(differences)]
    error = finite.max() if finite.size else float("nan")
    return Mismatch(path, f"{len(wrong)} of {expected.size} values differ; first at index "
                          f"{first}: expected {_number(exp_value.item())}, received "
                          f"{_number(rec_value.item())} (largest difference {error:.3g})", names)
