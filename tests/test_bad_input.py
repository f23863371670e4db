"""Bad input at the public edge: each raises ValueError/TypeError whose message names the
argument, what was expected and what was received. (Missing and corrupt data files are tested
with the data loaders.)"""
from __future__ import annotations

import re

import numpy as np
import pytest

from nnref import gradcheck, initializers, layers, losses, regularizers
from nnref.models import Sequential


def model(**kwargs):
    return Sequential([layers.Dense(3, activation="relu"), layers.Dense(2)], input_dim=4, seed=0, **kwargs)


def raises(exc, *fragments):
    """pytest.raises whose message must contain every fragment, in order."""
    return pytest.raises(exc, match=".*".join(re.escape(f) for f in fragments))


# -- inputs -----------------------------------------------------------------------------------

def test_wrong_input_width():
    with raises(ValueError, "x must have 4 features", "Received: x.shape=(2, 5)"):
        model()(np.ones((2, 5)))
    with raises(ValueError, "x must have 4 features", "Received: x.shape=(2, 3)"):
        model().predict(np.ones((2, 3)))


@pytest.mark.parametrize("shape", [(4,), (2, 4, 1), (2, 64, 64, 3)])
def test_x_must_be_2d(shape):
    with raises(ValueError, "x must be 2-D (m, n_features)", f"Received: x.shape={shape}"):
        model()(np.ones(shape))


def test_x_must_hold_real_numbers():
    with raises(TypeError, "x must hold real numbers", "Received: x.dtype=<U1"):
        model()(np.array([["a", "b", "c", "d"]]))
    with raises(TypeError, "x must hold real numbers", "Received: x.dtype=complex128"):
        model()(np.ones((1, 4), dtype=complex))


@pytest.mark.parametrize("bad, shown", [(np.nan, "nan"), (np.inf, "inf"), (-np.inf, "-inf")])
def test_nan_or_inf_in_x(bad, shown):
    x = np.ones((3, 4))
    x[1, 2] = bad
    x[2, 0] = np.nan
    m = model()
    with raises(ValueError, "x must be finite", "Received: 2 non-finite values", f"x[1, 2]={shown}"):
        m(x)
    with raises(ValueError, "x must be finite"):
        m.loss_and_gradients(x, np.zeros(3, dtype=int), loss="sparse_categorical_crossentropy")


# -- labels -----------------------------------------------------------------------------------

def test_labels_with_the_wrong_number_of_rows():
    with raises(ValueError, "y must have one row per example of x (3)", "Received: y.shape=(2,)"):
        model().loss_and_gradients(np.ones((3, 4)), np.zeros(2, dtype=int),
                                   loss="sparse_categorical_crossentropy")


def test_labels_of_the_wrong_shape():
    pred = np.full((3, 2), 0.5)
    with raises(ValueError, "y_true must have the shape of the predictions, (3, 2)",
                "Received: y_true.shape=(3, 3)"):
        losses.CategoricalCrossentropy()(np.eye(3), pred)
    with raises(ValueError, "y_true must have the shape of the predictions, (3, 2)",
                "Received: y_true.shape=(3, 2, 1)"):
        losses.BinaryCrossentropy()(np.ones((3, 2, 1)), pred)
    with raises(ValueError, "y_true must have shape (3,)", "Received: y_true.shape=(3, 2)"):
        losses.SparseCategoricalCrossentropy()(np.zeros((3, 2), dtype=int), pred)
    with raises(ValueError, "y_true must have the shape of the predictions, (3, 2)",
                "Received: y_true.shape=(3,)"):
        model().loss_and_gradients(np.ones((3, 4)), np.zeros(3), loss="categorical_crossentropy")


def test_labels_of_the_wrong_dtype():
    pred = np.full((3, 2), 0.5)
    with raises(TypeError, "y_true must hold integer class labels", "Received: y_true.dtype=float64"):
        losses.SparseCategoricalCrossentropy()(np.array([0.0, 1.0, 1.0]), pred)
    with raises(TypeError, "y_true must hold numbers", "Received: y_true.dtype=<U1"):
        losses.CategoricalCrossentropy()(np.array([["a", "b"]] * 3), pred)


def test_labels_out_of_range():
    with raises(ValueError, "y_true labels must be in [0, 2)", "Received: labels from -1 to 2"):
        losses.SparseCategoricalCrossentropy()(np.array([-1, 0, 2]), np.full((3, 2), 0.5))


def test_predictions_must_be_a_2d_float_array():
    with raises(TypeError, "y_pred must be a floating-point ndarray", "Received: y_pred of type list"):
        losses.BinaryCrossentropy()(np.ones((1, 1)), [[0.5]])
    with raises(TypeError, "y_pred must be a floating-point ndarray", "dtype int64"):
        losses.BinaryCrossentropy()(np.ones((1, 1)), np.ones((1, 1), dtype=np.int64))
    with raises(ValueError, "y_pred must be 2-D (m, units)", "Received: y_pred.shape=(3,)"):
        losses.BinaryCrossentropy()(np.ones(3), np.full(3, 0.5))


# -- names ------------------------------------------------------------------------------------

def test_unknown_activation():
    for make in (lambda: layers.Dense(3, activation="relux"), lambda: layers.Activation("relux")):
        with raises(ValueError, "Unknown activation: expected one of", "'sigmoid'", "'tanh'",
                    "Received: activation='relux'"):
            make()
    with raises(TypeError, "activation must be a name (str) or None", "Received: activation=3"):
        layers.Dense(3, activation=3)


