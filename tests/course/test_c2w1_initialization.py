"""nnref.course.c2w1_initialization: seeds, the circles data and the course's printed results."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import course_reference as ref
from nnref.course import c2w1_initialization as ci


@pytest.fixture(scope="module")
def circles():
    return ci.load_dataset()


def test_circles_layout_and_construction(circles):
    train_X, train_Y, test_X, test_Y = circles
    assert train_X.shape == (2, 300) and train_Y.shape == (1, 300)
    assert test_X.shape == (2, 100) and test_Y.shape == (1, 100)
    assert train_Y.sum() == 150 and test_Y.sum() == 50
    # make_circles: shuffled points of radius 1 (label 0) and 0.8 (label 1), plus N(0, 0.05²) noise.
    np.random.seed(1)
    idx = np.arange(300)
    np.random.shuffle(idx)
    noise = np.random.normal(scale=.05, size=(300, 2))
    angles = np.r_[np.arange(150), np.arange(150)] * (2 * np.pi / 150)
    radius = np.r_[np.ones(150), np.full(150, 0.8)]
    clean = np.c_[np.cos(angles) * radius, np.sin(angles) * radius][idx]
    np.testing.assert_allclose(train_X.T, clean + noise, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(train_Y[0], (idx >= 150).astype(int))


def test_initialize_parameters_zeros():
    p = ci.initialize_parameters_zeros([3, 2, 1])
    assert list(p) == ["W1", "b1", "W2", "b2"]
    assert [v.shape for v in p.values()] == [(2, 3), (2, 1), (1, 2), (1, 1)]
    assert not any(v.any() for v in p.values())


def test_initialize_parameters_random_seed_3_times_10():
    p = ci.initialize_parameters_random([3, 2, 1])
    np.testing.assert_allclose(p["W1"], [[17.88628473, 4.36509851, 0.96497468],
                                         [-18.63492703, -2.77388203, -3.54758979]], atol=5e-9)
    np.random.seed(3)
    np.testing.assert_array_equal(p["W1"], np.random.randn(2, 3) * 10)
    np.testing.assert_array_equal(p["W2"], np.random.randn(1, 2) * 10)
    assert not p["b1"].any() and not p["b2"].any()


def test_initialize_parameters_he_seed_3():
    p = ci.initialize_parameters_he([2, 4, 1])
    np.random.seed(3)
    np.testing.assert_array_equal(p["W1"], np.random.randn(4, 2) * np.sqrt(2. / 2))
    np.testing.assert_array_equal(p["W2"], np.random.randn(1, 4) * np.sqrt(2. / 4))
    np.testing.assert_allclose(p["W1"][0], [1.78862847, 0.43650985], atol=5e-9)
    with pytest.raises(ValueError, match="layers_dims"):
        ci.initialize_parameters_he([2])


def test_forward_backward_loss_match_init_utils(circles):
    X, Y = circles[0][:, :20], circles[1][:, :20]
    p = ref.random_parameters([2, 10, 5, 1], seed=4)
    a3, cache = ci.forward_propagation(X, p)
    a3_ref, cache_ref = ref.three_forward(X, p)
    assert len(cache) == 12
    for got, want in zip(cache, cache_ref):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)
    grads = ci.backward_propagation(X, Y, cache)
    ref.assert_dicts_close(grads, ref.three_backward_utils(X, Y, cache_ref), rtol=1e-12, atol=1e-15)
    assert ci.compute_loss(a3, Y) == pytest.approx(1 / 20 * np.nansum(ref.three_logprobs(a3_ref, Y)),
                                                   rel=1e-13)


def test_compute_loss_nansum_and_inf():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        # a3 = 1 with y = 1: 0·log 0 is skipped; a3 = 1 with y = 0: +inf (the course's "inf").
        assert ci.compute_loss(np.array([[1.0, 0.5]]), np.array([[1, 1]])) == pytest.approx(np.log(2) / 2)
        assert ci.compute_loss(np.array([[1.0, 0.5]]), np.array([[0, 1]])) == np.inf


def test_update_parameters_rebinds_the_dict_entries():
    p = ref.random_parameters([2, 3, 1], seed=0)
    original = {k: v for k, v in p.items()}
    saved = {k: v.copy() for k, v in p.items()}
    grads = {"d" + k: np.full_like(v, 2.0) for k, v in p.items()}
    out = ci.update_parameters(p, grads, 0.25)
    assert out is p                                             # the course's dict, modified
    for k in saved:
        np.testing.assert_array_equal(p[k], saved[k] - 0.5)
        np.testing.assert_array_equal(original[k], saved[k])   # the old arrays are untouched


def test_predict_and_predict_dec(circles, capsys):
    X, Y = circles[0], circles[1]
    p = ci.initialize_parameters_he([2, 10, 5, 1])
    pred = ci.predict(X, Y, p)
    expected = (ref.three_forward(X, p)[0] > 0.5).astype(int)
    np.testing.assert_array_equal(pred, expected)
    assert capsys.readouterr().out == "Accuracy: " + str(np.mean(expected[0] == Y[0])) + "\n"
    np.testing.assert_array_equal(ci.predict_dec(p, X), expected.astype(bool))


@pytest.mark.parametrize("initialization", ["zeros", "random", "he"])
def test_model_follows_the_course_loop(circles, initialization):
    X, Y = circles[0], circles[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)        # log(0) of the ×10 initialization
        params = ci.model(X, Y, num_iterations=20, print_cost=False, initialization=initialization)
    p = getattr(ci, f"initialize_parameters_{initialization}")([2, 10, 5, 1])
    for _ in range(20):
        _, cache = ref.three_forward(X, p)
        p = ref.gd(p, ref.three_backward_utils(X, Y, cache), 0.01)
    # The ×10 weights make training chaotic: 1e-16 differences reach ~1e-9 in 20 steps.
    ref.assert_dicts_close(params, p, rtol=1e-8, atol=1e-12)


def test_model_first_printed_costs(circles, capsys):
    X, Y = circles[0], circles[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for init in ("zeros", "random", "he"):
            ci.model(X, Y, num_iterations=1, initialization=init)
    assert capsys.readouterr().out.splitlines() == [
        "Cost after iteration 0: 0.6931471805599453",             # the course's printed costs
        "Cost after iteration 0: inf",
        "Cost after iteration 0: 0.8830537463419761"]
    with pytest.raises(ValueError, match="initialization must be one of"):
        ci.model(X, Y, initialization="xavier")


@pytest.mark.slow
@pytest.mark.parametrize("initialization, train_acc, test_acc", [
    ("random", 0.83, 0.86),
    ("he", 0.9933333333333333, 0.96),
])
def test_model_reproduces_the_course_accuracies(circles, initialization, train_acc, test_acc):
    train_X, train_Y, test_X, test_Y = circles
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        params = ci.model(train_X, train_Y, print_cost=False, initialization=initialization)
    assert np.mean(ci.predict_dec(params, train_X) == train_Y) == pytest.approx(train_acc, abs=1e-12)
    assert np.mean(ci.predict_dec(params, test_X) == test_Y) == pytest.approx(test_acc, abs=1e-12)
