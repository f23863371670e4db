"""The callbacks of one ``nnref train`` run (``nnref.train_session.Session`` passes itself):
the in-memory snapshot after each finished epoch (and the ``--checkpoint`` files), the
inference-mode training accuracy, and the printed progress lines."""
from __future__ import annotations

from nnref import runs
from nnref.callbacks import Callback
from nnref.train_cli import TRAINING_OPTIONS


class Snapshot(Callback):
    """Keeps (in memory) the state after the last finished epoch, and writes a checkpoint every
    ``--checkpoint`` epochs."""

    def __init__(self, session, done: int):
        super().__init__()
        self.session = session
        prior = {} if session.state is None else session.state["history"]
        self.history = {k: list(v) for k, v in prior.items()}
        self.state = runs.capture(session.model, session.fit_rng, done, self.history)

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        s = self.session
        self.state = runs.capture(s.model, s.fit_rng, epoch + 1, self.history)
        if s.args.checkpoint and (epoch + 1) % s.args.checkpoint == 0:
            meta = {"run_id": s.run_id, "epochs": s.epochs, "options": {
                **{n: getattr(s.args, n) for n in TRAINING_OPTIONS}, "dataset": s.dataset}}
            runs.save_checkpoint(s.out / runs.CHECKPOINT, self.state, meta)


class InferenceAccuracy(Callback):
    """Adds ``train_accuracy_inference``: the training set's accuracy in inference mode."""

    def __init__(self, x, y):
        super().__init__()
        self.x, self.y = x, y

    def on_epoch_end(self, epoch, logs=None):
        logs["train_accuracy_inference"] = self.model.evaluate(self.x, self.y, verbose=0)["accuracy"]


class PrintProgress(Callback):
    """One line every ``every`` epochs (and after the last), every accuracy labelled."""

    def __init__(self, session):
        super().__init__()
        self.every, self.epochs = session.every, session.epochs
        self.has_test = session.x_test is not None

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every and epoch + 1 != self.epochs:
            return
        train = f"train accuracy {logs['accuracy']:.4f} during the epoch"
        if "train_accuracy_inference" in logs:
            train += f" (training mode), {logs['train_accuracy_inference']:.4f} at its end (inference mode)"
        test = f"  test accuracy {logs['val_accuracy']:.4f}" if self.has_test else " (no test set)"
        print(f"epoch {epoch + 1:>5}: cost {logs['loss']:.6f}  {train}{test}", flush=True)
