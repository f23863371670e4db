"""Plain-data encoding of the values sent into and out of the grading sandbox.

No pickle crosses the boundary: a value becomes a JSON "tag" and its arrays go into an
``.npz`` archive read back with ``allow_pickle=False``. The tags::

    {"t": "ndarray", "key": "a0"}          numeric or bool array, stored as npz entry "a0"
    {"t": "npscalar", "key": "a1"}         NumPy scalar (np.float64(0.5), np.int64(3), ...), stored 0-d
    {"t": "float", "v": 0.5}               Python float; "nan", "inf" and "-inf" as strings
    {"t": "int", "v": 3}   {"t": "bool", "v": true}   {"t": "none"}   {"t": "str", "v": "relu"}
    {"t": "tuple", "items": [tag, ...]}    also "list"
    {"t": "dict", "items": [[key, tag], ...]}   keys are str or int, kept in insertion order
    {"t": "unsupported", "type": "module.Class", "repr": "..."}   anything else (child to grader only)
    {"t": "tensor", "type": "EagerTensor", "dtype": "float32", "key": "a2"}   a TensorFlow
        value read as an array by ``TENSOR_READER`` (child to grader only; see ``values.py``)

An ``unsupported`` tag decodes to an :class:`Unsupported` record, so the grader can report
"returned a Foo object" instead of failing to read the result. Arrays of object, string or
structured dtype are unsupported too.

The bytes around the tags and arrays (npz archives, frames) are ``frames.py``'s.

This module runs inside the sandbox: it imports only the standard library and NumPy.
"""
from __future__ import annotations

import math

import numpy as np

MAX_DEPTH = 32          # nesting depth of tuples/lists/dicts
MAX_ITEMS = 100_000     # containers and scalars in one value
MAX_REPR = 200          # characters kept of an unsupported object's repr
MAX_BYTES = 64 << 20    # all the arrays of one message (the course's values are far smaller)
_NUMERIC_KINDS = "biufc"


class Unsupported:
    """A value of a type the wire cannot carry (decoded from an ``unsupported`` tag)."""

    def __init__(self, type_name: str, text: str):
        self.type_name = type_name
        self.text = text

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


class Tensor:
    """A TensorFlow value (decoded from a ``tensor`` tag): its array, type and dtype names."""

    def __init__(self, type_name: str, dtype: str, array: np.ndarray):
        self.type_name, self.dtype, self.array = type_name, dtype, array

    def __repr__(self) -> str:
        return f"<{self.type_name} {self.dtype} {self.array.shape}>"


TENSOR_READER = None  # set in the sandbox to values.tensor_value


class WireError(ValueError):
    """An encoded value is malformed or exceeds the limits above."""


def _type_name(value) -> str:
    cls = type(value)
    return cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def _safe_repr(value) -> str:
    try:
        text = repr(value)
    except BaseException as exc:  # a hostile __repr__ must not stop the encoding
        text = f"<repr failed: {type(exc).__name__}>"
    return text if len(text) <= MAX_REPR else text[: MAX_REPR - 3] + "..."


def _encode_float(x: float):
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def _decode_float(v) -> float:
    if isinstance(v, str):
        if v not in ("nan", "inf", "-inf"):
            raise WireError(f"bad float {v!r}")
        return float(v)
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        raise WireError(f"bad float {v!r}")
    return float(v)


