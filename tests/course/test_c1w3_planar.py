"""nnref.course.c1w3_planar against the course's formulas, seeds and published values."""
from __future__ import annotations

import numpy as np
import pytest

import course_reference as ref
from nnref.course import c1w3_planar as pl


@pytest.fixture(scope="module")
def flower():
    return pl.load_planar_dataset()


def small_case(seed=1, n_x=3, n_h=4, m=7):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m))
    Y = (rng.random((1, m)) > 0.5).astype(np.uint8)
    params = {"W1": rng.standard_normal((n_h, n_x)), "b1": rng.standard_normal((n_h, 1)),
              "W2": rng.standard_normal((1, n_h)), "b2": rng.standard_normal((1, 1))}
    return X, Y, params


def test_flower_is_the_course_generator(flower):
    X, Y = flower
    assert X.shape == (2, 400) and Y.shape == (1, 400) and Y.dtype == np.uint8
    assert Y[0, :200].sum() == 0 and Y[0, 200:].sum() == 200
    # The course's loop, written out.
    np.random.seed(1)
    N, a = 200, 4
    Xr = np.zeros((400, 2))
    for j in range(2):
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2
        r = a * np.sin(4 * t) + np.random.randn(N) * 0.2
        Xr[N * j:N * (j + 1)] = np.c_[r * np.sin(t), r * np.cos(t)]
    np.testing.assert_array_equal(X, Xr.T)


def test_layer_sizes():
    assert pl.layer_sizes(np.zeros((5, 3)), np.zeros((2, 3))) == (5, 4, 2)
    with pytest.raises(ValueError, match="X must be a 2-D array"):
        pl.layer_sizes(np.zeros(5), np.zeros((2, 3)))


def test_initialize_parameters_course_test_case():
    np.random.seed(2)                                   # the course's test seeds outside
    p = pl.initialize_parameters(2, 4, 1)
    assert [p[k].shape for k in ("W1", "b1", "W2", "b2")] == [(4, 2), (4, 1), (1, 4), (1, 1)]
    np.testing.assert_allclose(p["W1"], [[-0.00416758, -0.00056267], [-0.02136196, 0.01640271],
                                         [-0.01793436, -0.00841747], [0.00502881, -0.01245288]],
                               atol=5e-9)
    np.testing.assert_allclose(p["W2"], [[-0.01057952, -0.00909008, 0.00551454, 0.02292208]], atol=5e-9)
    assert not p["b1"].any() and not p["b2"].any()
    np.random.seed(2)
    np.testing.assert_array_equal(p["W1"], np.random.randn(4, 2) * 0.01)
    np.testing.assert_array_equal(p["W2"], np.random.randn(1, 4) * 0.01)
    with pytest.raises(ValueError, match="n_h must be an integer >= 1"):
        pl.initialize_parameters(2, 0, 1)


def test_forward_propagation_matches_course():
    X, Y, params = small_case()
    X0 = X.copy()
    A2, cache = pl.forward_propagation(X, params)
    A2_ref, cache_ref = ref.planar_forward(X, params)
    assert A2.shape == (1, 7)
    assert set(cache) == {"Z1", "A1", "Z2", "A2"}
    ref.assert_dicts_close(cache, cache_ref)
    assert cache["A2"] is A2
    np.testing.assert_array_equal(X, X0)


def test_compute_cost():
    X, Y, params = small_case()
    A2, _ = ref.planar_forward(X, params)
    cost = pl.compute_cost(A2, Y)
    assert isinstance(cost, float)
    assert cost == pytest.approx(ref.planar_cost(A2, Y), rel=1e-14)
    assert pl.compute_cost(np.array([[0.5, 0.5]]), np.array([[0, 1]])) == pytest.approx(np.log(2), rel=1e-15)
    with pytest.raises(ValueError, match=r"A2 must be an array of shape \(1, 3\) .* "
                                         r"Received: A2=array of shape \(1, 7\)"):
        pl.compute_cost(A2, Y[:, :3])


