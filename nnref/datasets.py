"""The course's data sets: SIGNS, cat/non-cat and the 2-D "football" data.

Where the files are looked for: an explicit ``path`` (a folder) is the only place looked at; if
it does not hold every file, ``FileNotFoundError`` names it (never a silent fallback to other
data). Without ``path``, in order (the first folder holding *all* the files wins):

1. ``$NNREF_DATA/<name>/`` then ``$NNREF_DATA/``;
2. ``./datasets/<name>/`` then ``./datasets/`` (relative to the working directory).

``<name>`` is ``signs``, ``catvnoncat`` or ``football``. A missing file raises
``FileNotFoundError`` naming every folder tried and the expected file names; a corrupt, truncated
or wrongly shaped file raises ``ValueError`` naming the file, what was expected and what was found.

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

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np

from nnref._checks import check_bool, check_choice, check_int, check_path

DATA_ENV = "NNREF_DATA"  # environment variable naming the folder that holds signs/, catvnoncat/, ...
IMAGE_SHAPE = (64, 64, 3)


@dataclass(frozen=True)
class DatasetSpec:
    """What a data set's files are called and where a user can get them."""

    name: str  # sub-folder name under $NNREF_DATA and ./datasets
    title: str
    files: tuple[str, ...]
    source: str  # where to download it, one sentence


DATASETS = {
    "signs": DatasetSpec(
        "signs", "SIGNS", ("train_signs.h5", "test_signs.h5"),
        "They are the `datasets/` folder of the course's TensorFlow assignment "
        "(Improving Deep Neural Networks, week 3).",
    ),
    "catvnoncat": DatasetSpec(
        "catvnoncat", "cat/non-cat", ("train_catvnoncat.h5", "test_catvnoncat.h5"),
        "They are the `datasets/` folder of the course's logistic-regression and deep-network "
        "assignments (Neural Networks and Deep Learning, weeks 2 and 4).",
    ),
    "football": DatasetSpec(
        "football", "football", ("football.csv",),
        "It is the `datasets/` folder of the course's regularization assignment "
        "(Improving Deep Neural Networks, week 1): 411 rows `pos_x,pos_y,team`.",
    ),
}

# sha256 of the files this project is tested on (see the data README); `is_known_file` checks them.
KNOWN_SHA256 = {
    "train_signs.h5": "441d2de0e7f73e0b5e3f2e8084896c1bb72bb335d4a617251d7f0201c5f2c643",
    "test_signs.h5": "539fb746ed9e947eb244cfca73f4d1b03f9bf5524d609eeed2cd76ddb1b179be",
    "train_catvnoncat.h5": "fbe56ab67c3ae28d564e3a644189117976d6b31af0a3ce9bb17dbf22908af242",
    "test_catvnoncat.h5": "6a9d39ce52fa85953c5834695b8534a30ed8cfd54971fb2f080b5a24d002b951",
    "football.csv": "e0ea08c9e97cf02d507a9a8dd995890541055066f4c6666fb3de71a451968294",
}

FOOTBALL_HEADER = ("pos_x", "pos_y", "team")


# ----------------------------------------------------------------------------- finding the files
def _spec(name: str) -> DatasetSpec:
    return DATASETS[check_choice("name", name, sorted(DATASETS))]


def _as_folder(path) -> Path:
    return Path(check_path("path", path, expected="a folder name (str or os.PathLike)"))


def search_folders(name: str, path=None) -> list[tuple[str, Path]]:
    """The folders the loader of data set ``name`` tries, in order, as ``(label, folder)`` pairs.

    ``label`` says where the folder came from (``"path"``, ``"$NNREF_DATA/signs"``, ...).
    A given ``path`` is the only folder; an unset or empty ``$NNREF_DATA`` contributes none.
    """
    spec = _spec(name)
    if path is not None:
        return [("path", _as_folder(path))]
    folders = []
    env = os.environ.get(DATA_ENV, "")
    if env:
        folders.append((f"${DATA_ENV}/{spec.name}", Path(env) / spec.name))
        folders.append((f"${DATA_ENV}", Path(env)))
    folders.append((f"./datasets/{spec.name}", Path("datasets") / spec.name))
    folders.append(("./datasets", Path("datasets")))
    return folders


