"""Finding the course's data files (the loaders are in :mod:`nnref.datasets`).

Where the files are looked for: an explicit ``path`` (a folder) is the only place looked at; if
it does not hold every file, ``FileNotFoundError`` names it (never a silent fallback to other
data). Without ``path``, in order (the first folder holding *all* the files wins):

1. ``$NNREF_DATA/<name>/`` then ``$NNREF_DATA/``;
2. ``./datasets/<name>/`` then ``./datasets/`` (relative to the working directory).

``<name>`` is ``signs``, ``catvnoncat`` or ``football``. A missing file raises
``FileNotFoundError`` naming every folder tried and the expected file names; a corrupt, truncated
or wrongly shaped file raises ``ValueError`` naming the file, what was expected and what was found.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from nnref._checks import check_bool, check_choice, check_path

DATA_ENV = "NNREF_DATA"  # environment variable naming the folder that holds signs/, catvnoncat/, ...


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


def spec_of(name: str) -> DatasetSpec:
    """The ``DatasetSpec`` of data set ``name`` (one of ``DATASETS``)."""
    return DATASETS[check_choice("name", name, sorted(DATASETS))]


def _as_folder(path) -> Path:
    return Path(check_path("path", path, expected="a folder name (str or os.PathLike)"))


def search_folders(name: str, path=None) -> list[tuple[str, Path]]:
    """The folders the loader of data set ``name`` tries, in order, as ``(label, folder)`` pairs.

    ``label`` says where the folder came from (``"path"``, ``"$NNREF_DATA/signs"``, ...).
    A given ``path`` is the only folder; an unset or empty ``$NNREF_DATA`` contributes none.
    """
    spec = spec_of(name)
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
    spec = spec_of(name)
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
    spec = spec_of(name)
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


def locate(name: str, path, verify: bool) -> dict[str, Path]:
    """``find_data``'s files, or FileNotFoundError saying where it looked; with ``verify``, each
    file's sha256 checked against ``KNOWN_SHA256`` (ValueError if it differs)."""
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