def encode(value, arrays=None) -> tuple[dict, dict[str, np.ndarray]]:
    """Encode ``value`` as ``(tag, arrays)``; ``arrays`` maps npz keys to ndarrays (pass the
    ``arrays`` of an earlier value to send both in one archive)."""
    arrays = {} if arrays is None else dict(arrays)
    active: set[int] = set()  # containers being encoded (cycle detection)
    count = [0]
    size = [sum(a.nbytes for a in arrays.values())]

    def store(arr) -> str:
        size[0] += arr.nbytes
        if size[0] > MAX_BYTES:
            raise WireError(f"the value is too large to send: an array of {arr.size} elements "
                            f"({arr.nbytes / 2**20:.0f} MiB), more than the limit of "
                            f"{MAX_BYTES >> 20} MiB for all arrays together")
        key = f"a{len(arrays)}"
        arrays[key] = arr
        return key

    def enc(v, depth):
        count[0] += 1
        if count[0] > MAX_ITEMS:
            raise WireError(f"value has more than {MAX_ITEMS} items")
        if v is None:
            return {"t": "none"}
        if isinstance(v, np.ndarray):
            arr = np.asarray(v)  # plain ndarray (np.matrix and other subclasses lose their class)
            if arr.dtype.kind not in _NUMERIC_KINDS or arr.dtype.names is not None:
                return {"t": "unsupported", "type": f"numpy array of dtype {arr.dtype}",
                        "repr": _safe_repr(v)}
            return {"t": "ndarray", "key": store(arr)}
        if isinstance(v, np.generic):
            arr = np.asarray(v)
            if arr.dtype.kind not in _NUMERIC_KINDS:
                return {"t": "unsupported", "type": _type_name(v), "repr": _safe_repr(v)}
            return {"t": "npscalar", "key": store(arr)}
        if isinstance(v, bool):
            return {"t": "bool", "v": v}
        if isinstance(v, int):
            return {"t": "int", "v": int(v)}
        if isinstance(v, float):
            return {"t": "float", "v": _encode_float(float(v))}
        if isinstance(v, str):
            return {"t": "str", "v": str(v)}
        if isinstance(v, (tuple, list, dict)):
            if depth >= MAX_DEPTH:
                raise WireError(f"value is nested deeper than {MAX_DEPTH} levels")
            if id(v) in active:
                raise WireError("value contains itself (a reference cycle)")
            active.add(id(v))
            try:
                if isinstance(v, dict):
                    items = []
                    for k, item in v.items():
                        if isinstance(k, bool) or not isinstance(k, (str, int)):
                            return {"t": "unsupported", "type": "dict with a key of type "
                                    + _type_name(k), "repr": _safe_repr(k)}
                        items.append([k, enc(item, depth + 1)])
                    return {"t": "dict", "items": items}
                kind = "tuple" if isinstance(v, tuple) else "list"
                return {"t": kind, "items": [enc(item, depth + 1) for item in v]}
            finally:
                active.discard(id(v))
        tensor = TENSOR_READER(v) if TENSOR_READER is not None else None
        if tensor is not None:
            key = f"a{len(arrays)}"
            arrays[key] = tensor[2]
            return {"t": "tensor", "type": tensor[0][:MAX_REPR], "dtype": tensor[1][:40], "key": key}
        return {"t": "unsupported", "type": _type_name(v), "repr": _safe_repr(v)}

    return enc(value, 0), arrays


def decode(tag, arrays) -> object:
    """Inverse of :func:`encode`; ``arrays`` is a mapping of npz keys to ndarrays."""
    count = [0]

    def dec(t, depth):
        count[0] += 1
        if count[0] > MAX_ITEMS or depth > MAX_DEPTH:
            raise WireError("encoded value is too large or too deep")
        if not isinstance(t, dict) or not isinstance(t.get("t"), str):
            raise WireError(f"bad tag {str(t)[:80]}")
        kind = t["t"]
        if kind == "none":
            return None
        if kind in ("ndarray", "npscalar"):
            key = t.get("key")
            if not isinstance(key, str) or key not in arrays:
                raise WireError(f"missing array {key!r}")
            arr = np.asarray(arrays[key])
            if kind == "ndarray":
                return arr
            if arr.shape != ():
                raise WireError("a NumPy scalar must be stored 0-d")
            return arr[()]
        if kind == "bool":
            if not isinstance(t.get("v"), bool):
                raise WireError("bad bool")
            return t["v"]
        if kind == "int":
            if isinstance(t.get("v"), bool) or not isinstance(t.get("v"), int):
                raise WireError("bad int")
            return t["v"]
        if kind == "float":
            return _decode_float(t.get("v"))
        if kind == "str":
            if not isinstance(t.get("v"), str):
                raise WireError("bad str")
            return t["v"]
        if kind in ("tuple", "list"):
            items = t.get("items")
            if not isinstance(items, list):
                raise WireError(f"bad {kind}")
            out = [dec(item, depth + 1) for item in items]
            return tuple(out) if kind == "tuple" else out
        if kind == "dict":
            items = t.get("items")
            if not isinstance(items, list):
                raise WireError("bad dict")
            out = {}
            for pair in items:
                if (not isinstance(pair, list) or len(pair) != 2 or isinstance(pair[0], bool)
                        or not isinstance(pair[0], (str, int))):
                    raise WireError("bad dict item")
                out[pair[0]] = dec(pair[1], depth + 1)
            return out
        if kind == "tensor":
            key = t.get("key")
            if not isinstance(key, str) or key not in arrays:
                raise WireError(f"missing array {key!r}")
            return Tensor(str(t.get("type", "?"))[:MAX_REPR], str(t.get("dtype", "?"))[:40],
                          np.asarray(arrays[key]))
        if kind == "unsupported":
            return Unsupported(str(t.get("type", "?"))[:MAX_REPR], str(t.get("repr", ""))[:MAX_REPR])
        raise WireError(f"unknown tag {kind!r}")

    return dec(tag, 0)


def nbytes(value) -> int:
    """Bytes of the arrays in ``value`` (nested tuples, lists, dicts), 8 for any other item."""
    if isinstance(value, (np.ndarray, np.generic)):
        return int(np.asarray(value).nbytes)
    if isinstance(value, dict):
        return 8 + sum(nbytes(v) for v in value.values())
    if isinstance(value, (tuple, list)):
        return 8 + sum(nbytes(v) for v in value)
    return 8