def test_unknown_initializer():
    with raises(ValueError, "Unknown initializer: expected one of", "'he_normal'",
                "Received: kernel_initializer='he_normall'"):
        layers.Dense(3, kernel_initializer="he_normall")
    with raises(ValueError, "Unknown initializer", "Received: bias_initializer=0"):
        layers.Dense(3, bias_initializer=0)
    with raises(ValueError, "Unknown initializer", "Received: gamma_initializer='one'"):
        layers.BatchNormalization(gamma_initializer="one")
    with raises(ValueError, "Unknown initializer", "Received: initializer='xavier'"):
        initializers.get("xavier")


def test_unknown_loss():
    with raises(ValueError, "Unknown loss: expected a Loss, a loss function or one of",
                "'binary_crossentropy'", "Received: loss='hinge'"):
        losses.get("hinge")
    with raises(ValueError, "Unknown loss", "Received: loss='crossentropy'"):
        model().loss_and_gradients(np.ones((2, 4)), np.zeros(2, dtype=int), loss="crossentropy")
    with raises(ValueError, "reduction must be one of ('mean', 'sum', 'none')", "Received: reduction='avg'"):
        losses.CategoricalCrossentropy(reduction="avg")
    with raises(ValueError, "epsilon must be in [0, 0.5)", "Received: epsilon=0.5"):
        losses.BinaryCrossentropy(epsilon=0.5)


def test_unknown_regularizer():
    with raises(ValueError, "Unknown regularizer: expected None, a Regularizer or one of", "'l2'",
                "Received: kernel_regularizer='l3'"):
        layers.Dense(3, kernel_regularizer="l3")
    with raises(ValueError, "Unknown regularizer", "Received: regularizer=0.01"):
        regularizers.get(0.01)
    with raises(ValueError, "l2 must be a finite number >= 0", "Received: l2=-1"):
        regularizers.L2(-1)
    with raises(ValueError, "l1 must be a finite number >= 0", "Received: l1=nan"):
        regularizers.L1(float("nan"))
    with raises(TypeError, "l2 must be a finite number >= 0", "Received: l2='0.1'"):
        regularizers.L2("0.1")
    with raises(ValueError, "convention must be one of ('course', 'keras')", "Received: convention='tf'"):
        regularizers.L2(0.1, convention="tf")


# -- layer and model arguments ----------------------------------------------------------------

@pytest.mark.parametrize("rate", [1.0, 1.5, -0.1, float("nan"), "0.5", True])
def test_dropout_rate_outside_0_1(rate):
    with raises(ValueError, "rate must be in [0, 1)", f"Received: rate={rate!r}"):
        layers.Dropout(rate)


@pytest.mark.parametrize("momentum", [1.5, -0.01, float("inf"), None])
def test_batchnorm_momentum_outside_0_1(momentum):
    with raises(ValueError, "momentum must be in [0, 1]", f"Received: momentum={momentum!r}"):
        layers.BatchNormalization(momentum=momentum)


def test_batchnorm_other_arguments():
    with raises(ValueError, "epsilon must be a finite number > 0", "Received: epsilon=0"):
        layers.BatchNormalization(epsilon=0)
    with raises(ValueError, "moving_variance must be one of ('biased', 'unbiased')",
                "Received: moving_variance='bessel'"):
        layers.BatchNormalization(moving_variance="bessel")


@pytest.mark.parametrize("units", [0, -3, 2.5, True])
def test_dense_units(units):
    with raises(ValueError, "units must be an integer >= 1", f"Received: units={units!r}"):
        layers.Dense(units)


@pytest.mark.parametrize("dtype", ["float16", "int32", "floaty", np.complex64])
def test_bad_dtype(dtype):
    with raises(ValueError, "dtype must be one of ('float32', 'float64')", f"Received: dtype={dtype!r}"):
        Sequential([layers.Dense(2)], dtype=dtype)


def test_bad_input_dim_and_layers():
    with raises(ValueError, "input_dim must be an integer >= 1 or None", "Received: input_dim=0"):
        Sequential([layers.Dense(2)], input_dim=0)
    with raises(TypeError, "Sequential.add expects an nnref layer", "Received: str"):
        Sequential(["dense"])
    with raises(TypeError, "name must be a str", "Received: name=5"):
        layers.Dense(2, name=5)


def test_dropout_fixed_mask_of_the_wrong_shape():
    d = layers.Dropout(0.5)
    d.build(3, np.dtype("float64"), np.random.default_rng(0))
    d.fixed_mask = np.ones((2, 2), dtype=bool)
    with raises(ValueError, "fixed_mask must have the input's shape (4, 3)",
                "Received: fixed_mask.shape=(2, 2)"):
        d.forward(np.ones((4, 3)), training=True)


def test_set_weights_with_a_non_numeric_array():
    m = model()
    weights = m.get_weights()
    weights[1] = np.array(["a", "b", "c"])
    with raises(TypeError, "weight 1 must be numeric", "Received: dtype <U1"):
        m.set_weights(weights)


def test_unbuilt_model():
    with raises(ValueError, "get_weights needs a built model"):
        Sequential([layers.Dense(2)]).get_weights()


def test_gradcheck_arguments():
    with raises(ValueError, "epsilon must be a finite number > 0", "Received: epsilon=-1"):
        gradcheck.numerical_gradient(lambda: 0.0, np.ones(2), epsilon=-1)
