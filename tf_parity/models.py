"""Keras reference models: an nnref ``Sequential`` as the equivalent ``keras.Sequential``, and back.

    keras_model = to_keras(model)               # same layers, same weights, same dtype
    model = from_keras(keras_model)             # an nnref Sequential with Keras's weights
    transfer_weights(keras_model, model)        # get_weights() -> set_weights(), checked

Layer by layer (batch-first on both sides, weights in Keras's order):

============================================  ===============================================
nnref                                         Keras
============================================  ===============================================
Dense(units, activation, use_bias,            Dense(units, activation, use_bias,
      kernel/bias_regularizer=L2(l2))               kernel/bias_regularizer=L2(l2))
Activation(name), Softmax()                   Activation(name), Softmax()
BatchNormalization(momentum, epsilon)         BatchNormalization(momentum, epsilon)
Dropout(rate)                                 MaskedDropout(rate) (``dropout="masked"``, the
                                              default: the mask is fed from nnref) or
                                              Dropout(rate) (``dropout="keras"``)
============================================  ===============================================

Regularizer factors are passed as they are: Keras rounds them to float32 when it applies them, so
an nnref ``L2(l2, convention="keras")`` is Keras's ``L2(l2)`` bit for bit, and an nnref
``L2(l2)`` (course convention) differs from it by the rounding of ``l2`` (relative ≤ 2⁻²⁴).
``BatchNormalization(moving_variance="unbiased")`` has no Keras counterpart and is refused.
"""
from __future__ import annotations

import keras
import numpy as np

from nnref import layers as nn_layers
from nnref import regularizers as nn_regularizers
from nnref.models import Sequential
from tf_parity.extensions import MaskedDropout

DROPOUT_MODES = ("masked", "keras")


# ------------------------------------------------------------------------------- regularizers
def _keras_regularizer(reg):
    """nnref regularizer (or None) -> the Keras regularizer with the same factors."""
    if reg is None:
        return None
    if isinstance(reg, nn_regularizers.L1L2):
        if reg.l1 and reg.l2:
            return keras.regularizers.L1L2(l1=reg.l1, l2=reg.l2)
        if reg.l1:
            return keras.regularizers.L1(reg.l1)
        return keras.regularizers.L2(reg.l2)
    raise TypeError(f"No Keras counterpart for the regularizer {reg!r}. "
                    "Expected an nnref L1, L2 or L1L2.")


def _nnref_regularizer(reg):
    """Keras regularizer (or None) -> nnref's, with ``convention="keras"`` (Keras's rounding)."""
    if reg is None:
        return None
    l1, l2 = float(getattr(reg, "l1", 0.0) or 0.0), float(getattr(reg, "l2", 0.0) or 0.0)
    if type(reg) in (keras.regularizers.L1, keras.regularizers.L2, keras.regularizers.L1L2):
        return nn_regularizers.L1L2(l1=l1, l2=l2, convention="keras")
    raise TypeError(f"No nnref counterpart for the Keras regularizer {type(reg).__name__}. "
                    "Expected keras.regularizers.L1, L2 or L1L2.")


# ------------------------------------------------------------------------------- layers
def keras_layer(layer, dtype: str, dropout: str = "masked"):
    """The Keras layer equivalent to one nnref layer (weights not set yet)."""
    common = {"name": layer.name, "dtype": dtype}
    if isinstance(layer, nn_layers.Dense):
        return keras.layers.Dense(
            layer.units, activation=layer.activation, use_bias=layer.use_bias,
            kernel_regularizer=_keras_regularizer(layer.kernel_regularizer),
            bias_regularizer=_keras_regularizer(layer.bias_regularizer), **common)
    if isinstance(layer, nn_layers.Softmax):
        return keras.layers.Softmax(**common)
    if isinstance(layer, nn_layers.Activation):
        return keras.layers.Activation(layer.activation, **common)
    if isinstance(layer, nn_layers.BatchNormalization):
        if layer.moving_variance_mode != "biased":
            raise ValueError("Keras's BatchNormalization keeps the biased moving variance; "
                             "expected moving_variance='biased'. "
                             f"Received: moving_variance={layer.moving_variance_mode!r}")
        return keras.layers.BatchNormalization(momentum=layer.momentum, epsilon=layer.epsilon,
                                               **common)
    if isinstance(layer, nn_layers.Dropout):
        if dropout == "masked":
            return MaskedDropout(layer.rate, **common)
        return keras.layers.Dropout(layer.rate, **common)
    raise TypeError(f"No Keras counterpart for the nnref layer {type(layer).__name__}.")


