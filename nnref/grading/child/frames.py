"""The bytes on the grading sandbox's pipes: ``.npz`` archives of arrays, and frames.

A frame is a 4-byte big-endian length, then that many bytes. A message is a JSON header frame,
then an npz frame when it carries arrays (``message``); the plan the grader sends in is a JSON
frame and an npz frame. Archives are written uncompressed and read with ``allow_pickle=False``,
and ``arrays_from_bytes`` refuses one that would unpack past a limit or whose directory lists
too many members, before reading it. The values inside are ``wire.py``'s tags and arrays.

This module runs inside the sandbox (loaded by path by ``runner.py``) and in the grader: it
imports only the standard library and NumPy.
"""
from __future__ import annotations

import io
import json
import struct
import zipfile

import numpy as np

MAX_MEMBERS = 100_000     # arrays in one archive (one per item at most: wire.MAX_ITEMS)


class FrameError(ValueError):
    """Bytes that are not a frame or an npz archive this grader accepts."""


def arrays_to_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """The ``.npz`` bytes of ``arrays`` (uncompressed, no pickle)."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


_END = struct.Struct("<4s4H2LH")  # a zip archive's end-of-central-directory record
_ENTRY_BYTES = 64                 # a member's central-directory entry, with a name like "a12"


def _check_directory(data: bytes) -> None:
    """Refuse an archive whose central directory could list more than ``MAX_MEMBERS`` members,
    before ``zipfile`` builds an object for each of them (a forged one lists millions)."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - (1 << 16) - _END.size))
    if at < 0 or at + _END.size > len(data):
        raise FrameError("not an npz archive: no end-of-central-directory record")
    if data[max(0, at - 20):at - 16] == b"PK\x06\x07":  # only archives past 4 GiB need one
        raise FrameError("not an npz archive of this grader: it has a ZIP64 end record")
    directory = _END.unpack_from(data, at)[5]
    if directory > MAX_MEMBERS * _ENTRY_BYTES:
        raise FrameError(f"the archive's directory of {directory} bytes lists more than "
                        f"{MAX_MEMBERS} arrays")


def arrays_from_bytes(data: bytes, max_bytes: int) -> dict[str, np.ndarray]:
    """Read ``.npz`` bytes with ``allow_pickle=False``, refusing archives that would unpack
    to more than ``max_bytes`` or list more than ``MAX_MEMBERS`` members (a forged archive must
    not exhaust the grader's memory)."""
    _check_directory(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FrameError(f"not an npz archive: {exc}") from None
    if total > max_bytes:
        raise FrameError(f"arrays unpack to {total} bytes, more than the limit of {max_bytes}")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except Exception as exc:  # np.load raises ValueError, OSError, zipfile errors...
        raise FrameError(f"unreadable npz archive: {type(exc).__name__}: {exc}") from None


_LENGTH = struct.Struct(">I")  # a frame: 4-byte big-endian length, then the payload


def frame(payload: bytes) -> bytes:
    return _LENGTH.pack(len(payload)) + payload


def message(header: dict, arrays: dict[str, np.ndarray] | None = None) -> bytes:
    """One protocol message: a JSON header frame, then an npz frame if there are arrays."""
    header = dict(header, npz=bool(arrays))
    out = frame(json.dumps(header, allow_nan=False).encode("utf-8"))
    if arrays:
        out += frame(arrays_to_bytes(arrays))
    return out


class FrameReader:
    """Splits a byte stream into frames; a frame longer than ``max_frame`` is an error.

    ``feed`` returns the complete frames received so far; after a bad length it stops and
    sets ``error`` (the frames before it are still returned).
    """

    def __init__(self, max_frame: int):
        self.max_frame = max_frame
        self.error: str | None = None
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        if self.error:
            return []
        self._buffer += data
        frames = []
        while len(self._buffer) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self._buffer)
            if size > self.max_frame:
                self.error = f"a message of {size} bytes exceeds the limit of {self.max_frame}"
                break
            if len(self._buffer) < _LENGTH.size + size:
                break
            frames.append(bytes(self._buffer[_LENGTH.size:_LENGTH.size + size]))
            del self._buffer[:_LENGTH.size + size]
        return frames
