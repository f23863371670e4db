"""The loss that training reports includes the weight penalties, as Keras's does: the value of
``train_on_batch``, of ``fit``'s history and of ``evaluate`` is the data loss plus l2·ΣW², each
recomputed here by hand from the weights before the step."""
from __future__ import annotations

import numpy as np
import pytest

from nnref import layers, regularizers
from nnref.models import Sequential

L2 = 0.5                      # large, so that the penalty is most of the loss


def model():
    net = Sequential([layers.Dense(3, activation="sigmoid", kernel_regularizer=regularizers.L2(L2))],
                     input_dim=4, seed=0)
    net.compile(optimizer="sgd", loss="binary_crossentropy")
    return net


def by_hand(net, x, y):
    """Binary cross-entropy of p = σ(x·W + b), averaged over every output, plus l2·ΣW² (the bias
    is not regularized)."""
    W, b = net.get_weights()
    p = 1 / (1 + np.exp(-(x @ W + b)))
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)) + L2 * np.sum(W ** 2))


@pytest.fixture
def data():
    rng = np.random.default_rng(3)
    return rng.standard_normal((8, 4)), rng.integers(0, 2, (8, 3)).astype(np.float64)


def test_train_on_batch_reports_the_loss_with_the_penalty(data):
    net = model()
    want = by_hand(net, *data)
    assert net.train_on_batch(*data) == pytest.approx(want, rel=1e-14, abs=0)   # summation order


def test_fit_history_reports_the_loss_with_the_penalty(data):
    net = model()
    want = by_hand(net, *data)
    history = net.fit(*data, epochs=1, batch_size=8, shuffle=False, verbose=0)
    assert history.history["loss"][0] == pytest.approx(want, rel=1e-14, abs=0)


def test_evaluate_reports_the_loss_with_the_penalty(data):
    net = model()
    want = by_hand(net, *data)
    got = net.evaluate(*data, batch_size=8, verbose=0)["loss"]
    assert got == pytest.approx(want, rel=1e-14, abs=0)                         # summation order
