"""What every check shares: TensorFlow set up for one dtype, the SIGNS data, the model pairs.

The two SIGNS models (inputs 64·64·3 = 12288 pixels scaled to [0, 1], 6 classes, logits out):

- ``course``: the course's TensorFlow model, Dense(25, relu) → Dense(12, relu) → Dense(6).
- ``regularized``: Dense(25, L2) → BatchNorm → relu → Dropout(0.2) → Dense(12, L2) → BatchNorm
  → relu → Dropout(0.2) → Dense(6, L2), with l2 = ``L2_FACTOR``: the course's L2 cost term at
  λ = 0.7 and m = 32, the batch size (``nnref.functional.penalties``). The regularizers use
  ``convention="keras"`` (l2 rounded to float32, as Keras does) so that the other checks see
  rounding differences only; the l2 checks measure the course convention's difference.

Each Keras model is built once per context and reset to the initial weights before each check.
"""
from __future__ import annotations

import contextlib

import numpy as np

from nnref import layers, losses, regularizers
from nnref.data import flatten_images, one_hot
from nnref.models import Sequential

N_CLASSES = 6
BATCH_SIZE = 32
L2_LAMBDA = 0.7
L2_FACTOR = L2_LAMBDA / (2 * BATCH_SIZE)       # the course's λ/(2m) at m = 32
MODEL_SEED = 1


def course_model(dtype: str, input_dim: int, seed: int = MODEL_SEED) -> Sequential:
    """The course's SIGNS model (C2W3): 25-12-6, relu, Glorot-normal weights, logits out."""
    return Sequential([
        layers.Dense(25, activation="relu", kernel_initializer="glorot_normal"),
        layers.Dense(12, activation="relu", kernel_initializer="glorot_normal"),
        layers.Dense(N_CLASSES, kernel_initializer="glorot_normal"),
    ], input_dim=input_dim, dtype=dtype, seed=seed, name="course")


def regularized_model(dtype: str, input_dim: int, seed: int = MODEL_SEED) -> Sequential:
    """25-12-6 with batch norm, dropout 0.2 and L2(λ/(2m)) on every kernel."""
    def l2():
        return regularizers.L2(L2_FACTOR, convention="keras")

    return Sequential([
        # No bias before batch norm: BN subtracts the mean, so its gradient would be 0 (rounding
        # noise on both sides, which Adam would then amplify into steps of size α).
        layers.Dense(25, use_bias=False, kernel_initializer="he_normal", kernel_regularizer=l2()),
        layers.BatchNormalization(),
        layers.Activation("relu"),
        layers.Dropout(0.2),
        layers.Dense(12, use_bias=False, kernel_initializer="he_normal", kernel_regularizer=l2()),
        layers.BatchNormalization(),
        layers.Activation("relu"),
        layers.Dropout(0.2),
        layers.Dense(N_CLASSES, kernel_initializer="glorot_normal", kernel_regularizer=l2()),
    ], input_dim=input_dim, dtype=dtype, seed=seed, name="regularized")


MODELS = {"course": course_model, "regularized": regularized_model}


@contextlib.contextmanager
def tensorflow_for(dtype: str, threads: int | None = 1):
    """Keras's floatx set to ``dtype`` and TF32 off for the duration (floatx restored after).

    ``threads`` (default 1) limits TensorFlow's thread pools and the BLAS under NumPy: the
    matrices here are small (32 × 12288 · 12288 × 25), so threads mostly synchronise, and on a
    busy 2-core machine one thread per library ran the checks about 3x faster. It also fixes the
    order of every reduction. TensorFlow's pools can only be sized before its first operation,
    so in a process where TensorFlow already ran they stay as they are. None: leave both alone.
    """
    import keras
    import tensorflow as tf

    tf.config.experimental.enable_tensor_float_32_execution(False)
    if threads is not None:
        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:  # TensorFlow is already initialized
            pass
    # floatx and the global dtype policy (Keras caches the policy at first use, so setting floatx
    # alone would leave layers created without a dtype in the first run's dtype).
    previous = keras.backend.floatx(), keras.config.dtype_policy()
    keras.backend.set_floatx(dtype)
    keras.config.set_dtype_policy(dtype)
    with contextlib.ExitStack() as stack:
        if threads is not None:
            try:
                from threadpoolctl import threadpool_limits
            except ImportError:  # optional: without it NumPy's BLAS keeps its threads
                pass
            else:
                stack.enter_context(threadpool_limits(limits=threads))
        try:
            yield
        finally:
            keras.backend.set_floatx(previous[0])
            keras.config.set_dtype_policy(previous[1])


