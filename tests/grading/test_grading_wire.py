"""The plain-data wire between the sandbox and the grader (JSON tags + npz, no pickle), its
frames, and the check of what a call changed."""
from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnref.grading.changes import changed_paths
from nnref.grading.child import frames, wire


def roundtrip(value):
    tag, arrays = wire.encode(value)
    tag = json.loads(json.dumps(tag, allow_nan=False))  # what crosses the pipe
    data = frames.arrays_to_bytes(arrays)
    return wire.decode(tag, frames.arrays_from_bytes(data, 1 << 30))


def test_course_structures_roundtrip_with_their_types():
    value = ({"W1": np.arange(6.).reshape(2, 3), "b1": np.zeros((2, 1), np.float32)},
             [np.float64(0.5), np.int64(3), 2, 1.5, True, None, "relu"],
             {1: (np.array([True, False]),)})
    out = roundtrip(value)
    assert isinstance(out, tuple) and isinstance(out[1], list)
    np.testing.assert_array_equal(out[0]["W1"], value[0]["W1"])
    assert out[0]["b1"].dtype == np.float32
    assert type(out[1][0]) is np.float64 and out[1][0] == 0.5
    assert type(out[1][1]) is np.int64
    assert out[1][2:] == [2, 1.5, True, None, "relu"]
    assert type(out[1][4]) is bool
    assert list(out[2]) == [1]
    assert out[2][1][0].dtype == bool


def test_non_finite_floats_cross_as_strings():
    out = roundtrip([float("nan"), float("inf"), float("-inf")])
    assert np.isnan(out[0]) and out[1] == np.inf and out[2] == -np.inf


@pytest.mark.parametrize("value, type_name", [
    ({1, 2}, "set"),
    (object(), "object"),
    (np.array(["a", "b"]), "numpy array of dtype <U1"),
    (np.array([{}, 1], dtype=object), "numpy array of dtype object"),
    ({(1, 2): 3}, "dict with a key of type tuple"),
])
def test_other_values_are_reported_as_unsupported(value, type_name):
    out = roundtrip(value)
    assert isinstance(out, wire.Unsupported)
    assert out.type_name == type_name


def test_hostile_repr_does_not_stop_the_encoding():
    class Hostile:
        def __repr__(self):
            raise RuntimeError("no")

    out = roundtrip([Hostile()])
    assert isinstance(out[0], wire.Unsupported)
    assert "repr failed" in out[0].text


def test_cycles_and_depth_are_refused():
    cyclic = []
    cyclic.append(cyclic)
    with pytest.raises(wire.WireError, match="cycle"):
        wire.encode(cyclic)
    deep = []
    for _ in range(wire.MAX_DEPTH + 1):
        deep = [deep]
    with pytest.raises(wire.WireError, match="deeper"):
        wire.encode(deep)


def test_a_value_repeated_twice_is_not_a_cycle():
    shared = np.ones(2)
    out = roundtrip([shared, shared, {"a": [1]}, {"a": [1]}])
    np.testing.assert_array_equal(out[1], shared)


@pytest.mark.parametrize("tag", [
    {"t": "int", "v": True}, {"t": "float", "v": "1e400"}, {"t": "ndarray", "key": "missing"},
    {"t": "dict", "items": [[[1], {"t": "none"}]]}, {"t": "what"}, [], {"t": "list", "items": 3},
])
def test_malformed_tags_raise_wire_error(tag):
    with pytest.raises(wire.WireError):
        wire.decode(tag, {})


def test_archives_that_unpack_too_large_are_refused_before_reading():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a0.npy", b"\0" * (1 << 20))  # 1 MiB, compresses to about 1 KiB
    assert len(buffer.getvalue()) < 10_000
    with pytest.raises(frames.FrameError, match="unpack to"):
        frames.arrays_from_bytes(buffer.getvalue(), max_bytes=1 << 16)
    with pytest.raises(frames.FrameError, match="not an npz"):
        frames.arrays_from_bytes(b"garbage", max_bytes=1 << 16)


def test_pickled_arrays_are_refused():
    buffer = io.BytesIO()
    np.savez(buffer, a0=np.array([{"x": 1}], dtype=object))
    with pytest.raises(frames.FrameError, match="unreadable"):
        frames.arrays_from_bytes(buffer.getvalue(), max_bytes=1 << 20)


def test_frame_reader_splits_messages_across_reads_and_stops_at_a_bad_length():
    data = frames.message({"event": "a"}) + frames.message({"event": "b"}, {"a0": np.ones(3)})
    reader = frames.FrameReader(max_frame=1 << 20)
    received = []
    for i in range(0, len(data), 7):  # arbitrary chunking, as pipe reads come
        received += reader.feed(data[i:i + 7])
    assert [json.loads(f)["event"] for f in received[:2]] == ["a", "b"]
    assert len(received) == 3 and reader.error is None
    reader = frames.FrameReader(max_frame=100)
    received = reader.feed(frames.frame(b"{}") + b"\xff\xff\xff\xff" + frames.frame(b"{}"))
    assert received == [b"{}"]  # the good frame before the bad length is kept
    assert "exceeds the limit" in reader.error


def test_changed_paths_names_what_a_call_changed():
    before = ({"W1": np.ones((2, 2)), "b1": np.zeros(2)}, [1.0, np.ones(3)], 0.5)
    after = ({"W1": np.ones((2, 2)) * 2, "b1": np.zeros(2)}, [1.0, np.ones(3)], 0.5)
    assert changed_paths(before, after) == [(0, "W1")]
    assert changed_paths({"a": 1}, {"a": 1, "b": 2}) == [()]
    assert changed_paths([np.array([np.nan])], [np.array([np.nan])]) == []
    assert changed_paths([np.ones(2, np.float32)], [np.ones(2)]) == [(0,)]  # dtype changed


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(dtype=st.sampled_from([np.float64, np.float32, np.int64, np.bool_]),
                  shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)))
def test_any_numeric_array_roundtrips_exactly(array):
    out = roundtrip({"x": [array]})["x"][0]
    assert out.dtype == array.dtype and out.shape == array.shape
    np.testing.assert_array_equal(out, array)


def test_arrays_over_the_size_limit_are_refused_by_name():
    view = np.broadcast_to(np.float64(1), (2**31,))  # 16 GiB, without the memory
    with pytest.raises(wire.WireError, match="too large to send: an array of 2147483648 elements"):
        wire.encode([np.ones(3), view])


def test_a_second_value_continues_the_first_ones_archive():
    tag, arrays = wire.encode(np.ones(2))
    after, arrays = wire.encode([np.zeros(3), {"b": np.arange(2)}], arrays)
    assert sorted(arrays) == ["a0", "a1", "a2"]
    assert np.array_equal(wire.decode(tag, arrays), np.ones(2))
    decoded = wire.decode(after, arrays)
    assert np.array_equal(decoded[0], np.zeros(3)) and np.array_equal(decoded[1]["b"], [0, 1])
