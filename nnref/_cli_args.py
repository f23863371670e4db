"""Argument types for the ``nnref`` command's parsers, and the output checks run before any work.

Each type turns the text of one option into a value or raises ``argparse.ArgumentTypeError``, so
argparse exits with status 2 and a one-line message naming the option, e.g.
``nnref train: error: argument --epochs: expected an integer >= 0. Received: -5``.
"""
from __future__ import annotations

import argparse
import math
import os
from pathlib import Path

from nnref._checks import check_int, check_real, real_range
from nnref._files import temp_name


def _fail(expected: str, text: str):
    raise argparse.ArgumentTypeError(f"expected {expected}. Received: {text!r}")


def int_at_least(low: int):
    """An argparse type: an integer >= ``low``."""
    def parse(text: str) -> int:
        try:
            return check_int("value", int(text), low=low)
        except ValueError:                            # not an integer, or below low
            _fail(f"an integer >= {low}", text)
    parse.__name__ = f"integer >= {low}"              # argparse shows it for unparsable text
    return parse


def float_in(low: float, high: float = math.inf, *, low_open: bool = False, high_open: bool = True):
    """An argparse type: a finite float in the interval from ``low`` to ``high``."""
    bounds = dict(low=low, high=None if high == math.inf else high, low_open=low_open, high_open=high_open)
    expected = real_range(**bounds)
    expected = f"a number {expected}" if expected.startswith("in ") else expected

    def parse(text: str) -> float:
        try:
            return check_real("value", float(text), **bounds)
        except ValueError:                            # not a number, or outside the interval
            _fail(expected, text)
    parse.__name__ = expected
    return parse


positive_int = int_at_least(1)
non_negative_int = int_at_least(0)
positive_float = float_in(0.0, low_open=True)
non_negative_float = float_in(0.0)
probability_below_one = float_in(0.0, 1.0)            # [0, 1): a dropout rate


def _not_a_folder(text: str) -> Path:
    path = Path(text)
    if path.is_dir():
        _fail("a file name, not a folder", text)
    return path


def _not_a_file(text: str) -> Path:
    path = Path(text)
    if path.exists() and not path.is_dir():
        _fail("a folder, not an existing file", text)
    return path


output_file = _not_a_folder
output_folder = _not_a_file


def check_writable_folder(folder: str | os.PathLike) -> Path:
    """Create ``folder`` (and its parents) if needed and prove a file can be written in it.

    Raises ``OSError`` whose message names ``folder`` (never a temporary file): call it before
    any work so that a run is not lost to an output location found bad at the end.
    """
    folder = Path(folder)
    try:
        for parent in [folder, *folder.parents]:
            if parent.exists() and not parent.is_dir():
                raise NotADirectoryError(f"{parent} is a file, not a folder")
        folder.mkdir(parents=True, exist_ok=True)
        probe = temp_name(folder / "nnref-write-test")
        with open(probe, "x"):
            pass
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OSError(f"cannot write into {folder}: {reason}") from None
    return folder


def check_output_files(*files: str | os.PathLike) -> None:
    """Check every output file's folder is writable and that no output file is a folder."""
    for file in files:
        file = Path(file)
        if file.is_dir():
            raise IsADirectoryError(f"cannot write {file}: it is a folder")
        check_writable_folder(file.parent if str(file.parent) else Path("."))
