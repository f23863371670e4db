"""What a graded call changed in its arguments: the course's in-place updates, and a
submission's.

The sandbox sends back the arguments as they are after each call; the grader (and
``nnref.check``) compares them with the values it sent in.
"""
from __future__ import annotations

import numpy as np

_array_equal = np.array_equal  # bound now: a submission that replaces NumPy's cannot fool checks


def changed_paths(before, after, path=()) -> list[tuple]:
    """Where ``after`` differs from ``before`` (a deep copy taken before a call).

    Returns key paths such as ``((0, "W1"),)``: the first element is the argument's position
    (or keyword name), the rest are dict keys and sequence indices: the grader compares what a
    submission changed with what the course's own function changes.
    """
    if isinstance(before, np.ndarray) or isinstance(after, np.ndarray):
        same = (isinstance(before, np.ndarray) and isinstance(after, np.ndarray)
                and before.shape == after.shape and before.dtype == after.dtype
                and _array_equal(before, after, equal_nan=before.dtype.kind in "fc"))
        return [] if same else [path]
    if isinstance(before, dict) and isinstance(after, dict):
        if list(before) != list(after):
            return [path]
        found = []
        for key in before:
            found += changed_paths(before[key], after[key], path + (key,))
        return found
    if isinstance(before, (list, tuple)) and isinstance(after, (list, tuple)):
        if type(before) is not type(after) or len(before) != len(after):
            return [path]
        found = []
        for i, (b, a) in enumerate(zip(before, after)):
            found += changed_paths(b, a, path + (i,))
        return found
    if type(before) is not type(after):
        return [path]
    try:
        same = bool(before == after) or (before != before and after != after)  # NaN == NaN here
    except Exception:
        same = False
    return [] if same else [path]
