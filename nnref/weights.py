"""Keras 3 ``.weights.h5`` files: ``save_weights`` / ``load_weights`` for a Sequential model.

The layout (measured on files written by Keras 3.15.1's ``model.save_weights``)::

    /vars                          group, attrs {"name": "sequential"} (the model; no datasets)
    /layers/dense/vars/0           first Dense: kernel (n_in, n_out)
    /layers/dense/vars/1                        bias (n_out,)
    /layers/batch_normalization/vars/0..3       gamma, beta, moving_mean, moving_variance
    /layers/dropout/vars           group, no datasets (a layer without weights)
    /layers/dense_1/vars/0, 1      second Dense, and so on
    /optimizer/vars/0..            only when the Keras model was compiled and trained

- Groups are named after the layer's *class*, in snake case, made unique by a per-class counter
  in the order of ``model.layers`` (``dense``, ``dense_1``, ``dense_2``); the layer's own name is
  only an attribute (``vars.attrs["name"]``) that Keras ignores when loading.
- Datasets ``"0"``, ``"1"``, ... are the layer's weights in ``get_weights()`` order.
- No file-level attributes or metadata. Keras reads a file without the ``name`` attributes and
  without groups for weightless layers, and casts the stored dtype into its variables' dtype.

nnref writes the same layout (without an optimizer group: optimizer state is not saved) and,
when loading, ignores ``/optimizer`` and the ``name`` attributes, as Keras does for a model that
has no optimizer state.

The model protocol used here: ``model.layers`` (a list); each layer has ``weights`` (list of
ndarrays, Keras order) and ``set_weights(list)``; the group name comes from the class name.
"""
from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np

from nnref._checks import check_path
from nnref._files import atomic_path
from nnref.layers.base import default_name, to_snake_case  # noqa: F401  (to_snake_case: public here too)

SUFFIX = ".weights.h5"

# Variable names per layer class, for error messages (Keras's order).
VARIABLE_NAMES = {
    "Dense": ("kernel", "bias"),
    "BatchNormalization": ("gamma", "beta", "moving_mean", "moving_variance"),
}


def layer_paths(model) -> list[tuple[str, object]]:
    """``[(group path, layer), ...]`` in the order of ``model.layers``: ``"layers/dense"``,
    ``"layers/batch_normalization"``, ``"layers/dense_1"``, ... (Keras's unique-name rule)."""
    layers = getattr(model, "layers", None)
    if layers is None:
        raise TypeError(f"model must have a `layers` list (an nnref Sequential). "
                        f"Received: model of type {type(model).__name__}")
    return [(f"layers/{default_name(layer, layers[:i])}", layer) for i, layer in enumerate(layers)]


def _layer_weights(layer) -> list[np.ndarray]:
    weights = getattr(layer, "weights", None)
    if weights is None or not callable(getattr(layer, "set_weights", None)):
        raise TypeError(f"layer {type(layer).__name__} must have `weights` and `set_weights` "
                        f"(the nnref layer protocol)")
    return [np.asarray(w) for w in weights]


def _require_built(model, action: str) -> None:
    if getattr(model, "built", True) is False:
        raise ValueError(f"Cannot {action} a model that has not been built: give Sequential an "
                         f"input_dim, or call it on data first.")


def _variable_label(layer, index: int) -> str:
    names = VARIABLE_NAMES.get(type(layer).__name__, ())
    return f"variable {index} ({names[index]})" if index < len(names) else f"variable {index}"


def _check_path(path, *, for_writing: bool) -> Path:
    path = Path(check_path("path", path))
    if for_writing and not path.name.endswith(SUFFIX):
        raise ValueError(f"The filename must end in `{SUFFIX}` (as Keras requires). Received: path={path}")
    return path


# ----------------------------------------------------------------------------- save
def save_weights(model, path) -> None:
    """Write every layer's weights to ``path`` (ending in ``.weights.h5``) in Keras 3's layout.

    The file is written to a temporary file in the same folder, then moved over ``path``
    (``os.replace``), so ``path`` is either the old file or the complete new one; on any error
    the temporary file is removed.
    """
    path = _check_path(path, for_writing=True)
    _require_built(model, "save the weights of")
    entries = [(group, layer, _layer_weights(layer)) for group, layer in layer_paths(model)]
    if not path.parent.is_dir():
        raise FileNotFoundError(f"Cannot write {path}: the folder {path.parent} does not exist.")
    with atomic_path(path) as tmp, h5py.File(tmp, "x") as f:   # "x": never overwrite
        f.create_group("vars").attrs["name"] = str(getattr(model, "name", "sequential"))
        for group, layer, weights in entries:
            g = f.create_group(group).create_group("vars")
            g.attrs["name"] = str(getattr(layer, "name", group.split("/")[-1]))
            for i, w in enumerate(weights):
                g[str(i)] = w


