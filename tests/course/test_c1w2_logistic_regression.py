"""nnref.course.c1w2_logistic_regression: the course's test cases and its cat/non-cat results."""
from __future__ import annotations

import numpy as np
import pytest

import course_reference as ref
from nnref.course import c1w2_logistic_regression as lr

# The course's test case for propagate/optimize.
W = np.array([[1.], [2.]])
B = 1.5
X = np.array([[1., -2., -1.], [3., 0.5, -3.2]])
Y = np.array([[1, 1, 0]])


def test_initialize_with_zeros():
    w, b = lr.initialize_with_zeros(2)
    assert w.shape == (2, 1) and w.dtype == np.float64 and not w.any()
    assert b == 0.0 and isinstance(b, float)
    with pytest.raises(ValueError, match="dim must be an integer >= 1"):
        lr.initialize_with_zeros(0)
    with pytest.raises(TypeError, match="dim must be an integer"):
        lr.initialize_with_zeros(2.0)


def test_sigmoid():
    np.testing.assert_allclose(lr.sigmoid(np.array([0, 2])), [0.5, 0.88079708], atol=5e-9)


def test_propagate_course_test_case():
    w0, X0 = W.copy(), X.copy()
    grads, cost = lr.propagate(W, B, X, Y)
    assert set(grads) == {"dw", "db"}
    assert grads["dw"].shape == (2, 1)
    assert np.ndim(grads["db"]) == 0
    assert isinstance(cost, np.ndarray) and cost.shape == ()
    # The course's expected output.
    np.testing.assert_allclose(grads["dw"], [[0.25071532], [-0.06604096]], atol=5e-9)
    assert grads["db"] == pytest.approx(-0.1250040450043965, rel=1e-14)
    assert cost == pytest.approx(0.15900537707692405, rel=1e-14)
    np.testing.assert_array_equal(W, w0)
    np.testing.assert_array_equal(X, X0)


def test_propagate_matches_course_formulas_on_random_data():
    rng = np.random.default_rng(0)
    w, b = rng.standard_normal((5, 1)), 0.3
    Xr, Yr = rng.standard_normal((5, 40)), (rng.random((1, 40)) > 0.5).astype(int)
    grads, cost = lr.propagate(w, b, Xr, Yr)
    g_ref, c_ref = ref.lr_propagate(w, b, Xr, Yr)
    ref.assert_dicts_close(grads, g_ref)
    assert cost == pytest.approx(c_ref, rel=1e-13)


def test_propagate_bad_shapes():
    with pytest.raises(ValueError, match=r"w must have shape \(2, 1\)"):
        lr.propagate(np.ones((3, 1)), B, X, Y)
    with pytest.raises(ValueError, match=r"Y must have shape \(1, 3\)"):
        lr.propagate(W, B, X, np.array([[1, 0]]))
    with pytest.raises(ValueError, match="b must be a scalar"):
        lr.propagate(W, np.ones(2), X, Y)


def test_optimize_course_test_case():
    w0 = W.copy()
    params, grads, costs = lr.optimize(W, B, X, Y, num_iterations=100, learning_rate=0.009)
    np.testing.assert_allclose(params["w"], [[0.80956046], [2.0508202]], atol=5e-9)
    assert params["b"] == pytest.approx(1.5948713189708588, rel=1e-13)
    np.testing.assert_allclose(grads["dw"], [[0.17860505], [-0.04840656]], atol=5e-9)
    assert grads["db"] == pytest.approx(-0.08888460336847771, rel=1e-12)
    assert len(costs) == 1 and costs[0] == pytest.approx(0.15900538, abs=5e-9)
    np.testing.assert_array_equal(W, w0)            # w was deep-copied