def nnref_layer(layer):
    """The nnref layer equivalent to one Keras layer (weights not set yet)."""
    name = layer.name
    if isinstance(layer, keras.layers.Dense):
        return nn_layers.Dense(
            layer.units, activation=_activation_name(layer.activation), use_bias=layer.use_bias,
            kernel_regularizer=_nnref_regularizer(layer.kernel_regularizer),
            bias_regularizer=_nnref_regularizer(layer.bias_regularizer), name=name)
    if isinstance(layer, keras.layers.Softmax):
        return nn_layers.Softmax(name=name)
    if isinstance(layer, keras.layers.Activation):
        return nn_layers.Activation(_activation_name(layer.activation), name=name)
    if isinstance(layer, keras.layers.BatchNormalization):
        if (not layer.center or not layer.scale or layer.axis not in (-1, 1)
                or layer.renorm or layer.synchronized):
            raise ValueError(f"Only a plain BatchNormalization over the features converts "
                             f"(center, scale, axis=-1, no renorm). Received: {layer.name}")
        return nn_layers.BatchNormalization(momentum=layer.momentum, epsilon=layer.epsilon,
                                            name=name)
    if isinstance(layer, (keras.layers.Dropout, MaskedDropout)):
        return nn_layers.Dropout(layer.rate, name=name)
    raise TypeError(f"No nnref counterpart for the Keras layer {type(layer).__name__}.")


def _activation_name(fn) -> str:
    name = getattr(fn, "__name__", None)
    if name not in ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "softmax"):
        raise ValueError(f"No nnref counterpart for the activation {fn!r}.")
    return name


# ------------------------------------------------------------------------------- models
def to_keras(model: Sequential, dropout: str = "masked") -> keras.Sequential:
    """The ``keras.Sequential`` equivalent to a built nnref ``model``, with the same weights.

    Args:
        model: a built nnref ``Sequential`` (give it ``input_dim``).
        dropout: "masked" (default) turns each Dropout into a :class:`MaskedDropout` whose mask
            parity code copies from nnref's; "keras" uses ``keras.layers.Dropout``.
    Returns:
        A built ``keras.Sequential``: input ``(None, input_dim)``, every layer in ``model.dtype``.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be an nnref Sequential. Received: {type(model).__name__}")
    if not model.built:
        raise ValueError("model must be built: pass input_dim= to Sequential or call it once.")
    if dropout not in DROPOUT_MODES:
        raise ValueError(f"dropout must be one of {DROPOUT_MODES}. Received: dropout={dropout!r}")
    dtype = model.dtype.name
    keras_model = keras.Sequential(
        [keras.Input((model.input_dim,), dtype=dtype),
         *(keras_layer(layer, dtype, dropout) for layer in model.layers)],
        name=model.name)
    transfer_weights(model, keras_model)
    return keras_model


def from_keras(keras_model, dtype=None, seed: int | None = None) -> Sequential:
    """The nnref ``Sequential`` equivalent to a built Keras Sequential, with its weights.

    Args:
        keras_model: a built ``keras.Sequential`` of Dense, Activation, Softmax,
            BatchNormalization, Dropout and MaskedDropout layers.
        dtype: the nnref model's dtype; defaults to the Keras model's variable dtype.
        seed: seeds the nnref model's generator (its dropout masks).
    """
    if not isinstance(keras_model, keras.Sequential) or not keras_model.built:
        raise TypeError("keras_model must be a built keras.Sequential. "
                        f"Received: {type(keras_model).__name__}")
    input_dim = keras_model.inputs[0].shape[-1]
    if dtype is None:
        dtype = keras_model.weights[0].dtype if keras_model.weights else keras.backend.floatx()
    model = Sequential([nnref_layer(layer) for layer in keras_model.layers], input_dim=input_dim,
                       dtype=dtype, seed=seed, name=keras_model.name)
    transfer_weights(keras_model, model)
    return model


def transfer_weights(source, target) -> None:
    """``target.set_weights(source.get_weights())`` between nnref and Keras models (either way),
    after checking that every array has the target's shape."""
    values = [np.asarray(w) for w in source.get_weights()]
    shapes = [tuple(w.shape) for w in target.get_weights()]
    if [v.shape for v in values] != shapes:
        raise ValueError(f"The models' weights do not match: the target expects shapes {shapes}. "
                         f"Received: {[v.shape for v in values]}")
    target.set_weights(values)


def dropout_pairs(model: Sequential, keras_model) -> list:
    """``[(nnref Dropout, Keras MaskedDropout), ...]``: the layers whose masks must be shared."""
    return [(a, b) for a, b in zip(model.layers, keras_model.layers)
            if isinstance(a, nn_layers.Dropout) and isinstance(b, MaskedDropout)]


def share_dropout_masks(model: Sequential, keras_model) -> None:
    """Give each Keras ``MaskedDropout`` the mask nnref's Dropout used in its last training call."""
    for nn_dropout, keras_dropout in dropout_pairs(model, keras_model):
        keras_dropout.set_mask(nn_dropout.last_mask)
