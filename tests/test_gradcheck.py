"""The gradient checker itself (nnref.gradcheck): it must find the right gradients right and
flag wrong ones, and leave what it perturbs exactly as it was."""
from __future__ import annotations

import numpy as np
import pytest

from nnref import gradcheck, layers, losses, regularizers
from nnref.models import Sequential


def test_relative_difference_is_the_course_formula():
    a, b = np.array([3.0, 4.0]), np.array([0.0, 0.0])
    assert gradcheck.relative_difference(a, b) == 1.0
    a, b = np.array([1.0, 2.0, 2.0]), np.array([1.0, 2.0, 2.5])
    expected = 0.5 / (3.0 + np.sqrt(1 + 4 + 6.25))  # ‖a − b‖ / (‖a‖ + ‖b‖)
    assert gradcheck.relative_difference(a, b) == pytest.approx(expected, rel=1e-15, abs=0)
    assert gradcheck.relative_difference(np.zeros(3), np.zeros(3)) == 0.0
    assert gradcheck.relative_difference([[1.0, 2.0]], [1.0, 2.0]) == 0.0   # compares flattened
    with pytest.raises(ValueError, match=r"same size\. Received: sizes 2 and 3"):
        gradcheck.relative_difference([1.0, 2.0], [1.0, 2.0, 3.0])


def test_numerical_gradient_of_a_known_function():
    rng = np.random.default_rng(0)
    x, G = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    f = lambda: float(np.sum(np.sin(x) * G))
    num = gradcheck.numerical_gradient(f, x)
    # centred difference: truncation h²/6·|f'''| ~ 2e-13, rounding u·|f|/h ~ 1e-10
    np.testing.assert_allclose(num, np.cos(x) * G, rtol=0, atol=1e-9)
    assert num.dtype == np.float64 and num.shape == x.shape


def test_numerical_gradient_restores_x_bit_for_bit_and_honours_indices():
    rng = np.random.default_rng(1)
    x = rng.standard_normal(10)
    x0 = x.copy()
    seen = []
    f = lambda: seen.append(x.copy()) or float(np.sum(x ** 3))
    num = gradcheck.numerical_gradient(f, x, indices=np.array([2, 7]))
    np.testing.assert_array_equal(x, x0)
    assert len(seen) == 4                          # two coordinates, two evaluations each
    assert np.count_nonzero(num) == 2
    np.testing.assert_allclose(num[[2, 7]], 3 * x0[[2, 7]] ** 2, rtol=0, atol=1e-8)  # rounding ~u·|f|/h


def test_numerical_gradient_rejects_what_it_cannot_perturb():
    f = lambda: 0.0
    with pytest.raises(TypeError, match="x must be an ndarray.*Received: list"):
        gradcheck.numerical_gradient(f, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"epsilon must be > 0\. Received: epsilon=0"):
        gradcheck.numerical_gradient(f, np.ones(2), epsilon=0)
    with pytest.raises(ValueError, match="C-contiguous"):
        gradcheck.numerical_gradient(f, np.ones((3, 2)).T)


def test_check_gradients_passes_right_and_flags_wrong_gradients():
    rng = np.random.default_rng(2)
    W, b = rng.standard_normal((4, 3)), rng.standard_normal(3)
    x, G = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    f = lambda: float(np.sum(np.tanh(x @ W + b) * G))
    dz = G * (1 - np.tanh(x @ W + b) ** 2)
    good = gradcheck.check_gradients(f, [W, b], [x.T @ dz, dz.sum(0)], names=["W", "b"])
    assert [r.name for r in good] == ["W", "b"] and all(r.passed() for r in good)
    assert all(r.relative_difference < 1e-7 for r in good)
    bad = gradcheck.check_gradients(f, [W, b], [x.T @ dz * 1.001, dz.mean(0)])
    assert bad[0].relative_difference > 1e-4 and not bad[0].passed()
    assert bad[1].relative_difference > 0.1 and not bad[1].passed()
    with pytest.raises(ValueError, match=r"must have shape \(4, 3\)\. Received: \(3, 4\)"):
        gradcheck.check_gradients(f, [W], [W.T])
    with pytest.raises(ValueError, match="Received: 2 params, 1 grads"):
        gradcheck.check_gradients(f, [W, b], [W])


