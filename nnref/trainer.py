"""Trainer: the Keras-surface half of ``Sequential`` (Keras 3 splits ``Model`` the same way:
``Layer`` computes, ``Trainer`` trains).

``nnref.models.Sequential`` is the layer stack (build, forward, backward, weights, gradients,
regularization). This mixin adds what Keras's ``Model`` offers on top of it, each method a thin
delegation to the module that does the work:

    compile, train_on_batch, evaluate, predict    nnref.training
    fit                                           nnref.fit
    summary                                       nnref.summary
    save_weights, load_weights                    nnref.weights   (Keras's .weights.h5)
    save, to_json                                 nnref.saving    (Keras's .keras, config JSON)
    get_config, from_config                       here (rebuilds the architecture)

and the one place where a loss meets the stack (``training``, ``fit`` and ``gradcheck`` all use it):

    out = forward(x, training)                                     (m, output_dim)
    loss = compute_loss(y, out) = data loss + Σ regularization penalties
    backward(∂data loss/∂out)           each layer adds its penalty's gradient to its ``grads``

(a training step takes the data loss and ∂data loss/∂out from one call,
``Loss.compute_with_gradient``: the same numbers as ``compute_loss`` and ``compute_gradient``.)
"""
from __future__ import annotations

import json

import numpy as np

from nnref._checks import check_bool
from nnref import layers as layers_mod, losses as losses_mod, saving, training as training_mod
from nnref.fit import fit as fit_model
from nnref.layers.base import Layer
from nnref.summary import summary_text
from nnref.weights import load_weights, save_weights


