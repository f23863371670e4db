"""The grader's side of the sandbox's pipe: every byte from the child is hostile.

A sandbox process must send, in this order: one ``ready``, one ``loaded``, then for each call
of its plan, in the plan's order, ``start`` and ``result`` (or only ``result`` with status
``missing``), and ``finished``; ``timeout`` may replace a result. Anything else (an unknown or
repeated event, a call out of order, a frame over its size limit, more messages than the plan
allows, a malformed field) stops the process: the grader reports what it received, cut short.

Deadlines are the grader's: loading must end by a time fixed when the process starts, a call
by a time fixed when that call starts (each call starts once), and everything by the
submission's deadline. No message moves any of them.
"""
from __future__ import annotations

import json
import math
import time

from nnref.grading.child import frames, wire

MAX_HEADER = 1 << 20      # one JSON message
MAX_TOTAL = 256 << 20     # everything one process may send
MAX_TEXT = 2000           # characters kept of one text from the child
MAX_LIST = 20             # items kept of one list of texts
GRACE_SECONDS = 2.0       # after the runner's own watchdog should have fired
STARTUP_SECONDS = 30.0    # interpreter, NumPy (TensorFlow for one assignment) before "ready"


class ProtocolError(Exception):
    """A message the grader did not ask for, or one over a limit (a tampering submission)."""


def text(value) -> str:
    value = value if isinstance(value, str) else repr(value)[:MAX_TEXT]
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT] + f"... ({len(value) - MAX_TEXT} more characters)"
    return value


def count_field(value, field: str) -> int:
    """A non-negative count from the child (``None``: 0); anything else, or a count no process
    could reach (2**53 and above), is a protocol error."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2 ** 53:
        raise ProtocolError(f"{field} is not a count: {text(value)[:40]}")
    return value


def texts(value) -> list[str]:
    if not isinstance(value, list):
        raise ProtocolError("a list of texts was expected")
    return [text(v) for v in value[:MAX_LIST]]


class Protocol:
    """The expected order of one process's messages, and its deadlines."""

    def __init__(self, call_ids: list[int], call_timeout: float, deadline: float):
        self.order = list(call_ids)
        self.call_timeout = call_timeout
        self.deadline = deadline                   # the submission's, fixed
        self.phase = "start"                       # start -> load -> calls -> done
        self.next = 0                              # index of the next call in self.order
        self.current = None                        # id of the call running
        self.step_deadline = time.monotonic() + STARTUP_SECONDS + call_timeout + GRACE_SECONDS
        self.messages = 0
        self.bytes = 0
        self.max_messages = 2 * len(self.order) + 4

    def limit(self) -> float:
        return min(self.step_deadline, self.deadline)

    def count(self, payload: bytes, header: bool) -> None:
        self.messages += header
        self.bytes += len(payload)
        if header and len(payload) > MAX_HEADER:
            raise ProtocolError(f"a message of {len(payload)} bytes exceeds the limit of "
                                f"{MAX_HEADER} bytes")
        if self.messages > self.max_messages:
            raise ProtocolError(f"more than {self.max_messages} messages")
        if self.bytes > MAX_TOTAL:
            raise ProtocolError(f"more than {MAX_TOTAL} bytes sent")

    def event(self, header) -> str:
        """Check ``header`` against the order; returns its event name."""
        if not isinstance(header, dict) or not isinstance(header.get("event"), str):
            raise ProtocolError("a message without an event")
        event = header["event"]
        expected = {"start": ("ready",), "load": ("loaded", "timeout"),
                    "calls": ("start", "result", "timeout", "finished")}.get(self.phase, ())
        if event not in expected:
            raise ProtocolError(f"unexpected {text(event)[:40]!r} message")
        if event == "ready":
            self.phase = "load"
        elif event == "loaded":
            self.phase, self.step_deadline = "calls", math.inf
        elif event == "start":
            if self.current is not None:
                raise ProtocolError("a call started before the previous one ended")
            self.current = self._take(header)
            self.step_deadline = time.monotonic() + self.call_timeout + GRACE_SECONDS
        elif event == "result":
            if self.current is None:
                if header.get("status") != "missing":
                    raise ProtocolError("a result of a call that did not start")
                self._take(header)
            else:
                self._check(header)
            self.current, self.step_deadline = None, math.inf
        elif event in ("finished", "timeout"):
            self.phase = "done"
        return event

    def _take(self, header) -> int:
        """The next call of the plan (calls run in order; a call not defined is skipped)."""
        call_id = header.get("id")
        if isinstance(call_id, bool) or call_id not in self.order[self.next:]:
            raise ProtocolError(f"unknown or repeated call id {text(call_id)[:40]}")
        self.next = self.order.index(call_id) + 1
        return call_id

    def _check(self, header) -> int:
        if header.get("id") != self.current or isinstance(header.get("id"), bool):
            raise ProtocolError(f"a result for call {text(header.get('id'))[:40]}, "
                                f"not the running call {self.current}")
        return self.current


def parse(payload: bytes):
    try:
        return json.loads(payload)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"not a JSON message ({type(exc).__name__})") from None


def decode_result(header: dict, npz: bytes | None, max_bytes: int):
    """``(value, after, problem)``: the returned value and the inputs after the call, decoded;
    ``problem`` says what could not be read."""
    try:
        arrays = frames.arrays_from_bytes(npz, max_bytes) if npz is not None else {}
    except frames.FrameError as exc:
        return None, None, f"the result could not be read: {text(str(exc))}"
    value = after = None
    try:
        if header.get("status") == "returned":
            value = wire.decode(header.get("value"), arrays)
        if "after" in header:
            after = wire.decode(header["after"], arrays)
            if (not isinstance(after, list) or len(after) != 2 or not isinstance(after[0], list)
                    or not isinstance(after[1], dict)):
                raise wire.WireError("the inputs after the call are malformed")
    except (wire.WireError, RecursionError, TypeError, ValueError) as exc:
        return None, None, f"the result could not be read: {text(str(exc))}"
    return value, after, None
