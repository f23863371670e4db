"""nnref layer configs <-> Keras 3's ``config.json`` entries, for the layers both have.

Keras form of each entry: ``{"module", "class_name", "config", "registered_name"}`` (+
``build_config``), the layer's dtype as a ``DTypePolicy``, initializers and regularizers as
nested entries. Reading is strict: any Keras layer or option nnref does not have (a Conv2D, a
kernel constraint, BatchNormalization(center=False), ...) is a ValueError naming the layer and
the option, raised before anything is built. Initializer seeds are dropped (the saved weights
are loaded over the initial ones).
"""
from __future__ import annotations

from nnref.activations import ACTIVATIONS

LAYERS = ("InputLayer", "Dense", "BatchNormalization", "Dropout", "Activation", "Softmax")

# nnref initializer name -> (Keras class, Keras config without seed)
INITIALIZERS = {
    "zeros": ("Zeros", {}), "ones": ("Ones", {}),
    "random_normal": ("RandomNormal", {"mean": 0.0, "stddev": 0.05}),
    "random_uniform": ("RandomUniform", {"minval": -0.05, "maxval": 0.05}),
    "glorot_normal": ("GlorotNormal", {}), "glorot_uniform": ("GlorotUniform", {}),
    "he_normal": ("HeNormal", {}), "he_uniform": ("HeUniform", {}),
    "course_random": ("RandomNormal", {"mean": 0.0, "stddev": 0.01}),
    "course_xavier": ("VarianceScaling", {"scale": 1.0, "mode": "fan_in",
                                          "distribution": "untruncated_normal"}),
    "course_he": ("VarianceScaling", {"scale": 2.0, "mode": "fan_in",
                                      "distribution": "untruncated_normal"}),
}
HAS_SEED = {"RandomNormal", "RandomUniform", "GlorotNormal", "GlorotUniform", "HeNormal",
            "HeUniform", "VarianceScaling"}
# Keras options nnref accepts only at these values (anything else has no nnref meaning).
FIXED = {
    "Dense": {"kernel_constraint": None, "bias_constraint": None, "quantization_config": None,
              "lora_rank": None},
    "BatchNormalization": {"axis": (-1, 1), "center": True, "scale": True, "beta_regularizer": None,
                           "gamma_regularizer": None, "beta_constraint": None,
                           "gamma_constraint": None, "renorm": False,
                           "moving_mean_initializer": "zeros", "moving_variance_initializer": "ones"},
    "Dropout": {"noise_shape": None},
    "Softmax": {"axis": (-1, 1)},
}
IGNORED = {"name", "trainable", "dtype", "synchronized", "renorm_clipping", "renorm_momentum",
           "input_axes", "output_axes", "lora_alpha"}


def entry(module: str, class_name: str, config: dict) -> dict:
    return {"module": module, "class_name": class_name, "config": config, "registered_name": None}


def dtype_policy(dtype: str) -> dict:
    return entry("keras", "DTypePolicy", {"name": dtype})


def initializer_to_keras(name: str) -> dict:
    cls, config = INITIALIZERS[name]
    return entry("keras.initializers", cls, {**config, **({"seed": None} if cls in HAS_SEED else {})})


def regularizer_to_keras(config) -> dict | None:
    if config is None:
        return None
    values = config["config"]
    keep = {"L2": ("l2",), "L1": ("l1",), "L1L2": ("l1", "l2")}[config["class_name"]]
    return entry("keras.regularizers", config["class_name"], {k: values[k] for k in keep})


def layer_to_keras(class_name: str, config: dict, dtype: str, input_dim: int) -> dict:
    """One layer's Keras entry from its nnref ``get_config()``."""
    common = {"name": config["name"], "trainable": config["trainable"], "dtype": dtype_policy(dtype)}
    if class_name == "Dense":
        body = {"units": config["units"], "activation": config["activation"],
                "use_bias": config["use_bias"],
                "kernel_initializer": initializer_to_keras(config["kernel_initializer"]),
                "bias_initializer": initializer_to_keras(config["bias_initializer"]),
                "kernel_regularizer": regularizer_to_keras(config["kernel_regularizer"]),
                "bias_regularizer": regularizer_to_keras(config["bias_regularizer"]),
                "kernel_constraint": None, "bias_constraint": None, "quantization_config": None}
    elif class_name == "BatchNormalization":
        body = {"axis": -1, "momentum": config["momentum"], "epsilon": config["epsilon"],
                "center": True, "scale": True,
                "beta_initializer": initializer_to_keras(config["beta_initializer"]),
                "gamma_initializer": initializer_to_keras(config["gamma_initializer"]),
                "moving_mean_initializer": initializer_to_keras("zeros"),
                "moving_variance_initializer": initializer_to_keras("ones"),
                "beta_regularizer": None, "gamma_regularizer": None, "beta_constraint": None,
                "gamma_constraint": None, "synchronized": False, "renorm": False,
                "renorm_clipping": None, "renorm_momentum": 0.99}
    elif class_name == "Dropout":
        body = {"rate": config["rate"], "seed": config["seed"], "noise_shape": None}
    elif class_name == "Activation":
        body = {"activation": config["activation"]}
    elif class_name == "Softmax":
        body = {"axis": -1}
    else:
        raise ValueError(f"Layer {config['name']!r} ({class_name}) has no Keras form in nnref.")
    out = entry("keras.layers", class_name, {**common, **body})
    if class_name in ("Dense", "BatchNormalization"):
        out["build_config"] = {"input_shape": [None, input_dim]}
    return out


