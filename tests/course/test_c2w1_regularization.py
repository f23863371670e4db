"""nnref.course.c2w1_regularization: L2 and dropout against the course's code and results."""
from __future__ import annotations

import numpy as np
import pytest

import course_reference as ref
from nnref.course import c2w1_regularization as cr

SHAPES = [("W1", (2, 3)), ("b1", (2, 1)), ("W2", (3, 2)), ("b2", (3, 1)), ("W3", (1, 3)), ("b3", (1, 1))]


def course_parameters():
    """The parameters of the course's test cases: np.random.seed(1), then randn in this order."""
    return {k: np.random.randn(*s) for k, s in SHAPES}


@pytest.fixture(scope="module")
def football_course(football):
    return cr.load_2D_dataset()


def test_load_2D_dataset_layout(football_course, football):
    train_X, train_Y, test_X, test_Y = football_course
    assert train_X.shape == (2, 211) and train_Y.shape == (1, 211)
    assert test_X.shape == (2, 200) and test_Y.shape == (1, 200)
    np.testing.assert_array_equal(train_X, football[0].T)
    np.testing.assert_array_equal(test_Y[0], football[3])


def test_initialize_parameters_seed_3_xavier():
    p = cr.initialize_parameters([2, 20, 3, 1])
    np.random.seed(3)
    for l, (n, n_prev) in enumerate([(20, 2), (3, 20), (1, 3)], start=1):
        np.testing.assert_array_equal(p["W" + str(l)], np.random.randn(n, n_prev) / np.sqrt(n_prev))
        assert p["b" + str(l)].shape == (n, 1) and not p["b" + str(l)].any()


def test_compute_cost_with_regularization_course_test_case():
    np.random.seed(1)
    Y = np.array([[1, 1, 0, 1, 0]])
    p = course_parameters()
    a3 = np.array([[0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402]])
    cost = cr.compute_cost_with_regularization(a3, Y, p, lambd=0.1)
    assert cost == pytest.approx(1.7864859451590758, rel=1e-14)          # the course's output
    expected = (1. / 5 * np.nansum(ref.three_logprobs(a3, Y))
                + (1. / 5 * 0.1 / 2) * sum(np.sum(np.square(p[k])) for k in ("W1", "W2", "W3")))
    assert cost == pytest.approx(expected, rel=1e-14)
    with pytest.raises(ValueError, match="lambd must be a finite number >= 0"):
        cr.compute_cost_with_regularization(a3, Y, p, lambd=-1)


def test_backward_propagation_with_regularization():
    np.random.seed(1)
    X = np.random.randn(3, 5)
    Y = np.array([[1, 1, 0, 1, 0]])
    p = course_parameters()
    _, cache = cr.forward_propagation(X, p)
    grads = cr.backward_propagation_with_regularization(X, Y, cache, lambd=0.7)
    expected = ref.three_backward_graded(X, Y, ref.three_forward(X, p)[1], lambd=0.7)
    ref.assert_dicts_close(grads, expected, rtol=1e-12, atol=1e-15)
    # lambd = 0 is the unregularized gradient of reg_utils (1/m placed differently, same dW).
    plain = cr.backward_propagation(X, Y, cache)
    no_l2 = cr.backward_propagation_with_regularization(X, Y, cache, lambd=0)
    for k in ("dW1", "db1", "dW2", "db2", "dW3", "db3"):
        np.testing.assert_allclose(no_l2[k], plain[k], rtol=1e-12, atol=1e-15)


def test_forward_propagation_with_dropout_course_test_case():
    np.random.seed(1)
    X = np.random.randn(3, 5)
    p = course_parameters()
    saved = {k: v.copy() for k, v in p.items()}
    A3, cache = cr.forward_propagation_with_dropout(X, p, keep_prob=0.7)
    np.testing.assert_allclose(A3, [[0.36974721, 0.00305176, 0.04565099, 0.49683389, 0.36974721]],
                               atol=5e-9)
    assert len(cache) == 14
    Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3c, W3, b3 = cache
    assert A3c is A3 and W1 is p["W1"] and b3 is p["b3"]
    # The course's code, with the masks drawn after np.random.seed(1).
    np.random.seed(1)
    Z1r = np.dot(p["W1"], X) + p["b1"]
    D1r = (np.random.rand(2, 5) < 0.7).astype(int)
    A1r = ref.relu(Z1r) * D1r / 0.7
    Z2r = np.dot(p["W2"], A1r) + p["b2"]
    D2r = (np.random.rand(3, 5) < 0.7).astype(int)
    A2r = ref.relu(Z2r) * D2r / 0.7
    Z3r = np.dot(p["W3"], A2r) + p["b3"]
    np.testing.assert_array_equal(D1, D1r)
    np.testing.assert_array_equal(D2, D2r)
    assert D1.dtype.kind == "i"
    for got, want in [(Z1, Z1r), (A1, A1r), (Z2, Z2r), (A2, A2r), (Z3, Z3r), (A3, ref.sigmoid(Z3r))]:
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)
    for k in p:
        np.testing.assert_array_equal(p[k], saved[k])


