"""Atomic file writes: every file nnref writes appears whole or not at all.

The content goes to a fresh temporary file in the destination's folder, is flushed to disk, and
is then moved onto the destination with ``os.replace`` (atomic within one file system). On any
error the temporary file is removed and the destination keeps its old content.
"""
from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Callable, Iterator


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path`` for the caller to create (e.g. with h5py);
    when the block ends without error, move it onto ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        yield tmp
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write(path: str | os.PathLike, write: Callable, binary: bool = False) -> Path:
    """Call ``write(file)`` on a new temporary file next to ``path``, then move it onto ``path``.
    The file is opened in mode "x" (so with the usual umask permissions, not mkstemp's 0600)."""
    with atomic_path(path) as tmp:
        text_args = {} if binary else {"encoding": "utf-8", "newline": ""}
        with open(tmp, "xb" if binary else "x", **text_args) as f:
            write(f)
    return Path(path)
