"""The sandbox's stand-ins for demo-only libraries and its reading of TensorFlow values."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from conftest import require_module
from nnref.grading.child import standins, values, wire


FAKE = "nnref_absent_demo_library"   # a demo-only name that no environment installs


@pytest.fixture
def finder(monkeypatch):
    monkeypatch.setattr(standins, "DEMO_ONLY", standins.DEMO_ONLY + (FAKE,))
    found = standins.install(lambda filename: filename.startswith("<cell "))
    yield found
    sys.meta_path.remove(found)
    for name in [k for k in sys.modules if k.partition(".")[0] == FAKE]:
        del sys.modules[name]


def _run(code: str, filename: str) -> dict:
    namespace: dict = {}
    exec(compile(code.replace("lib", FAKE), filename, "exec"), namespace)
    return namespace


def test_a_missing_demo_library_imported_by_the_submission_is_an_inert_stand_in(finder):
    ns = _run("import lib.io as lio\nfrom lib import imread\nimport math\n"
              "img = lio.imread('cat.jpg')\nimg[0] = 1\nimg.shape = (2, 2)\n"
              "with lio.open() as f:\n    pass\nrows = list(imread('x'))\n"
              "root = math.sqrt(4)", "<cell 1>")
    assert ns["root"] == 2.0            # the line after the import still ran
    assert ns["rows"] == []
    assert repr(ns["img"]).startswith("<inert stand-in")
    assert finder.served == [FAKE]
    assert f"{FAKE} is not available while grading" in finder.notes()[0]


def test_a_library_own_optional_imports_are_not_served(finder):
    with pytest.raises(ImportError):
        _run("import lib", "/some/library/module.py")
    assert finder.served == []


def test_numpy_values_are_not_tensors():
    assert values.tensor_value(np.ones(2)) is None
    assert values.tensor_value(3.0) is None


def test_tensorflow_values_are_read_with_their_type_and_dtype():
    tf = require_module("tensorflow")
    kind, dtype, array = values.tensor_value(tf.constant([[1.0, 2.0]]))
    assert (kind, dtype) == ("EagerTensor", "float32")
    np.testing.assert_array_equal(array, [[1.0, 2.0]])
    kind, dtype, array = values.tensor_value(tf.Variable(np.zeros((2, 1))))
    assert (kind, dtype, array.shape) == ("ResourceVariable", "float64", (2, 1))


def test_the_wire_carries_tensors_only_where_a_reader_is_set():
    tf = require_module("tensorflow")
    value = {"W1": tf.Variable(np.ones((2, 2)))}
    tag, arrays = wire.encode(value)
    assert tag["items"][0][1]["t"] == "unsupported"          # the grader's side: no reader
    saved, wire.TENSOR_READER = wire.TENSOR_READER, values.tensor_value
    try:
        tag, arrays = wire.encode(value)
    finally:
        wire.TENSOR_READER = saved
    decoded = wire.decode(tag, arrays)["W1"]
    assert isinstance(decoded, wire.Tensor) and decoded.type_name == "ResourceVariable"
    np.testing.assert_array_equal(decoded.array, np.ones((2, 2)))