def test_optimize_matches_course_loop_and_prints(capsys):
    params, grads, costs = lr.optimize(W, B, X, Y, num_iterations=250, learning_rate=0.05,
                                       print_cost=True)
    p_ref, g_ref, c_ref = ref.lr_optimize(W, B, X, Y, 250, 0.05)
    ref.assert_dicts_close(params, p_ref)
    ref.assert_dicts_close(grads, g_ref)
    np.testing.assert_allclose(costs, c_ref, rtol=1e-13)
    assert len(costs) == 3                            # iterations 0, 100, 200
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"Cost after iteration {i}: {c:f}" for i, c in zip((0, 100, 200), c_ref)]


def test_optimize_bad_arguments():
    with pytest.raises(ValueError, match="num_iterations must be an integer >= 1"):
        lr.optimize(W, B, X, Y, num_iterations=0)
    with pytest.raises(ValueError, match="learning_rate must be a finite number >= 0"):
        lr.optimize(W, B, X, Y, learning_rate=-1.0)


def test_predict_course_test_case():
    w = np.array([[0.1124579], [0.23106775]])
    Xp = np.array([[1., -1.1, -3.2], [1.2, 2., 0.1]])
    p = lr.predict(w, -0.3, Xp)
    assert p.shape == (1, 3) and p.dtype == np.float64
    np.testing.assert_array_equal(p, [[1., 1., 0.]])
    np.testing.assert_array_equal(p, (ref.sigmoid(w.T @ Xp - 0.3) > 0.5).astype(float))


def test_model_structure_on_the_course_test_case():
    d = lr.model(X, Y, X, Y, num_iterations=50, learning_rate=0.01)
    assert set(d) == {"costs", "Y_prediction_test", "Y_prediction_train", "w", "b",
                      "learning_rate", "num_iterations"}
    assert d["Y_prediction_test"].shape == d["Y_prediction_train"].shape == (1, 3)
    assert d["w"].shape == (2, 1) and d["learning_rate"] == 0.01 and d["num_iterations"] == 50
    p_ref, _, _ = ref.lr_optimize(np.zeros((2, 1)), 0.0, X, Y, 50, 0.01)
    ref.assert_dicts_close({"w": d["w"], "b": d["b"]}, p_ref)


def test_load_dataset_layout(catvnoncat):
    train_x, train_y, test_x, test_y, classes = lr.load_dataset()
    assert train_x.shape == (209, 64, 64, 3) and train_x.dtype == np.uint8
    assert train_y.shape == (1, 209) and test_y.shape == (1, 50) and test_x.shape == (50, 64, 64, 3)
    np.testing.assert_array_equal(train_y[0], catvnoncat[1])
    assert list(classes) == [b"non-cat", b"cat"]


@pytest.mark.slow
@pytest.mark.data
def test_model_reproduces_the_course_on_cat_images(catvnoncat, capsys):
    """The course: learning_rate=0.005, 2000 iterations -> 99.04306220095694 % train, 70 % test."""
    train_x, train_y, test_x, test_y, _ = lr.load_dataset()
    X_train = train_x.reshape(train_x.shape[0], -1).T / 255.
    X_test = test_x.reshape(test_x.shape[0], -1).T / 255.
    d = lr.model(X_train, train_y, X_test, test_y, num_iterations=2000, learning_rate=0.005,
                 print_cost=True)
    out = capsys.readouterr().out
    assert "Cost after iteration 100: 0.584508" in out          # the course's printed costs
    assert "Cost after iteration 1900: 0.140872" in out
    train_acc = 100 - np.mean(np.abs(d["Y_prediction_train"] - train_y)) * 100
    test_acc = 100 - np.mean(np.abs(d["Y_prediction_test"] - test_y)) * 100
    assert train_acc == pytest.approx(99.04306220095694, rel=1e-12)
    assert test_acc == pytest.approx(70.0, rel=1e-12)
    assert "train accuracy: 99.04306220095694 %" in out
    assert len(d["costs"]) == 20 and d["costs"][0] == pytest.approx(np.log(2), rel=1e-15)
