"""``nnref train``: the main job. Trains the course's models with the nnref API.

    signs       12288 → Dense 25 relu → Dense 12 relu → Dense 6 (logits), softmax cross-entropy,
                Adam (course form) lr 1e-4, mini-batch 32, inputs flattened and /255, no shuffling
                (as the course's TensorFlow assignment), 100 epochs by default.
    catvnoncat  12288 → 20 relu → 7 relu → 5 relu → 1 sigmoid, course Xavier initialisation
                (randn/√n), full-batch gradient descent lr 0.0075, 2500 epochs (course 1 week 4).
    auto        signs when its files are found; otherwise the course's planar "flower" data
                (generated, no download): 2 → 4 tanh → 1 sigmoid, gradient descent lr 1.2. The
                flower model has no test set: its accuracy is on the 400 training points.
Every option is checked, and the output folder proved writable, before any work. The outputs
(``nnref.runs``: weights, history, curve, checkpoint) go to runs/<dataset>/<run-id>/ or --out.
Ctrl-C saves the finished epochs (exit 130); ``--resume FOLDER`` continues a run.
"""
from __future__ import annotations

import sys

from nnref._cli_args import (non_negative_float, non_negative_int, output_folder, positive_float,
                             positive_int, probability_below_one)

DATASETS = ("auto", "signs", "catvnoncat", "flower")
OPTIMIZERS = ("adam", "sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adadelta")
# options that define the model and its training: a resumed run must keep them
TRAINING_OPTIONS = ("dataset", "optimizer", "convention", "learning_rate", "batch_size", "dtype",
                    "seed", "shuffle", "batchnorm", "dropout", "l2")


def configure(parser) -> None:
    add = parser.add_argument
    add("dataset", nargs="?", default="auto", choices=DATASETS,
        help="which course model to train (default: auto = signs if found, else flower)")
    add("--epochs", type=non_negative_int, default=None,
        help="epochs in all (default: signs 100, catvnoncat 2500, flower 10000)")
    add("--optimizer", choices=OPTIMIZERS, default=None, help="default: adam for signs, sgd for the others")
    add("--convention", choices=("course", "keras"), default=None,
        help="optimizer formula: as taught (default) or Keras 3's")
    add("--learning-rate", "--lr", type=positive_float, default=None, dest="learning_rate")
    add("--batch-size", type=positive_int, default=None,
        help="default: 32 for signs, the full training set for the others")
    add("--dtype", choices=("float64", "float32"), default=None, help="default: float64")
    add("--seed", type=non_negative_int, default=None,
        help="seeds the initial weights, dropout masks and shuffling (default 0)")
    add("--shuffle", action="store_true", help="reshuffle the examples every epoch")
    add("--batchnorm", action="store_true", help="BatchNormalization after each hidden Dense")
    add("--dropout", type=probability_below_one, default=None, help="dropout rate in [0, 1) after each hidden layer")
    add("--l2", type=non_negative_float, default=None,
        help="the course's λ >= 0: adds λ/(2m)·Σ‖W‖² with m the batch size")
    add("--print-every", type=positive_int, default=None, help="epochs between printed accuracies")
    add("--data", default=None,
        help="folder holding the data files, the only place looked at (default: $NNREF_DATA, ./datasets)")
    add("--out", type=output_folder, default=None,
        help="folder for this run's outputs (default: runs/<dataset>/<run-id>/, runs/<dataset>/latest "
             "pointing at the newest)")
    add("--overwrite", action="store_true",
        help="delete an earlier run's files in --out (default: move them to <out>/earlier/<run-id>/)")
    add("--checkpoint", type=positive_int, default=None, metavar="N",
        help="also save a resumable checkpoint every N epochs (one is always saved when the run "
             "ends or is interrupted)")
    add("--resume", type=output_folder, default=None, metavar="FOLDER",
        help="continue the run in FOLDER from its checkpoint up to --epochs")
    add("--no-plot", action="store_true", help="do not write the learning-curve PNG")
    add("--verbose", type=int, choices=(0, 1, 2), default=1,
        help="0 silent, 1 progress bar (default), 2 a line per epoch")


