"""nnref.course.c1w4_application: the course's cat/non-cat results, seeds and loops."""
from __future__ import annotations

import numpy as np
import pytest

import course_reference as ref
from nnref.course import c1w4_application as app


@pytest.fixture(scope="module")
def cats(catvnoncat):
    train_x, train_y, test_x, test_y, classes = app.load_data()
    X_train = train_x.reshape(train_x.shape[0], -1).T / 255.
    X_test = test_x.reshape(test_x.shape[0], -1).T / 255.
    return X_train, train_y, X_test, test_y


def small_data(n_x=6, m=9, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n_x, m)), (rng.random((1, m)) > 0.5).astype(int)


def test_load_data_layout(catvnoncat):
    train_x, train_y, test_x, test_y, classes = app.load_data()
    assert train_x.shape == (209, 64, 64, 3) and train_y.shape == (1, 209)
    assert test_x.shape == (50, 64, 64, 3) and test_y.shape == (1, 50)
    np.testing.assert_array_equal(test_y[0], catvnoncat[3])


def test_initialize_parameters_deep_is_the_application_version():
    p = app.initialize_parameters_deep([5, 4, 3])
    np.random.seed(1)
    np.testing.assert_array_equal(p["W1"], np.random.randn(4, 5) / np.sqrt(5))
    np.testing.assert_array_equal(p["W2"], np.random.randn(3, 4) / np.sqrt(4))
    assert not p["b1"].any() and p["b2"].shape == (3, 1)


def test_two_layer_model_follows_the_course_loop():
    X, Y = small_data()
    params, costs = app.two_layer_model(X, Y, (6, 3, 1), learning_rate=0.5, num_iterations=201)
    np.random.seed(1)
    p = {"W1": np.random.randn(3, 6) * 0.01, "b1": np.zeros((3, 1)),
         "W2": np.random.randn(1, 3) * 0.01, "b2": np.zeros((1, 1))}
    expected_costs = []
    for i in range(201):
        AL, layers = ref.deep_forward(X, p)
        if i % 100 == 0:
            expected_costs.append(ref.deep_cost(AL, Y))
        grads = ref.deep_backward(AL, Y, layers)
        p = ref.gd(p, grads, 0.5)
    ref.assert_dicts_close(params, p, rtol=1e-10, atol=1e-14)   # rounding over 201 steps
    np.testing.assert_allclose(costs, expected_costs, rtol=1e-12)
    assert len(costs) == 3


def test_L_layer_model_follows_the_course_loop():
    X, Y = small_data(seed=2)
    dims = [6, 4, 3, 1]
    params, costs = app.L_layer_model(X, Y, dims, learning_rate=0.1, num_iterations=150)
    p = app.initialize_parameters_deep(dims)
    for _ in range(150):
        AL, layers = ref.deep_forward(X, p)
        p = ref.gd(p, ref.deep_backward(AL, Y, layers), 0.1)
    ref.assert_dicts_close(params, p, rtol=1e-10, atol=1e-14)   # rounding over 150 steps
    assert len(costs) == 2


def test_last_iteration_is_always_printed(capsys):
    """The course's ``print_cost and i % 100 == 0 or i == num_iterations - 1``."""
    X, Y = small_data()
    app.L_layer_model(X, Y, [6, 2, 1], num_iterations=3, print_cost=False)
    assert capsys.readouterr().out.startswith("Cost after iteration 2: ")
    app.two_layer_model(X, Y, (6, 2, 1), num_iterations=102, print_cost=True)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "Cost after iteration 0", "Cost after iteration 100", "Cost after iteration 101"]


def test_models_bad_arguments():
    X, Y = small_data()
    with pytest.raises(ValueError, match=r"Y must have shape \(1, 9\)"):
        app.L_layer_model(X, Y[:, :4], [6, 1])
    with pytest.raises(ValueError, match="layers_dims must be"):
        app.two_layer_model(X, Y, (6, 2, 2, 1))
    with pytest.raises(ValueError, match="num_iterations must be an integer >= 1"):
        app.two_layer_model(X, Y, (6, 2, 1), num_iterations=0)


