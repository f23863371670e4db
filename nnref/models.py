"""Sequential: a stack of layers with a forward pass, a backward pass and Keras's weight order.

Batch-first: ``x`` is (m, input_dim). The model owns one ``numpy.random.Generator`` (from
``seed``) from which it derives an independent generator per layer at build time, so initial
weights and dropout masks are reproducible and no global state is touched.
Training (``compile``/``fit``/``evaluate``/``train_on_batch``) lives in ``nnref.training``.
"""
from __future__ import annotations

import numpy as np

from nnref import losses as losses_mod
from nnref.data import FLOAT_DTYPES, as_rng, check_float_dtype, check_int
from nnref.layers.base import Layer, snake_case

DTYPES = FLOAT_DTYPES
check_dtype = check_float_dtype


class Sequential:
    """A linear stack of layers.

    Args:
        layers: a list of ``nnref.layers`` instances (more can be ``add``-ed).
        input_dim: the input width n; the model builds on the first call if omitted.
        dtype: "float64" (default) or "float32"; weights, activations and gradients all use it.
        seed: seeds the model's generator (initializers, dropout masks). None: fresh entropy.
        name: defaults to "sequential".
    """

    def __init__(self, layers=None, input_dim: int | None = None, dtype="float64",
                 seed: int | None = None, name: str = "sequential"):
        self.dtype = check_dtype(dtype)
        if input_dim is not None and (isinstance(input_dim, bool)
                                      or not isinstance(input_dim, (int, np.integer)) or input_dim < 1):
            raise ValueError(f"input_dim must be a positive integer. Received: input_dim={input_dim!r}")
        self.input_dim = None if input_dim is None else int(input_dim)
        self.rng = as_rng(seed)                      # int >= 0, Generator or None
        self.seed = seed
        self.name = name
        self.layers: list[Layer] = []
        self.built = False
        self.optimizer = None
        self.loss = None
        self.metrics: list[str] = []
        self.stop_training = False
        layers = list(layers or [])
        for i, layer in enumerate(layers):               # all checked before any is added
            self._check_new_layer(layer, layers[:i])
        for layer in layers:
            self.add(layer)
        if self.input_dim is not None:
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
        self._check_new_layer(layer)
        if self.built:
            raise ValueError("Cannot add a layer to a built model; create a new Sequential.")
        if layer.name is None:
            base = snake_case(type(layer).__name__)
            count = sum(1 for other in self.layers if snake_case(type(other).__name__) == base)
            layer.name = base if count == 0 else f"{base}_{count}"
        layer._model = self
        self.layers.append(layer)

    def build(self, input_dim: int) -> None:
        """Create every layer's weights for inputs of width ``input_dim``."""
        if self.built:
            return
        if not self.layers:
            raise ValueError("A Sequential model needs at least one layer before it is built.")
        width = int(input_dim)
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

    def summary(self, print_fn=print) -> str:
        """Print (and return) a table of layers, output shapes and parameter counts."""
        self._require_built("summary")
        rows = [("Layer (type)", "Output Shape", "Param #")]
        for layer in self.layers:
            rows.append((f"{layer.name} ({type(layer).__name__})", f"(None, {layer.output_dim})",
                         f"{layer.count_params():,}"))
        widths = [max(len(r[i]) for r in rows) + 2 for i in range(3)]
        line = "-" * sum(widths)
        fmt = lambda r: "".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
        trainable = sum(w.size for w in self.trainable_weights)
        text = "\n".join([f'Model: "{self.name}" (input_dim={self.input_dim}, dtype={self.dtype.name})',
                          line, fmt(rows[0]), "=" * sum(widths), *map(fmt, rows[1:]), line,
                          f"Total params: {self.count_params():,}",
                          f"Trainable params: {trainable:,}",
                          f"Non-trainable params: {self.count_params() - trainable:,}"])
        if print_fn is not None:
            print_fn(text)
        return text

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
        return [g for layer in self.layers for g in layer.grads]

    def __call__(self, x, training: bool = False) -> np.ndarray:
        """The model's output for x (m, input_dim): (m, output_dim)."""
        return self.forward(self.check_inputs(x), training=training)

    def predict(self, x, batch_size: int | None = None) -> np.ndarray:
        """Inference-mode outputs, computed in batches of ``batch_size`` (all at once if None)."""
        if batch_size is not None:
            batch_size = check_int(batch_size, "batch_size")
        x = self.check_inputs(x)
        if batch_size is None or batch_size >= len(x):
            return self.forward(x, training=False)
        return np.concatenate([self.forward(x[i:i + batch_size], training=False)
                               for i in range(0, len(x), batch_size)])

    def regularization_loss(self) -> float:
        return sum((layer.regularization_loss() for layer in self.layers), 0.0)

    def loss_and_gradients(self, x, y, training: bool = True, loss=None):
        """The loss (data loss + regularization penalties) and its gradient for each trainable
        weight, aligned with ``trainable_weights``. ``loss`` defaults to the compiled loss."""
        loss_fn = self._loss_fn(loss)
        x = self.check_inputs(x)
        y = loss_fn.prepare(self._check_labels(y, len(x)), self.output_dim, self.dtype)
        out = self.forward(x, training=training)      # labels checked first: BN state changes here
        value = loss_fn.compute(y, out) + self.regularization_loss()
        self.backward(loss_fn.compute_gradient(y, out), input_gradient=False)
        return value, self.gradients()

    # -- helpers ------------------------------------------------------------------------------
    def _loss_fn(self, loss):
        if loss is not None:
            return losses_mod.get(loss)
        if self.loss is None:
            raise ValueError("No loss: call compile(loss=...) or pass loss=. Received: loss=None")
        return self.loss

    @staticmethod
    def _check_labels(y, m: int) -> np.ndarray:
        y = np.asarray(y)
        if y.ndim == 0 or y.shape[0] != m:
            raise ValueError(f"y must have one row per example of x ({m}). "
                             f"Received: y.shape={y.shape}")
        return y

    def _require_built(self, what: str) -> None:
        if not self.built:
            raise ValueError(f"{what} needs a built model: pass input_dim= or call the model once.")

    # -- training and files (defined in nnref.training and nnref.weights) ----------------------
    def compile(self, optimizer="sgd", loss=None, metrics=None):
        from nnref.training import compile_model
        compile_model(self, optimizer, loss, metrics)

    def fit(self, x, y, **kwargs):
        from nnref.training import fit
        return fit(self, x, y, **kwargs)

    def evaluate(self, x, y, batch_size: int | None = None) -> dict:
        from nnref.training import evaluate
        return evaluate(self, x, y, batch_size=batch_size)

    def train_on_batch(self, x, y) -> float:
        from nnref.training import train_on_batch
        return train_on_batch(self, x, y)

    def save_weights(self, path) -> None:
        from nnref.weights import save_weights
        save_weights(self, path)

    def load_weights(self, path) -> None:
        from nnref.weights import load_weights
        load_weights(self, path)
