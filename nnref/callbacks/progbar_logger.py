"""ProgbarLogger: a tqdm progress bar per epoch (``verbose=1``) or one line per epoch
(``verbose=2``), as Keras's ``ProgbarLogger``. ``fit``/``evaluate``/``predict`` add one when
``verbose`` is not 0 ("auto" means 1). Without tqdm installed, ``verbose=1`` prints the lines
of ``verbose=2`` (install the progress bar with the ``cli`` extra).
"""
from __future__ import annotations

from nnref.callbacks.base import Callback


def format_logs(logs) -> str:
    return " - ".join(f"{k}: {v:.4f}" for k, v in (logs or {}).items()
                      if isinstance(v, (int, float)))


class ProgbarLogger(Callback):
    def __init__(self):
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self.target = None
        self.progbar = None
        self._called_in_fit = False

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def _open(self, desc: str) -> None:
        self._close()
        self.seen = 0
        if self.verbose != 1:
            return
        try:
            from tqdm.auto import tqdm
        except ImportError:
            self.verbose = 2
            return
        self.progbar = tqdm(total=self.target, desc=desc, unit="step", leave=True)

    def _update(self, batch, logs) -> None:
        if self.progbar is None:
            return
        self.progbar.update(batch + 1 - self.seen)
        self.seen = batch + 1
        if logs:
            self.progbar.set_postfix_str(format_logs(logs), refresh=False)

    def _close(self, logs=None, line: str | None = None) -> None:
        if self.progbar is not None:
            if logs:
                self.progbar.set_postfix_str(format_logs(logs), refresh=False)
            self.progbar.close()
            self.progbar = None
        elif line is not None and self.verbose == 2:
            print(line)

    def on_train_begin(self, logs=None):
        self._called_in_fit = True

    def on_epoch_begin(self, epoch, logs=None):
        self._open(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch, logs=None):
        self._update(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._close(logs, f"Epoch {epoch + 1}/{self.epochs} - {format_logs(logs)}")

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._open("evaluate")

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update(batch, logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._close(logs, format_logs(logs))

    def on_predict_begin(self, logs=None):
        self._open("predict")

    def on_predict_batch_end(self, batch, logs=None):
        self._update(batch, None)

    def on_predict_end(self, logs=None):
        self._close()
