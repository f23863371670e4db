"""Argument checks for the public edge, declared once (scikit-learn's parameter constraints are
the model): small composable checks that return the value in its canonical type, or raise.

One message style, Keras's, for every check and both kinds of error::

    NAME must be EXPECTED. Received: NAME=VALUE
    e.g. "beta must be in [0, 1). Received: beta=1.5"

EXPECTED states the whole constraint, so a wrong type and a value out of range read alike
("batch_size must be an integer >= 1. Received: batch_size=2.5"). A value of the wrong type
raises :class:`ArgumentTypeError`, which is both a TypeError and a ValueError (as scikit-learn's
``InvalidParameterError``), so code catching either sees it; a value of the right type outside
its range raises ValueError. VALUE is :func:`shown`.

``allow_none=True`` accepts None (returned as is) and adds "or None" to EXPECTED; ``expected=``
replaces the generated EXPECTED with a domain phrase ("a probability in [0, 1]").
"""
from __future__ import annotations

import math
import numbers
import os

import numpy as np

CONVENTIONS = ("course", "keras")
"""``convention=`` everywhere: ``"course"`` (the formula as taught) or ``"keras"`` (Keras 3)."""

FLOAT_DTYPES = ("float32", "float64")


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type. A ValueError too, so code catching either sees it."""


def shown(value) -> str:
    """``value`` as an error message shows it: ``repr``, a NumPy scalar as its Python value
    (``1.5``, not ``np.float64(1.5)``), an array by its shape and dtype."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    return repr(value.item() if isinstance(value, np.generic) else value)


def _fail(error, name, expected, value, allow_none):
    expected += " or None" if allow_none else ""
    raise error(f"{name} must be {expected}. Received: {name}={shown(value)}")


def _is_bool(value) -> bool:
    return isinstance(value, (bool, np.bool_))


def real_range(low=None, high=None, low_open=False, high_open=False) -> str:
    """The interval in words: "in [0, 1)", "a finite number > 0", "a finite number"."""
    if low is not None and high is not None:
        return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f"a finite number {'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f"a finite number {'<' if high_open else '<='} {high:g}"
    return "a finite number"


def check_real(name: str, value, *, low=None, high=None, low_open=False, high_open=False,
               allow_none=False, expected: str | None = None) -> float | None:
    """``value`` as a float: a finite real number (not a bool) in the interval from ``low`` to
    ``high`` (closed ends unless ``low_open``/``high_open``; None: unbounded on that side)."""
    if value is None and allow_none:
        return None
    expected = expected or real_range(low, high, low_open, high_open)
    if _is_bool(value) or not isinstance(value, numbers.Real):
        _fail(ArgumentTypeError, name, expected, value, allow_none)
    try:
        x = float(value)
    except OverflowError:                     # an int beyond float range: not a finite number
        x = math.inf
    inside = (math.isfinite(x)
              and (low is None or (x > low if low_open else x >= low))
              and (high is None or (x < high if high_open else x <= high)))
    if not inside:
        _fail(ValueError, name, expected, value, allow_none)
    return x


def check_int(name: str, value, *, low: int | None = 0, high: int | None = None,
              allow_none=False, expected: str | None = None) -> int | None:
    """``value`` as an int: an integer (Python's or NumPy's, not a bool, not ``2.0``) in
    [``low``, ``high``] (None: unbounded on that side)."""
    if value is None and allow_none:
        return None
    if expected is None:
        bounds = [f">= {low}"] * (low is not None) + [f"<= {high}"] * (high is not None)
        expected = " and ".join(["an integer " + bounds[0]] + bounds[1:]) if bounds else "an integer"
    if _is_bool(value) or not isinstance(value, numbers.Integral):
        _fail(ArgumentTypeError, name, expected, value, allow_none)
    if (low is not None and value < low) or (high is not None and value > high):
        _fail(ValueError, name, expected, value, allow_none)
    return int(value)


def check_bool(name: str, value) -> bool:
    """``value`` as a bool: True or False (or NumPy's), never a truthy stand-in such as "no"."""
    if not _is_bool(value):
        _fail(ArgumentTypeError, name, "True or False", value, False)
    return bool(value)


def check_type(name: str, value, types, expected: str, *, allow_none=False):
    """``value`` itself if it is an instance of ``types`` (a class or a tuple of classes)."""
    if value is None and allow_none:
        return None
    if not isinstance(value, types):
        _fail(ArgumentTypeError, name, expected, value, allow_none)
    return value


def check_callable(name: str, value, *, expected: str = "callable", allow_none=False):
    """``value`` itself if it can be called (a function, a class, an object with ``__call__``)."""
    if value is None and allow_none:
        return None
    if not callable(value):
        _fail(ArgumentTypeError, name, expected, value, allow_none)
    return value


def check_path(name: str, value, *, expected: str = "a str or os.PathLike"):
    """``value`` itself if it names a file or folder: a ``str`` or an ``os.PathLike``."""
    return check_type(name, value, (str, os.PathLike), expected)


def check_choice(name: str, value, choices, *, expected: str | None = None):
    """``value`` itself if it is one of ``choices`` (a bool is never taken for 0 or 1)."""
    try:
        found = any(value == c and _is_bool(value) == _is_bool(c) for c in choices)
    except (TypeError, ValueError):           # an array compared with a choice
        found = False
    if not found:
        _fail(ValueError, name, expected or f"one of {tuple(choices)}", value, False)
    return value


def check_convention(convention: str) -> str:
    """``convention`` if it is one of :data:`CONVENTIONS`."""
    if type(convention) is str and convention in CONVENTIONS:    # every optimizer step: quick
        return convention
    return check_choice("convention", convention, CONVENTIONS)


def check_float_dtype(dtype, name: str = "dtype") -> np.dtype:
    """``dtype`` (anything ``np.dtype`` takes) as a float32 or float64 NumPy dtype."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt.name not in FLOAT_DTYPES:
        _fail(ValueError, name, f"one of {FLOAT_DTYPES}", dtype, False)
    return dt
