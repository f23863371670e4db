"""nnref.course.c2w1_gradient_checking against the course's test cases and printed differences."""
from __future__ import annotations

import numpy as np
import pytest

import course_reference as ref
from course_notebook import notebook_functions
from nnref.course import c2w1_gradient_checking as gc

SHAPES = [("W1", (5, 4)), ("b1", (5, 1)), ("W2", (3, 5)), ("b2", (3, 1)), ("W3", (1, 3)), ("b3", (1, 1))]


def course_test_case():
    """gradient_check_n_test_case(): np.random.seed(1); x = randn(4, 3); y = [1, 1, 0]; then W, b."""
    np.random.seed(1)
    x = np.random.randn(4, 3)
    y = np.array([1, 1, 0])
    return x, y, {k: np.random.randn(*s) for k, s in SHAPES}


def course_check(x, theta, epsilon=1e-7):
    """The course's 1-D gradient_check, written out."""
    gradapprox = ((theta + epsilon) * x - (theta - epsilon) * x) / (2 * epsilon)
    grad = x
    return np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))


def test_1d_forward_and_backward():
    assert gc.forward_propagation(2, 4) == 8
    assert gc.backward_propagation(2, 4) == 2


# (3, 4): the course's notebook prints, and its public_tests.gradient_check_test expects,
# 7.814075313343006e-11; (2, 4) is not in the course's files: compared with the formula only.
@pytest.mark.parametrize("x, theta, printed", [(2, 4, None), (3, 4, 7.814075313343006e-11)])
def test_gradient_check_course_outputs(x, theta, printed, capsys):
    difference = gc.gradient_check(x, theta, print_msg=True)
    if printed is not None:
        assert difference == pytest.approx(printed, rel=1e-12)
    assert difference == pytest.approx(course_check(x, theta), rel=1e-12)
    assert "Your backward propagation works perfectly fine! difference = " in capsys.readouterr().out
    gc.gradient_check(x, theta)
    assert capsys.readouterr().out == ""


def test_forward_propagation_n():
    x, y, p = course_test_case()
    cost, cache = gc.forward_propagation_n(x, y, p)
    a3, cache_ref = ref.three_forward(x, p)
    assert len(cache) == 12
    assert cost == pytest.approx(1. / 3 * np.sum(ref.three_logprobs(a3, y)), rel=1e-14)
    for got, want in zip(cache, cache_ref):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)


def test_backward_propagation_n_is_the_corrected_course_code():
    x, y, p = course_test_case()
    _, cache = gc.forward_propagation_n(x, y, p)
    grads = gc.backward_propagation_n(x, y, cache)
    expected = ref.three_backward_graded(x, y, ref.three_forward(x, p)[1])
    ref.assert_dicts_close(grads, expected, rtol=1e-12, atol=1e-15)


def test_dictionary_vector_round_trip():
    _, _, p = course_test_case()
    saved = {k: v.copy() for k, v in p.items()}
    theta, keys = gc.dictionary_to_vector(p)
    assert theta.shape == (47, 1)
    assert keys[:20] == ["W1"] * 20 and keys[20:25] == ["b1"] * 5 and keys[-1] == "b3"
    np.testing.assert_array_equal(theta[:20, 0], p["W1"].ravel())
    back = gc.vector_to_dictionary(theta)
    for k in p:
        np.testing.assert_array_equal(back[k], p[k])
        np.testing.assert_array_equal(p[k], saved[k])
    with pytest.raises(ValueError, match="theta must hold the 47 parameters"):
        gc.vector_to_dictionary(np.zeros((46, 1)))
    with pytest.raises(ValueError, match="Missing"):
        gc.dictionary_to_vector({"W1": p["W1"]})


def test_gradients_to_vector_order():
    g = {f"d{k}": np.full(s, i, dtype=float) for i, (k, s) in enumerate(SHAPES)}
    g["dZ3"] = np.zeros((1, 3))                                # other keys are ignored
    v = gc.gradients_to_vector(g)
    assert v.shape == (47, 1)
    np.testing.assert_array_equal(v[:, 0], np.repeat(np.arange(6.0), [20, 5, 15, 3, 3, 1]))


def test_gradient_check_n_correct_gradients(capsys):
    x, y, p = course_test_case()
    saved = {k: v.copy() for k, v in p.items()}
    _, cache = gc.forward_propagation_n(x, y, p)
    grads = gc.backward_propagation_n(x, y, cache)
    difference = gc.gradient_check_n(p, grads, x, y, 1e-7, True)
    # The course's notebook prints, and its check expects, 1.1890913024229996e-07 (the output of
    # its gradient_check_n cell, a3_gradient_checking.ipynb). That difference is the rounding
    # noise of centred differences at ε = 1e-7 (J is exact to ~1e-16, divided by 2ε), so
    # another BLAS, or another order of the same sums, changes its digits: compare to 1e-3.
    assert difference == pytest.approx(1.1890913024229996e-07, rel=1e-3)
    assert difference < 2e-7
    assert "works perfectly fine" in capsys.readouterr().out
    for k in p:
        np.testing.assert_array_equal(p[k], saved[k])


def test_gradient_check_n_finds_the_course_mistakes(capsys):
    """The course's backward_propagation_n doubles dW2 and uses 4/m in db1: difference
    0.2850931567761623, the other value its notebook's check accepts (expected_values)."""
    x, y, p = course_test_case()
    _, cache = gc.forward_propagation_n(x, y, p)
    grads = gc.backward_propagation_n(x, y, cache)
    grads["dW2"] = grads["dW2"] * 2
    grads["db1"] = grads["db1"] * 4
    difference = gc.gradient_check_n(p, grads, x, y, 1e-7, True)
    # The centred differences are exact to ~1e-9 relative (ε = 1e-7), hence the tolerance.
    assert difference == pytest.approx(0.2850931567761623, rel=1e-9)
    assert "There is a mistake in the backward propagation!" in capsys.readouterr().out


def test_gradient_check_n_equals_the_course_notebook(course_dir):
    """The course's own gradient_check_n (its completed notebook, with its gc_utils), on the
    course's test case, with the course's backward pass and with a wrong one."""
    course = notebook_functions(course_dir, "c2w1_gradient_checking",
                                ["forward_propagation_n", "backward_propagation_n",
                                 "gradient_check_n"])
    x, y, p = course_test_case()
    _, cache = gc.forward_propagation_n(x, y, p)
    grads = gc.backward_propagation_n(x, y, cache)
    _, course_cache = course["forward_propagation_n"](x, y, p)
    course_grads = course["backward_propagation_n"](x, y, course_cache)
    for k in course_grads:
        np.testing.assert_allclose(grads[k], course_grads[k], rtol=1e-12, atol=1e-15)
    wrong = dict(grads, dW2=grads["dW2"] * 2)
    for g in (grads, wrong):
        assert gc.gradient_check_n(p, g, x, y) == pytest.approx(
            course["gradient_check_n"](p, dict(g), x, y), rel=1e-12)


def test_bad_epsilon():
    with pytest.raises(ValueError, match="epsilon must be a finite number > 0"):
        gc.gradient_check(2, 4, epsilon=0)
