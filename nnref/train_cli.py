"""``nnref train``: the main job. Trains the course's models with the nnref API.

    signs       12288 → Dense 25 relu → Dense 12 relu → Dense 6 (logits), softmax cross-entropy,
                Adam (course form) lr 1e-4, mini-batch 32, inputs flattened and /255, no shuffling
                (as the course's TensorFlow assignment), 100 epochs by default.
    catvnoncat  12288 → 20 relu → 7 relu → 5 relu → 1 sigmoid, course Xavier initialisation
                (randn/√n), full-batch gradient descent lr 0.0075, 2500 epochs (course 1 week 4).
    auto        signs when its files are found; otherwise the course's planar "flower" data
                (generated, no download): 2 → 4 tanh → 1 sigmoid, gradient descent lr 1.2.
Writes the weights (Keras .weights.h5 layout), the per-epoch history (JSON) and a learning-curve
PNG into --out, and prints train/test accuracy every --print-every epochs.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from nnref._files import atomic_write

DATASETS = ("auto", "signs", "catvnoncat", "flower")
OPTIMIZERS = ("adam", "sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adadelta")


def configure(parser) -> None:
    parser.add_argument("dataset", nargs="?", default="auto", choices=DATASETS,
                        help="which course model to train (default: auto = signs if found, else flower)")
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs (default: signs 100, catvnoncat 2500, flower 10000)")
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default=None,
                        help="default: adam for signs, sgd for the others")
    parser.add_argument("--convention", choices=("course", "keras"), default="course",
                        help="optimizer formula: as taught (default) or Keras 3's")
    parser.add_argument("--learning-rate", "--lr", type=float, default=None, dest="learning_rate")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="default: 32 for signs, the full training set for the others")
    parser.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    parser.add_argument("--seed", type=int, default=0,
                        help="seeds the initial weights, dropout masks and shuffling (default 0)")
    parser.add_argument("--shuffle", action="store_true", help="reshuffle the examples every epoch")
    parser.add_argument("--batchnorm", action="store_true", help="BatchNormalization after each hidden Dense")
    parser.add_argument("--dropout", type=float, default=0.0, help="dropout rate after each hidden layer")
    parser.add_argument("--l2", type=float, default=0.0,
                        help="the course's λ: adds λ/(2m)·Σ‖W‖² with m the batch size")
    parser.add_argument("--print-every", type=int, default=None, help="epochs between printed accuracies")
    parser.add_argument("--data", default=None, help="folder holding the data files (else NNREF_DATA, ./datasets)")
    parser.add_argument("--out", default=None, help="output folder (default: runs/<dataset>)")
    parser.add_argument("--no-plot", action="store_true", help="do not write the learning-curve PNG")
    parser.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1,
                        help="0 silent, 1 progress bar (default), 2 a line per epoch")


SPECS = {
    "signs": dict(hidden=(25, 12), hidden_act="relu", units=6, epochs=100, optimizer="adam",
                  learning_rate=1e-4, batch_size=32, init="glorot_normal", print_every=10),
    "catvnoncat": dict(hidden=(20, 7, 5), hidden_act="relu", units=1, epochs=2500, optimizer="sgd",
                       learning_rate=0.0075, batch_size=None, init="course_xavier", print_every=100),
    "flower": dict(hidden=(4,), hidden_act="tanh", units=1, epochs=10000, optimizer="sgd",
                   learning_rate=1.2, batch_size=None, init="course_random", print_every=1000),
}


def load(dataset: str, path):
    """(x_train, y_train, x_test, y_test) batch-first, scaled, in float64."""
    from nnref import data, datasets

    if dataset == "flower":
        from nnref.course.c1w3_planar import load_planar_dataset

        X, Y = load_planar_dataset()                       # course layout (2, 400), (1, 400)
        # The course reports the planar model's accuracy on its 400 training points: "test" = train.
        return X.T, Y.ravel().astype(int), X.T, Y.ravel().astype(int)
    loader = datasets.load_signs if dataset == "signs" else datasets.load_catvnoncat
    x_train, y_train, x_test, y_test, _ = loader(path)
    return (data.scale_images(data.flatten_images(x_train)), y_train,
            data.scale_images(data.flatten_images(x_test)), y_test)


def build_model(spec: dict, args, input_dim: int, batch_size: int):
    from nnref import layers, losses, optimizers, regularizers
    from nnref.models import Sequential

    reg = regularizers.L2(args.l2 / (2 * batch_size)) if args.l2 > 0 else None
    model = Sequential(input_dim=None, dtype=args.dtype, seed=args.seed)
    for units in spec["hidden"]:
        model.add(layers.Dense(units, activation=spec["hidden_act"], kernel_initializer=spec["init"],
                               kernel_regularizer=reg))
        if args.batchnorm:
            model.add(layers.BatchNormalization())
        if args.dropout > 0:
            model.add(layers.Dropout(args.dropout))
    if spec["units"] == 1:
        model.add(layers.Dense(1, activation="sigmoid", kernel_initializer=spec["init"], kernel_regularizer=reg))
        loss = losses.BinaryCrossentropy(epsilon=0.0)       # the course's cost, no clip
    else:
        model.add(layers.Dense(spec["units"], kernel_initializer=spec["init"], kernel_regularizer=reg))
        loss = losses.SparseCategoricalCrossentropy(from_logits=True)
    model.build(input_dim)
    name = args.optimizer or spec["optimizer"]
    lr = args.learning_rate or spec["learning_rate"]
    kwargs = {"learning_rate": lr, "convention": args.convention}
    if name in ("momentum", "nesterov"):
        optimizer = optimizers.SGD(momentum=0.9, nesterov=name == "nesterov", **kwargs)
    else:
        optimizer = optimizers.get(name).__class__(**kwargs)
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    return model


def plot_history(history: dict, path: Path, title: str) -> None:
    """Cost and accuracy per epoch, written atomically as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = range(1, len(history["loss"]) + 1)
    fig, (ax_cost, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    ax_cost.plot(epochs, history["loss"], label="train")
    if "val_loss" in history:
        ax_cost.plot(epochs, history["val_loss"], label="test")
    ax_cost.set(xlabel="epoch", ylabel="cost", title="cost")
    ax_acc.plot(epochs, history["accuracy"], label="train")
    if "val_accuracy" in history:
        ax_acc.plot(epochs, history["val_accuracy"], label="test")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy", ylim=(0, 1))
    for ax in (ax_cost, ax_acc):
        ax.legend()
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    try:
        atomic_write(path, lambda f: fig.savefig(f, format="png", dpi=100), binary=True)
    finally:
        plt.close(fig)


def _write_json(obj, path: Path) -> None:
    atomic_write(path, lambda f: json.dump(obj, f, indent=1))


def run(args) -> int:
    from nnref.callbacks import Callback

    dataset = args.dataset
    if dataset == "auto":
        from nnref import datasets
        try:
            datasets.load_signs(args.data)
            dataset = "signs"
        except FileNotFoundError:
            print("SIGNS data not found (set NNREF_DATA or --data); training the course's planar "
                  "'flower' model on generated data instead.", file=sys.stderr)
            dataset = "flower"
    spec = SPECS[dataset]
    try:
        x_train, y_train, x_test, y_test = load(dataset, args.data)
    except FileNotFoundError as exc:
        print(f"nnref train {dataset}: {exc}", file=sys.stderr)
        return 1
    epochs = args.epochs if args.epochs is not None else spec["epochs"]
    batch_size = args.batch_size or spec["batch_size"] or len(x_train)
    every = args.print_every or spec["print_every"]
    model = build_model(spec, args, x_train.shape[1], batch_size)
    out = Path(args.out or Path("runs") / dataset)
    out.mkdir(parents=True, exist_ok=True)

    class PrintAccuracy(Callback):
        def on_epoch_end(self, epoch, logs=None):
            if (epoch + 1) % every == 0 or epoch + 1 == epochs:
                print(f"epoch {epoch + 1:>5}: cost {logs['loss']:.6f}  train accuracy "
                      f"{logs['accuracy']:.4f}  test accuracy {logs['val_accuracy']:.4f}", flush=True)

    examples = (f"{len(x_train)} examples (accuracy on the training set, as the course)"
                if dataset == "flower" else f"{len(x_train)} train / {len(x_test)} test examples")
    print(f"nnref train {dataset}: {examples}, "
          f"{epochs} epochs, batch {batch_size}, {type(model.optimizer).__name__} "
          f"lr {model.optimizer.learning_rate}, {args.dtype}, seed {args.seed}")
    start = time.perf_counter()
    history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs,
                        verbose=args.verbose if args.verbose != 1 or epochs <= 1000 else 0,
                        validation_data=(x_test, y_test), shuffle=args.shuffle, seed=args.seed,
                        callbacks=[PrintAccuracy()])
    seconds = time.perf_counter() - start
    final_train = model.evaluate(x_train, y_train, verbose=0)["accuracy"]
    final_test = model.evaluate(x_test, y_test, verbose=0)["accuracy"]
    weights_path = out / f"{dataset}.weights.h5"
    model.save_weights(weights_path)
    _write_json({"dataset": dataset, "epochs": epochs, "seconds": seconds, "history": history.history,
                 "train_accuracy": final_train, "test_accuracy": final_test, "args": {
                     k: v for k, v in vars(args).items() if not k.startswith("_")}},
                out / "history.json")
    if not args.no_plot:
        plot_history(history.history, out / "learning_curve.png",
                     f"nnref train {dataset}: {epochs} epochs")
    print(f"done in {seconds:.1f} s: train accuracy {final_train:.4f}, test accuracy {final_test:.4f} "
          f"(inference mode)")
    print(f"wrote {weights_path}, {out / 'history.json'}" + ("" if args.no_plot else f", {out / 'learning_curve.png'}"))
    return 0