def test_dropout_reseeds_on_every_call():
    np.random.seed(1)
    X = np.random.randn(3, 5)
    p = course_parameters()
    (_, c1), (_, c2) = (cr.forward_propagation_with_dropout(X, p, 0.5) for _ in range(2))
    np.testing.assert_array_equal(c1[1], c2[1])
    np.testing.assert_array_equal(c1[6], c2[6])
    with pytest.raises(ValueError, match="keep_prob must be"):
        cr.forward_propagation_with_dropout(X, p, keep_prob=0)


def test_backward_propagation_with_dropout():
    np.random.seed(1)
    X = np.random.randn(3, 5)
    Y = np.array([[1, 1, 0, 1, 0]])
    p = course_parameters()
    _, cache = cr.forward_propagation_with_dropout(X, p, keep_prob=0.8)
    grads = cr.backward_propagation_with_dropout(X, Y, cache, keep_prob=0.8)
    Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3 = cache
    expected = ref.three_backward_graded(X, Y, (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3),
                                         D1=D1, D2=D2, keep_prob=0.8)
    ref.assert_dicts_close(grads, expected, rtol=1e-12, atol=1e-15)


def test_model_rejects_l2_with_dropout(football_course):
    X, Y = football_course[0], football_course[1]
    with pytest.raises(ValueError, match="not both"):
        cr.model(X, Y, lambd=0.7, keep_prob=0.8)


@pytest.mark.parametrize("kwargs, first_cost", [
    ({}, 0.6557412523481002),
    ({"lambd": 0.7}, 0.6974484493131264),
    ({"keep_prob": 0.86}, 0.6543912405149825),
])
def test_model_first_costs_and_loop(football_course, capsys, kwargs, first_cost):
    """The course's printed first costs; then 30 iterations against the course's code."""
    X, Y = football_course[0], football_course[1]
    cr.model(X, Y, num_iterations=1, **kwargs)
    assert capsys.readouterr().out == f"Cost after iteration 0: {first_cost}\n"
    params = cr.model(X, Y, num_iterations=30, print_cost=False, **kwargs)
    p = cr.initialize_parameters([2, 20, 3, 1])
    lambd, keep_prob = kwargs.get("lambd", 0), kwargs.get("keep_prob", 1)
    for _ in range(30):
        if keep_prob < 1:
            A3, cache = cr.forward_propagation_with_dropout(X, p, keep_prob)   # masks checked above
            Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3 = cache
            g = ref.three_backward_graded(X, Y, (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3),
                                          D1=D1, D2=D2, keep_prob=keep_prob)
        else:
            _, cache = ref.three_forward(X, p)
            g = ref.three_backward_graded(X, Y, cache, lambd=lambd)
        p = ref.gd(p, g, 0.3)
    ref.assert_dicts_close(params, p, rtol=1e-10, atol=1e-13)   # rounding over 30 steps


@pytest.mark.slow
@pytest.mark.data
@pytest.mark.filterwarnings("ignore:.*encountered in:RuntimeWarning")  # log(0), as the course's
@pytest.mark.parametrize("kwargs, train_acc, test_acc", [
    ({"lambd": 0.7}, 0.9383886255924171, 0.93),
    ({"keep_prob": 0.86, "learning_rate": 0.3}, 0.9289099526066351, 0.95),
])
def test_model_reproduces_the_course(football_course, capsys, kwargs, train_acc, test_acc):
    train_X, train_Y, test_X, test_Y = football_course
    params = cr.model(train_X, train_Y, **kwargs)
    costs = [float(line.split(": ")[1]) for line in capsys.readouterr().out.splitlines()]
    expected = {0.7: [0.6974484493131264, 0.2684918873282239, 0.2680916337127301],
                0.86: [0.6543912405149825, 0.0610169865749056, 0.060582435798513114]}
    # The course's printed costs at iterations 0, 10000, 20000 (rounding apart after 10000 steps).
    np.testing.assert_allclose(costs, expected[kwargs.get("lambd", kwargs.get("keep_prob"))], rtol=1e-9)
    assert np.mean(cr.predict_dec(params, train_X) == train_Y) == pytest.approx(train_acc, abs=1e-12)
    assert np.mean(cr.predict_dec(params, test_X) == test_Y) == pytest.approx(test_acc, abs=1e-12)
