"""One ``nnref train`` run: checked and prepared before any work (``Session.prepare``), then
trained, saving the finished epochs whatever happens (``Session.train``).

Accuracy labels: "during the epoch" is the mean over the epoch's steps of each batch's accuracy
in training mode before its step (what Keras's progress bar shows); "inference mode" is the whole
set through the model after the epoch (dropout off, batch norm with its moving statistics).
With dropout or batch norm the two differ a lot, so both are printed and the inference-mode one
is recorded per epoch (``train_accuracy_inference``) and drawn in the curve.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from nnref import runs
from nnref._cli_args import check_writable_folder
from nnref._files import atomic_write, remove_stale_temp_files
from nnref.callbacks import ProgbarLogger
from nnref.train_callbacks import InferenceAccuracy, PrintProgress, Snapshot
from nnref.train_cli import DEFAULTS, SPECS, TRAINING_OPTIONS, UsageError, build_model, given, load

def _option(name: str) -> str:
    return "the dataset" if name == "dataset" else "--" + name.replace("_", "-")


class Session:
    """The checked plan of one run: data, model, output folder, epochs, resumed state."""

    @classmethod
    def prepare(cls, args) -> "Session":
        self = cls()
        self.args, self.state, self.earlier = args, None, []
        if args.resume is not None:
            self._resume_from(Path(args.resume))
        else:
            self.run_id = runs.new_run_id()
            self.dataset = self._resolve_dataset()
        for name, value in DEFAULTS.items():
            setattr(args, name, given(args, name, value))
        self.spec = spec = SPECS[self.dataset]
        self.x_train, self.y_train, self.x_test, self.y_test = load(self.dataset, args.data)
        if args.resume is None:
            self.out = self._fresh_folder()
        self.epochs = spec["epochs"] if args.epochs is None else args.epochs
        done = 0 if self.state is None else self.state["epoch"]
        if self.epochs < done:
            raise UsageError(f"--epochs {self.epochs} is fewer than the {done} epochs already done "
                             f"in {self.out}")
        self.batch_size = given(args, "batch_size", spec["batch_size"] or len(self.x_train))
        for name, value in (("batch_size", self.batch_size), ("optimizer", spec["optimizer"]),
                            ("learning_rate", spec["learning_rate"])):
            setattr(args, name, given(args, name, value))   # recorded as used, for --resume
        self.every = 1 if args.verbose == 2 else given(args, "print_every", spec["print_every"])
        self.model = build_model(spec, args, self.x_train.shape[1], self.batch_size)
        self.fit_rng = np.random.default_rng(args.seed)
        if self.state is not None:
            runs.restore(self.model, self.fit_rng, self.state)
        return self

    def _resolve_dataset(self) -> str:
        args = self.args
        if args.dataset != "auto":
            return args.dataset
        from nnref import datasets

        if args.data is not None or datasets.find_data("signs") is not None:
            return "signs"             # an explicit --data is the only place: missing files say so
        print("SIGNS data not found (set NNREF_DATA or --data); training the course's planar "
              "'flower' model on generated data instead.", file=sys.stderr)
        return "flower"

    def _fresh_folder(self) -> Path:
        args = self.args
        if args.out is None:
            parent = Path("runs") / self.dataset
            out = parent / self.run_id
        else:
            parent, out = None, Path(args.out)
        self.latest_parent = parent
        out = self._check_folder(out)
        self.earlier = runs.earlier_outputs(out)      # set aside when training starts
        return out

    def _check_folder(self, out: Path) -> Path:
        try:
            check_writable_folder(out)
        except OSError as exc:
            raise UsageError(f"--out: {exc}") from None
        remove_stale_temp_files(out)
        return out

    def _resume_from(self, folder: Path) -> None:
        args = self.args
        if args.out is not None and Path(args.out) != folder:
            raise UsageError("--resume writes into the run's own folder; leave out --out")
        try:
            self.state, meta = runs.load_checkpoint(folder)
        except (FileNotFoundError, ValueError) as exc:
            raise UsageError(f"--resume: {exc}") from None
        saved = meta["options"]
        for name in TRAINING_OPTIONS:
            given = getattr(args, name)
            left_out = given is None or given is False or given == "auto"   # not `in`: 0.0 == False
            if left_out or given == saved[name]:
                setattr(args, name, saved[name])
            else:
                raise UsageError(f"{_option(name)} {given} differs from the run's {saved[name]}: a "
                                 f"resumed run keeps its options (start a new run to change them)")
        if args.epochs is None:
            args.epochs = meta["epochs"]
        self.run_id, self.dataset = meta["run_id"], saved["dataset"]
        self.latest_parent = folder.parent if (folder.parent / "latest").exists() else None
        self.out = self._check_folder(folder)

    # ------------------------------------------------------------------------- training
    def train(self) -> int:
        args, model = self.args, self.model
        done = 0 if self.state is None else self.state["epoch"]
        snapshot = Snapshot(self, done)
        callbacks = [snapshot, PrintProgress(self)]          # a printed epoch is a saved one
        if args.batchnorm or args.dropout > 0:     # before them: they see its key
            callbacks.insert(0, InferenceAccuracy(self.x_train, self.y_train))
        bar = args.verbose == 1 and self.epochs <= 1000
        if bar:                                    # first: the bar closes before a line is printed
            callbacks.insert(0, ProgbarLogger())
        print(self._header(done))
        if self.earlier:                           # every check passed: now the folder changes
            self._clear_earlier()
        start, status, reason = time.perf_counter(), 0, None
        try:
            model.fit(self.x_train, self.y_train, batch_size=self.batch_size, epochs=self.epochs,
                      initial_epoch=done, verbose=1 if bar else 0,
                      validation_data=None if self.x_test is None else (self.x_test, self.y_test),
                      shuffle=args.shuffle, seed=self.fit_rng, callbacks=callbacks)
        except KeyboardInterrupt:
            status = 130
        except FloatingPointError as exc:       # the loss or a moving statistic stopped being finite
            status, reason = 1, str(exc).rstrip(".")
        seconds = time.perf_counter() - start
        if status:
            runs.restore(model, self.fit_rng, snapshot.state)     # back to the last finished epoch
        self._save(snapshot.state, seconds, status)
        finished = snapshot.state["epoch"]
        if status == 130:
            print(f"nnref train: interrupted; saved the {finished} finished epoch(s) of {self.epochs} in "
                  f"{self.out} (continue with: nnref train --resume {self.out})", file=sys.stderr)
        elif status:
            print(f"nnref train: {reason}; saved the {finished} finished epoch(s) of {self.epochs} in "
                  f"{self.out}", file=sys.stderr)
        return status

    def _clear_earlier(self) -> None:
        if self.args.overwrite:
            for file in self.earlier:
                file.unlink()
            print(f"nnref train: deleted an earlier run's files in {self.out} (--overwrite)", file=sys.stderr)
        else:
            dest = runs.set_aside(self.out, self.earlier)
            print(f"nnref train: moved an earlier run's files from {self.out} to {dest}", file=sys.stderr)

    def _header(self, done: int) -> str:
        examples = (f"{len(self.x_train)} examples, no test set (accuracy on the training set, as the "
                    f"course)" if self.x_test is None
                    else f"{len(self.x_train)} train / {len(self.x_test)} test examples")
        resumed = f", resuming after epoch {done}" if self.state is not None else ""
        opt = self.model.optimizer
        return (f"nnref train {self.dataset}: {examples}, {self.epochs} epochs{resumed}, batch "
                f"{self.batch_size}, {type(opt).__name__} lr {opt.learning_rate}, {self.args.dtype}, "
                f"seed {self.args.seed}; run {self.run_id} in {self.out}")

    def _save(self, state: dict, seconds: float, status: int) -> None:
        args, model, out = self.args, self.model, self.out
        weights_path = out / f"{self.dataset}.weights.h5"
        model.save_weights(weights_path)
        options = {name: getattr(args, name) for name in TRAINING_OPTIONS}
        options["dataset"] = self.dataset
        meta = {"run_id": self.run_id, "options": options, "epochs": self.epochs}
        runs.save_checkpoint(out / runs.CHECKPOINT, state, meta)
        written = [weights_path, out / runs.CHECKPOINT]
        history = state["history"]
        if not args.no_plot and state["epoch"] > 0:
            from nnref.learning_curve import plot_history

            plot_history(history, out / "learning_curve.png",
                         f"nnref train {self.dataset}: {state['epoch']} epochs (run {self.run_id})")
            written.append(out / "learning_curve.png")
        final_train = model.evaluate(self.x_train, self.y_train, verbose=0)["accuracy"]
        final_test = None if self.x_test is None else model.evaluate(self.x_test, self.y_test, verbose=0)["accuracy"]
        record = {"run_id": self.run_id, "dataset": self.dataset, "epochs": self.epochs,
                  "epochs_done": state["epoch"], "interrupted": bool(status), "seconds": seconds,
                  "history": history, "train_accuracy": final_train, "test_accuracy": final_test,
                  "accuracy_mode": "inference", "options": options,
                  "args": {k: v for k, v in vars(args).items() if not k.startswith("_")}}
        atomic_write(out / "history.json", lambda f: json.dump(record, f, indent=1, default=str))
        written.append(out / "history.json")
        if self.latest_parent is not None:
            runs.point_latest(self.latest_parent, out)
        if state["epoch"] == 0 and not args.no_plot:
            print("no epoch trained: no learning curve written")
        test = ("" if final_test is None else f", test accuracy {final_test:.4f}")
        where = " on the training set (no test set)" if final_test is None else ""
        print(f"done in {seconds:.1f} s: train accuracy {final_train:.4f}{test} (inference mode, after "
              f"epoch {state['epoch']}){where}")
        print("wrote " + ", ".join(str(p) for p in written))
