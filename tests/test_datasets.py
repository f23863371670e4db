"""nnref.datasets: the course files (real data through the conftest fixtures), the search order,
and every error path (with small synthetic files written here)."""
from __future__ import annotations

import csv
import os
from pathlib import Path

import h5py
import numpy as np
import pytest

from nnref import datasets
from nnref.datasets import (DATASETS, KNOWN_SHA256, find_data, is_known_file, load_catvnoncat,
                            load_football, load_signs, search_folders, sha256sum)

LOADERS = {"signs": load_signs, "catvnoncat": load_catvnoncat}


# ----------------------------------------------------------------------------- real data
@pytest.mark.data
def test_signs_as_stored(signs):
    x_train, y_train, x_test, y_test, classes = signs
    assert x_train.shape == (1080, 64, 64, 3) and x_train.dtype == np.uint8
    assert x_test.shape == (120, 64, 64, 3) and x_test.dtype == np.uint8
    assert y_train.shape == (1080,) and y_test.shape == (120,)
    assert y_train.dtype.kind == "i" and y_test.dtype.kind == "i"
    np.testing.assert_array_equal(classes, np.arange(6))
    # The data README: 180 photos per class in train, 20 in test.
    np.testing.assert_array_equal(np.bincount(y_train, minlength=6), [180] * 6)
    np.testing.assert_array_equal(np.bincount(y_test, minlength=6), [20] * 6)


@pytest.mark.data
def test_signs_arrays_equal_the_file_contents(signs):
    x_train, y_train, x_test, y_test, _ = signs
    files = find_data("signs")
    with h5py.File(files["train_signs.h5"], "r") as f:
        np.testing.assert_array_equal(x_train, f["train_set_x"][()])
        np.testing.assert_array_equal(y_train, f["train_set_y"][()])
    with h5py.File(files["test_signs.h5"], "r") as f:
        np.testing.assert_array_equal(x_test, f["test_set_x"][()])
        np.testing.assert_array_equal(y_test, f["test_set_y"][()])


@pytest.mark.data
def test_catvnoncat_as_stored(catvnoncat):
    x_train, y_train, x_test, y_test, classes = catvnoncat
    assert x_train.shape == (209, 64, 64, 3) and x_train.dtype == np.uint8
    assert x_test.shape == (50, 64, 64, 3) and x_test.dtype == np.uint8
    assert y_train.shape == (209,) and y_test.shape == (50,)
    assert classes.tolist() == [b"non-cat", b"cat"]
    assert set(np.unique(y_train)) == {0, 1} and set(np.unique(y_test)) == {0, 1}


