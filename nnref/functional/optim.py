"""Optimizer update kernels: one formula each, arrays updated in place.

These are the whole numerical content of :mod:`nnref.optimizers` (whose classes only hold state
and hyperparameters) and of the course's ``update_parameters_with_gd`` / ``_with_momentum`` /
``_with_adam`` in :mod:`nnref.course`. Every kernel takes

- ``param``: the parameter array (any shape), updated in place;
- ``grad``: its gradient, same shape and dtype;
- the optimizer state arrays (same shape and dtype as ``param``), updated in place;
- hyperparameters as Python numbers (converted with ``float``, so a NumPy float64 scalar can never
  upcast float32 arrays: float32 parameters stay float32 end to end);
- ``convention``: ``"course"`` (the formula as taught) or ``"keras"`` (Keras 3's
  ``update_step``, operation for operation, so float64 results are bit-identical to Keras running
  with ``floatx="float64"``).

The kernels check only the convention name: the optimizer classes and the course functions
validate everything else at their public edge.

Each formula is a rule of :mod:`nnref.functional.rules`, written once as a function of one
weight's numbers; for each kernel, a ``*_rule`` function gives that rule and its constants for
one step (the optimizer classes call it once per step for all their parameters), and
:func:`nnref.functional.engine.run_rule` runs it with one of two engines, whose results are
identical bit for bit: NumPy over the whole arrays (:mod:`nnref.functional.replay`) or, with the
``nnref[fast]`` extra and the "numba" backend (:mod:`nnref.backend`), one fused loop
(:mod:`nnref._fast`).

``work`` (keyword-only, every kernel): NumPy's scratch arrays, as many as the kernel's docstring
says (see :mod:`nnref.functional.engine`; :func:`work_arrays` makes them), or None.

Order of operations is part of the contract. The course convention evaluates each expression
exactly as the course's NumPy code does (for Adam:
``W - learning_rate * v_corrected / (np.sqrt(s_corrected) + epsilon)``), and running it in place
rounds exactly like the out-of-place code, so the results are bit-identical to the course's code
in float64 and float32. Keras's float32 detail: see :func:`keras_constant`.
"""
from __future__ import annotations

import numpy as np

from nnref._checks import CONVENTIONS, check_convention  # noqa: F401  (CONVENTIONS: re-exported)
from nnref.functional import rules
from nnref.functional.engine import run_rule


def keras_constant(value, dtype):
    """A Python number as Keras 3 casts it to ``dtype``: through float32 first.

    Keras turns some Python hyperparameters into float32 tensors before casting them to the
    variable's dtype: ``keras.ops.cast(0.9, "float64")`` is 0.89999997615814208984375. This
    applies to SGD's momentum, Adam's β's inside ``β^t`` and Adagrad's initial accumulator (each
    pinned against Keras in tests/parity/test_keras_optimizer_facts.py). Returns a NumPy scalar
    of ``dtype``.
    """
    return np.dtype(dtype).type(np.float32(value))


def work_arrays(param, count):
    """``count`` uninitialised arrays of ``param``'s shape and dtype, for a kernel's ``work=``."""
    return tuple(np.empty_like(param) for _ in range(count))


def ema_update(average, value, beta, *, work=None):
    """Exponentially weighted average, in place: ``average = β·average + (1 − β)·value``.

    The course's ``v = βv + (1−β)θ`` (lecture "Exponentially weighted averages"). Also the
    momentum velocity, the RMSprop/Adadelta accumulators and the course's Adam moments, and
    Keras's RMSprop/Adadelta accumulators (same operation order as Keras): rule ``rules.ema``.

    Args:
        average: array, updated in place.
        value: array of ``average``'s dtype, broadcastable to its shape (e.g. ``grad``).
        beta: weight of the old average, in [0, 1).
        work: None, or 1 array of ``average``'s shape and dtype.
    """
    beta = float(beta)
    run_rule(rules.ema, (average,), value, (beta, 1.0 - beta), work)


