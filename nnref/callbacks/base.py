"""The callback protocol, with Keras 3's hooks, and the list that dispatches them.

``fit`` calls, in order: ``on_train_begin(logs)``; per epoch ``on_epoch_begin(epoch)``, per step
``on_train_batch_begin(step)`` and ``on_train_batch_end(step, logs)`` (logs: the epoch's running
means so far, as Keras), then with validation data ``on_test_begin``/``on_test_batch_*``/
``on_test_end``, then ``on_epoch_end(epoch, logs)``; finally ``on_train_end(logs)``.
``evaluate`` calls the ``on_test_*`` hooks and ``predict`` the ``on_predict_*`` ones. Every hook
gets a ``logs`` dict (sorted by key, values as floats; empty when there is nothing to report).
As in Keras, ``on_train_batch_begin/end`` default to ``on_batch_begin/end``. A callback stops
training by setting ``model.stop_training = True``; ``params`` holds
``{"verbose", "epochs", "steps"}`` (Keras's keys) once ``fit`` has started.
"""
from __future__ import annotations

from nnref._checks import check_int, check_type


def check_save_freq(save_freq):
    """``save_freq`` of the saving callbacks: "epoch" or a number of batches >= 1."""
    if isinstance(save_freq, str) and save_freq == "epoch":
        return save_freq
    return check_int("save_freq", save_freq, low=1, expected="'epoch' or an integer >= 1")


class Callback:
    def __init__(self):
        self.model = None
        self.params: dict = {}

    def set_params(self, params: dict) -> None:
        self.params = params

    def set_model(self, model) -> None:
        self.model = model

    def on_batch_begin(self, batch: int, logs=None): ...
    def on_batch_end(self, batch: int, logs=None): ...
    def on_epoch_begin(self, epoch: int, logs=None): ...
    def on_epoch_end(self, epoch: int, logs=None): ...

    def on_train_batch_begin(self, batch: int, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch: int, logs=None): ...
    def on_test_batch_end(self, batch: int, logs=None): ...
    def on_predict_batch_begin(self, batch: int, logs=None): ...
    def on_predict_batch_end(self, batch: int, logs=None): ...
    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_test_begin(self, logs=None): ...
    def on_test_end(self, logs=None): ...
    def on_predict_begin(self, logs=None): ...
    def on_predict_end(self, logs=None): ...


HOOKS = tuple(name for name in vars(Callback) if name.startswith("on_"))


def _python_logs(logs) -> dict:
    """A new dict, sorted by key, numbers as Python floats (Keras's ``pythonify_logs``): every
    hook gets a dict, never None, and all callbacks of one call share it."""
    out = {}
    for key, value in sorted((logs or {}).items()):
        try:
            out[key] = float(value)
        except (TypeError, ValueError):
            out[key] = value
    return out


# The hooks whose default calls another (Keras's): overriding either one implements them.
_DEFAULTS_TO = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


def _implements(cb: Callback, hook: str) -> bool:
    """Whether calling ``cb``'s ``hook`` can do anything: what ``cb.hook`` (or the hook it
    defaults to) resolves to is not ``Callback``'s own no-op (overridden in a class, set on the
    instance, or served by ``__getattr__``/``__getattribute__``)."""
    for name in (hook, _DEFAULTS_TO.get(hook)):
        if name and getattr(getattr(cb, name), "__func__", None) is not getattr(Callback, name):
            return True
    return False


class CallbackList:
    """Calls one hook on every callback, in the order given: ``callbacks.on_epoch_end(e, logs)``.

    Like Keras's ``CallbackList``: a ``History`` (and, when ``verbose`` is not 0, a
    ``ProgbarLogger``) is appended unless one is in the list already; ``model.history`` is set.
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        from nnref.callbacks.history import History
        from nnref.callbacks.progbar_logger import ProgbarLogger

        self.callbacks = list(callbacks or [])
        for i, cb in enumerate(self.callbacks):
            check_type(f"callbacks[{i}]", cb, Callback, "an nnref.callbacks.Callback")
        self.history = next((cb for cb in self.callbacks if isinstance(cb, History)), None)
        if self.history is None and add_history:
            self.history = History()
            self.callbacks.append(self.history)
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        if model is not None:
            if self.history is not None:
                model.history = self.history
            for cb in self.callbacks:
                cb.set_model(model)
        if params:
            for cb in self.callbacks:
                cb.set_params(params)

    def __getattr__(self, hook: str):
        """``hook(logs=None)`` or ``hook(index, logs=None)``, passed on as Keras's CallbackList
        does: ``on_train_begin(logs)``, ``on_epoch_end(epoch, logs)``,
        ``on_train_batch_end(batch, logs=logs)``. Made on first use and kept; callbacks that
        leave the hook as ``Callback``'s no-op are not called (Keras skips them too), so a
        step without batch callbacks converts no logs."""
        if hook not in HOOKS:
            raise AttributeError(hook)
        called = [cb for cb in self.callbacks if _implements(cb, hook)]
        batch = "batch" in hook
        indexed = batch or "epoch" in hook

        def call(*args, logs=None):
            if not called:
                return
            if indexed:
                (index, *rest) = args
                logs = _python_logs(rest[0] if rest else logs)
                for cb in called:
                    if batch:
                        getattr(cb, hook)(index, logs=logs)
                    else:
                        getattr(cb, hook)(index, logs)
            else:
                logs = _python_logs(args[0] if args else logs)
                for cb in called:
                    getattr(cb, hook)(logs)
        self.__dict__[hook] = call
        return call
