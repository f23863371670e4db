"""History: every epoch's logs, as Keras's ``History`` (``fit`` returns it)."""
from __future__ import annotations

from nnref.callbacks.base import Callback


class History(Callback):
    """``history.history["loss"]`` is the list of epoch losses; ``history.epoch`` the epoch
    indices; ``history.params`` is ``{"verbose", "epochs", "steps"}`` as Keras."""

    def __init__(self):
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self