def sgd_update(param, grad, lr, *, work=None):
    """Plain gradient descent, in place: ``param −= lr·grad``.

    Course ``update_parameters_with_gd``: ``W = W - learning_rate * dW``. Keras ``SGD`` with
    ``momentum=0`` computes the same product, ``w −= g·lr``. ``work``: 1 array.
    """
    rule, consts = sgd_rule(lr)
    run_rule(rule, (param,), grad, consts, work)


def sgd_rule(lr):
    """``sgd_update``'s rule and constants."""
    return rules.sgd, (float(lr),)


def momentum_update(param, grad, velocity, lr, beta, convention="course", *, nesterov=False,
                    work=None):
    """Gradient descent with momentum, in place (``param`` and ``velocity``).

    course (the average of the gradients, lecture "Gradient descent with momentum")::

        v = β·v + (1 − β)·g
        w −= α·v                                   # nesterov: w −= α·(β·v + (1 − β)·g)

    keras (``keras.optimizers.SGD``; μ = β rounded to float32)::

        v = μ·v − α·g
        w += v                                     # nesterov: w += μ·v − α·g

    The two agree (up to rounding) when ``α_keras = α_course·(1 − β)``, with
    ``v_keras = −α_course·v_course``: the course's Nesterov form is that image of Keras's.
    ``v`` in the Nesterov lines is the velocity just updated.

    Args:
        param, grad, velocity: arrays of one shape and dtype; ``velocity`` starts at zero.
        lr: learning rate α > 0.
        beta: momentum β in [0, 1).
        convention: ``"course"`` or ``"keras"``.
        nesterov: use Nesterov's look-ahead step.
        work: 2 arrays.
    """
    rule, consts = momentum_rule(lr, beta, convention, nesterov, param.dtype)
    run_rule(rule, (param, velocity), grad, consts, work)


def momentum_rule(lr, beta, convention, nesterov, dtype):
    """``momentum_update``'s rule and constants for arrays of ``dtype``."""
    check_convention(convention)
    lr, beta = float(lr), float(beta)
    if convention == "course":
        rule = rules.nesterov_course if nesterov else rules.momentum_course
        return rule, (lr, beta, 1.0 - beta)
    rule = rules.nesterov_keras if nesterov else rules.momentum_keras
    return rule, (lr, keras_constant(beta, dtype))


def rmsprop_update(param, grad, s, lr, rho, epsilon, convention="course", *, work=None):
    """RMSprop, in place (``param`` and ``s``).

    course (lecture "RMSprop", ε outside the root)::

        s = ρ·s + (1 − ρ)·g²
        w −= α·g / (√s + ε)

    keras (``keras.optimizers.RMSprop`` without momentum/centering; ε inside the root)::

        s = ρ·s + (1 − ρ)·g²
        w −= α·g / √(s + ε)

    ``work``: 2 arrays.
    """
    rule, consts = rmsprop_rule(lr, rho, epsilon, convention)
    run_rule(rule, (param, s), grad, consts, work)


def rmsprop_rule(lr, rho, epsilon, convention):
    """``rmsprop_update``'s rule and constants."""
    check_convention(convention)
    rho = float(rho)
    rule = rules.rmsprop_course if convention == "course" else rules.rmsprop_keras
    return rule, (float(lr), rho, 1.0 - rho, float(epsilon))


def adagrad_update(param, grad, accumulator, lr, epsilon, convention="course", *, work=None):
    """Adagrad, in place (``param`` and ``accumulator``).

    course (Duchi et al. 2011 as usually taught, ε outside the root)::

        c += g²
        w −= α·g / (√c + ε)

    keras (``keras.optimizers.Adagrad``; ε inside the root)::

        c += g²
        w −= α·g / √(c + ε)

    The starting value of ``accumulator`` is the caller's (Keras: float32(0.1)). ``work``: 2 arrays.
    """
    rule, consts = adagrad_rule(lr, epsilon, convention)
    run_rule(rule, (param, accumulator), grad, consts, work)


def adagrad_rule(lr, epsilon, convention):
    """``adagrad_update``'s rule and constants."""
    check_convention(convention)
    rule = rules.adagrad_course if convention == "course" else rules.adagrad_keras
    return rule, (float(lr), float(epsilon))


