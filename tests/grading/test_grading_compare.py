"""Comparing a submission's return value with the answer key's."""
from __future__ import annotations

import numpy as np
import pytest

from nnref.grading.child.wire import Tensor, Unsupported
from nnref.grading.compare import TypeRule, compare, format_path, short
from nnref.grading.spec import ATOL, RTOL


def check(expected, received, returns=()):
    return compare(expected, received, RTOL, ATOL, returns)


def test_equal_structures_pass_and_tuples_and_lists_are_interchangeable():
    expected = ({"dW1": np.ones((2, 3)), "db1": np.zeros((2, 1))}, np.float64(0.5))
    received = [{"dW1": np.ones((2, 3)), "db1": np.zeros((2, 1)), "extra": 1}, 0.5]
    assert check(expected, received, ("grads", "cost")) is None


def test_rounding_differences_pass_and_real_differences_fail():
    x = np.linspace(-1, 1, 7)
    assert check(x, x * (1 + 1e-9)) is None          # another order of operations
    found = check(x, x * (1 + 1e-4))
    assert found is not None and "7 of 7 values differ" not in found.problem  # x[3] is 0
    assert "6 of 7 values differ; first at index (0,)" in found.problem


def test_the_first_wrong_key_is_named_with_its_path():
    expected = ({"dW1": np.ones((2, 2)), "db1": np.ones((2, 1))}, 1.0)
    received = ({"dW1": np.ones((2, 2)), "db1": np.ones((2, 1)) * 3}, 1.0)
    found = check(expected, received, ("grads", "cost"))
    assert found.where() == 'grads["db1"]'
    assert found.names == ("grads", "db1")
    assert "expected 1, received 3" in found.problem


def test_shape_mismatch_reports_both_shapes():
    found = check(np.zeros((18, 1)), np.zeros(18), ("v",))
    assert found.where() == "v"
    assert found.problem == "expected shape (18, 1), received shape (18,)"
    found = check(np.float64(1.0), np.ones((1, 1)))
    assert found.problem == "expected a scalar (shape ()), received shape (1, 1)"


def test_scalars_in_any_numeric_form_compare_by_value():
    assert check(np.squeeze(np.array([[0.25]])), 0.25) is None   # 0-d array vs float
    assert check(np.array([[1.0, 0.0]]), np.array([[True, False]])) is None
    assert check(np.array([True, False]), np.array([True, False])) is None  # bool - bool
    assert check(3, 3.0) is None


def test_missing_keys_wrong_lengths_and_types():
    assert "the key 'db' is missing" in check({"dw": 1, "db": 2}, {"dw": 1, "Db": 2}).problem
    assert check((1, 2), (1, 2, 3)).problem == "expected 2 items, received 3"
    assert "expected a dict" in check({"a": 1}, [1]).problem
    assert "expected an array (array [1., 1.] (shape (2,))), received a string" in check(
        np.ones(2), "ones").problem
    assert "expected a tuple (A, cache)" in check((1, 2), 1, ("A", "cache")).problem
    assert check("relu", "sigmoid").problem == "expected 'relu', received 'sigmoid'"


def test_nan_equals_nan_but_not_a_number():
    assert check(np.array([np.nan, 1.0]), np.array([np.nan, 1.0])) is None
    assert check(np.array([np.nan, 1.0]), np.array([0.0, 1.0])) is not None


def test_unsupported_values_are_explained():
    found = check(np.ones(2), Unsupported("mymodule.Result", "<Result>"))
    assert "received a mymodule.Result object, which cannot be graded" in found.problem


def test_nested_indices_in_paths():
    caches = [((np.ones(2), np.ones(2)), np.ones(2))]
    received = [((np.ones(2), np.zeros(2)), np.ones(2))]
    assert check((1.0, caches), (1.0, received), ("AL", "caches")).where() == "caches[0][0][1]"
    assert format_path((("key", "W1"),)) == 'the return value["W1"]'


@pytest.mark.parametrize("value, text", [
    (np.array([1.0, 2.5]), "array [1. , 2.5] (shape (2,))"),
    (np.zeros((3, 4)), "an array of shape (3, 4)"),
    (np.float64(1 / 3), "0.3333333333"),
    ({"a": 1}, "a dict with keys ['a']"),
])
def test_short_descriptions(value, text):
    assert short(value) == text


