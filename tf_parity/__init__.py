"""tf_parity: TensorFlow/Keras reference models and the parity harness for nnref.

- ``tf_parity.models``: an nnref ``Sequential`` as the equivalent ``keras.Sequential`` with the
  same weights (``to_keras``), and back (``from_keras``).
- ``tf_parity.extensions``: the course's formulas as Keras optimizers and layers where Keras's
  built-ins differ (``CourseAdam``, ``CourseMomentum``, ``CourseRMSprop``, ``CourseAdagrad``,
  ``MaskedDropout``).
- ``tf_parity.checks``: every parity check on SIGNS (``run_checks(dtype)``), as records
  ``{name, quantity, max_abs_err, max_rel_err, tolerance, dtype, passed}``.
- ``tf_parity.report`` and ``nnref parity`` / ``python -m tf_parity``: the table and the
  course ↔ Keras convention map.

Importing ``tf_parity`` does not import TensorFlow; the submodules above that need it do.
"""
from __future__ import annotations

import importlib

_SUBMODULES = ("checks", "cli", "extensions", "masked_dropout", "models", "report")


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"tf_parity.{name}")
    raise AttributeError(f"module 'tf_parity' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
