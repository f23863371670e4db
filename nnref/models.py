"""Sequential: a stack of layers with a forward pass, a backward pass and Keras's weight order.

Batch-first: ``x`` is (m, input_dim). The model owns one ``numpy.random.Generator`` (from
``seed``) from which it derives an independent generator per layer at build time, so initial
weights and dropout masks are reproducible and no global state is touched.
This module is the layer stack (structure, build, forward, backward, weights, gradients,
regularization); the Keras ``Model`` surface on top of it (compile, fit, evaluate, predict, the
loss recipe, configs, files) is the ``Trainer`` mixin of ``nnref.trainer``, as Keras 3 splits it.
"""
from __future__ import annotations

import numpy as np

from nnref._checks import check_bool, check_float_dtype, check_int, check_type
from nnref.data import as_rng
from nnref.layers.base import Layer, default_name, input_width
from nnref.layers.input import InputLayer
from nnref.saving import load_model, model_from_json      # Keras's keras.models.load_model, ...
from nnref.trainer import Trainer

__all__ = ["Sequential", "load_model", "model_from_json"]


class Sequential(Trainer):
    """A linear stack of layers.

    Args:
        layers: a list of ``nnref.layers`` instances (more can be ``add``-ed); the first may be
            ``nnref.Input(shape=(n,))``, or a layer given ``input_shape=(n,)``, as in Keras.
        input_dim: the input width n; the model builds on the first call if omitted.
        dtype: "float64" (default) or "float32"; weights, activations and gradients all use it.
        seed: seeds the model's generator (initializers, dropout masks). None: fresh entropy.
        name: defaults to "sequential". trainable: False freezes every layer.
    """

    def __init__(self, layers=None, input_dim: int | None = None, dtype="float64",
                 seed: int | None = None, name: str = "sequential", trainable: bool = True):
        self.dtype = check_float_dtype(dtype)
        self.input_dim = check_int("input_dim", input_dim, low=1, allow_none=True)
        self.rng = as_rng(seed)                      # int >= 0, Generator or None
        self.seed = seed
        self.name = name
        self.layers: list[Layer] = []
        self.built = False
        super().__init__()                           # Trainer: optimizer, loss, metrics, history
        check_type("layers", layers, (list, tuple), "a list of nnref layers", allow_none=True)
        layers = list(layers or [])
        for i, layer in enumerate(layers):               # all checked before any is added
            if not isinstance(layer, InputLayer):
                self._check_new_layer(layer, layers[:i])
        for layer in layers:
            self._append(layer)
        if not trainable:
            self.trainable = False
        if self.input_dim is not None and self.layers:
            self.build(self.input_dim)

    # -- structure --------------------------------------------------------------------------
    def _check_new_layer(self, layer, pending=()) -> None:
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add expects an nnref layer. Received: {type(layer).__name__}")
        owner = getattr(layer, "_model", None)
        if owner is not None or any(layer is other for other in (*self.layers, *pending)):
            where = "this model" if owner is self or owner is None else f"model {owner.name!r}"
            raise ValueError(f"Layer {layer.name!r} already belongs to {where}: a layer holds one "
                             f"model's weights, so sharing it would change that model. Create a "
                             f"new layer. Received: {layer!r}")

    def add(self, layer: Layer) -> None:
        """Append a layer; ``nnref.Input(shape=(n,))`` (first only) sets the input width. Once
        the width is known the model is built as layers come, as Keras's."""
        self._append(layer)
        if not self.built and self.input_dim is not None and self.layers:
            self.build(self.input_dim)

    def _append(self, layer: Layer) -> None:
        if isinstance(layer, InputLayer):
            if self.layers:
                raise ValueError("An Input must be the first item of a Sequential model. "
                                 f"Received: Input(shape={layer.shape}) after {len(self.layers)} layers")
            self._set_input_dim(layer.input_dim, f"Input(shape={layer.shape})")
            return
        self._check_new_layer(layer)
        if layer.input_shape_arg is not None:
            if self.layers:
                raise ValueError(f"Only the first layer may have an input_shape. Received: "
                                 f"input_shape={(layer.input_shape_arg,)} on layer {len(self.layers)}")
            self._set_input_dim(layer.input_shape_arg, f"input_shape={(layer.input_shape_arg,)}")
        if layer.name is None:
            layer.name = default_name(layer, self.layers)
        if self.built:
            self.output_dim = layer.build(self.output_dim, self.dtype, self.rng.spawn(1)[0])
        layer._model = self
        self.layers.append(layer)

    def _set_input_dim(self, width: int, given: str) -> None:
        if self.input_dim is not None and self.input_dim != width:
            raise ValueError(f"The model's input width is already {self.input_dim}. Received: {given}")
        self.input_dim = width

    def pop(self) -> Layer:
        """Remove and return the last layer (Keras: the model is rebuilt without it)."""
        if not self.layers:
            raise IndexError("pop from an empty Sequential model: it has no layers.")
        layer = self.layers.pop()
        layer._model = None
        if self.built:
            self.output_dim = self.layers[-1].output_dim if self.layers else self.input_dim
            self.built = bool(self.layers)
        return layer

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A layer by name or by index (Keras's rule: index wins when both are given)."""
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only "
                                 f"has {len(self.layers)} layers.")
            return self.layers[index]
        if name is None:
            raise ValueError("Provide either a layer name or layer index at `get_layer`.")
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: "
                         f"{[layer.name for layer in self.layers]}.")

    @property
    def trainable(self) -> bool:
        return all(layer.trainable for layer in self.layers)

    @trainable.setter
    def trainable(self, value: bool) -> None:
        for layer in self.layers:
            layer.trainable = check_bool("trainable", value)

    @property
    def input_shape(self) -> tuple:
        self._require_shape()
        return (None, self.input_dim)

    @property
    def output_shape(self) -> tuple:
        self._require_shape()
        return (None, self.output_dim)

    def build(self, input_shape=None) -> None:
        """Create every layer's weights for inputs of shape ``(None, n)`` (or width n)."""
        if self.built:
            return
        if not self.layers:
            raise ValueError("A Sequential model needs at least one layer before it is built.")
        if input_shape is None:
            input_shape = self.input_dim
        if input_shape is None:
            raise ValueError("build needs an input_shape such as (None, n): the model has no "
                             "Input. Received: input_shape=None")
        width = input_width(input_shape)
        input_dim = width
        for layer, layer_rng in zip(self.layers, self.rng.spawn(len(self.layers))):
            width = layer.build(width, self.dtype, layer_rng)
        self.input_dim = int(input_dim)
        self.output_dim = width
        self.built = True

    # -- variables ---------------------------------------------------------------------------
    @property
    def weights(self) -> list[np.ndarray]:
        return [w for layer in self.layers for w in layer.weights]

    @property
    def trainable_weights(self) -> list[np.ndarray]:
        return [w for layer in self.layers for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self) -> list[np.ndarray]:
        return [w for layer in self.layers for w in layer.non_trainable_weights]

    def get_weights(self) -> list[np.ndarray]:
        """Copies of every weight, in the order and shapes of keras ``Model.get_weights()``."""
        self._require_built("get_weights")
        return [w.copy() for w in self.weights]

    def set_weights(self, weights) -> None:
        """Set every weight from a list in Keras's order; validated whole before anything changes."""
        self._require_built("set_weights")
        weights = list(weights)
        expected = sum(len(layer.weights) for layer in self.layers)
        if len(weights) != expected:
            raise ValueError(f"set_weights expects {expected} arrays (shapes "
                             f"{[w.shape for w in self.weights]}). Received: {len(weights)} arrays")
        chunks, start = [], 0
        for layer in self.layers:
            n = len(layer.weights)
            chunks.append(layer.check_weights(weights[start:start + n]))
            start += n
        for layer, chunk in zip(self.layers, chunks):
            layer.set_weights(chunk)

    def count_params(self) -> int:
        return sum(w.size for w in self.weights)

    # -- computation ---------------------------------------------------------------------------
    def check_inputs(self, x, name: str = "x") -> np.ndarray:
        """Validate x and convert it to the model's dtype: (m, input_dim), numeric, finite."""
        if not hasattr(x, "shape"):
            x = np.asarray(x)
        if not isinstance(x, np.ndarray):
            raise TypeError(f"{name} must be a NumPy array. Received: {type(x).__name__}")
        if x.dtype.kind not in "biuf":
            raise TypeError(f"{name} must hold real numbers. Received: {name}.dtype={x.dtype}")
        if x.ndim != 2:
            raise ValueError(f"{name} must be 2-D (m, n_features); flatten images first "
                             f"(nnref.data.flatten_images). Received: {name}.shape={x.shape}")
        if not self.built:
            self.build(x.shape[1])
        if x.shape[1] != self.input_dim:
            raise ValueError(f"{name} must have {self.input_dim} features (the model's input_dim). "
                             f"Received: {name}.shape={x.shape}")
        x = x.astype(self.dtype, copy=False)
        if x.dtype.kind == "f" and not np.isfinite(x).all():
            bad = np.argwhere(~np.isfinite(x))                   # (k, 2) indices
            i, j = bad[0]
            raise ValueError(f"{name} must be finite (no NaN or inf). Received: {len(bad)} non-finite "
                             f"values, the first {name}[{i}, {j}]={x[i, j]}")
        return x

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Forward pass on an already validated array of the model's dtype (no checks)."""
        for layer in self.layers:
            x = layer.forward(x, training=training)
        return x

    def backward(self, dy: np.ndarray, input_gradient: bool = True) -> np.ndarray | None:
        """Backward pass from ∂L/∂output (m, output_dim); fills each layer's ``grads``.
        Returns ∂L/∂x (m, input_dim), or None with ``input_gradient=False``, which spares the
        first layer's dx (training does this). Needs a forward pass just before."""
        first, *rest = self.layers
        for layer in reversed(rest):
            dy = layer.backward(dy)
        if not input_gradient:
            first.backward_weights(dy)
            return None
        return first.backward(dy)

    def gradients(self) -> list[np.ndarray]:
        """The gradients from the last ``backward``, aligned with ``trainable_weights``."""
        return [g for layer in self.layers if layer.trainable for g in layer.grads]

    def __call__(self, x, training: bool = False) -> np.ndarray:
        """The model's output for x (m, input_dim): (m, output_dim)."""
        return self.forward(self.check_inputs(x), training=check_bool("training", training))

    def regularization_loss(self) -> float:
        return sum((layer.regularization_loss() for layer in self.layers), 0.0)

    # -- helpers ------------------------------------------------------------------------------
    def _require_built(self, what: str) -> None:
        if not self.built:
            raise ValueError(f"{what} needs a built model: pass input_dim= or call the model once.")

    def _require_shape(self) -> None:
        if not self.built:
            raise AttributeError(f"Sequential model '{self.name}' has no defined output shape "
                                 "yet: build it (input_dim=, nnref.Input, model.build((None, n))) "
                                 "or call it on data.")
