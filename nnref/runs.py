"""One training run's outputs as one identifiable set, and its resumable checkpoint.

    runs/<dataset>/<run-id>/          the default folder of a run (``--out`` chooses another)
        <dataset>.weights.h5          the weights, Keras 3 layout, the run id in its attributes
        history.json                  per-epoch logs, final accuracies, options, the run id
        learning_curve.png            the curve, the run id in its title
        checkpoint.npz                everything needed to continue: weights, optimizer state,
                                      random generators, history (one file, written atomically)
    runs/<dataset>/latest             a symbolic link to the newest finished or interrupted run
                                      (a text file holding its id where links are not allowed)

A run id is the UTC start time and 4 random hex digits, ``20260130-075501-3fa2``, so two runs
never share a folder. A run into an ``--out`` folder holding an earlier run's files first moves
them to ``<out>/earlier/<their run id>/`` (``--overwrite`` deletes them instead). Every file is written atomically; a run killed mid-write leaves at most
a hidden ``.tmp`` file, which the next run in that folder removes.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import time
from pathlib import Path

import numpy as np

from nnref._files import atomic_write, temp_name

CHECKPOINT = "checkpoint.npz"
CHECKPOINT_FORMAT = "nnref-train-checkpoint/1"
OUTPUT_NAMES = ("history.json", CHECKPOINT, "learning_curve.png")
EARLIER = "earlier"          # <out>/earlier/<run-id>/: an earlier run's files set aside


def new_run_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + secrets.token_hex(2)


def point_latest(parent: Path, run_folder: Path) -> Path:
    """Make ``parent/latest`` name ``run_folder`` (a relative symbolic link, replaced atomically;
    a text file holding the folder's name where links are not allowed)."""
    latest = parent / "latest"
    tmp = temp_name(latest)
    try:
        os.symlink(run_folder.name, tmp, target_is_directory=True)
        os.replace(tmp, latest)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if latest.is_symlink():
            latest.unlink()
        atomic_write(latest, lambda f: f.write(run_folder.name + "\n"))
    return latest


def earlier_outputs(folder: Path) -> list[Path]:
    """The output files of an earlier run found in ``folder``."""
    from nnref.train_cli import SPECS

    names = (*OUTPUT_NAMES, *(f"{dataset}.weights.h5" for dataset in SPECS))
    return [folder / n for n in names if (folder / n).exists()]


def _run_id_of(folder: Path) -> str | None:
    try:
        return str(json.loads((folder / "history.json").read_text(encoding="utf-8"))["run_id"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        return str(load_checkpoint(folder)[1]["run_id"])
    except (OSError, ValueError, KeyError):
        return None


def set_aside(folder: Path, files: list[Path]) -> Path:
    """Move an earlier run's ``files`` into ``folder/earlier/<its run id>/``: nothing is deleted,
    and ``folder`` then holds only the new run's files."""
    dest = folder / EARLIER / (_run_id_of(folder) or f"unknown-{new_run_id()}")
    dest.mkdir(parents=True, exist_ok=True)
    for file in files:
        os.replace(file, dest / file.name)
    return dest


# ----------------------------------------------------------------------------- checkpoints
def capture(model, fit_rng: np.random.Generator, epoch: int, history: dict) -> dict:
    """A copy of everything a resumed run needs after ``epoch`` finished epochs (in memory)."""
    from nnref.layers import Dropout

    return {
        "epoch": epoch,
        "weights": model.get_weights(),
        "optimizer": [v.copy() for v in model.optimizer.variables],
        "iterations": model.optimizer.iterations,
        "rng": {"fit": fit_rng.bit_generator.state,
                "dropout": [layer.rng.bit_generator.state for layer in model.layers
                            if isinstance(layer, Dropout)]},
        "history": {k: list(v) for k, v in history.items()},
    }


def restore(model, fit_rng: np.random.Generator, state: dict) -> None:
    """Put a captured state back into ``model`` (weights, optimizer, generators)."""
    from nnref.layers import Dropout

    model.set_weights(state["weights"])
    if state["optimizer"]:
        if not model.optimizer.built:
            model.optimizer.build(model.trainable_weights)
        model.optimizer.set_variables(state["optimizer"])
    model.optimizer.iterations = state["iterations"]
    fit_rng.bit_generator.state = state["rng"]["fit"]
    dropouts = [layer for layer in model.layers if isinstance(layer, Dropout)]
    for layer, rng_state in zip(dropouts, state["rng"]["dropout"]):
        layer.rng.bit_generator.state = rng_state


def save_checkpoint(path: Path, state: dict, meta: dict) -> Path:
    """Write ``state`` (from ``capture``) and ``meta`` (run id, dataset, options) to one .npz."""
    header = json.dumps({"format": CHECKPOINT_FORMAT, **meta, "epoch": state["epoch"],
                         "iterations": state["iterations"], "rng": state["rng"],
                         "history": state["history"]})
    arrays = {f"weight_{i}": w for i, w in enumerate(state["weights"])}
    arrays.update({f"optimizer_{i}": v for i, v in enumerate(state["optimizer"])})
    atomic_write(path, lambda f: np.savez(f, header=np.array(header), **arrays), binary=True)
    return path


def load_checkpoint(folder: str | os.PathLike) -> tuple[dict, dict]:
    """Read ``folder/checkpoint.npz``: ``(state, meta)``. FileNotFoundError naming the folder if
    there is none; ValueError if it is not a checkpoint of ``nnref train``."""
    path = Path(folder) / CHECKPOINT
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint in {folder}: expected {path} (written by "
                                f"nnref train when a run ends or is interrupted)")
    try:
        with np.load(path, allow_pickle=False) as npz:
            meta = json.loads(str(npz["header"]))
            weights = [npz[f"weight_{i}"] for i in range(sum(k.startswith("weight_") for k in npz))]
            optimizer = [npz[f"optimizer_{i}"] for i in range(sum(k.startswith("optimizer_") for k in npz))]
    except (OSError, ValueError, KeyError) as exc:
        raise ValueError(f"{path} is not a readable nnref train checkpoint ({exc})") from None
    if meta.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"{path} is not an nnref train checkpoint. Received: format="
                         f"{meta.get('format')!r}, expected {CHECKPOINT_FORMAT!r}")
    state = {"epoch": meta.pop("epoch"), "iterations": meta.pop("iterations"), "weights": weights,
             "optimizer": optimizer, "rng": meta.pop("rng"), "history": meta.pop("history")}
    return state, meta
