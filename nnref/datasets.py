"""The course's data sets: SIGNS, cat/non-cat and the 2-D "football" data.

Where the files are looked for, and the errors when they are not there: see
:mod:`nnref.dataset_files` (re-exported here: ``find_data``, ``search_folders``, ``describe``,
``is_known_file``, ``DATASETS``, ``KNOWN_SHA256``).

Layouts returned (batch-first, as stored; ``nnref.course`` transposes to the course's ``(n_x, m)``):

- ``load_signs()``: ``x_train`` uint8 ``(1080, 64, 64, 3)``, ``y_train`` int64 ``(1080,)``,
  ``x_test`` uint8 ``(120, 64, 64, 3)``, ``y_test`` int64 ``(120,)``, ``classes`` int64 ``[0..5]``.
- ``load_catvnoncat()``: ``x_train`` uint8 ``(209, 64, 64, 3)``, ``y_train`` int64 ``(209,)``,
  ``x_test`` uint8 ``(50, 64, 64, 3)``, ``y_test`` int64 ``(50,)``, ``classes`` ``[b'non-cat', b'cat']``.
- ``load_football()``: ``train_X`` float64 ``(211, 2)``, ``train_Y`` float64 ``(211,)`` in {0, 1},
  ``test_X`` ``(200, 2)``, ``test_Y`` ``(200,)``.

The course's own ``load_dataset()`` returns the labels as ``(1, m)`` and ``load_2D_dataset()``
returns ``X`` as ``(2, m)``; here labels are ``(m,)`` and examples are rows.
"""
from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np

from nnref._checks import check_int
from nnref.dataset_files import (DATA_ENV, DATASETS, KNOWN_SHA256, DatasetSpec, describe, find_data,
                                 is_known_file, locate, search_folders, sha256sum, spec_of)

__all__ = ["DATA_ENV", "DATASETS", "KNOWN_SHA256", "DatasetSpec", "describe", "find_data",
           "is_known_file", "search_folders", "sha256sum", "load_signs", "load_catvnoncat",
           "load_football", "IMAGE_SHAPE", "FOOTBALL_HEADER"]

IMAGE_SHAPE = (64, 64, 3)
FOOTBALL_HEADER = ("pos_x", "pos_y", "team")


# ----------------------------------------------------------------------------- HDF5 image sets
def _describe_h5(f: h5py.File) -> str:
    """'key dtype shape' for every top-level item, for error messages."""
    parts = []
    for key in f:
        try:
            item = f[key]
            if isinstance(item, h5py.Dataset):
                parts.append(f"{key} {item.dtype} {item.shape}")
            else:
                parts.append(f"{key} (group)")
        except Exception as exc:  # a damaged entry: still report what we can
            parts.append(f"{key} (unreadable: {exc})")
    return ", ".join(parts) if parts else "nothing"


def _is_dataset(f: h5py.File, key: str) -> bool:
    try:
        return isinstance(f.get(key), h5py.Dataset)
    except Exception:  # a damaged link or object header
        return False


