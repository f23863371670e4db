"""Which of the submission's functions is graded under each graded name.

A graded function is called by its course name. Two cases get a word of their own instead of
a bare "is not defined":

- an earlier name of the course's notebook (``normalizeRows`` for ``normalize_rows``, listed in
  the spec's ``old_names``): the submission's function of that name is graded, with a note;
- a near miss (another capitalisation or underscores, ``Normalize_Rows``): not graded, but the
  feedback says what was found instead.
"""
from __future__ import annotations

import dataclasses


def _folded(name: str) -> str:
    return name.replace("_", "").lower()


def graded_names(spec, defined: list[str]) -> dict[str, str]:
    """``{graded name: name called}`` where an old name stands in for a missing one."""
    names = {}
    for fspec in spec.functions:
        if fspec.name in defined:
            continue
        for old in fspec.old_names:
            if old in defined:
                names[fspec.name] = old
                break
    return names


def renamed_calls(calls, names: dict[str, str]):
    """The calls with each graded name replaced by the name to call."""
    return [dataclasses.replace(c, function=names.get(c.function, c.function)) for c in calls]


def old_name_note(graded: str, called: str) -> str:
    return (f"{graded} is not defined; graded {called} instead, its name in earlier versions "
            f"of the course's notebook (rename it to {graded})")


def found_instead(graded: str, defined: list[str]) -> str:
    """`` (the submission defines X instead)`` for a near miss, else ``""``."""
    near = [name for name in defined if name != graded and _folded(name) == _folded(graded)]
    if not near:
        return ""
    return f" (the submission defines {', '.join(near[:3])} instead: the course's name is {graded})"
