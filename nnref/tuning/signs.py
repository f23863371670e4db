"""The SIGNS model's hyperparameter search: its space, the course default, and its trial function.

The model is the course's (Improving Deep Neural Networks, week 3, TensorFlow introduction):

    x (m, 12288) = images / 255 → Dense(units_1, relu) → [Dropout] → Dense(units_2, relu) → [Dropout]
                 → Dense(6) logits;  softmax cross-entropy;  Adam;  Glorot-normal initial weights

and the search covers what the course tells you to tune, each on its own scale:

    learning_rate  α      LogUniform(1e-5, 1e-2)            (course default 1e-4)
    beta_1         β1     OneMinusLogUniform(0.9, 0.999)    (0.9)
    units_1        n[1]   IntUniform(8, 64)                 (25)
    units_2        n[2]   IntUniform(4, 32)                 (12)
    batch_size            Choice([16, 32, 64, 128])         (32)
    l2                    LogUniform(1e-6, 1e-2)            (none; Keras's factor: l2·ΣW² per kernel)
    dropout        rate   Uniform(0.0, 0.5)                 (none)

α stops at 1e-2 rather than the course's generic 1: on this model (12288 non-negative inputs)
Adam at α ≥ 1e-3 often leaves the ReLU units dead and the accuracy at chance within 10 epochs,
in Keras as in nnref, so larger values would only spend trials.

Trials are scored on a validation set held out of the SIGNS *training* set (``VAL_FRACTION`` of
it, drawn with ``SPLIT_SEED``); the test set is never looked at during a search. Every trial uses
the same split and the same ``seed`` for initial weights, dropout masks and mini-batch order, so
trials differ only by their hyperparameters.
"""
from __future__ import annotations

import functools
import math

from nnref.tuning.spaces import Choice, IntUniform, LogUniform, OneMinusLogUniform, Uniform

VAL_FRACTION = 0.2   # 1080 training images → 864 train, 216 validation
SPLIT_SEED = 0
N_CLASSES = 6

SIGNS_SPACE = {
    "learning_rate": LogUniform(1e-5, 1e-2),
    "beta_1": OneMinusLogUniform(0.9, 0.999),
    "units_1": IntUniform(8, 64),
    "units_2": IntUniform(4, 32),
    "batch_size": Choice([16, 32, 64, 128]),
    "l2": LogUniform(1e-6, 1e-2),
    "dropout": Uniform(0.0, 0.5),
}

COURSE_DEFAULT = {"learning_rate": 1e-4, "beta_1": 0.9, "units_1": 25, "units_2": 12,
                  "batch_size": 32, "l2": 0.0, "dropout": 0.0}


@functools.lru_cache(maxsize=2)
def load_split(data: str | None = None, dtype: str = "float64"):
    """``(x_train, y_train, x_val, y_val)`` from the SIGNS training set, cached per process.

    x: ``(m, 12288)`` scaled to [0, 1] in ``dtype``; y: one-hot ``(m, 6)``.
    864 / 216 examples with the defaults.
    """
    from nnref import data as nd
    from nnref import datasets

    x, y, _, _, _ = datasets.load_signs(data)
    x = nd.flatten_images(x, scale=True, dtype=dtype)              # (1080, 12288)
    y = nd.one_hot(y, N_CLASSES, dtype=dtype)                       # (1080, 6)
    return nd.train_val_split(x, y, VAL_FRACTION, seed=SPLIT_SEED)


def build_model(config: dict, dtype: str = "float64"):
    """The compiled SIGNS model for ``config`` (keys of ``COURSE_DEFAULT`` and ``seed``)."""
    from nnref import layers, losses, optimizers, regularizers
    from nnref.models import Sequential

    l2 = float(config.get("l2", 0.0))
    dropout = float(config.get("dropout", 0.0))
    model = Sequential(dtype=dtype, seed=config.get("seed", 0))
    for units in (config["units_1"], config["units_2"]):
        model.add(layers.Dense(int(units), activation="relu", kernel_initializer="glorot_normal",
                               kernel_regularizer=regularizers.L2(l2) if l2 > 0 else None))
        if dropout > 0:
            model.add(layers.Dropout(dropout))
    model.add(layers.Dense(N_CLASSES, kernel_initializer="glorot_normal",
                           kernel_regularizer=regularizers.L2(l2) if l2 > 0 else None))  # logits
    model.compile(optimizer=optimizers.Adam(learning_rate=float(config["learning_rate"]),
                                            beta_1=float(config["beta_1"])),
                  loss=losses.CategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


def signs_trial(config: dict, data: str | None = None, dtype: str = "float64", split=None) -> dict[str, float]:
    """Train the SIGNS model with ``config`` for ``config["epochs"]`` epochs; its final metrics.

    ``config``: the keys of ``SIGNS_SPACE`` plus ``epochs`` and ``seed``.
    ``split``: the ``load_split(data, dtype)`` arrays, prepared once by the caller and shipped with
    the trial (``functools.partial(signs_trial, split=..., dtype=...)``): the workers of a Ray
    cluster have neither the driver's files nor its ``NNREF_DATA``. None loads them here from ``data``.
    Returns ``{"val_accuracy", "val_loss", "accuracy", "loss"}`` after the last epoch (the training
    loss includes the L2 penalty, as Keras reports it). A diverging run raises (the search records
    it as failed).
    """
    x_train, y_train, x_val, y_val = load_split(data, dtype) if split is None else split
    model = build_model(config, dtype)
    model.build(x_train.shape[1])
    history = model.fit(x_train, y_train, batch_size=int(config["batch_size"]), epochs=int(config["epochs"]),
                        shuffle=True, seed=config.get("seed", 0), validation_data=(x_val, y_val), verbose=0)
    last = {name: values[-1] for name, values in history.history.items()}
    if not math.isfinite(last["loss"]):
        raise FloatingPointError(f"training diverged: loss={last['loss']}")
    return {"val_accuracy": last["val_accuracy"], "val_loss": last["val_loss"],
            "accuracy": last["accuracy"], "loss": last["loss"]}
