"""Keras ``.weights.h5`` files read by nnref, and nnref's files read by Keras.

The Keras models here use Keras's own ``Dropout`` (as a user's model would), so the files have
Keras's usual layer groups. Weights are random (variances positive) so that every array,
running statistics included, is distinguishable; nothing may change on the way ("exact").
"""
from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path

import numpy as np

from tf_parity.checks.base import Check


def _random_weights(ctx, shapes, seed):
    rng = ctx.rng(seed)
    return [np.abs(rng.standard_normal(s)).astype(ctx.dtype) + 0.5 for s in shapes]


def _keras_to_nnref(ctx, name):
    keras_model = ctx.plain_keras_model(name)
    keras_model.set_weights(_random_weights(ctx, [w.shape for w in keras_model.get_weights()], 11))
    nn_model = ctx.new_model(name, seed=12)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "keras.weights.h5"
        keras_model.save_weights(path)
        nn_model.load_weights(path)
    return {"every weight": (nn_model.get_weights(), keras_model.get_weights())}


def _nnref_to_keras(ctx, name):
    nn_model = ctx.new_model(name, seed=13)
    nn_model.set_weights(_random_weights(ctx, [w.shape for w in nn_model.get_weights()], 14))
    keras_model = ctx.plain_keras_model(name)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "nnref.weights.h5"
        nn_model.save_weights(path)
        keras_model.load_weights(path)
    return {"every weight": (nn_model.get_weights(), keras_model.get_weights())}


def checks() -> list[Check]:
    out = []
    for name in ("course", "regularized"):
        out.append(Check(f"weights file/{name}/Keras save → nnref load",
                         (("every weight", "exact"),), partial(_keras_to_nnref, name=name)))
        out.append(Check(f"weights file/{name}/nnref save → Keras load",
                         (("every weight", "exact"),), partial(_nnref_to_keras, name=name)))
    return out
