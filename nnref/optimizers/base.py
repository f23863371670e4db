"""The optimizer base class: step counter, learning rate, state, validation.

A subclass is small (Keras 3 style): ``__init__`` validates and stores its hyperparameters,
``build(params)`` creates the zeroed per-parameter state with :meth:`Optimizer.add_slots`, and
the algorithm is a rule of :mod:`nnref.functional.rules`: ``_step_rule(lr, dtype)`` gives it and
its constants for the step (from a ``*_rule`` function of :mod:`nnref.functional.optim`), and
``_state(i)`` the state arrays of parameter ``i`` it updates. Each subclass's ``build`` also
makes each parameter's scratch arrays for NumPy's engine (``_work``), so a step allocates
nothing; they are not state (not in ``variables``). A subclass may instead override ``update_step(grad, param,
lr)``, Keras's hook, to run any algorithm per parameter.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from nnref import backend
from nnref._checks import CONVENTIONS
from nnref._checks import check_choice as _check_choice, check_int as _check_int, check_real as _check_real
from nnref._checks import check_type as _check_type
from nnref.functional import engine
from nnref.optimizers.pairs import check_known, check_pairs
from nnref.schedules import LearningRateSchedule, deserialize, serialize


class Optimizer:
    """Base class of the optimizers: updates NumPy arrays in place.

    ``apply_gradients([(grad, param), ...])``:

    1. checks every pair (``param`` a writeable floating ndarray, ``grad`` an ndarray of the same
       shape and dtype);
    2. on the first call, ``build``\\s the state for those parameters (their order is the order
       of :attr:`variables`); later calls must pass parameters from that set (the same array
       objects: state is keyed by ``id(param)``, as in Keras), so code that replaces weights
       must write into the existing arrays (``param[...] = new``);
    3. evaluates the learning rate at the current ``iterations`` (a schedule gives
       ``schedule(iterations)``, as Keras evaluates it before counting the step);
    4. updates each pair as ``update_step(grad, param, lr)`` does (the step's rule and constants
       formed once), then adds 1 to ``iterations``.

    Args:
        learning_rate: a finite float > 0, or a :class:`~nnref.schedules.LearningRateSchedule`
            with ``unit="step"``. Settable later (``opt.learning_rate = 1e-4``), e.g. by a
            per-epoch callback; reading it gives the rate the next step will use.
        convention: ``"course"`` (the formula as taught) or ``"keras"`` (Keras 3 bit for bit).
        name: defaults to the lower-cased class name.
    """

    def __init__(self, learning_rate, *, convention="course", name=None):
        self.convention = _check_choice("convention", convention, CONVENTIONS)
        _check_type("name", name, str, "a string", allow_none=True)
        self.name = name or type(self).__name__.lower()
        self._learning_rate = None
        self.learning_rate = learning_rate
        self._iterations = 0
        self.built = False
        self._params = []        # the parameters built for, in order
        self._index = {}         # id(param) -> position in self._params
        self._variables = []     # state arrays, in Keras's creation order

    def _by_convention(self, course, keras):
        """A default that depends on the convention (e.g. epsilon: 1e-8 course, 1e-7 Keras)."""
        return course if self.convention == "course" else keras

    # ---------------------------------------------------------------- step counter, learning rate

    @property
    def iterations(self) -> int:
        """Number of ``apply_gradients`` calls made so far (settable, e.g. to resume)."""
        return self._iterations

    @iterations.setter
    def iterations(self, value):
        self._iterations = _check_int("iterations", value)

    @property
    def learning_rate(self) -> float:
        """The learning rate of the next step (a schedule evaluated at ``iterations``)."""
        lr = self._learning_rate
        if not isinstance(lr, LearningRateSchedule):
            return lr
        value = lr(self._iterations)
        if (isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real)
                or not math.isfinite(value) or value <= 0):
            raise ValueError(
                f"The learning-rate schedule {lr!r} gave a learning rate that is not a finite "
                f"number > 0 at step {self._iterations}. Received: learning_rate={value!r}")
        return float(value)

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, LearningRateSchedule):
            if value.unit != "step":
                raise ValueError(
                    "An optimizer's learning_rate schedule must count steps (unit='step'); use a "
                    "per-epoch schedule with a learning-rate scheduler callback. "
                    f"Received: learning_rate={value!r}")
            self._learning_rate = value
            return
        if isinstance(self._learning_rate, LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a learning-rate schedule; it cannot be replaced "
                "by a float (Keras behaves the same). Pass a schedule, or create the optimizer "
                f"with a float learning_rate. Received: learning_rate={value!r}")
        self._learning_rate = _check_real("learning_rate", value, low=0, low_open=True)

    # ---------------------------------------------------------------- state

    def build(self, params):
        """Record the parameters and create their zeroed state (again, if called again).

        ``apply_gradients`` calls it on first use. Subclasses extend it with :meth:`add_slots`.
        """
        self._params = list(params)
        self._index = {id(p): i for i, p in enumerate(self._params)}
        self._variables = []
        self._flat = {}         # parameter index -> engine.flat_views of it and its state
        self.built = True

    def add_slots(self, names, initial_value=0.0):
        """Create one state array per parameter for each name (zeros, or ``initial_value``).

        Keras's ``add_optimizer_variables`` order: for each parameter, one array per name.
        Returns one list per name, aligned with the parameters.
        """
        slots = tuple([] for _ in names)
        for param in self._params:
            for arrays in slots:
                arrays.append(np.full_like(param, initial_value))
                self._variables.append(arrays[-1])
        return slots

    @property
    def variables(self) -> list:
        """The state arrays (live references), in Keras's order.

        Keras's ``optimizer.variables`` lists the same arrays after its ``iterations`` (and, for a
        float learning rate, ``learning_rate``) variables.
        """
        return list(self._variables)

    def set_variables(self, values):
        """Copy ``values`` into the state, in :attr:`variables` order (e.g. a Keras state)."""
        values = list(values)
        if not self.built or len(values) != len(self._variables):
            raise ValueError(
                f"{self.name} has {len(self._variables)} state arrays (built={self.built}); "
                f"values must match them one to one. Received: {len(values)} values")
        checked = []                        # every value checked before any state changes
        for i, (target, value) in enumerate(zip(self._variables, values)):
            value = np.asarray(value)
            if value.shape != target.shape:
                raise ValueError(f"values[{i}] must have shape {target.shape}. "
                                 f"Received: values[{i}].shape={value.shape}")
            if not np.can_cast(value.dtype, target.dtype, "safe"):
                raise TypeError(f"values[{i}] must be castable to {target.dtype} without loss. "
                                f"Received: values[{i}].dtype={value.dtype}")
            if value.dtype.kind == "f" and not np.isfinite(value).all():
                raise ValueError(f"values[{i}] must be finite (no NaN or inf). "
                                 f"Received: {int((~np.isfinite(value)).sum())} non-finite values")
            checked.append(value)
        for target, value in zip(self._variables, checked):
            np.copyto(target, value)

    def _index_of(self, param) -> int:
        return self._index[id(param)]

    # ---------------------------------------------------------------- the update

    def apply_gradients(self, grads_and_vars) -> int:
        """Update each ``param`` in place from its ``grad``; returns the new ``iterations``."""
        pairs = check_pairs(grads_and_vars)
        params = [param for _, param in pairs]
        if not self.built:
            self.build(params)
        check_known(params, self._index, len(self._params))
        lr = self.learning_rate
        if type(self).update_step is Optimizer.update_step:
            self._update_all(pairs, lr)
        else:                                       # a subclass's own algorithm
            for grad, param in pairs:
                self.update_step(grad, param, lr)
        self._iterations += 1
        return self._iterations

    def update_step(self, grad, param, lr):
        """The algorithm for one parameter: update ``param`` (and its state) in place with
        learning rate ``lr``: the step's rule over the parameter, its state and ``grad``."""
        self._update_all([(grad, param)], lr)

    def _update_all(self, pairs, lr):
        """``update_step`` for every pair, with the rule and its constants (the same for every
        parameter of a dtype) formed once per dtype: a step's work per parameter is then the
        compiled loop's call alone (numba backend) or NumPy's passes."""
        fused = backend.get_backend() == "numba"
        steps = {}
        for grad, param in pairs:
            step = steps.get(param.dtype)
            if step is None:
                rule, consts = self._step_rule(lr, param.dtype)
                typed = engine.typed(consts, param.dtype) if fused else None   # the loops' form
                step = steps[param.dtype] = rule, consts, typed
            rule, consts, typed = step
            i = self._index_of(param)
            if not (fused and self._fused(i, rule, grad, typed)):
                engine.numpy_rule(rule, (param, *self._state(i)), grad, consts, self._work[i])

    def _fused(self, i, rule, grad, typed) -> bool:
        """Parameter ``i``'s update by the compiled loop (:func:`engine.fused_flat`), over flat
        views of the parameter and its state made on first use (``build`` makes new state and
        forgets them); False when no loop suits (a parameter that is not C-contiguous)."""
        if i not in self._flat:
            self._flat[i] = engine.flat_views((self._params[i], *self._state(i)))
        flat = self._flat[i]
        return flat is not None and engine.fused_flat(rule, flat, grad, typed)

    def _step_rule(self, lr, dtype):
        """``(rule, constants)`` of this step for parameters of ``dtype`` (see the module)."""
        raise NotImplementedError(f"{type(self).__name__} must implement _step_rule and _state, "
                                  "or update_step")

    def _state(self, i) -> tuple:
        """The state arrays of parameter ``i`` that the rule updates, in its argument order."""
        raise NotImplementedError(f"{type(self).__name__} must implement _state")

    # ---------------------------------------------------------------- config

    def get_config(self) -> dict:
        """The constructor arguments (a schedule as ``{"class_name", "config"}``)."""
        lr = self._learning_rate
        return {
            "name": self.name,
            "learning_rate": serialize(lr) if isinstance(lr, LearningRateSchedule) else lr,
            "convention": self.convention,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = deserialize(config["learning_rate"])
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"
