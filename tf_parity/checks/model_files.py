"""Whole-model ``.keras`` files both ways: ``model.save`` read by ``keras.saving.load_model``,
and a Keras ``model.save`` read by ``nnref.models.load_model``.

The architecture comes from the file alone (config.json), the weights from model.weights.h5:
the rebuilt model must hold the same weights ("exact") and predict the same numbers on the
SIGNS training set in inference mode ("step": the same forward pass, computed by two libraries).
"""
from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path

from tf_parity.checks.base import Check
from tf_parity.checks.weight_files import _random_weights


def _nnref_to_keras(ctx, name):
    import keras

    nn_model = ctx.new_model(name, seed=21)
    nn_model.set_weights(_random_weights(ctx, [w.shape for w in nn_model.get_weights()], 22))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "nnref.keras"
        nn_model.save(path)
        keras_model = keras.saving.load_model(path)
    return {"every weight": (nn_model.get_weights(), keras_model.get_weights()),
            "predictions": (nn_model.predict(ctx.x, verbose=0), keras_model.predict(ctx.x, verbose=0))}


def _keras_to_nnref(ctx, name):
    from nnref.models import load_model

    keras_model = ctx.plain_keras_model(name)
    keras_model.set_weights(_random_weights(ctx, [w.shape for w in keras_model.get_weights()], 23))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "keras.keras"
        keras_model.save(path)
        nn_model = load_model(path)
    return {"every weight": (nn_model.get_weights(), keras_model.get_weights()),
            "predictions": (nn_model.predict(ctx.x, verbose=0), keras_model.predict(ctx.x, verbose=0))}


def checks() -> list[Check]:
    quantities = (("every weight", "exact"), ("predictions", "step"))
    out = []
    for name in ("course", "regularized"):
        out.append(Check(f"model file/{name}/nnref save → Keras load_model", quantities,
                         partial(_nnref_to_keras, name=name)))
        out.append(Check(f"model file/{name}/Keras save → nnref load_model", quantities,
                         partial(_keras_to_nnref, name=name)))
    return out