SPECS = {
    "signs": dict(hidden=(25, 12), hidden_act="relu", units=6, epochs=100, optimizer="adam",
                  learning_rate=1e-4, batch_size=32, init="glorot_normal", print_every=10),
    "catvnoncat": dict(hidden=(20, 7, 5), hidden_act="relu", units=1, epochs=2500, optimizer="sgd",
                       learning_rate=0.0075, batch_size=None, init="course_xavier", print_every=100),
    "flower": dict(hidden=(4,), hidden_act="tanh", units=1, epochs=10000, optimizer="sgd",
                   learning_rate=1.2, batch_size=None, init="course_random", print_every=1000),
}
DEFAULTS = dict(convention="course", dtype="float64", seed=0, dropout=0.0, l2=0.0)


def given(args, name: str, default):
    """The option ``name`` as given, or ``default`` when it was left out (None): never a
    replacement of a given value, even 0."""
    value = getattr(args, name)
    return default if value is None else value


def load(dataset: str, path):
    """(x_train, y_train, x_test, y_test) batch-first, scaled, in float64; the flower data have
    no test set (x_test, y_test are None)."""
    from nnref import data, datasets

    if dataset == "flower":
        from nnref.course.c1w3_planar import load_planar_dataset

        X, Y = load_planar_dataset()                       # course layout (2, 400), (1, 400)
        return X.T, Y.ravel().astype(int), None, None
    loader = datasets.load_signs if dataset == "signs" else datasets.load_catvnoncat
    x_train, y_train, x_test, y_test, _ = loader(path)
    return (data.scale_images(data.flatten_images(x_train)), y_train,
            data.scale_images(data.flatten_images(x_test)), y_test)


def build_model(spec: dict, args, input_dim: int, batch_size: int):
    """The compiled model for ``spec`` and the options in ``args`` (None: the spec's default)."""
    from nnref import layers, losses, optimizers, regularizers
    from nnref.models import Sequential

    opt = {name: given(args, name, default) for name, default in DEFAULTS.items()}
    l2, dropout = opt["l2"], opt["dropout"]
    reg = regularizers.L2(l2 / (2 * batch_size)) if l2 > 0 else None
    model = Sequential(input_dim=None, dtype=opt["dtype"], seed=opt["seed"])
    for units in spec["hidden"]:
        model.add(layers.Dense(units, activation=spec["hidden_act"], kernel_initializer=spec["init"],
                               kernel_regularizer=reg))
        if args.batchnorm:
            model.add(layers.BatchNormalization())
        if dropout > 0:
            model.add(layers.Dropout(dropout))
    if spec["units"] == 1:
        model.add(layers.Dense(1, activation="sigmoid", kernel_initializer=spec["init"], kernel_regularizer=reg))
        loss = losses.BinaryCrossentropy(epsilon=0.0)       # the course's cost, no clip
    else:
        model.add(layers.Dense(spec["units"], kernel_initializer=spec["init"], kernel_regularizer=reg))
        loss = losses.SparseCategoricalCrossentropy(from_logits=True)
    model.build(input_dim)
    name = given(args, "optimizer", spec["optimizer"])
    kwargs = {"learning_rate": given(args, "learning_rate", spec["learning_rate"]),
              "convention": opt["convention"]}
    if name in ("momentum", "nesterov"):
        optimizer = optimizers.SGD(momentum=0.9, nesterov=name == "nesterov", **kwargs)
    else:
        optimizer = optimizers.get(name).__class__(**kwargs)
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    return model


class UsageError(Exception):
    """A bad combination of options or a bad output location: one line, exit status 2."""


def run(args) -> int:
    from nnref.train_session import Session

    try:
        session = Session.prepare(args)          # every check, before any work
    except UsageError as exc:
        print(f"nnref train: error: {exc}", file=sys.stderr)
        return 2
    except (FileNotFoundError, ValueError) as exc:     # the data: missing, corrupt
        print(f"nnref train: {exc}", file=sys.stderr)
        return 1
    return session.train()