def _read_image_split(file: Path, split: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read ``{split}_set_x``, ``{split}_set_y``, ``list_classes`` from one course .h5 file.

    Returns x (m, 64, 64, 3) uint8, y (m,) integer, classes (C,). Any problem -> ValueError.
    """
    x_key, y_key = f"{split}_set_x", f"{split}_set_y"
    expected = (f"expected datasets {x_key} uint8 (m, 64, 64, 3), {y_key} integer (m,) "
                f"and list_classes (C,)")
    try:
        f = h5py.File(file, "r")
    except OSError as exc:
        raise ValueError(f"{file} is not a readable HDF5 file ({exc}); {expected}. "
                         f"The file may be truncated or corrupt: download it again.") from exc
    with f:
        found = _describe_h5(f)
        missing = [k for k in (x_key, y_key, "list_classes") if not _is_dataset(f, k)]
        if missing:
            raise ValueError(f"{file} has no dataset {', '.join(missing)}; {expected}. Found: {found}.")
        try:
            x, y, classes = f[x_key][()], f[y_key][()], f["list_classes"][()]
        except (OSError, RuntimeError, TypeError, ValueError) as exc:
            raise ValueError(f"{file} could not be read ({exc}); it may be truncated or corrupt: "
                             f"download it again ({expected}). Found: {found}.") from exc
    problems = []
    if x.dtype != np.uint8 or x.ndim != 4 or x.shape[1:] != IMAGE_SHAPE or x.shape[0] == 0:
        problems.append(f"{x_key} is {x.dtype} {x.shape}")
    if y.dtype.kind not in "iu" or y.ndim != 1:
        problems.append(f"{y_key} is {y.dtype} {y.shape}")
    elif x.ndim >= 1 and y.shape[0] != x.shape[0]:
        problems.append(f"{y_key} has {y.shape[0]} labels for {x.shape[0]} images in {x_key}")
    if classes.ndim != 1 or classes.shape[0] == 0:
        problems.append(f"list_classes is {classes.dtype} {classes.shape}")
    if problems:
        raise ValueError(f"{file} does not have the course's layout: {'; '.join(problems)}; "
                         f"{expected}.")
    if y.size and (y.min() < 0 or y.max() >= classes.shape[0]):
        raise ValueError(f"{file}: {y_key} must hold class indices in [0, {classes.shape[0]}) "
                         f"(list_classes has {classes.shape[0]} entries). "
                         f"Received: labels in [{y.min()}, {y.max()}].")
    return x, y, classes


def _load_image_set(name: str, path, verify: bool):
    spec = spec_of(name)
    files = locate(name, path, verify)
    train_file, test_file = (files[f] for f in spec.files)
    x_train, y_train, classes = _read_image_split(train_file, "train")
    x_test, y_test, test_classes = _read_image_split(test_file, "test")
    if not np.array_equal(classes, test_classes):
        raise ValueError(f"{train_file} and {test_file} disagree on list_classes: "
                         f"{classes.tolist()} vs {test_classes.tolist()}.")
    return x_train, y_train, x_test, y_test, classes


def load_signs(path=None, *, verify: bool = False):
    """The SIGNS hand-sign images (digits 0-5), as stored in train_signs.h5 / test_signs.h5.

    Args:
        path: a folder holding both files, the only place looked at when given (else see the
            module docstring for the search order).
        verify: also check the files' sha256 against ``KNOWN_SHA256`` (ValueError if different).
    Returns:
        ``(x_train, y_train, x_test, y_test, classes)``: uint8 ``(1080, 64, 64, 3)``, int64
        ``(1080,)``, uint8 ``(120, 64, 64, 3)``, int64 ``(120,)``, int64 ``(6,)``.
    Raises:
        FileNotFoundError: naming ``path``, or every folder tried. ValueError: a corrupt or
        wrong file.
    """
    return _load_image_set("signs", path, verify)


def load_catvnoncat(path=None, *, verify: bool = False):
    """The cat/non-cat images, as stored in train_catvnoncat.h5 / test_catvnoncat.h5.

    Returns:
        ``(x_train, y_train, x_test, y_test, classes)``: uint8 ``(209, 64, 64, 3)``, int64
        ``(209,)``, uint8 ``(50, 64, 64, 3)``, int64 ``(50,)``, bytes ``[b'non-cat', b'cat']``.
    Arguments and errors as ``load_signs``.
    """
    return _load_image_set("catvnoncat", path, verify)


# ----------------------------------------------------------------------------- football (CSV)
def load_football(path=None, *, test_size: int = 200, verify: bool = False):
    """The course's 2-D regularization data ("where the goalkeeper should kick the ball").

    football.csv holds 411 rows ``pos_x,pos_y,team``; as in the course, the last ``test_size``
    rows are the test set (the course's ``data.mat`` keeps them as ``Xval``, ``yval``).

    Returns:
        ``(train_X, train_Y, test_X, test_Y)``, batch-first: float64 ``(211, 2)``, float64
        ``(211,)`` in {0., 1.}, ``(200, 2)``, ``(200,)``. The course's layout is
        ``train_X.T`` ``(2, 211)`` and ``train_Y[None, :]`` ``(1, 211)``.
    Raises:
        FileNotFoundError: listing every folder tried. ValueError: a malformed file or test_size.
    """
    test_size = check_int("test_size", test_size, low=1)
    file = locate("football", path, verify)["football.csv"]
    expected = f"expected a header {','.join(FOOTBALL_HEADER)} then rows of 3 numbers, team 0 or 1"
    try:
        with open(file, encoding="utf-8") as fh:
            header = tuple(h.strip() for h in fh.readline().split(","))
            data = np.loadtxt(fh, delimiter=",", dtype=np.float64, ndmin=2)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"{file} could not be read as CSV ({exc}); {expected}.") from exc
    if header != FOOTBALL_HEADER:
        raise ValueError(f"{file}: {expected}. Received: header {','.join(header)!r}.")
    if data.shape[1] != 3:
        raise ValueError(f"{file}: {expected}. Received: {data.shape[1]} columns.")
    if not np.all(np.isfinite(data)) or not np.all(np.isin(data[:, 2], (0.0, 1.0))):
        raise ValueError(f"{file}: {expected}. Received: non-finite values or a team "
                         f"other than 0/1 ({np.unique(data[:, 2])[:5].tolist()}...).")
    if data.shape[0] <= test_size:
        raise ValueError(f"test_size must be smaller than the number of rows in {file} "
                         f"({data.shape[0]}). Received: test_size={test_size}")
    X, Y = data[:, :2], data[:, 2]  # (m, 2), (m,)
    split = data.shape[0] - test_size
    return (np.ascontiguousarray(X[:split]), Y[:split].copy(),
            np.ascontiguousarray(X[split:]), Y[split:].copy())