def test_check_gradients_samples_coordinates_when_asked():
    x = np.random.default_rng(3).standard_normal(1000)
    calls = []
    f = lambda: calls.append(1) or float(np.sum(x ** 2))
    [r] = gradcheck.check_gradients(f, [x], [2 * x], max_coords=20)
    assert (r.checked, r.total, len(calls)) == (20, 1000, 40)
    assert r.relative_difference < 1e-7
    [small] = gradcheck.check_gradients(f, [x[:10].copy()], [2 * x[:10]], max_coords=20)
    assert small.checked == small.total == 10


def test_directional_check_passes_right_and_flags_wrong_gradients():
    rng = np.random.default_rng(4)
    A, B = rng.standard_normal((6, 5)), rng.standard_normal(5)
    f = lambda: float(np.sum(np.exp(0.3 * A)) + np.sum(B ** 3))
    grads = [0.3 * np.exp(0.3 * A), 3 * B ** 2]
    A0, B0 = A.copy(), B.copy()
    r = gradcheck.directional_check(f, [A, B], grads)
    assert r.relative_difference < 1e-8 and r.checked == 35
    np.testing.assert_array_equal(A, A0)
    np.testing.assert_array_equal(B, B0)
    wrong = gradcheck.directional_check(f, [A, B], [grads[0], 2 * B ** 2])
    assert wrong.relative_difference > 1e-3


def tiny_model(seed=0):
    return Sequential([layers.Dense(6, activation="tanh", kernel_regularizer=regularizers.L2(0.01)),
                       layers.BatchNormalization(momentum=0.5),
                       layers.Dropout(0.3),
                       layers.Dense(3)], input_dim=4, seed=seed)


def test_check_model_passes_a_correct_model_and_restores_its_state():
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((10, 4)), rng.integers(0, 3, 10)
    model = tiny_model()
    before = model.get_weights()
    results = gradcheck.check_model(model, x, y, loss=losses.SparseCategoricalCrossentropy(from_logits=True),
                                    epsilon=1e-5, directions=2)
    assert len(results) == 6 + 2
    for r in results:
        assert r.relative_difference < 1e-7, r
    for w, b in zip(model.get_weights(), before):   # running statistics restored, weights untouched
        np.testing.assert_array_equal(w, b)
    assert model.layers[2].fixed_mask is None


def test_check_model_catches_a_wrong_backward(monkeypatch):
    rng = np.random.default_rng(6)
    x, y = rng.standard_normal((10, 4)), rng.integers(0, 3, 10)
    model = tiny_model()
    bn = model.layers[1]
    original = type(bn).backward

    def broken(self, dy):                          # a dgamma off by 1 %
        dx = original(self, dy)
        self.grads[0] = self.grads[0] * 1.01
        return dx

    monkeypatch.setattr(type(bn), "backward", broken)
    results = {r.name: r for r in gradcheck.check_model(
        model, x, y, loss=losses.SparseCategoricalCrossentropy(from_logits=True), epsilon=1e-5)}
    assert results["batch_normalization/0"].relative_difference > 1e-3
    assert results["batch_normalization/1"].relative_difference < 1e-7
    assert results["dense/0"].relative_difference < 1e-7


def test_frozen_restores_masks_and_statistics():
    model = tiny_model()
    x = np.random.default_rng(7).standard_normal((8, 4))
    stats = [w.copy() for w in model.non_trainable_weights]
    with gradcheck.frozen(model):
        model(x, training=True)
        gradcheck.freeze_masks(model)
        mask = model.layers[2].fixed_mask
        assert mask is model.layers[2].last_mask
        model(x, training=True)
        np.testing.assert_array_equal(model.layers[2].last_mask, mask)   # the mask was reused
        assert not np.array_equal(model.non_trainable_weights[0], stats[0])
    assert model.layers[2].fixed_mask is None
    for w, s in zip(model.non_trainable_weights, stats):
        np.testing.assert_array_equal(w, s)