def test_compute_cost_accepts_a2_of_shape_m_as_the_course():
    # the course's own test passes A3 of shape (5,) with labels (1, 5) and expects
    # 0.22944289410146546 (public_tests.compute_cost_test, printed in its notebook)
    A3 = np.array([0.7, 0.3, 0.8, 0.9, 0.9])
    Y = np.array([[1, 0, 1, 1, 1]])
    cost = pl.compute_cost(A3, Y)
    assert isinstance(cost, float)
    assert cost == pytest.approx(ref.planar_cost(A3.reshape(1, 5), Y), rel=1e-14)


def test_backward_propagation_reads_the_cache_a1_a2_as_the_course():
    # the course's test passes a random cache (A1 is not tanh(Z1), A2 not sigmoid(Z2)) and
    # expects the gradients computed from A1 and A2
    X, Y, params = small_case()
    g = np.random.default_rng(4)
    n_h, m = params["W1"].shape[0], X.shape[1]
    cache = {"Z1": g.normal(size=(n_h, m)), "A1": g.normal(size=(n_h, m)),
             "Z2": g.normal(size=(1, m)), "A2": g.normal(size=(1, m))}
    grads = pl.backward_propagation(params, cache, X, Y)
    ref.assert_dicts_close(grads, ref.planar_backward(params, cache, X, Y))


def test_backward_propagation_matches_course():
    X, Y, params = small_case()
    _, cache = pl.forward_propagation(X, params)
    grads = pl.backward_propagation(params, cache, X, Y)
    _, cache_ref = ref.planar_forward(X, params)
    ref.assert_dicts_close(grads, ref.planar_backward(params, cache_ref, X, Y))


def test_update_parameters_returns_new_dict():
    X, Y, params = small_case()
    saved = {k: v.copy() for k, v in params.items()}
    grads = {"d" + k: np.full_like(v, 0.5) for k, v in params.items()}
    new = pl.update_parameters(params, grads)
    for k in params:
        np.testing.assert_array_equal(new[k], saved[k] - 1.2 * 0.5)     # default α = 1.2
        np.testing.assert_array_equal(params[k], saved[k])
    with pytest.raises(ValueError, match="grads must hold dW2"):
        pl.update_parameters(params, {"dW1": grads["dW1"], "db1": grads["db1"]})


def test_predict():
    X, Y, params = small_case()
    p = pl.predict(params, X)
    assert p.shape == (1, 7) and p.dtype == bool
    np.testing.assert_array_equal(p, ref.planar_forward(X, params)[0] > 0.5)


def test_nn_model_seeds_3_and_follows_the_course(flower):
    X, Y = flower
    params = pl.nn_model(X, Y, n_h=4, num_iterations=300)
    np.random.seed(3)                                   # the course's nn_model, written out
    p = {"W1": np.random.randn(4, 2) * 0.01, "b1": np.zeros((4, 1)),
         "W2": np.random.randn(1, 4) * 0.01, "b2": np.zeros((1, 1))}
    for _ in range(300):
        _, cache = ref.planar_forward(X, p)
        p = ref.gd(p, ref.planar_backward(p, cache, X, Y), 1.2)
    ref.assert_dicts_close(params, p, rtol=1e-10, atol=1e-13)  # rounding differences over 300 steps


def test_nn_model_prints_every_1000(flower, capsys):
    X, Y = flower
    pl.nn_model(X, Y, n_h=2, num_iterations=1001, print_cost=True)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["Cost after iteration 0", "Cost after iteration 1000"]
    np.random.seed(3)
    p = {"W1": np.random.randn(2, 2) * 0.01, "b1": np.zeros((2, 1)),
         "W2": np.random.randn(1, 2) * 0.01, "b2": np.zeros((1, 1))}
    assert lines[0] == "Cost after iteration 0: %f" % ref.planar_cost(ref.planar_forward(X, p)[0], Y)


@pytest.mark.slow
def test_nn_model_reaches_the_course_accuracy(flower):
    """The course: n_h = 4, 10000 iterations, "Accuracy: 90%" on the flower."""
    X, Y = flower
    params = pl.nn_model(X, Y, n_h=4, num_iterations=10000)
    predictions = pl.predict(params, X)
    accuracy = ((np.dot(Y, predictions.T) + np.dot(1 - Y, 1 - predictions.T)) / float(Y.size)).item()
    assert accuracy >= 0.90