class Trainer:
    """Compile/fit/evaluate/predict, the loss recipe, configs and files for a layer stack.

    What it uses of the stack (``nnref.models.Sequential``): ``layers``, ``name``, ``dtype``,
    ``seed``, ``input_dim``, ``output_dim``, ``check_inputs``, ``forward``, ``backward``,
    ``gradients``, ``regularization_loss`` and ``_require_built``.
    """

    def __init__(self):
        self.optimizer = None                     # set by compile (nnref.training.compile_model)
        self.loss = None
        self.metrics: list[str] = []
        self.stop_training = False                # a callback may set it; fit reads it
        self.history = None                       # set by fit

    @property
    def metrics_names(self) -> list[str]:
        """["loss", *compiled metric names] (Keras 3 says ["loss", "compile_metrics"])."""
        return ["loss", *self.metrics] if self.loss is not None else []

    # -- the loss recipe -----------------------------------------------------------------------
    def check_data(self, x, y, loss=None) -> tuple[losses_mod.Loss, np.ndarray, np.ndarray]:
        """``(loss, x, y)`` ready for ``forward_backward``: the loss object (``loss``, or the
        compiled one), x checked and cast (m, input_dim), y checked and converted by the loss
        (m, output_dim)."""
        loss_fn = self._loss_fn(loss)
        x = self.check_inputs(x)
        y = np.asarray(y)
        if y.ndim == 0 or y.shape[0] != len(x):
            raise ValueError(f"y must have one row per example of x ({len(x)}). "
                             f"Received: y.shape={y.shape}")
        return loss_fn, x, loss_fn.prepare(y, self.output_dim, self.dtype)

    def compute_loss(self, y, y_pred, sample_weight=None, loss=None) -> float:
        """The data loss of y_pred (m, output_dim) against labels converted by ``check_data``
        (m, output_dim), plus every layer's regularization penalty (Keras's
        ``Model.compute_loss`` adds ``model.losses`` the same way; it also takes ``x``)."""
        return self._with_penalties(self._loss_fn(loss).compute(y, y_pred, sample_weight))

    def _with_penalties(self, data_loss):
        return data_loss + self.regularization_loss()

    def forward_backward(self, x, y, training: bool = True, sample_weight=None,
                         loss=None) -> tuple[float, np.ndarray]:
        """The recipe above on checked arrays (``check_data``'s): returns the loss (penalties
        included) and the outputs (m, output_dim), and leaves the gradients in ``gradients()``."""
        out = self.forward(x, training=training)
        value, gradient = self._loss_fn(loss).compute_with_gradient(y, out, sample_weight)
        self.backward(gradient, input_gradient=False)
        return self._with_penalties(value), out

    def loss_and_gradients(self, x, y, training: bool = True, loss=None):
        """The loss (data loss + regularization penalties) and its gradient for each trainable
        weight, aligned with ``trainable_weights``. ``loss`` defaults to the compiled loss."""
        training = check_bool("training", training)
        loss_fn, x, y = self.check_data(x, y, loss)   # all checked first: BN state changes below
        value, _ = self.forward_backward(x, y, training, loss=loss_fn)
        return value, self.gradients()

    def _loss_fn(self, loss) -> losses_mod.Loss:
        if loss is not None:
            return losses_mod.get(loss)
        if self.loss is None:
            raise ValueError("No loss: call compile(loss=...) or pass loss=. Received: loss=None")
        return self.loss

    # -- training (nnref.training, nnref.fit) ----------------------------------------------------
    def compile(self, optimizer="sgd", loss=None, metrics=None):
        training_mod.compile_model(self, optimizer, loss, metrics)

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, *, seed=None, augment=None):
        """Keras's ``Model.fit`` (same arguments, order and defaults); see ``nnref.fit.fit``."""
        return fit_model(self, x, y, batch_size, epochs, verbose, callbacks, validation_split,
                         validation_data, shuffle, class_weight, sample_weight, initial_epoch,
                         steps_per_epoch, validation_steps, validation_batch_size, validation_freq,
                         seed=seed, augment=augment)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=True):
        """Loss and metrics: a dict by default (nnref), Keras's list with ``return_dict=False``."""
        return training_mod.evaluate(self, x, y, batch_size, verbose, sample_weight, steps,
                                     callbacks, return_dict)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None) -> np.ndarray:
        """Inference-mode outputs (m, output_dim), in batches of ``batch_size`` (32, as Keras)."""
        return training_mod.predict(self, x, batch_size, verbose, steps, callbacks)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None) -> float:
        return training_mod.train_on_batch(self, x, y, sample_weight, class_weight)

    def summary(self, print_fn=print) -> str:
        """Print (and return) a table of layers, output shapes and parameter counts (an unbuilt
        model shows "?" and "0 (unbuilt)", as Keras), and the optimizer's convention."""
        text = summary_text(self)
        if print_fn is not None:
            print_fn(text)
        return text

    # -- configuration (Keras's get_config / from_config) -------------------------------------
    def get_config(self) -> dict:
        """Constructor arguments and each layer's config: ``Sequential.from_config`` rebuilds
        the same architecture (fresh weights), as Keras."""
        return {"name": self.name, "dtype": self.dtype.name, "seed": self.seed,
                "input_dim": self.input_dim,
                "layers": [{"class_name": type(layer).__name__, "config": layer.get_config()}
                           for layer in self.layers]}

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        built = []
        for item in config.pop("layers", []):
            layer_cls = getattr(layers_mod, item.get("class_name", ""), None)
            if not (isinstance(layer_cls, type) and issubclass(layer_cls, Layer)):
                raise ValueError(f"Unknown layer class in config: {item.get('class_name')!r}. "
                                 f"nnref has {layers_mod.__all__}")
            built.append(layer_cls.from_config(item["config"]))
        return cls(built, **config)

    # -- files (nnref.weights, nnref.saving) ----------------------------------------------------
    def save_weights(self, path) -> None:
        save_weights(self, path)

    def load_weights(self, path) -> None:
        load_weights(self, path)

    def to_json(self, **kwargs) -> str:
        """The architecture as Keras 3's JSON (``keras.models.model_from_json`` reads it)."""
        self._require_built("to_json")
        return json.dumps(saving.keras_config(self), **kwargs)

    def save(self, filepath, overwrite=True) -> None:
        """The whole model as Keras 3's ``.keras`` zip (config.json, metadata.json,
        model.weights.h5): ``keras.saving.load_model`` rebuilds it (see ``nnref.saving``)."""
        saving.save_model(self, filepath, overwrite=overwrite)
