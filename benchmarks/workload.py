"""The measured workload: SIGNS and the course's 12288-25-12-6 model, in nnref and in Keras.

Data: the 1080 SIGNS training images flattened to (1080, 12288) and scaled to [0, 1] (x / 255),
integer labels (1080,). Model (the course's TensorFlow assignment): Dense(25, relu) →
Dense(12, relu) → Dense(6) logits, sparse categorical cross-entropy from logits, Adam(1e-4),
mini-batches of 32 (⌈1080 / 32⌉ = 34 steps per epoch), shuffled every epoch, accuracy metric.
The "bn_dropout" variant puts BatchNormalization and Dropout(0.2) after each hidden Dense.
"""
from __future__ import annotations

import time

import numpy as np

UNITS = (25, 12, 6)
BATCH_SIZE = 32
LEARNING_RATE = 1e-4
DROPOUT_RATE = 0.2
VARIANTS = ("plain", "bn_dropout")


def load_signs(*dtypes) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """SIGNS training set: {dtype: x (1080, 12288) scaled to [0, 1] in that dtype}, y (1080,)."""
    from nnref import data, datasets

    x_train, y_train, *_ = datasets.load_signs()
    xs = {dtype: data.flatten_images(x_train, scale=True, dtype=dtype) for dtype in dtypes}
    return xs, y_train.astype(np.int64)


def nnref_model(dtype, variant="plain", input_dim=12288, seed=1):
    """The compiled course model in nnref."""
    from nnref import layers, losses, optimizers
    from nnref.models import Sequential

    stack = []
    for units in UNITS[:-1]:
        stack.append(layers.Dense(units, activation="relu"))
        if variant == "bn_dropout":
            stack += [layers.BatchNormalization(), layers.Dropout(DROPOUT_RATE, seed=seed)]
    stack.append(layers.Dense(UNITS[-1]))                                    # logits
    model = Sequential(stack, input_dim=input_dim, dtype=dtype, seed=seed)
    model.compile(optimizer=optimizers.Adam(LEARNING_RATE),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def keras_model(variant="plain", input_dim=12288, seed=1):
    """The same model in Keras (float32, Keras's defaults otherwise)."""
    import keras

    keras.utils.set_random_seed(seed)
    stack = [keras.Input((input_dim,))]
    for units in UNITS[:-1]:
        stack.append(keras.layers.Dense(units, activation="relu"))
        if variant == "bn_dropout":
            stack += [keras.layers.BatchNormalization(), keras.layers.Dropout(DROPOUT_RATE)]
    stack.append(keras.layers.Dense(UNITS[-1]))
    model = keras.Sequential(stack)
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def gemm_epoch(x: np.ndarray, kernels: list[np.ndarray], batch_size: int = BATCH_SIZE) -> float:
    """Seconds for just the matrix products of one training epoch: the pure-GEMM bound.

    Per mini-batch (consecutive rows of ``x``, views): forward ``a·W`` for every layer, then
    ``dW = aᵀ·dz`` for every layer and ``dx = dz·Wᵀ`` for every layer but the first (training
    needs no gradient for the input). Nothing else: no bias, activation, loss or update.
    """
    started = time.perf_counter()
    for start in range(0, len(x), batch_size):
        a = x[start:start + batch_size]                   # (b, n_in)
        inputs = []
        for W in kernels:
            inputs.append(a)
            a = a @ W                                     # (b, n_out)
        dz = a
        for i in reversed(range(len(kernels))):
            inputs[i].T @ dz                              # dW: (n_in, n_out)
            if i > 0:
                dz = dz @ kernels[i].T                    # dx: (b, n_in)
    return time.perf_counter() - started


def adam_epoch(optimizer, params: list[np.ndarray], grads: list[np.ndarray], steps: int) -> float:
    """Seconds for ``steps`` optimizer updates of ``params`` alone: the elementwise share of an
    epoch (Adam as taught is about 14 passes over every parameter per step)."""
    started = time.perf_counter()
    for _ in range(steps):
        optimizer.apply_gradients(zip(grads, params))
    return time.perf_counter() - started


def sqrt_epoch(squares: list[np.ndarray], steps: int) -> float:
    """Seconds for ``steps`` passes of ``np.sqrt`` over every parameter's second moment: the one
    operation of Adam per weight and step that no implementation can skip or make cheaper than
    the CPU's vector square root (a lower bound on the elementwise share of an epoch)."""
    out = [np.empty_like(s) for s in squares]
    started = time.perf_counter()
    for _ in range(steps):
        for s, o in zip(squares, out):
            np.sqrt(s, out=o)
    return time.perf_counter() - started


def data_bytes(x: np.ndarray, y: np.ndarray) -> int:
    return int(x.nbytes + y.nbytes)


def model_bytes(model) -> dict:
    """Bytes of an nnref model's weights and of its optimizer's state (``variables``)."""
    params = sum(w.nbytes for w in model.weights)
    state = sum(v.nbytes for v in model.optimizer.variables) if model.optimizer.built else 0
    return {"params": int(params), "optimizer_state": int(state)}
