"""TensorFlow values returned by a submission, read as arrays with their type kept.

The TensorFlow assignment's functions return ``EagerTensor``s and ``ResourceVariable``s, and
the course's tests require those types ("Use the TensorFlow API", "All parameter must be
created using tf.Variable"). The sandbox reads such a value with ``.numpy()`` and sends the
array with the type's name and the dtype's name (see the ``tensor`` tag of ``wire.py``), so the
grader grades the value and checks the type where the course's tests do.

This module runs inside the sandbox: it imports only the standard library and NumPy, and
TensorFlow only if the submission imported it already.
"""
from __future__ import annotations

import sys

import numpy as np

_TF_MODULES = ("tensorflow", "keras", "tf_keras")


def tensor_value(value):
    """``(type_name, dtype_name, array)`` for a TensorFlow tensor or variable, else ``None``.

    ``type_name`` is the class's own name (``"EagerTensor"``, ``"ResourceVariable"``...);
    ``dtype_name`` is TensorFlow's (``"float32"``). A value whose ``numpy()`` fails (a
    symbolic tensor) is not converted (the wire then reports it as unsupported).
    """
    if "tensorflow" not in sys.modules:
        return None
    cls = type(value)
    if cls.__module__.partition(".")[0] not in _TF_MODULES or not hasattr(value, "numpy"):
        return None
    try:
        array = np.asarray(value.numpy())
        dtype = str(getattr(getattr(value, "dtype", None), "name", array.dtype.name))
    except Exception:  # a graph tensor, a hostile object pretending to be one
        return None
    if array.dtype.kind not in "biufc":
        return None
    return cls.__name__, dtype, array
