"""Predictions at the decision boundary: σ(0) = 1/(1 + e⁰) = 0.5 exactly, and the course's rule is
"1 if activation > 0.5" (every predict in the course's notebooks and *_utils.py), so an activation
of exactly 0.5 is class 0. Each network below is wired by hand so that its inputs −2, 0, 2 reach
the output unit as logits < 0, = 0 and > 0: the expected labels are 0, 0, 1."""
from __future__ import annotations

import numpy as np
import pytest

from nnref.course import c1w2_logistic_regression, c1w3_planar, c1w4_application, c2w1_regularization
from nnref.losses import BinaryCrossentropy
from nnref.training import accuracy

X = np.array([[-2.0, 0.0, 2.0]])                  # (n_x = 1, m = 3)
EXPECTED = np.array([[0.0, 0.0, 1.0]])
ONE, ZERO = np.ones((1, 1)), np.zeros((1, 1))


def test_sigmoid_of_zero_is_exactly_one_half():
    from nnref.functional.activations import sigmoid

    assert sigmoid(np.zeros(1))[0] == 0.5


def test_logistic_regression_predict():
    np.testing.assert_array_equal(c1w2_logistic_regression.predict(ONE, 0.0, X), EXPECTED)


def test_planar_predict():             # tanh hidden unit: tanh(0) = 0, so the output logit is 0
    parameters = {"W1": ONE, "b1": ZERO, "W2": ONE, "b2": ZERO}
    np.testing.assert_array_equal(c1w3_planar.predict(parameters, X), EXPECTED.astype(bool))


def test_deep_network_predict(capsys):  # relu hidden unit: relu(−2) = relu(0) = 0
    parameters = {"W1": ONE, "b1": ZERO, "W2": ONE, "b2": ZERO}
    np.testing.assert_array_equal(c1w4_application.predict(X, EXPECTED, parameters), EXPECTED)
    assert capsys.readouterr().out == "Accuracy: 1.0\n"


def test_three_layer_predict(capsys):
    parameters = {"W1": ONE, "b1": ZERO, "W2": ONE, "b2": ZERO, "W3": ONE, "b3": ZERO}
    np.testing.assert_array_equal(c2w1_regularization.predict(X, EXPECTED, parameters), EXPECTED)
    np.testing.assert_array_equal(c2w1_regularization.predict_dec(parameters, X), EXPECTED.astype(bool))


@pytest.mark.parametrize("from_logits, boundary", [(True, 0.0), (False, 0.5)])
def test_training_accuracy_counts_the_boundary_as_class_0(from_logits, boundary):
    loss = BinaryCrossentropy(from_logits=from_logits)
    out = np.array([[boundary], [np.nextafter(boundary, 1.0)]])      # (m, 1): on and just above
    assert accuracy(np.array([[0.0], [1.0]]), out, loss) == 1.0
    assert accuracy(np.array([[1.0], [1.0]]), out, loss) == 0.5
