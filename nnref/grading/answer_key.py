"""The answer key: ``nnref.course`` called in the grader's process on deep copies of each case's
inputs, after seeding NumPy's global generator with the case's seed (the sandbox does the same
before calling the student's function). The global generator's state is saved before and restored
after, so grading leaves the caller's random state as it was. Computed once per process and
assignment (:func:`answer_key`).
"""
from __future__ import annotations

import contextlib
import copy
import importlib
import inspect
import io
import threading
from dataclasses import dataclass, replace

import numpy as np

from nnref.grading.changes import changed_paths
from nnref.grading.child.wire import nbytes
from nnref.grading.sandbox import Call
from nnref.grading.spec import AssignmentSpec, Case


@dataclass
class Expected:
    """The answer key's result for one case."""

    call: Call
    case: Case
    value: object = None
    changed: tuple = ()
    error: str | None = None  # the answer key itself failed (a grader bug)


class AnswerKey:
    """Every case of an assignment with the course's result, computed once per process."""

    def __init__(self, spec: AssignmentSpec):
        self.spec = spec
        self.module = importlib.import_module(f"nnref.course.{spec.name}")
        self.by_function: dict[str, list[Expected]] = {}
        self.parameters: dict[str, list[str]] = {}
        calls = 0
        for fspec in spec.functions:
            reference = getattr(self.module, fspec.name)
            self.parameters[fspec.name] = list(inspect.signature(reference).parameters)
            entries = []
            for case in fspec.cases():
                call = Call(calls, fspec.name, spec.case_seed(fspec.name, case),
                            tuple(case.args), dict(case.kwargs))
                calls += 1
                entries.append(_reference_result(reference, call, case))
            self.by_function[fspec.name] = entries

    @property
    def calls(self) -> list[Call]:
        return [e.call for entries in self.by_function.values() for e in entries]


def _reference_result(reference, call: Call, case: Case) -> Expected:
    args, kwargs = copy.deepcopy(call.args), copy.deepcopy(call.kwargs)
    state = np.random.get_state()
    try:
        # The course's functions read (and some re-seed) NumPy's global generator, exactly
        # as the sandbox's call does: both start from the case's seed.
        np.random.seed(call.seed)
        with contextlib.redirect_stdout(io.StringIO()):
            value = reference(*args, **kwargs)
    except Exception as exc:
        return Expected(replace(call, result_bytes=nbytes(None)), case,
                        error=f"{type(exc).__name__}: {exc}")
    finally:
        np.random.set_state(state)
    changed = changed_paths(call.args, args) + changed_paths(call.kwargs, kwargs)
    return Expected(replace(call, result_bytes=nbytes(value)), case, value, tuple(changed))


_KEYS: dict[str, AnswerKey] = {}
_KEYS_LOCK = threading.Lock()


def answer_key(spec: AssignmentSpec) -> AnswerKey:
    """The cached :class:`AnswerKey` of ``spec`` (thread-safe)."""
    with _KEYS_LOCK:
        if spec.name not in _KEYS:
            _KEYS[spec.name] = AnswerKey(spec)
        return _KEYS[spec.name]