@pytest.mark.data
def test_football_rows_are_the_csv_rows(football):
    train_X, train_Y, test_X, test_Y = football
    assert train_X.shape == (211, 2) and test_X.shape == (200, 2)
    assert train_Y.shape == (211,) and test_Y.shape == (200,)
    assert {a.dtype for a in football} == {np.dtype(np.float64)}
    with open(find_data("football")["football.csv"], newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["pos_x", "pos_y", "team"]
    values = np.array([[float(v) for v in r] for r in rows[1:]])  # parsed independently
    np.testing.assert_array_equal(np.concatenate([train_X, test_X]), values[:, :2])
    np.testing.assert_array_equal(np.concatenate([train_Y, test_Y]), values[:, 2])


@pytest.mark.data
@pytest.mark.parametrize("name", ["signs", "catvnoncat", "football"])
def test_known_files_are_recognised(name, request):
    request.getfixturevalue(name)  # skip (or fail in CI) when the data are absent
    files = find_data(name)
    assert set(files) == set(DATASETS[name].files)
    assert all(p.is_absolute() and p.is_file() for p in files.values())
    assert all(is_known_file(p) for p in files.values())


@pytest.mark.data
def test_describe_for_nnref_info(signs):
    line = datasets.describe("signs", verify=True)
    assert str(find_data("signs")["train_signs.h5"].parent) in line
    assert "train_signs.h5, test_signs.h5" in line and "sha256: the known files" in line
    assert "sha256" not in datasets.describe("signs")  # no hashing unless asked


def test_describe_missing_and_unknown(workdir):
    assert datasets.describe("signs").startswith("not found (looked in datasets/signs, datasets;")
    write_set(workdir / "datasets" / "signs")
    line = datasets.describe("signs", verify=True)
    assert "sha256 differs from the known files: train_signs.h5, test_signs.h5" in line


@pytest.mark.data
def test_verify_accepts_the_known_files(signs, football):
    np.testing.assert_array_equal(load_signs(verify=True)[1], signs[1])
    np.testing.assert_array_equal(load_football(verify=True)[3], football[3])


# ----------------------------------------------------------------------------- synthetic files
def write_split(file: Path, split: str, m: int, *, label: int = 0, classes=np.arange(6),
                x=None, y=None) -> None:
    """A small course-layout .h5 file; every label equals ``label`` (to tell folders apart)."""
    file.parent.mkdir(parents=True, exist_ok=True)
    with h5py.File(file, "w") as f:
        f[f"{split}_set_x"] = np.full((m, 64, 64, 3), 7, np.uint8) if x is None else x
        f[f"{split}_set_y"] = np.full(m, label, np.int64) if y is None else y
        f["list_classes"] = classes


def write_set(folder: Path, name: str = "signs", label: int = 0) -> None:
    train, test = DATASETS[name].files
    write_split(folder / train, "train", 3, label=label)
    write_split(folder / test, "test", 2, label=label)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """An empty working directory and no $NNREF_DATA."""
    monkeypatch.delenv("NNREF_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", ["signs", "catvnoncat"])
def test_search_order(workdir, monkeypatch, name):
    env = workdir / "env"
    monkeypatch.setenv("NNREF_DATA", str(env))
    places = [env / name, env, workdir / "datasets" / name, workdir / "datasets"]
    for label, folder in enumerate(places):
        write_set(folder, name, label=label)
    for label, folder in enumerate(places):
        y_train = LOADERS[name]()[1]
        assert set(y_train) == {label}, f"expected the files in {folder}"
        for f in DATASETS[name].files:
            (folder / f).unlink()


def test_path_may_be_str_and_relative(workdir):
    write_set(workdir / "mine", label=3)
    assert set(load_signs("mine")[1]) == {3}
    assert search_folders("signs", "mine")[0] == ("path", Path("mine"))


def test_folder_with_one_of_the_two_files_is_skipped(workdir):
    write_split(workdir / "datasets" / "signs" / "train_signs.h5", "train", 3, label=1)
    write_set(workdir / "datasets", label=2)
    assert set(load_signs()[1]) == {2}


def test_missing_files_message_names_every_place_and_file(workdir, monkeypatch):
    write_split(workdir / "datasets" / "signs" / "train_signs.h5", "train", 3)
    with pytest.raises(FileNotFoundError) as info:
        load_signs()
    msg = str(info.value)
    for folder in (workdir / "datasets" / "signs", workdir / "datasets"):
        assert str(folder.resolve()) in msg
    assert "train_signs.h5" in msg and "test_signs.h5" in msg
    assert "missing test_signs.h5" in msg  # the folder holding only the train file
    assert "NNREF_DATA is not set" in msg
    assert "./datasets/signs/" in msg and "path=FOLDER" in msg  # what to put where
    assert find_data("signs", workdir / "nowhere") is None

    monkeypatch.setenv("NNREF_DATA", str(workdir / "env"))
    with pytest.raises(FileNotFoundError) as info:
        load_catvnoncat()
    msg = str(info.value)
    assert str(workdir / "env" / "catvnoncat") in msg and "train_catvnoncat.h5" in msg
    assert "not set" not in msg


def test_football_missing_message(workdir):
    with pytest.raises(FileNotFoundError, match=r"football\.csv[\s\S]*datasets/football"):
        load_football()


def test_bad_arguments(workdir):
    with pytest.raises(TypeError, match=r"path must be a folder name.*Received: path=3"):
        load_signs(path=3)
    with pytest.raises(ValueError, match=r"name must be one of.*Received: name='mnist'"):
        find_data("mnist")


def test_sha256_and_unknown_files(workdir):
    write_set(workdir / "datasets")
    file = workdir / "datasets" / "train_signs.h5"
    import hashlib
    assert sha256sum(file) == hashlib.sha256(file.read_bytes()).hexdigest()
    assert is_known_file(file) is False
    assert is_known_file(workdir / "datasets") is None  # a name not in KNOWN_SHA256
    assert len(KNOWN_SHA256) == 5
    with pytest.raises(ValueError, match=r"train_signs\.h5 is not the known train_signs\.h5: "
                                         r"sha256 expected 441d2de0.*verify=False"):
        load_signs(verify=True)
    load_signs(verify=False)  # the default: no hashing, loads


# ----------------------------------------------------------------------------- corrupt / wrong files
@pytest.fixture
def signs_dir(workdir):
    write_set(workdir / "datasets" / "signs")
    return workdir / "datasets" / "signs"


def test_not_hdf5(signs_dir):
    (signs_dir / "test_signs.h5").write_text("<html>404 Not Found</html>")
    with pytest.raises(ValueError) as info:
        load_signs()
    msg = str(info.value)
    assert str(signs_dir / "test_signs.h5") in msg and "not a readable HDF5 file" in msg
    assert "test_set_x uint8 (m, 64, 64, 3)" in msg


def test_truncated(signs_dir):
    file = signs_dir / "train_signs.h5"
    data = file.read_bytes()
    for cut in (len(data) // 2, len(data) - 100):
        file.write_bytes(data[:cut])
        with pytest.raises(ValueError, match=r"train_signs\.h5.*(truncated|not a readable HDF5)"):
            load_signs()


def test_damaged_data_inside_a_readable_file(signs_dir):
    """The file opens (its superblock and headers are intact) but the image data cannot be
    decoded: a gzip-compressed chunk overwritten with garbage."""
    file = signs_dir / "train_signs.h5"
    with h5py.File(file, "w") as f:
        f.create_dataset("train_set_x", data=np.full((3, 64, 64, 3), 7, np.uint8), compression="gzip")
        f["train_set_y"] = np.zeros(3, np.int64)
        f["list_classes"] = np.arange(6)
    with h5py.File(file, "r") as f:
        chunk = f["train_set_x"].id.get_chunk_info(0)
    with open(file, "r+b") as fh:
        fh.seek(chunk.byte_offset)
        fh.write(b"\xff" * chunk.size)
    with pytest.raises(ValueError, match=r"train_signs\.h5 could not be read .*truncated or corrupt"):
        load_signs()


@pytest.mark.parametrize("case, kwargs, found", [
    ("float images", dict(x=np.zeros((3, 64, 64, 3), np.float32)), "train_set_x is float32 (3, 64, 64, 3)"),
    ("grey images", dict(x=np.zeros((3, 64, 64), np.uint8)), "train_set_x is uint8 (3, 64, 64)"),
    ("wrong size", dict(x=np.zeros((3, 32, 32, 3), np.uint8)), "train_set_x is uint8 (3, 32, 32, 3)"),
    ("(1, m) labels", dict(y=np.zeros((1, 3), np.int64)), "train_set_y is int64 (1, 3)"),
    ("float labels", dict(y=np.zeros(3, np.float64)), "train_set_y is float64 (3,)"),
    ("too few labels", dict(y=np.zeros(2, np.int64)), "train_set_y has 2 labels for 3 images"),
])
def test_wrong_schema(signs_dir, case, kwargs, found):
    write_split(signs_dir / "train_signs.h5", "train", 3, **kwargs)
    with pytest.raises(ValueError) as info:
        load_signs()
    msg = str(info.value)
    assert str(signs_dir / "train_signs.h5") in msg, case
    assert found in msg, case
    assert "expected datasets train_set_x uint8 (m, 64, 64, 3), train_set_y integer (m,)" in msg, case


def test_missing_dataset(signs_dir):
    file = signs_dir / "test_signs.h5"
    with h5py.File(file, "w") as f:
        f["train_set_x"] = np.zeros((2, 64, 64, 3), np.uint8)  # the train keys in the test file
        f["train_set_y"] = np.zeros(2, np.int64)
        f["list_classes"] = np.arange(6)
    with pytest.raises(ValueError) as info:
        load_signs()
    msg = str(info.value)
    assert f"{file} has no dataset test_set_x, test_set_y" in msg
    assert "Found: list_classes int64 (6,), train_set_x uint8 (2, 64, 64, 3)" in msg


def test_labels_out_of_range(signs_dir):
    write_split(signs_dir / "train_signs.h5", "train", 3, y=np.array([0, 6, 1]))
    with pytest.raises(ValueError, match=r"class indices in \[0, 6\).*Received: labels in \[0, 6\]"):
        load_signs()


def test_train_and_test_classes_must_agree(signs_dir):
    write_split(signs_dir / "test_signs.h5", "test", 2, classes=np.arange(5))
    with pytest.raises(ValueError, match=r"disagree on list_classes"):
        load_signs()


# ----------------------------------------------------------------------------- football errors
def write_football(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "football.csv").write_text(text)
    return folder / "football.csv"


def football_text(n: int, team=lambda i: i % 2) -> str:
    return "pos_x,pos_y,team\n" + "".join(f"{i / n},{-i / n},{float(team(i))}\n" for i in range(n))


def test_football_split_and_test_size(workdir):
    write_football(workdir / "datasets" / "football", football_text(10))
    train_X, train_Y, test_X, test_Y = load_football(test_size=4)
    assert train_X.shape == (6, 2) and test_X.shape == (4, 2)
    np.testing.assert_array_equal(test_X[:, 0], np.arange(6, 10) / 10)  # the *last* rows are test
    np.testing.assert_array_equal(train_Y, [0, 1, 0, 1, 0, 1])
    assert train_X.flags.c_contiguous


@pytest.mark.parametrize("text, match", [
    ("x,y,label\n1,2,0\n", r"expected a header pos_x,pos_y,team.*Received: header 'x,y,label'"),
    ("pos_x,pos_y,team\n1,abc,0\n", r"could not be read as CSV"),
    ("pos_x,pos_y,team\n1,2\n3,4\n", r"Received: 2 columns"),
    ("pos_x,pos_y,team\n1,2,2\n3,4,0\n", r"team 0 or 1.*team other than 0/1"),
    ("pos_x,pos_y,team\n1,nan,1\n3,4,0\n", r"non-finite values"),
])
def test_football_malformed(workdir, text, match):
    file = write_football(workdir / "datasets", text)
    with pytest.raises(ValueError, match=match) as info:
        load_football(test_size=1)
    assert str(file) in str(info.value)


def test_football_test_size(workdir):
    write_football(workdir / "datasets", football_text(5))
    with pytest.raises(ValueError, match=r"smaller than the number of rows .*\(5\)\. Received: test_size=5"):
        load_football(test_size=5)
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match=rf"test_size must be an integer >= 1. Received: test_size={bad!r}"):
            load_football(test_size=bad)


def test_default_paths_are_relative_to_the_working_directory(workdir):
    labels = [label for label, _ in search_folders("football")]
    assert labels == ["./datasets/football", "./datasets"]
    assert not any(Path(p).is_absolute() for _, p in search_folders("football"))
    assert os.environ.get("NNREF_DATA") is None