# ----------------------------------------------------------------------------- load
def read_weights(path) -> dict[str, list[np.ndarray]]:
    """Every layer group of a ``.weights.h5`` file: ``{"layers/dense": [kernel, bias], ...}``,
    arrays as stored (weightless layers map to ``[]``; ``/optimizer`` is left out).

    Raises FileNotFoundError if ``path`` does not exist, ValueError if it is not a readable
    HDF5 file or not in Keras 3's layout.
    """
    path = _check_path(path, for_writing=False)
    if not path.is_file():
        raise FileNotFoundError(f"No weights file at {path}")
    try:
        f = h5py.File(path, "r")
    except OSError as exc:
        raise ValueError(f"{path} is not a readable HDF5 file ({exc}); it may be truncated or "
                         f"not a weights file.") from exc
    try:
        with f:
            if "layers" not in f:
                legacy = "model_weights" in f or "layer_names" in f.attrs
                hint = (" It looks like a Keras 2 (legacy) HDF5 file; nnref reads the Keras 3 "
                        "`.weights.h5` layout." if legacy else "")
                raise ValueError(f"{path} has no `layers` group, so it is not a Keras 3 "
                                 f"`.weights.h5` file. Found: {sorted(f)}.{hint}")
            model_vars = f.get("vars")
            if isinstance(model_vars, h5py.Group) and len(model_vars):
                raise ValueError(f"{path} stores model-level variables (/vars: {sorted(model_vars)}), "
                                 f"which a Sequential model does not have.")
            if not isinstance(f["layers"], h5py.Group):
                raise ValueError(f"{path}: `layers` must be a group. Found: {f['layers']}")
            out = {}
            for name, group in f["layers"].items():
                vars_group = group.get("vars") if isinstance(group, h5py.Group) else None
                if not isinstance(vars_group, h5py.Group):
                    raise ValueError(f"{path}: layers/{name} has no `vars` group.")
                keys = sorted(vars_group, key=lambda k: int(k) if k.isdigit() else -1)
                if keys != [str(i) for i in range(len(keys))]:
                    raise ValueError(f"{path}: layers/{name}/vars must hold datasets named 0, 1, ... "
                                     f"Received: {list(vars_group)}")
                out[f"layers/{name}"] = [vars_group[k][()] for k in keys]
            return out
    except (OSError, RuntimeError, KeyError) as exc:  # damaged objects inside an openable file
        raise ValueError(f"{path} could not be read ({exc}); it may be truncated or corrupt.") from exc


def load_weights(model, path) -> None:
    """Load a ``.weights.h5`` file (written by Keras 3 or by ``save_weights``) into ``model``.

    Every layer group, variable count and shape is checked before anything is assigned: on a
    mismatch a ValueError names the layer, the variable, and the expected and received shapes,
    and the model is left unchanged. Each array is cast explicitly to the dtype of the weight it
    replaces (the model's dtype), e.g. a float32 Keras file into a float64 model.
    """
    _require_built(model, "load weights into")
    stored = read_weights(path)
    in_file = sorted(g for g, arrays in stored.items() if arrays)
    plan = []  # (layer, copy of its weights, new weights), complete before any assignment
    for group, layer in layer_paths(model):
        current = _layer_weights(layer)
        label = f"layer {group.split('/')[-1]!r} ({type(layer).__name__})"
        arrays = stored.pop(group, None)
        if arrays is None:
            if current:
                raise ValueError(f"{path} has no weights for {label} (group {group}/vars). "
                                 f"The file has weights for: {in_file}.")
            continue
        if len(arrays) != len(current):
            hint = " (is the model built? give Sequential an input_dim)" if not current else ""
            raise ValueError(f"{path}: {label} expects {len(current)} variables, the file has "
                             f"{len(arrays)}{hint}.")
        new = []
        for i, (old, arr) in enumerate(zip(current, arrays)):
            if arr.shape != old.shape:
                raise ValueError(f"{path}: {label} {_variable_label(layer, i)}: expected shape "
                                 f"{old.shape}, received {arr.shape}.")
            if arr.dtype.kind not in "fiu":
                raise ValueError(f"{path}: {label} {_variable_label(layer, i)}: expected a numeric "
                                 f"array, received dtype {arr.dtype}.")
            new.append(arr.astype(old.dtype, copy=False))  # explicit cast to the model's dtype
        check = getattr(layer, "check_weights", None)      # finite values, a variance >= 0, ...
        if new and check is not None:
            try:
                new = check(new)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{path}: {exc}") from None
        if new:  # weightless layers (Dropout, Activation, ...) need no assignment
            plan.append((layer, [w.copy() for w in current], new))  # copies: for the rollback
    leftover = {g: len(a) for g, a in stored.items() if a}
    if leftover:
        raise ValueError(f"{path} has weights for layers the model does not have: {leftover} "
                         f"(model layers: {[g for g, _ in layer_paths(model)]}).")
    done = []
    try:
        for layer, old, new in plan:
            done.append((layer, old))  # before the call: a failing layer may be half-assigned
            layer.set_weights(new)
    except BaseException:
        for layer, old in reversed(done):  # leave the model as it was, as far as the layers allow
            try:
                layer.set_weights(old)
            except Exception:
                pass  # the original error (re-raised below) is the one to report
        raise
