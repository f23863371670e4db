"""Optimizers that update NumPy arrays in place, in the course's or Keras's convention.

    opt = optimizers.Adam(learning_rate=1e-4)                 # convention="course"
    opt.apply_gradients([(dw, w), (db, b)])                   # w, b updated in place
    opt.iterations                                            # 1

Each optimizer takes ``convention="course"`` (the formula as taught, the default) or
``convention="keras"`` (Keras 3's formula, bit for bit in float64, including the float32
roundings Keras applies to some hyperparameters). Unset defaults follow the convention:

=========  ==================  ================  ==========================================
class      learning_rate       epsilon           other
=========  ==================  ================  ==========================================
SGD        0.01                —                 momentum 0.0, nesterov False
RMSprop    0.001               1e-8 / 1e-7       rho 0.9
Adagrad    0.001               1e-8 / 1e-7       initial_accumulator_value 0.0 / 0.1
Adadelta   1.0 / 0.001         1e-6 / 1e-7       rho 0.95
Adam       0.001               1e-8 / 1e-7       beta_1 0.9, beta_2 0.999
=========  ==================  ================  ==========================================

(course / keras where they differ.) Each class takes its step's rule and constants from a
``*_rule`` function of :mod:`nnref.functional.optim` (``adam_rule``, ...; the kernel beside it,
``adam_update``, states the update in both conventions) and runs it through
:mod:`nnref.functional.engine`; the scalar rules themselves are in :mod:`nnref.functional.rules`.
"""
from __future__ import annotations

from nnref.optimizers.adadelta import Adadelta
from nnref.optimizers.adagrad import Adagrad
from nnref.optimizers.adam import Adam
from nnref.optimizers.base import Optimizer
from nnref.optimizers.rmsprop import RMSprop
from nnref.optimizers.sgd import SGD

__all__ = ["SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Optimizer", "get"]

OPTIMIZERS = {cls.__name__.lower(): cls for cls in (SGD, RMSprop, Adagrad, Adadelta, Adam)}


def get(identifier):
    """An optimizer from a name (``"adam"``, ``"SGD"``, ...: default arguments), an optimizer
    (returned as is), or a ``{"class_name": ..., "config": {...}}`` dict."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return _lookup(identifier)()
    if isinstance(identifier, dict) and "class_name" in identifier:
        return _lookup(identifier["class_name"]).from_config(identifier.get("config", {}))
    raise TypeError("identifier must be an optimizer name, an Optimizer or a "
                    f"{{'class_name', 'config'}} dict. Received: identifier={identifier!r}")


def _lookup(name):
    key = name.lower() if isinstance(name, str) else name
    if key not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer. Expected one of {sorted(OPTIMIZERS)}. "
                         f"Received: identifier={name!r}")
    return OPTIMIZERS[key]
