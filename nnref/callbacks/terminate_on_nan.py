"""TerminateOnNaN: stop training at the first batch whose running loss is NaN or infinite.

Keras 3's rule: ``model.stop_training = True`` (training ends after that batch, and
``on_train_end`` still runs), or with ``raise_error=True`` a ``RuntimeError`` at once.
Without this callback nnref's ``fit`` raises ``NonFiniteLossError`` at that batch (Keras would
go on training on NaN).
"""
from __future__ import annotations

import math

from nnref._checks import check_bool
from nnref.callbacks.base import Callback


class TerminateOnNaN(Callback):
    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = check_bool("raise_error", raise_error)

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. "
                               f"Loss value: {loss}. Terminating training immediately.")
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
