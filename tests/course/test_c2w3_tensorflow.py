"""nnref.course.c2w3_tensorflow (the TensorFlow assignment in NumPy) against its formulas.

The TensorFlow originals are compared in tests/parity/test_course_c2w3.py.
"""
from __future__ import annotations

import numpy as np
import pytest

from nnref.course import c2w3_tensorflow as t3

KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")


@pytest.fixture(scope="module")
def signs_subset(signs):
    """100 training and 40 test images in the course layout: X (12288, m) / 255, Y one-hot (6, m)."""
    x_train, y_train, x_test, y_test, _ = t3.load_dataset()
    X = (x_train[:100].reshape(100, -1).T / 255.)
    Xt = (x_test[:40].reshape(40, -1).T / 255.)
    Y = t3.one_hot_matrix(y_train[0, :100]).astype(float)
    Yt = t3.one_hot_matrix(y_test[0, :40]).astype(float)
    return X, Y, Xt, Yt


def plain_forward(X, p):
    A1 = np.maximum(0, p["W1"] @ X + p["b1"])
    A2 = np.maximum(0, p["W2"] @ A1 + p["b2"])
    return p["W3"] @ A2 + p["b3"]


def plain_total_loss(Z, Y):
    """Σ_i −Σ_k y_ki·log softmax(z_i)_k, softmax over each column."""
    logp = Z - np.log(np.sum(np.exp(Z), axis=0, keepdims=True))
    return -np.sum(Y * logp)