def find_data(name: str, path=None) -> dict[str, Path] | None:
    """Where the files of data set ``name`` are: ``{file name: absolute path}``, or None if absent.

    The first folder of ``search_folders(name, path)`` that holds every file wins. Nothing is
    opened or hashed (see ``is_known_file`` for that).
    """
    spec = _spec(name)
    for _, folder in search_folders(name, path):
        files = {f: Path(os.path.abspath(folder / f)) for f in spec.files}  # symlinks kept: names matter
        if all(p.is_file() for p in files.values()):
            return files
    return None


def describe(name: str, path=None, verify: bool = False) -> str:
    """One line for ``nnref info``: where data set ``name`` was found (and, with ``verify``,
    whether each file is the known one by sha256), or the folders that were tried."""
    files = find_data(name, path)
    if files is None:
        tried = ", ".join(str(folder) for _, folder in search_folders(name, path))
        return f"not found (looked in {tried}; set {DATA_ENV} or see the README)"
    folder = next(iter(files.values())).parent
    line = f"{folder} ({', '.join(files)})"
    if verify:
        unknown = [f for f, p in files.items() if not is_known_file(p)]
        line += (f"; sha256 differs from the known files: {', '.join(unknown)}" if unknown
                 else "; sha256: the known files")
    return line


def _folder_problem(folder: Path, files) -> str:
    """Why ``folder`` does not hold ``files``: 'no such folder', 'missing x.h5', ..."""
    if not folder.exists():
        return "no such folder"
    if not folder.is_dir():
        return "it is a file, not a folder"
    missing = [f for f in files if not (folder / f).is_file()]
    return f"missing {', '.join(missing)}"


def _given_path_message(spec: DatasetSpec, folder: Path) -> str:
    """One line: the given folder does not hold the files (nothing else was looked at)."""
    hint = ""
    if all((folder / spec.name / f).is_file() for f in spec.files):
        hint = f"; they are in {(folder / spec.name).resolve()}: pass that folder"
    return (f"Could not find the {spec.title} data in {folder.resolve()} (the folder given as the "
            f"data path, the only place looked at): {_folder_problem(folder, spec.files)}; "
            f"expected {' and '.join(spec.files)} there{hint}.")


def _not_found_message(name: str, path) -> str:
    spec = _spec(name)
    if path is not None:
        return _given_path_message(spec, _as_folder(path))
    lines = [f"Could not find the {spec.title} data: {' and '.join(spec.files)}. Looked in:"]
    for label, folder in search_folders(name, path):
        lines.append(f"  - {label} = {folder.resolve()}: {_folder_problem(folder, spec.files)}")
    if not os.environ.get(DATA_ENV):
        lines.append(f"  (${DATA_ENV} is not set)")
    lines.append(
        f"{spec.source} Put {' and '.join(spec.files)} together in ./datasets/{spec.name}/, "
        f"or set {DATA_ENV} to a folder holding {spec.name}/, or pass path=FOLDER (--data FOLDER)."
    )
    return "\n".join(lines)


def _locate(name: str, path, verify: bool) -> dict[str, Path]:
    check_bool("verify", verify)
    files = find_data(name, path)
    if files is None:
        raise FileNotFoundError(_not_found_message(name, path))
    if verify:
        for fname, file in files.items():
            digest = sha256sum(file)
            if digest != KNOWN_SHA256[fname]:
                raise ValueError(
                    f"{file} is not the known {fname}: sha256 expected {KNOWN_SHA256[fname]}, "
                    f"received {digest}. Pass verify=False to load it anyway."
                )
    return files


def sha256sum(file) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(file, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_known_file(file) -> bool | None:
    """True if ``file`` is byte-identical to the known file of its name, False if it differs,
    None if its name is not one of ``KNOWN_SHA256``. Hashes the whole file."""
    file = Path(file)
    known = KNOWN_SHA256.get(file.name)
    return None if known is None else sha256sum(file) == known


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
    spec = _spec(name)
    files = _locate(name, path, verify)
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
    file = _locate("football", path, verify)["football.csv"]
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
