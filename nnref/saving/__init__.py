"""Whole-model files in Keras 3's ``.keras`` format: a zip of ``config.json`` (the architecture,
in Keras's form), ``metadata.json`` and ``model.weights.h5`` (the ``.weights.h5`` layout).

    model.save("m.keras")                         # nnref -> keras.saving.load_model("m.keras")
    nnref.models.load_model("m.keras")            # a file written by Keras or by nnref

``config.json`` also carries an ``"nnref"`` entry that Keras ignores: the nnref model config
(with what Keras cannot express: ``moving_variance="unbiased"``, a regularizer's
``convention``, the model's seed) and the compile state (optimizer with its ``convention``,
loss, metrics). Keras's ``compile_config`` is left empty: Keras loads the model uncompiled,
because the course's optimizers (``convention="course"``) have no Keras equivalent.
A Keras file is read strictly (``nnref.saving.keras_config``) and loads uncompiled.
"""
from __future__ import annotations

import datetime
import json
import tempfile
import zipfile
from pathlib import Path

from nnref._checks import check_path
from nnref._files import atomic_path
from nnref.saving.keras_config import dtype_policy, layer_from_keras, layer_to_keras

KERAS_VERSION = "3.15.1"            # the Keras version whose format is written
FILES = ("config.json", "metadata.json", "model.weights.h5")


def _check_path(filepath) -> Path:
    path = Path(check_path("filepath", filepath))
    if path.suffix != ".keras":
        raise ValueError("The filepath must end in `.keras` (Keras 3's whole-model format). "
                         f"Received: filepath={path}")
    return path


def keras_config(model) -> dict:
    """The ``config.json`` dict Keras 3 writes for the same Sequential model."""
    dtype, config = model.dtype.name, model.get_config()
    layers = [{"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
               "config": {"batch_shape": [None, model.input_dim], "dtype": dtype, "sparse": False,
                          "ragged": False, "name": "input_layer", "optional": False}}]
    width = model.input_dim
    for layer, item in zip(model.layers, config["layers"]):
        layers.append(layer_to_keras(item["class_name"], item["config"], dtype, width))
        width = layer.output_dim
    compile_state = None
    if model.optimizer is not None:
        compile_state = {"optimizer": {"class_name": type(model.optimizer).__name__,
                                       "config": model.optimizer.get_config()},
                         "loss": {"class_name": type(model.loss).__name__,
                                  "config": model.loss.get_config()},
                         "metrics": list(model.metrics)}
    return {"module": "keras", "class_name": "Sequential", "registered_name": None,
            "config": {"name": model.name, "trainable": True, "dtype": dtype_policy(dtype),
                       "layers": layers, "build_input_shape": [None, model.input_dim]},
            "build_config": {"input_shape": [None, model.input_dim]},
            "compile_config": {},
            "nnref": {"model": config, "compile": compile_state}}


def save_model(model, filepath, overwrite: bool = True) -> None:
    """Write ``model`` (built) to ``filepath`` (``.keras``), atomically."""
    from nnref.weights import save_weights

    path = _check_path(filepath)
    model._require_built("save")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists and overwrite=False.")
    config = json.dumps(keras_config(model), indent=1)
    metadata = json.dumps({"keras_version": KERAS_VERSION, "date_saved":
                           datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
                           "written_by": "nnref"})
    with tempfile.TemporaryDirectory() as tmp:
        weights = Path(tmp) / "model.weights.h5"
        save_weights(model, weights)
        with atomic_path(path) as out, zipfile.ZipFile(out, "x") as z:
            z.writestr("metadata.json", metadata)
            z.writestr("config.json", config)
            z.write(weights, "model.weights.h5")