def test_shapes_only_ignores_values_but_not_shapes_or_keys():
    expected = {"W1": np.ones((2, 3)), "b1": np.zeros((2, 1))}
    assert compare(expected, {"W1": np.full((2, 3), 7.0), "b1": np.ones((2, 1))}, RTOL, ATOL,
                   values=False) is None
    found = compare(expected, {"W1": np.ones((3, 2)), "b1": np.zeros((2, 1))}, RTOL, ATOL,
                    values=False)
    assert found.where() == 'the return value["W1"]' and "shape (3, 2)" in found.problem


# --- the course's type checks --------------------------------------------------------------

def test_a_type_rule_fails_the_type_the_course_refuses_with_its_reason():
    rule = TypeRule("float", "Wrong type for b. <type> != float")
    types = {"b": rule}
    assert compare((np.zeros((2, 1)), 0.0), (np.zeros((2, 1)), 0.0), RTOL, ATOL, ("w", "b"),
                   types=types) is None
    for wrong, shown in ((0, "a Python int"), (np.float64(0.0), "a numpy.float64"),
                         (np.zeros(()), "a numpy array")):
        found = compare((np.zeros((2, 1)), 0.0), (np.zeros((2, 1)), wrong), RTOL, ATOL,
                        ("w", "b"), types=types)
        assert found.where() == "b"
        assert f"expected a Python float, received {shown}" in found.problem
        assert f"Wrong type for b. <class '{type(wrong).__name__}'> != float" in found.problem
    # without the rule, the same values pass: only the course's checks are added
    assert compare((np.zeros((2, 1)), 0.0), (np.zeros((2, 1)), 0), RTOL, ATOL, ("w", "b")) is None


def test_a_type_rule_of_a_returned_tuple_and_of_dict_keys():
    tuple_rule = {"()": TypeRule("tuple", "Output must be a tuple")}
    assert compare((2, 4, 1), (2, 4, 1), RTOL, ATOL, ("n_x", "n_h", "n_y"), types=tuple_rule) is None
    found = compare((2, 4, 1), [2, 4, 1], RTOL, ATOL, ("n_x", "n_h", "n_y"), types=tuple_rule)
    assert "expected a tuple, received a Python list" in found.problem
    arrays = {"W*": TypeRule("ndarray", "Wrong type for W")}
    found = compare({"W1": np.ones((1, 1)), "b1": 0.0}, {"W1": np.float64(1.0), "b1": 0.0},
                    RTOL, ATOL, ("parameters",), types=arrays)
    assert found.where() == 'parameters["W1"]' and "expected a numpy array" in found.problem


def test_datatype_checks_as_the_course_datatype_check():
    # an array must be an array; a float may be a Python or NumPy float or an array; an int an int
    assert compare(np.ones(2), np.ones(2), RTOL, ATOL, datatype=True) is None
    assert "expected a numpy array, received a Python list" in compare(
        np.ones(2), [1.0, 1.0], RTOL, ATOL, datatype=True).problem
    for ok in (0.5, np.float64(0.5), np.array(0.5)):
        assert compare(np.float64(0.5), ok, RTOL, ATOL, datatype=True) is None
    assert "Datatype mismatch" in compare(3, 3.0, RTOL, ATOL, datatype=True).problem
    # a list of 0-d arrays (the course's costs) refuses floats
    found = compare([np.array(0.7)], [0.7], RTOL, ATOL, ("costs",), datatype=True)
    assert found.where() == "costs[0]" and "expected a numpy array, received a Python float" in found.problem


def test_tensorflow_values_are_graded_by_value_and_checked_by_type():
    tensor = Tensor("EagerTensor", "float32", np.array([0.5, 0.25], dtype=np.float32))
    assert compare(np.array([0.5, 0.25]), tensor, RTOL, ATOL, ("a",)) is None
    assert "2 of 2 values differ" in compare(np.array([0.4, 0.2]), tensor, RTOL, ATOL, ("a",)).problem
    rule = {"a": TypeRule("EagerTensor", "Use the TensorFlow API", dtype="float64")}
    found = compare(np.array([0.5, 0.25]), tensor, RTOL, ATOL, ("a",), types=rule)
    assert "of dtype float64, received dtype float32" in found.problem
    rule = {"a": TypeRule("ResourceVariable", "All parameter must be created using tf.Variable")}
    found = compare(np.array([0.5, 0.25]), tensor, RTOL, ATOL, ("a",), types=rule)
    assert ("expected a TensorFlow ResourceVariable, received a TensorFlow EagerTensor (float32)"
            in found.problem)
    assert "tf.Variable" in found.problem