def adadelta_update(param, grad, accum_grad, accum_delta, lr, rho, epsilon,
                    convention="course", *, work=None):
    """Adadelta, in place (``param``, ``accum_grad`` = E[g²], ``accum_delta`` = E[Δx²]).

    Both conventions compute Zeiler (2012), Algorithm 1, with RMS[y] = √(E[y²] + ε) and a
    learning rate α multiplying the step (Zeiler's rule is α = 1)::

        E[g²]  = ρ·E[g²] + (1 − ρ)·g²
        Δx     = −RMS[Δx]_{t−1} / RMS[g]_t · g
        E[Δx²] = ρ·E[Δx²] + (1 − ρ)·Δx²
        w     += α·Δx

    They differ only in rounding: course ``Δx = −(RMS[Δx] / RMS[g])·g`` as written by Zeiler;
    keras ``Δx = −(RMS[Δx]·g) / RMS[g]`` as ``keras.optimizers.Adadelta`` evaluates it.
    (Negation is exact, so where the minus sign is applied does not change a bit.)
    ``work``: 2 arrays.
    """
    rule, consts = adadelta_rule(lr, rho, epsilon, convention)
    run_rule(rule, (param, accum_grad, accum_delta), grad, consts, work)


def adadelta_rule(lr, rho, epsilon, convention):
    """``adadelta_update``'s rule and constants."""
    check_convention(convention)
    rho = float(rho)
    rule = rules.adadelta_course if convention == "course" else rules.adadelta_keras
    return rule, (float(lr), rho, 1.0 - rho, float(epsilon))


def adam_update(param, grad, m, v, t, lr, beta_1, beta_2, epsilon, convention="course", *,
                work=None):
    """Adam, in place (``param``, first moment ``m``, second moment ``v``) at step ``t`` ≥ 1.

    course (Kingma & Ba 2015, Algorithm 1; the course's ``update_parameters_with_adam`` with
    its ``v`` = ``m`` here and its ``s`` = ``v`` here)::

        m = β1·m + (1 − β1)·g
        v = β2·v + (1 − β2)·g²
        m̂ = m / (1 − β1^t);   v̂ = v / (1 − β2^t)
        w −= α·m̂ / (√v̂ + ε)

    keras (``keras.optimizers.Adam``, the paper's "ε-hat" form; β^t uses β rounded to
    float32, ``1 − β`` does not)::

        α_t = α·√(1 − β2^t) / (1 − β1^t)
        m += (g − m)·(1 − β1)
        v += (g² − v)·(1 − β2)
        w −= m·α_t / (√v + ε)

    The forms differ by where ε sits: ε-hat = ε·√(1 − β2^t). ``work``: 2 arrays.

    Returns:
        ``(m_hat, v_hat)``, new arrays, for ``convention="course"`` with ``work=None`` (the
        course's ``update_parameters_with_adam`` returns them as ``v_corrected``/``s_corrected``);
        otherwise ``None`` (``"keras"`` never forms m̂ and v̂).
    """
    rule, consts = adam_rule(t, lr, beta_1, beta_2, epsilon, convention, param.dtype)
    extras = convention == "course" and work is None
    return run_rule(rule, (param, m, v), grad, consts, work, extras=extras)


def adam_rule(t, lr, beta_1, beta_2, epsilon, convention, dtype):
    """``adam_update``'s rule and constants at step ``t`` for arrays of ``dtype``."""
    check_convention(convention)
    t = int(t)
    lr, beta_1, beta_2, epsilon = float(lr), float(beta_1), float(beta_2), float(epsilon)
    if convention == "course":
        return rules.adam_course, (lr, beta_1, 1.0 - beta_1, beta_2, 1.0 - beta_2,
                                   1.0 - beta_1 ** t, 1.0 - beta_2 ** t, epsilon)
    dtype = np.dtype(dtype).type
    beta_1_power = keras_constant(beta_1, dtype) ** dtype(t)
    beta_2_power = keras_constant(beta_2, dtype) ** dtype(t)
    alpha = dtype(lr) * np.sqrt(1 - beta_2_power) / (1 - beta_1_power)
    return rules.adam_keras, (alpha, 1.0 - beta_1, 1.0 - beta_2, epsilon)