def _read_archive(path: Path) -> tuple[dict, bytes]:
    if not path.is_file():
        raise FileNotFoundError(f"No model file at {path}")
    try:
        with zipfile.ZipFile(path) as z:
            missing = [name for name in ("config.json", "model.weights.h5") if name not in z.namelist()]
            if missing:
                raise ValueError(f"{path} is not a Keras 3 `.keras` file: it lacks {missing}. "
                                 f"Found: {z.namelist()}")
            return json.loads(z.read("config.json")), z.read("model.weights.h5")
    except zipfile.BadZipFile as exc:
        raise ValueError(f"{path} is not a `.keras` zip archive ({exc}).") from exc


def _policy_name(policy):
    return policy.get("config", {}).get("name") if isinstance(policy, dict) else policy


def _dtype(layers: list, model_policy) -> str:
    """The one dtype the layers compute in (each layer's policy; the model's if none says)."""
    names = {_policy_name(item.get("config", {}).get("dtype")) for item in layers} - {None}
    names = names or {_policy_name(model_policy)}
    if len(names) != 1 or not names <= {"float32", "float64"}:
        raise ValueError(f"layer dtype policies {sorted(map(str, names))} are not one of nnref's "
                         "dtypes (float32 or float64 for the whole model).")
    return names.pop()


def _model_from_keras(config: dict):
    from nnref import layers as layers_mod
    from nnref.models import Sequential

    if config.get("class_name") != "Sequential":
        raise ValueError(f"nnref loads Sequential models only. Received: a "
                         f"{config.get('class_name')!r} model")
    body = config.get("config", {})
    items = [layer_from_keras(item) for item in body.get("layers", [])]   # all checked first
    dtype = _dtype([item for item in body.get("layers", []) if item.get("class_name") != "InputLayer"],
                   body.get("dtype", "float32"))
    input_dim, built = None, []
    for class_name, layer_config in items:
        if class_name == "InputLayer":
            input_dim = layer_config["batch_shape"][-1]
        else:
            built.append(getattr(layers_mod, class_name).from_config(layer_config))
    if input_dim is None:
        shape = body.get("build_input_shape") or (config.get("build_config") or {}).get("input_shape")
        input_dim = None if not shape else shape[-1]
    if input_dim is None:
        raise ValueError("The Keras model was never built (no input shape), so it has no weights.")
    return Sequential(built, input_dim=input_dim, dtype=dtype, name=body.get("name", "sequential"))


def _compile_from_state(model, state: dict) -> None:
    from nnref import losses, optimizers

    opt_cls = getattr(optimizers, state["optimizer"]["class_name"])
    loss_cls = getattr(losses, state["loss"]["class_name"])
    loss_config = {k: v for k, v in state["loss"]["config"].items() if k != "name"}
    model.compile(optimizer=opt_cls.from_config(state["optimizer"]["config"]),
                  loss=loss_cls(**loss_config), metrics=state["metrics"])


def model_from_config(config: dict):
    """An unbuilt-weights (freshly initialized) Sequential from a ``config.json`` dict written by
    nnref (its ``"nnref"`` entry) or by Keras (read strictly)."""
    from nnref.models import Sequential

    extra = config.get("nnref") if isinstance(config, dict) else None
    return Sequential.from_config(extra["model"]) if extra else _model_from_keras(config)


def model_from_json(json_string: str):
    """``keras.models.model_from_json``: the architecture from ``model.to_json()``."""
    return model_from_config(json.loads(json_string))


def load_model(filepath, compile: bool = True):
    """A Sequential model from a ``.keras`` file written by Keras 3 or by nnref (weights
    included; compiled again when nnref wrote it compiled and ``compile`` is True)."""
    from nnref.weights import load_weights

    path = _check_path(filepath)
    config, weights = _read_archive(path)
    extra = config.get("nnref")
    model = model_from_config(config)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "model.weights.h5").write_bytes(weights)
        load_weights(model, Path(tmp) / "model.weights.h5")
    if compile and extra and extra.get("compile"):
        _compile_from_state(model, extra["compile"])
    return model