def test_predict_prints_accuracy(capsys):
    X, Y = small_data()
    p = app.initialize_parameters_deep([6, 3, 1])
    pred = app.predict(X, Y, p)
    AL, _ = ref.deep_forward(X, p)
    np.testing.assert_array_equal(pred, (AL > 0.5).astype(float))
    assert pred.shape == (1, 9)
    assert capsys.readouterr().out == "Accuracy: " + str(np.sum((pred == Y) / 9)) + "\n"


@pytest.mark.data
def test_two_layer_model_first_costs_on_cats(cats, capsys):
    """The course's test: 2 iterations give "Cost after first iteration: 0.693049735659989";
    the last iteration's cost is printed although print_cost=False."""
    X_train, train_y, _, _ = cats
    params, costs = app.two_layer_model(X_train, train_y, (12288, 7, 1), num_iterations=2)
    assert costs == [pytest.approx(0.693049735659989, rel=1e-12)]
    np.random.seed(1)                                    # the course's first step, written out
    p = {"W1": np.random.randn(7, 12288) * 0.01, "b1": np.zeros((7, 1)),
         "W2": np.random.randn(1, 7) * 0.01, "b2": np.zeros((1, 1))}
    AL, layers = ref.deep_forward(X_train, p)
    p = ref.gd(p, ref.deep_backward(AL, train_y, layers), 0.0075)
    second_cost = ref.deep_cost(ref.deep_forward(X_train, p)[0], train_y)
    label, value = capsys.readouterr().out.split(": ")
    assert label == "Cost after iteration 1"
    assert float(value) == pytest.approx(second_cost, rel=1e-12)
    assert [params[k].shape for k in ("W1", "b1", "W2", "b2")] == [(7, 12288), (7, 1), (1, 7), (1, 1)]


@pytest.mark.slow
@pytest.mark.data
def test_two_layer_model_reproduces_the_course(cats, capsys):
    X_train, train_y, X_test, test_y = cats
    params, costs = app.two_layer_model(X_train, train_y, (12288, 7, 1), num_iterations=2500)
    assert len(costs) == 25
    assert costs[0] == pytest.approx(0.693049735659989, rel=1e-12)
    # The course's notebook prints "Cost after iteration 2499: 0.04421498215868951" (its
    # two_layer_model cell); 2500 steps of rounding apart, hence the tolerance.
    assert float(capsys.readouterr().out.split(": ")[-1]) == pytest.approx(0.04421498215868951, rel=1e-8)
    assert np.mean(app.predict(X_train, train_y, params) == train_y) == 1.0
    assert np.mean(app.predict(X_test, test_y, params) == test_y) == pytest.approx(0.72, abs=1e-15)


@pytest.mark.slow
@pytest.mark.data
def test_L_layer_model_reproduces_the_course(cats, capsys):
    X_train, train_y, X_test, test_y = cats
    params, costs = app.L_layer_model(X_train, train_y, [12288, 20, 7, 5, 1], num_iterations=2500,
                                      print_cost=True)
    assert len(costs) == 25
    assert costs[0] == pytest.approx(0.7717493284237686, rel=1e-12)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Cost after iteration 0: 0.7717493284237686"
    # Course: "Cost after iteration 2499: 0.088439943441702"; 2500 steps of rounding apart.
    assert float(out[-1].split(": ")[1]) == pytest.approx(0.088439943441702, rel=1e-8)
    train_acc = np.mean(app.predict(X_train, train_y, params) == train_y)
    test_acc = np.mean(app.predict(X_test, test_y, params) == test_y)
    assert train_acc == pytest.approx(0.9856, abs=1e-4)      # 206/209 = 0.98564...
    assert test_acc == pytest.approx(0.8, abs=1e-15)