def _initializer_from_keras(value, where: str) -> str:
    if isinstance(value, str):
        name = value.lower()
        if name in INITIALIZERS:
            return name
    elif isinstance(value, dict):
        cls, config = value.get("class_name"), dict(value.get("config") or {})
        config.pop("seed", None)
        for key in ("input_axes", "output_axes"):
            if config.get(key) is not None:
                raise ValueError(f"{where}: option {key}={config[key]!r} is not in nnref.")
            config.pop(key, None)
        for name, (k_cls, k_config) in INITIALIZERS.items():
            if k_cls == cls and {k: float(v) if isinstance(v, (int, float)) else v
                                 for k, v in config.items()} == k_config:
                return name
    raise ValueError(f"{where}: initializer {value!r} is not in nnref (nnref has "
                     f"{sorted(INITIALIZERS)} and their Keras forms).")


def _regularizer_from_keras(value, where: str):
    if value is None:
        return None
    if isinstance(value, dict) and value.get("class_name") in ("L1", "L2", "L1L2"):
        return {"class_name": value["class_name"],
                "config": {**value.get("config", {}), "convention": "keras"}}
    raise ValueError(f"{where}: regularizer {value!r} is not in nnref (L1, L2, L1L2).")


def _check_fixed(class_name: str, config: dict, where: str, known: set) -> None:
    for key, value in config.items():
        if key in IGNORED or key in known:
            continue
        allowed = FIXED.get(class_name, {}).get(key, "<absent>")
        if key.endswith("_initializer") and allowed in ("zeros", "ones"):
            if _initializer_from_keras(value, f"{where} {key}") == allowed:
                continue
        elif value == allowed or (isinstance(allowed, tuple) and value in allowed):
            continue
        raise ValueError(f"{where}: option {key}={value!r} is not in nnref"
                         + ("" if allowed == "<absent>" else f" (nnref supports {key}={allowed!r})")
                         + ".")


def layer_from_keras(item: dict) -> tuple[str, dict]:
    """(nnref class name, nnref config) from one Keras layer entry; strict (see module doc)."""
    class_name = item.get("class_name")
    config = dict(item.get("config") or {})
    where = f"layer {config.get('name')!r} ({class_name})"
    if class_name not in LAYERS:
        raise ValueError(f"{where} is not in nnref; nnref reads {LAYERS}.")
    base = {"name": config.get("name"), "trainable": bool(config.get("trainable", True))}
    if class_name == "Dense":
        activation = config.get("activation") or "linear"
        if not isinstance(activation, str) or activation not in ACTIVATIONS:
            raise ValueError(f"{where}: activation {activation!r} is not in nnref.")
        out = {**base, "units": config["units"], "activation": activation,
               "use_bias": config.get("use_bias", True),
               "kernel_initializer": _initializer_from_keras(config.get("kernel_initializer", "glorot_uniform"), where),
               "bias_initializer": _initializer_from_keras(config.get("bias_initializer", "zeros"), where),
               "kernel_regularizer": _regularizer_from_keras(config.get("kernel_regularizer"), where),
               "bias_regularizer": _regularizer_from_keras(config.get("bias_regularizer"), where)}
        known = {"units", "activation", "use_bias", "kernel_initializer", "bias_initializer",
                 "kernel_regularizer", "bias_regularizer", "activity_regularizer"}
        if config.get("activity_regularizer") is not None:
            raise ValueError(f"{where}: option activity_regularizer is not in nnref.")
    elif class_name == "BatchNormalization":
        out = {**base, "momentum": config.get("momentum", 0.99), "epsilon": config.get("epsilon", 1e-3),
               "gamma_initializer": _initializer_from_keras(config.get("gamma_initializer", "ones"), where),
               "beta_initializer": _initializer_from_keras(config.get("beta_initializer", "zeros"), where)}
        known = {"momentum", "epsilon", "gamma_initializer", "beta_initializer"}
    elif class_name == "Dropout":
        out = {**base, "rate": config["rate"], "seed": config.get("seed")}
        known = {"rate", "seed"}
    elif class_name == "Activation":
        activation = config.get("activation")
        if not isinstance(activation, str) or activation not in ACTIVATIONS:
            raise ValueError(f"{where}: activation {activation!r} is not in nnref.")
        out, known = {**base, "activation": activation}, {"activation"}
    elif class_name == "Softmax":
        out, known = base, set()
    else:                                                       # InputLayer
        shape = config.get("batch_shape") or [None, *config.get("shape", [])]
        return class_name, {"batch_shape": list(shape), "dtype": config.get("dtype")}
    _check_fixed(class_name, config, where, known)
    return class_name, out