def small_parameters(seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return {k: (rng.standard_normal(s) * 0.05).astype(dtype) for k, s in t3.SHAPES.items()}


def test_load_dataset_layout(signs):
    x_train, y_train, x_test, y_test, classes = t3.load_dataset()
    assert x_train.shape == (1080, 64, 64, 3) and y_train.shape == (1, 1080)
    assert x_test.shape == (120, 64, 64, 3) and y_test.shape == (1, 120)
    np.testing.assert_array_equal(y_train[0], signs[1])
    np.testing.assert_array_equal(classes, np.arange(6))


def test_normalize():
    image = np.arange(2 * 2 * 3, dtype=np.uint8).reshape(2, 2, 3)
    v = t3.normalize(image)
    assert v.shape == (12,) and v.dtype == np.float32
    np.testing.assert_array_equal(v, np.arange(12, dtype=np.float32) / np.float32(255))


def test_linear_function_course_output():
    Y = t3.linear_function()
    np.testing.assert_allclose(Y, [[-2.15657382], [2.95891446], [-1.08926781], [-0.84538042]], atol=5e-9)
    np.random.seed(1)
    X, W, b = np.random.randn(3, 1), np.random.randn(4, 3), np.random.randn(4, 1)
    np.testing.assert_allclose(Y, W @ X + b, rtol=1e-14)


def test_sigmoid_float32():
    a = t3.sigmoid(np.array([-1, 0, 12]))
    assert a.dtype == np.float32
    # the course's notebook prints 0.26894143, 0.5, 0.99999386: TensorFlow's float32 sigmoid,
    # which rounds sigmoid(-1) one float32 step (~1e-7 relative) away from ours
    np.testing.assert_allclose(a, [0.26894143, 0.5, 0.99999386], rtol=2e-7)


def test_one_hot_matrix():
    v = t3.one_hot_matrix(1, C=4)
    assert v.shape == (4,) and v.dtype == np.float32
    np.testing.assert_array_equal(v, [0, 1, 0, 0])
    M = t3.one_hot_matrix(np.array([2, 0, 5]))
    assert M.shape == (6, 3)
    np.testing.assert_array_equal(M, np.eye(6, dtype=np.float32)[:, [2, 0, 5]])
    np.testing.assert_array_equal(t3.one_hot_matrix(7), np.zeros(6))      # as tf.one_hot
    with pytest.raises(TypeError, match="label must be an integer"):
        t3.one_hot_matrix(1.5)
    with pytest.raises(ValueError, match="C must be an integer >= 1"):
        t3.one_hot_matrix(1, C=0)


def test_initialize_parameters_glorot_normal():
    p = t3.initialize_parameters()
    assert list(p) == list(KEYS)
    assert {k: v.shape for k, v in p.items()} == t3.SHAPES
    assert all(v.dtype == np.float32 for v in p.values())
    sigma = np.sqrt(2 / (25 + 12288))            # Keras's fans of a (25, 12288) shape
    assert np.max(np.abs(p["W1"])) <= 2 * sigma / 0.87962566103423978 + 1e-7   # truncated at 2σ'
    assert np.std(p["W1"]) == pytest.approx(sigma, rel=0.01)   # 307200 draws: ~0.13 % sampling error
    again = t3.initialize_parameters()
    assert all(np.array_equal(p[k], again[k]) for k in KEYS)
    other = t3.initialize_parameters(seed=2, dtype=np.float64)
    assert other["W1"].dtype == np.float64 and not np.allclose(other["W1"], p["W1"])


def test_forward_propagation_and_loss():
    p = small_parameters()
    X = np.random.default_rng(1).random((12288, 5))
    Y = t3.one_hot_matrix(np.array([0, 3, 5, 1, 1])).astype(float)
    Z3 = t3.forward_propagation(X, p)
    assert Z3.shape == (6, 5)
    np.testing.assert_allclose(Z3, plain_forward(X, p), rtol=1e-12)
    loss = t3.compute_total_loss(Z3, Y)
    assert np.shape(loss) == ()
    assert loss == pytest.approx(plain_total_loss(Z3, Y), rel=1e-13)
    with pytest.raises(ValueError, match="labels must have the shape of logits"):
        t3.compute_total_loss(Z3, Y[:, :3])


def test_compute_total_loss_course_logits():
    """The course's test logits (two examples); the total is the sum, not the mean."""
    pred = np.array([[2.4048107, 5.0334096], [-0.7921977, -4.1523376], [0.9447198, -0.46802214],
                     [1.158121, 3.9810789], [4.768706, 2.3220146], [6.1481323, 3.909829]])
    labels = t3.one_hot_matrix(np.array([5, 0])).astype(float)
    total = t3.compute_total_loss(pred, labels)
    assert total == pytest.approx(plain_total_loss(pred, labels), rel=1e-14)
    per_example = [plain_total_loss(pred[:, [i]], labels[:, [i]]) for i in range(2)]
    assert total == pytest.approx(sum(per_example), rel=1e-14)


def keras_adam_plain(w, g, m, v, t, lr=1e-4, b1=0.9, b2=0.999, eps=1e-7):
    """Keras's Adam step written out (β^t with β rounded to float32)."""
    b1t = float(np.float32(b1)) ** t
    b2t = float(np.float32(b2)) ** t
    alpha = lr * np.sqrt(1 - b2t) / (1 - b1t)
    m = m + (g - m) * (1 - b1)
    v = v + (g * g - v) * (1 - b2)
    return w - m * alpha / (np.sqrt(v) + eps), m, v


def plain_gradients(X, Y, p):
    Z1 = p["W1"] @ X + p["b1"]; A1 = np.maximum(0, Z1)                      # noqa: E702
    Z2 = p["W2"] @ A1 + p["b2"]; A2 = np.maximum(0, Z2)                     # noqa: E702
    Z3 = p["W3"] @ A2 + p["b3"]
    S = np.exp(Z3) / np.sum(np.exp(Z3), axis=0, keepdims=True)
    dZ3 = S - Y
    dZ2 = (p["W3"].T @ dZ3) * (Z2 > 0)
    dZ1 = (p["W2"].T @ dZ2) * (Z1 > 0)
    grads = {"W3": dZ3 @ A2.T, "b3": dZ3.sum(1, keepdims=True), "W2": dZ2 @ A1.T,
             "b2": dZ2.sum(1, keepdims=True), "W1": dZ1 @ X.T, "b1": dZ1.sum(1, keepdims=True)}
    return plain_total_loss(Z3, Y), Z3, grads


@pytest.mark.data
def test_model_follows_the_course_loop(signs_subset, capsys):
    X, Y, Xt, Yt = signs_subset
    p0 = small_parameters(3)
    params, costs, train_acc, test_acc = t3.model(X, Y, Xt, Yt, num_epochs=3, record_every=1,
                                                  initial_parameters=p0)
    p = {k: v.copy() for k, v in p0.items()}
    m_, v_ = ({k: np.zeros_like(w) for k, w in p.items()} for _ in range(2))
    t, expected_costs, expected_train = 0, [], []
    for _ in range(3):
        total, correct = 0.0, 0
        for start in range(0, 100, 32):                                     # in order, no shuffling
            loss, Z3, g = plain_gradients(X[:, start:start + 32], Y[:, start:start + 32], p)
            correct += np.sum(Z3.argmax(0) == Y[:, start:start + 32].argmax(0))
            t += 1
            for k in p:
                p[k], m_[k], v_[k] = keras_adam_plain(p[k], g[k], m_[k], v_[k], t)
            total += loss
        expected_costs.append(total / 100)
        expected_train.append(correct / 100)
    np.testing.assert_allclose(costs, expected_costs, rtol=1e-12)
    for k in KEYS:
        # Adam's normalized step amplifies rounding differences of near-zero gradient entries.
        np.testing.assert_allclose(params[k], p[k], rtol=1e-10, atol=1e-15)
        np.testing.assert_array_equal(p0[k], small_parameters(3)[k])         # initial weights copied
    assert train_acc == expected_train
    assert test_acc[-1] == np.mean(plain_forward(Xt, p).argmax(0) == Yt.argmax(0))
    assert capsys.readouterr().out.count("Cost after epoch") == 3


@pytest.mark.data
def test_model_records_only_when_printing_and_keeps_float32(signs_subset):
    X, Y, Xt, Yt = (a.astype(np.float32) for a in signs_subset)
    params, costs, train_acc, test_acc = t3.model(X, Y, Xt, Yt, num_epochs=2, print_cost=False)
    assert costs == train_acc == test_acc == []
    assert all(w.dtype == np.float32 for w in params.values())
    params, costs, _, _ = t3.model(X, Y, Xt, Yt, num_epochs=1, print_cost=True)
    assert len(costs) == 1 and costs[0].dtype == np.float32


def test_model_bad_labels():
    X = np.zeros((12288, 4))
    with pytest.raises(ValueError, match=r"Y_train must be one-hot of shape \(6, 4\)"):
        t3.model(X, np.zeros((1, 4)), X, np.zeros((6, 4)))
