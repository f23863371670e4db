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

TEMP_SUFFIX = ".tmp"


def temp_name(path: Path) -> Path:
    """The temporary file next to ``path``: ``.<name>.<pid>.<random>.tmp`` (hidden, and naming
    the writing process so that ``remove_stale_temp_files`` can tell a dead writer's leftovers)."""
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def _writer_is_gone(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)                  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except OSError:                      # exists, owned by someone else
        return False
    return False


def remove_stale_temp_files(folder: str | os.PathLike) -> list[Path]:
    """Remove the temporary files that nnref processes no longer running (killed mid-write) left
    in ``folder``; returns them. Files of running processes are kept. POSIX only (elsewhere a
    process cannot be asked whether it exists without side effects): returns [] there."""
    folder = Path(folder)
    if os.name != "posix" or not folder.is_dir():
        return []
    removed = []
    for tmp in folder.glob(f".*{TEMP_SUFFIX}"):
        parts = tmp.name.split(".")
        if len(parts) < 5 or not parts[-3].isdigit():
            continue                     # not one of ours
        if _writer_is_gone(int(parts[-3])):
            with contextlib.suppress(OSError):
                tmp.unlink()
                removed.append(tmp)
    return removed


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path`` for the caller to create (e.g. with h5py);
    when the block ends without error, move it onto ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(path)
    try:
        yield tmp
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and str(tmp) in f"{exc} {exc.filename}":
            raise _naming(exc, tmp, path) from None     # the user's path, not our temporary one
        raise


def _naming(exc: OSError, tmp: Path, path: Path) -> OSError:
    """``exc`` with the temporary file's name replaced by the destination's."""
    if exc.filename is not None and exc.strerror:
        return type(exc)(exc.errno, exc.strerror, str(path))
    return type(exc)(str(exc).replace(str(tmp), str(path)))


def atomic_write(path: str | os.PathLike, write: Callable, binary: bool = False) -> Path:
    """Call ``write(file)`` on a new temporary file next to ``path``, then move it onto ``path``.
    The file is opened in mode "x" (so with the usual umask permissions, not mkstemp's 0600)."""
    with atomic_path(path) as tmp:
        text_args = {} if binary else {"encoding": "utf-8", "newline": ""}
        with open(tmp, "xb" if binary else "x", **text_args) as f:
            write(f)
    return Path(path)
