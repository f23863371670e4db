"""The layer protocol shared by every nnref layer.

A layer is built once for an input width and dtype (``build``: Keras's ``build(input_shape)``
with ``input_shape`` a width n or ``(None, n)``), then:
    forward(x, training) -> y     x: (m, n_in) -> y: (m, n_out), keeping what backward needs
    backward(dy) -> dx            dy: (m, n_out) -> dx: (m, n_in); sets ``grads``, aligned with
                                  ``trainable_weights`` and including each regularizer's gradient
    backward_weights(dy)          the same ``grads`` without dx (for a model's first layer)
``weights`` lists every variable in Keras's order (trainable first, then the running statistics).
``trainable = False`` freezes a layer as Keras does: its weights move to ``non_trainable_weights``
(``weights`` keeps its order) and training leaves them unchanged.
``get_config()`` returns the constructor arguments (by name) and ``from_config`` inverts it;
``input_shape=(n,)`` / ``input_dim=n`` (Keras's first-layer arguments) are kept for the model.
"""
from __future__ import annotations

import inspect
import re

import numpy as np

from nnref._checks import check_type


def to_snake_case(name: str) -> str:
    """Keras's ``naming.to_snake_case``: "BatchNormalization" -> "batch_normalization",
    "ReLU" -> "re_lu"."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def default_name(layer, previous) -> str:
    """Keras's unique layer name: the class name in snake case, then ``_1``, ``_2``, ... for
    each later layer of the same class among ``previous`` (``dense``, ``dense_1``, ...). Models
    name their unnamed layers with it; ``.weights.h5`` files name their groups with it."""
    base = to_snake_case(type(layer).__name__)
    count = sum(1 for other in previous if to_snake_case(type(other).__name__) == base)
    return base if count == 0 else f"{base}_{count}"


def input_width(input_shape, argument: str = "input_shape") -> int:
    """n from n, (n,) or (None, n): the feature width of batch-first 2-D inputs."""
    shape = (input_shape,) if isinstance(input_shape, (int, np.integer)) else input_shape
    try:
        shape = tuple(shape)
    except TypeError:
        shape = None
    if shape is not None and len(shape) == 2 and shape[0] is None:
        shape = shape[1:]
    if shape is None or len(shape) != 1 or isinstance(shape[0], bool) \
            or not isinstance(shape[0], (int, np.integer)) or shape[0] < 1:
        raise ValueError(f"{argument} must be (n,), (None, n) or n with n a positive integer: nnref "
                         f"layers take flat (m, n) inputs. Received: {argument}={input_shape!r}")
    return int(shape[0])


def initializer_name(init, argument: str):
    """The registry name of an initializer argument (a name as given, or a registered function);
    a custom callable has none, so a config cannot hold it."""
    from nnref import initializers

    if isinstance(init, str):
        return init
    for name, fn in initializers.INITIALIZERS.items():
        if fn is init:
            return name
    raise ValueError(f"{argument} is a custom callable, which a config cannot name. "
                     f"Received: {argument}={init!r}")


def regularizer_config(reg) -> dict | None:
    """``{"class_name": "L2", "config": {...}}`` for a regularizer, None for none."""
    return None if reg is None else {"class_name": type(reg).__name__, "config": reg.get_config()}


def regularizer_from_config(config, argument: str):
    from nnref import regularizers

    if config is None or not isinstance(config, dict):
        return regularizers.get(config, argument)
    cls = getattr(regularizers, str(config.get("class_name")), None)
    if not (isinstance(cls, type) and issubclass(cls, regularizers.Regularizer)):
        raise ValueError(f"Unknown regularizer class. Received: {argument}={config!r}")
    accepted = inspect.signature(cls).parameters                  # L2 takes no l1, L1 no l2
    return cls(**{k: v for k, v in config.get("config", {}).items() if k in accepted})


class Layer:
    def __init__(self, name: str | None = None, trainable: bool = True, input_shape=None,
                 input_dim=None):
        check_type("name", name, str, "a str", allow_none=True)
        if input_shape is not None and input_dim is not None:
            raise ValueError("Pass input_shape or input_dim, not both. Received: "
                             f"input_shape={input_shape!r}, input_dim={input_dim!r}")
        self.name = name
        self.trainable = bool(trainable)
        self.input_shape_arg = None
        if input_shape is not None or input_dim is not None:
            self.input_shape_arg = input_width(input_shape if input_dim is None else input_dim,
                                               "input_shape" if input_dim is None else "input_dim")
        self.built = False
        self.input_dim: int | None = None
        self.output_dim: int | None = None
        self.dtype: np.dtype | None = None
        self._trainable_weights: list[np.ndarray] = []
        self._non_trainable_weights: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []

    # -- building -------------------------------------------------------------------------
    def build(self, input_shape, dtype="float64", rng: np.random.Generator | None = None) -> int:
        """Create the variables for inputs of shape ``(None, n)`` (or width n); returns the
        output width. ``rng`` draws the initial weights (fresh entropy if None)."""
        self.input_dim = input_width(input_shape)
        self.dtype = np.dtype(dtype)
        rng = np.random.default_rng() if rng is None else rng
        self.output_dim = self._build(self.input_dim, self.dtype, rng)
        self.built = True
        return self.output_dim

    def _build(self, input_dim: int, dtype: np.dtype, rng: np.random.Generator) -> int:
        return input_dim

    @property
    def output_shape(self) -> tuple:
        return (None, self.output_dim)

    # -- configuration --------------------------------------------------------------------
    def get_config(self) -> dict:
        """The constructor arguments, JSON-friendly (initializers and activations by name)."""
        config = {"name": self.name, "trainable": self.trainable, **self._config()}
        if self.input_shape_arg is not None:
            config["input_shape"] = (self.input_shape_arg,)
        return config

    def _config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    # -- variables ------------------------------------------------------------------------
    @property
    def trainable_weights(self) -> list[np.ndarray]:
        return list(self._trainable_weights) if self.trainable else []

    @trainable_weights.setter
    def trainable_weights(self, value) -> None:
        self._trainable_weights = list(value)

    @property
    def non_trainable_weights(self) -> list[np.ndarray]:
        if self.trainable:
            return list(self._non_trainable_weights)
        return self._trainable_weights + self._non_trainable_weights

    @non_trainable_weights.setter
    def non_trainable_weights(self, value) -> None:
        self._non_trainable_weights = list(value)

    @property
    def weights(self) -> list[np.ndarray]:
        return self._trainable_weights + self._non_trainable_weights

    def get_weights(self) -> list[np.ndarray]:
        return [w.copy() for w in self.weights]

    def check_weights(self, weights) -> list[np.ndarray]:
        """Validate a list of arrays for ``set_weights`` without changing anything."""
        own = self.weights
        weights = list(weights)
        if len(weights) != len(own):
            raise ValueError(f"Layer {self.name!r} expects {len(own)} weight arrays "
                             f"(shapes {[w.shape for w in own]}). Received: {len(weights)} arrays")
        checked = []
        for i, (mine, new) in enumerate(zip(own, weights)):
            new = np.asarray(new)
            if new.shape != mine.shape:
                raise ValueError(f"Layer {self.name!r} weight {i} must have shape {mine.shape}. "
                                 f"Received: shape {new.shape}")
            if new.dtype.kind not in "biuf":
                raise TypeError(f"Layer {self.name!r} weight {i} must be numeric. "
                                f"Received: dtype {new.dtype}")
            if new.dtype.kind == "f" and not np.isfinite(new).all():
                bad = new[~np.isfinite(new)]
                raise ValueError(f"Layer {self.name!r} weight {i} must be finite (no NaN or inf). "
                                 f"Received: {bad.size} non-finite values, e.g. {bad[0]}")
            checked.append(new)
        return checked

    def set_weights(self, weights) -> None:
        """Copy values into the existing arrays (so references held by an optimizer stay valid)."""
        for mine, new in zip(self.weights, self.check_weights(weights)):
            np.copyto(mine, new, casting="unsafe")

    def count_params(self) -> int:
        return sum(w.size for w in self.weights)

    # -- computation ----------------------------------------------------------------------
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dy: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward_weights(self, dy: np.ndarray) -> None:
        """Set ``grads`` like ``backward`` without returning dx: what a model's first layer does
        in training, where nothing needs ∂L/∂x. Layers whose dx is a costly product (Dense)
        override it to skip that product."""
        self.backward(dy)

    def regularization_loss(self) -> float:
        """The penalties this layer adds to the loss (0 without regularizers)."""
        return 0.0

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} output_dim={self.output_dim}>"
