"""Search spaces: where each hyperparameter is drawn from, on the scale the course teaches.

"Sample at random, on the appropriate scale":

    LogUniform(1e-4, 1)            α = 10^r,      r ~ U[-4, 0]         (equal share per decade)
    OneMinusLogUniform(0.9, 0.999) β = 1 − 10^r,  r ~ U[-3, -1]        (equal share per decade of 1 − β)
    Uniform(0.0, 0.5)              x ~ U[low, high]                    (e.g. a dropout rate)
    IntUniform(10, 50)             n ~ U{low, ..., high}               (e.g. hidden units)
    Choice([16, 32, 64, 128])      one option, each with probability 1/len (e.g. mini-batch size)

Every numeric space is a monotone map ``from_unit: [0, 1] → [low, high]`` of one uniform draw
``u ~ U[0, 1)`` (and ``to_unit`` its inverse), so that random sampling, grid points and the
coarse-to-fine zoom (``narrow``) are written once, in unit coordinates, for all of them.
A ``Choice`` has no order: it samples an index and narrows to the options it is given.

A search space is a dict ``{name: Space or constant}``; constants (e.g. ``"epochs": 10``) pass
through to every configuration unchanged. Sampled values are Python ``float``/``int`` (or the
option itself), so configurations serialize to JSON exactly.
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from nnref._checks import check_int, check_real


def _ordered(low: float, high: float) -> None:
    if not low < high:
        raise ValueError(f"low must be < high. Received: low={low!r}, high={high!r}")


def _unit(u: float) -> float:
    """Clip a unit coordinate to [0, 1] (guards round-off at the ends)."""
    return min(max(float(u), 0.0), 1.0)


class Space:
    """One hyperparameter's distribution.

    Subclasses define ``from_unit(u)`` (u in [0, 1] → a value) and ``to_unit(value)``, or
    override ``sample``/``grid``/``narrow`` (``Choice``). ``scale`` is ``"linear"``, ``"log"``
    (plot the value on a log axis) or ``"one_minus_log"`` (plot 1 − value on a log axis).
    """

    scale = "linear"

    def from_unit(self, u: float):
        raise NotImplementedError

    def to_unit(self, value) -> float:
        raise NotImplementedError

    def sample(self, rng: np.random.Generator):
        """One value: ``from_unit(u)`` with ``u = rng.random()`` (one draw per value)."""
        return self.from_unit(rng.random())

    def grid(self, n: int) -> list:
        """``n`` values evenly spaced in unit coordinates, ends included (the middle for n = 1)."""
        n = check_int("n", n, low=1)
        points = [0.5] if n == 1 else np.linspace(0.0, 1.0, n).tolist()
        values = [self.from_unit(u) for u in points]
        return list(dict.fromkeys(values))  # IntUniform may round two points to one value

    def narrow(self, values: Sequence, margin: float = 0.1) -> "Space":
        """The sub-box around ``values`` (the best trials' values), for coarse-to-fine search.

        In unit coordinates: ``[min(u) − margin, max(u) + margin]`` clipped to ``[0, 1]``, mapped
        back through ``from_unit``, as a space of the same kind (a log space stays a log space).
        """
        margin = check_real("margin", margin, low=0, high=1, low_open=True)
        if len(values) == 0:
            raise ValueError("values must not be empty. Received: values=[]")
        units = [self.to_unit(v) for v in values]
        lo, hi = _unit(min(units) - margin), _unit(max(units) + margin)
        return self._between(self.from_unit(lo), self.from_unit(hi))

    def _between(self, low, high) -> "Space":
        return type(self)(low, high)


class Uniform(Space):
    """x ~ U[low, high]: ``from_unit(u) = low + u·(high − low)``."""

    def __init__(self, low: float, high: float):
        self.low, self.high = check_real("low", low), check_real("high", high)
        _ordered(self.low, self.high)

    def from_unit(self, u):
        return min(self.low + _unit(u) * (self.high - self.low), self.high)

    def to_unit(self, value):
        return _unit((check_real("value", value) - self.low) / (self.high - self.low))

    def __repr__(self):
        return f"Uniform({self.low!r}, {self.high!r})"


class LogUniform(Space):
    """x = 10^r, r ~ U[log10 low, log10 high]: every decade gets the same share.

    ``from_unit(u) = low^(1−u)·high^u = low·(high/low)^u``.
    The course's α, ``r = -4·np.random.rand(); α = 10**r``, is ``LogUniform(1e-4, 1)``.
    """

    scale = "log"

    def __init__(self, low: float, high: float):
        self.low = check_real("low", low, low=0, low_open=True, expected="a finite number > 0 (a log scale)")
        self.high = check_real("high", high)
        _ordered(self.low, self.high)
        self._log_low, self._log_high = math.log(self.low), math.log(self.high)

    def from_unit(self, u):
        u = _unit(u)
        value = self.low ** (1.0 - u) * self.high ** u  # exact at both ends
        return min(max(value, self.low), self.high)

    def to_unit(self, value):
        value = check_real("value", value, low=0, low_open=True, expected="a finite number > 0 (a log scale)")
        return _unit((math.log(value) - self._log_low) / (self._log_high - self._log_low))

    def __repr__(self):
        return f"LogUniform({self.low!r}, {self.high!r})"


class OneMinusLogUniform(Space):
    """β = 1 − 10^r with 1 − β log-uniform: the course's scale for momentum/Adam β.

    β in [low, high] ⇔ 1 − β in [1 − high, 1 − low], sampled log-uniformly, so that
    0.9 → 0.99 and 0.99 → 0.999 (averaging over ~10 → ~100 → ~1000 values) get equal shares.
    ``from_unit(u) = 1 − (1 − low)·((1 − high)/(1 − low))^u``, increasing in u.
    """

    scale = "one_minus_log"

    def __init__(self, low: float, high: float):
        self.low = check_real("low", low)
        self.high = check_real("high", high, high=1, high_open=True, expected="a finite number < 1 (1 - beta > 0)")
        _ordered(self.low, self.high)
        self._log_a, self._log_b = math.log1p(-self.low), math.log1p(-self.high)  # log(1 − β)

    def from_unit(self, u):
        value = -math.expm1(self._log_a + _unit(u) * (self._log_b - self._log_a))
        return min(max(value, self.low), self.high)

    def to_unit(self, value):
        value = check_real("value", value, high=1, high_open=True)
        return _unit((math.log1p(-value) - self._log_a) / (self._log_b - self._log_a))

    def __repr__(self):
        return f"OneMinusLogUniform({self.low!r}, {self.high!r})"


class IntUniform(Space):
    """n ~ U{low, ..., high} (both ends included), each integer with probability 1/(high − low + 1).

    ``from_unit(u) = low + ⌊u·(high − low + 1)⌋`` (u = 1 maps to ``high``); ``to_unit`` returns
    the middle of the value's cell, so that ``from_unit(to_unit(n)) == n``.
    """

    def __init__(self, low: int, high: int):
        self.low, self.high = check_int("low", low, low=None), check_int("high", high, low=None)
        if not self.low <= self.high:
            raise ValueError(f"low must be <= high. Received: low={low!r}, high={high!r}")

    @property
    def _cells(self) -> int:
        return self.high - self.low + 1

    def from_unit(self, u):
        return min(self.low + int(math.floor(_unit(u) * self._cells)), self.high)

    def to_unit(self, value):
        return _unit((check_real("value", value) - self.low + 0.5) / self._cells)

    def _between(self, low, high):
        return IntUniform(low, high)

    def __repr__(self):
        return f"IntUniform({self.low!r}, {self.high!r})"


class Choice(Space):
    """One of ``options``, each with probability 1/len(options). Options must be JSON values."""

    def __init__(self, options: Sequence):
        if isinstance(options, (str, bytes)) or not isinstance(options, Sequence):
            raise TypeError(f"options must be a list of values. Received: options={options!r}")
        if len(options) == 0:
            raise ValueError("options must not be empty. Received: options=[]")
        try:
            json.dumps(list(options))
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"options must be JSON values (numbers, strings, lists). Received: options={options!r}"
            ) from exc
        self.options = list(options)

    def sample(self, rng):
        return self.options[int(rng.integers(len(self.options)))]

    def grid(self, n):
        n = min(check_int("n", n, low=1), len(self.options))
        if n == 1:
            return [self.options[(len(self.options) - 1) // 2]]
        picks = np.linspace(0, len(self.options) - 1, n).round().astype(int)
        return [self.options[i] for i in dict.fromkeys(picks.tolist())]

    def narrow(self, values, margin=0.1):
        """The options among ``values``, in their original order (``margin`` is unused)."""
        keep = [o for o in self.options if any(same_value(o, v) for v in values)]
        if not keep:
            raise ValueError(f"values must include at least one of the options {self.options!r}. "
                             f"Received: values={list(values)!r}")
        return Choice(keep)

    def __repr__(self):
        return f"Choice({self.options!r})"


def same_value(a, b) -> bool:
    """Equal as JSON values (a tuple option equals the list it is read back as)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def check_space(space: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a search space ``{name: Space or JSON constant}``; return it as a dict."""
    if not isinstance(space, Mapping) or not space:
        raise TypeError("space must be a non-empty dict {name: Space or constant}. "
                        f"Received: space={space!r}")
    for name, dim in space.items():
        if not isinstance(name, str):
            raise TypeError(f"space keys must be str. Received: key {name!r}")
        if not isinstance(dim, Space):
            try:
                json.dumps(dim)
            except (TypeError, ValueError) as exc:
                raise TypeError(f"space[{name!r}] must be a Space or a JSON constant. "
                                f"Received: {dim!r}") from exc
    return dict(space)


def searched(space: Mapping[str, Any]) -> dict[str, Space]:
    """The dimensions that are sampled (the ``Space`` entries), in order."""
    return {name: dim for name, dim in space.items() if isinstance(dim, Space)}


def sample_config(space: Mapping[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """One configuration: each Space sampled once, in the dict's order; constants copied."""
    return {name: dim.sample(rng) if isinstance(dim, Space) else dim for name, dim in space.items()}
