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

``work`` (keyword-only, every kernel): ``None`` or a sequence of arrays of ``param``'s shape and
dtype (at least as many as the kernel's docstring says; :func:`work_arrays` makes them) that
receive the intermediate results, so a step allocates nothing. The optimizer classes keep one set
per parameter, made once in ``build``: allocating and freeing parameter-sized temporaries every
step costs more than the arithmetic (fresh pages are page-faulted and zeroed by the OS). With
``work=None`` the kernel allocates them itself.

Order of operations is part of the contract. The course convention evaluates each expression
exactly as the course's NumPy code does (for Adam:
``W - learning_rate * v_corrected / (np.sqrt(s_corrected) + epsilon)``), and the in-place forms
used here (``np.multiply(x, b, out=x)``, ``x -= y``) round exactly like the out-of-place ones,
so the results are bit-identical to the course's code in float64 and float32.

Keras's float32 detail: Keras turns some Python hyperparameters into tensors through float32
before casting them to the variable's dtype (``ops.cast(0.9, "float64")`` is
``float64(float32(0.9))``). :func:`keras_constant` reproduces that; it applies to SGD's momentum,
Adam's β's inside ``β^t``, and Adagrad's initial accumulator (each pinned against Keras
in tests/parity/test_keras_optimizer_facts.py).
"""
from __future__ import annotations

import numpy as np

CONVENTIONS = ("course", "keras")


def keras_constant(value, dtype):
    """A Python number as Keras 3 casts it to ``dtype``: through float32 first.

    ``keras.ops.cast(0.9, "float64")`` converts ``0.9`` to a float32 tensor and then widens it,
    giving 0.89999997615814208984375. Returns a NumPy scalar of ``dtype``.
    """
    return np.dtype(dtype).type(np.float32(value))


def work_arrays(param, count):
    """``count`` uninitialised arrays of ``param``'s shape and dtype, for a kernel's ``work=``."""
    return tuple(np.empty_like(param) for _ in range(count))


def _work(work, param, count):
    """The first ``count`` of ``work``, or ``count`` new arrays when ``work`` is None."""
    return work_arrays(param, count) if work is None else tuple(work[:count])


def _check_convention(convention):
    if convention not in CONVENTIONS:
        raise ValueError(
            f"convention must be one of {CONVENTIONS}. Received: convention={convention!r}"
        )


def ema_update(average, value, beta, *, work=None):
    """Exponentially weighted average, in place: ``average = β·average + (1 − β)·value``.

    The course's ``v = βv + (1−β)θ`` (lecture "Exponentially weighted averages"). Also the
    momentum velocity, the RMSprop/Adadelta accumulators and the course's Adam moments, and
    Keras's RMSprop/Adadelta accumulators (same operation order as Keras).

    Args:
        average: array, updated in place.
        value: array broadcastable to ``average``'s shape (e.g. ``grad`` or ``grad**2``).
        beta: weight of the old average, in [0, 1).
        work: None, or an array of ``average``'s shape and dtype for ``(1 − β)·value`` (it may
            be ``value`` itself, which is then overwritten).
    """
    beta = float(beta)
    np.multiply(average, beta, out=average)  # β·average
    if work is None:
        average += (1.0 - beta) * value      # + (1 − β)·value
    else:
        average += np.multiply(value, 1.0 - beta, out=work)


def sgd_update(param, grad, lr, *, work=None):
    """Plain gradient descent, in place: ``param −= lr·grad``.

    Course ``update_parameters_with_gd``: ``W = W - learning_rate * dW``. Keras ``SGD`` with
    ``momentum=0`` computes the same product, ``w −= g·lr``. ``work``: 1 array.
    """
    (step,) = _work(work, param, 1)
    param -= np.multiply(grad, float(lr), out=step)


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
    _check_convention(convention)
    lr, beta = float(lr), float(beta)
    step, tmp = _work(work, param, 2)
    if convention == "course":
        ema_update(velocity, grad, beta, work=tmp)
        if nesterov:
            np.multiply(velocity, beta, out=step)  # β·v
            step += np.multiply(grad, 1.0 - beta, out=tmp)
            step *= lr
            param -= step
        else:
            param -= np.multiply(velocity, lr, out=step)
    else:
        mu = keras_constant(beta, param.dtype)
        np.multiply(velocity, mu, out=velocity)
        velocity -= np.multiply(grad, lr, out=tmp)  # v = μ·v − g·α
        if nesterov:
            np.multiply(velocity, mu, out=step)
            step -= tmp
            param += step                          # w += μ·v − g·α
        else:
            param += velocity


def _divide_by_root(step, s, epsilon, convention, denom):
    """``step /= √s + ε`` (course) or ``step /= √(s + ε)`` (keras), with ``denom`` as scratch."""
    if convention == "course":
        np.sqrt(s, out=denom)
        denom += epsilon
    else:
        np.add(s, epsilon, out=denom)
        np.sqrt(denom, out=denom)
    step /= denom


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
    _check_convention(convention)
    lr, epsilon = float(lr), float(epsilon)
    step, denom = _work(work, param, 2)
    ema_update(s, np.square(grad, out=step), rho, work=step)
    np.multiply(grad, lr, out=step)                # α·g
    _divide_by_root(step, s, epsilon, convention, denom)
    param -= step


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
    _check_convention(convention)
    lr, epsilon = float(lr), float(epsilon)
    step, denom = _work(work, param, 2)
    accumulator += np.square(grad, out=step)
    np.multiply(grad, lr, out=step)                # α·g
    _divide_by_root(step, accumulator, epsilon, convention, denom)
    param -= step


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
    _check_convention(convention)
    lr, rho, epsilon = float(lr), float(rho), float(epsilon)
    delta, rms_grad = _work(work, param, 2)
    ema_update(accum_grad, np.square(grad, out=delta), rho, work=delta)      # E[g²]
    np.sqrt(np.add(accum_grad, epsilon, out=rms_grad), out=rms_grad)         # RMS[g]_t
    np.sqrt(np.add(accum_delta, epsilon, out=delta), out=delta)              # RMS[Δx]_{t−1}
    if convention == "course":
        delta /= rms_grad
        delta *= grad
    else:
        delta *= grad
        delta /= rms_grad
    np.negative(delta, out=delta)                                            # Δx
    ema_update(accum_delta, np.square(delta, out=rms_grad), rho, work=rms_grad)  # E[Δx²]
    delta *= lr
    param += delta


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

    ``work``: 2 arrays.

    Returns:
        ``(m_hat, v_hat)``, new arrays, for ``convention="course"`` with ``work=None`` (the
        course's ``update_parameters_with_adam`` returns them as ``v_corrected``/``s_corrected``);
        otherwise ``None`` (the work arrays then hold the step, not m̂ and v̂; ``"keras"`` never
        forms them).
    """
    _check_convention(convention)
    t = int(t)
    lr, beta_1, beta_2, epsilon = float(lr), float(beta_1), float(beta_2), float(epsilon)
    step, denom = _work(work, param, 2)
    if convention == "course":
        ema_update(m, grad, beta_1, work=step)
        ema_update(v, np.square(grad, out=step), beta_2, work=step)
        m_hat = np.divide(m, 1.0 - beta_1 ** t, out=step)     # m̂
        v_hat = np.divide(v, 1.0 - beta_2 ** t, out=denom)    # v̂
        corrected = (m_hat.copy(), v_hat.copy()) if work is None else None
        step *= lr                                            # α·m̂
        np.sqrt(v_hat, out=denom)
        denom += epsilon                                      # √v̂ + ε
        step /= denom
        param -= step
        return corrected

    change = step                                  # scratch, reused three times
    dtype = param.dtype.type
    beta_1_power = keras_constant(beta_1, dtype) ** dtype(t)
    beta_2_power = keras_constant(beta_2, dtype) ** dtype(t)
    alpha = dtype(lr) * np.sqrt(1 - beta_2_power) / (1 - beta_1_power)
    np.subtract(grad, m, out=change)
    change *= 1.0 - beta_1
    m += change                                    # m += (g − m)(1 − β1)
    np.square(grad, out=change)
    change -= v
    change *= 1.0 - beta_2
    v += change                                    # v += (g² − v)(1 − β2)
    step = np.multiply(m, alpha, out=change)
    np.sqrt(v, out=denom)
    denom += epsilon
    step /= denom
    param -= step
    return None