class ModelPair:
    """An nnref model and its Keras twin (``MaskedDropout`` for dropout), same initial weights."""

    def __init__(self, model: Sequential):
        import keras

        from tf_parity.models import to_keras

        self.nn = model
        self.keras = to_keras(model)
        self.initial = model.get_weights()
        self.nn_loss = losses.CategoricalCrossentropy(from_logits=True)
        self.keras_loss = keras.losses.CategoricalCrossentropy(from_logits=True)

    def share_masks(self) -> None:
        """Feed the masks of nnref's last training call to Keras's MaskedDropout layers."""
        from tf_parity.models import share_dropout_masks

        share_dropout_masks(self.nn, self.keras)

    def reset(self) -> "ModelPair":
        """Both models back to the initial weights (running statistics included)."""
        self.nn.set_weights(self.initial)
        self.keras.set_weights(self.initial)
        return self

    # -- forward ----------------------------------------------------------------------------
    def nn_outputs(self, x, training: bool) -> list[np.ndarray]:
        """Every layer's output, nnref (draws the dropout masks in training)."""
        outputs = []
        for layer in self.nn.layers:
            x = layer.forward(x, training=training)
            outputs.append(x)
        return outputs

    def keras_outputs(self, x, training: bool) -> list[np.ndarray]:
        """Every layer's output, Keras, with nnref's last dropout masks."""
        self.share_masks()
        outputs = []
        for layer in self.keras.layers:
            x = layer(x, training=training)
            outputs.append(x.numpy())
        return outputs

    def nn_loss_value(self, y, out) -> float:
        return self.nn_loss(y, out) + self.nn.regularization_loss()

    def keras_loss_value(self, y, out) -> float:
        return float(self.keras_loss(y, out) + self.keras_penalty())

    def keras_penalty(self):
        """Σ of the Keras model's regularization penalties (a tensor; 0 without regularizers)."""
        import tensorflow as tf

        penalties = self.keras.losses
        return tf.add_n(penalties) if penalties else tf.constant(0.0, self.nn.dtype.name)

    # -- gradients ----------------------------------------------------------------------------
    def nn_gradients(self, x, y=None, upstream=None, training=True):
        """(objective, gradients of every trainable weight), nnref.

        The objective is the loss (with penalties) when ``upstream`` is None, else
        Σ upstream ⊙ output + penalties, whose gradient starts from ∂/∂output = upstream.
        """
        out = self.nn.forward(x, training=training)
        if upstream is None:
            value = self.nn_loss_value(y, out)
            self.nn.backward(self.nn_loss.gradient(y, out))
        else:
            value = np.sum(upstream * out) + self.nn.regularization_loss()
            self.nn.backward(upstream)
        return value, self.nn.gradients()

    def keras_gradients(self, x, y=None, upstream=None, training=True):
        """The same objective and gradients from Keras with ``tf.GradientTape``."""
        import tensorflow as tf

        self.share_masks()
        with tf.GradientTape() as tape:
            out = self.keras(x, training=training)
            if upstream is None:
                objective = self.keras_loss(y, out)
            else:
                objective = tf.reduce_sum(out * upstream)
            objective = objective + self.keras_penalty()
        grads = tape.gradient(objective, self.keras.trainable_variables)
        return float(objective), [g.numpy() for g in grads]

    # -- training steps ---------------------------------------------------------------------
    def nn_train_step(self, x, y, optimizer) -> float:
        """One nnref optimizer step on (x, y); returns the loss before it."""
        value, grads = self.nn_gradients(x, y)
        optimizer.apply_gradients(zip(grads, self.nn.trainable_weights))
        return value

    def keras_train_step(self, x, y, optimizer) -> float:
        """One Keras optimizer step (GradientTape + ``apply_gradients``) with nnref's masks."""
        import tensorflow as tf

        self.share_masks()
        with tf.GradientTape() as tape:
            loss = self.keras_loss(y, self.keras(x, training=True)) + self.keras_penalty()
        variables = self.keras.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return float(loss)


class Context:
    """TensorFlow in one dtype, the SIGNS training set, and the model pairs (built on demand).

    Args:
        dtype: "float64" or "float32".
        signs: ``nnref.datasets.load_signs()``'s tuple (loaded here if None).
    Attributes:
        x: (1080, 12288) pixels / 255 in ``dtype``; y: (1080, 6) one-hot labels.
        x32, y32: the first 32 examples.
    """

    def __init__(self, dtype: str, signs=None):
        if signs is None:
            from nnref.datasets import load_signs

            signs = load_signs()
        x_train, y_train = signs[0], signs[1]
        self.dtype = dtype
        self.x = flatten_images(x_train, scale=True, dtype=dtype)          # (1080, 12288)
        self.y = one_hot(y_train, N_CLASSES, dtype=dtype)                   # (1080, 6)
        self.x32, self.y32 = self.x[:BATCH_SIZE], self.y[:BATCH_SIZE]
        self.input_dim = self.x.shape[1]
        self._pairs: dict[str, ModelPair] = {}
        self._plain: dict = {}

    def new_model(self, name: str, **kwargs) -> Sequential:
        return MODELS[name](self.dtype, self.input_dim, **kwargs)

    def pair(self, name: str) -> ModelPair:
        """The model pair ``name`` ("course" or "regularized"), reset to its initial weights."""
        if name not in self._pairs:
            self._pairs[name] = ModelPair(self.new_model(name))
        return self._pairs[name].reset()

    def plain_keras_model(self, name: str):
        """A Keras twin of model ``name`` using ``keras.layers.Dropout`` (built once)."""
        from tf_parity.models import to_keras

        if name not in self._plain:
            self._plain[name] = to_keras(self.new_model(name), dropout="keras")
        return self._plain[name]

    def batch(self, step: int, order=None):
        """(x, y) of mini-batch ``step`` of 32 (cycling over the epoch; ``order`` permutes)."""
        m = len(self.x)
        n_batches = -(-m // BATCH_SIZE)
        start = (step % n_batches) * BATCH_SIZE
        idx = slice(start, start + BATCH_SIZE) if order is None else order[start:start + BATCH_SIZE]
        return self.x[idx], self.y[idx]

    def rng(self, seed: int) -> np.random.Generator:
        return np.random.default_rng(seed)

    def random_normal(self, shape, seed: int) -> np.ndarray:
        """Standard-normal values of ``shape`` in the context's dtype."""
        return self.rng(seed).standard_normal(shape).astype(self.dtype)
