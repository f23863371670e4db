"""LambdaCallback: a callback built from functions, as Keras's (positional arguments as the
hooks: ``on_epoch_end(epoch, logs)``, ``on_train_begin(logs)``, ``on_train_batch_end(batch,
logs)``; any other hook by keyword, e.g. ``on_test_end=fn``)."""
from __future__ import annotations

from nnref._checks import check_callable
from nnref.callbacks.base import HOOKS, Callback


class LambdaCallback(Callback):
    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None, **kwargs):
        super().__init__()
        unknown = sorted(set(kwargs) - set(HOOKS))
        if unknown:
            raise TypeError(f"LambdaCallback takes hooks {HOOKS}. Received: {unknown}")
        given = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end,
                     on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end, **kwargs)
        for hook, fn in given.items():
            if fn is None:
                continue
            setattr(self, hook, check_callable(hook, fn))
