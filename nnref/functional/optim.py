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


def _check_convention(convention):
    if convention not in CONVENTIONS:
        raise ValueError(
            f"convention must be one of {CONVENTIONS}. Received: convention={convention!r}"
        )


def ema_update(average, value, beta):
    """Exponentially weighted average, in place: ``average = β·average + (1 − β)·value``.

    The course's ``v = βv + (1−β)θ`` (lecture "Exponentially weighted averages"). Also the
    momentum velocity, the RMSprop/Adadelta accumulators and the course's Adam moments, and
    Keras's RMSprop/Adadelta accumulators (same operation order as Keras).

    Args:
        average: array, updated in place.
        value: array broadcastable to ``average``'s shape (e.g. ``grad`` or ``grad**2``).
        beta: weight of the old average, in [0, 1).
    """
    beta = float(beta)
    np.multiply(average, beta, out=average)  # β·average
    average += (1.0 - beta) * value          # + (1 − β)·value


def sgd_update(param, grad, lr):
    """Plain gradient descent, in place: ``param −= lr·grad``.

    Course ``update_parameters_with_gd``: ``W = W - learning_rate * dW``. Keras ``SGD`` with
    ``momentum=0`` computes the same product, ``w −= g·lr``.
    """
    param -= float(lr) * grad


def momentum_update(param, grad, velocity, lr, beta, convention="course", *, nesterov=False):
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
    """
    _check_convention(convention)
    lr, beta = float(lr), float(beta)
    if convention == "course":
        ema_update(velocity, grad, beta)
        if nesterov:
            step = beta * velocity
            step += (1.0 - beta) * grad
            param -= lr * step
        else:
            param -= lr * velocity
    else:
        mu = keras_constant(beta, param.dtype)
        np.multiply(velocity, mu, out=velocity)
        velocity -= grad * lr                      # v = μ·v − g·α
        if nesterov:
            step = velocity * mu
            step -= grad * lr
            param += step                          # w += μ·v − g·α
        else:
            param += velocity


def rmsprop_update(param, grad, s, lr, rho, epsilon, convention="course"):
    """RMSprop, in place (``param`` and ``s``).

    course (lecture "RMSprop", ε outside the root)::

        s = ρ·s + (1 − ρ)·g²
        w −= α·g / (√s + ε)

    keras (``keras.optimizers.RMSprop`` without momentum/centering; ε inside the root)::

        s = ρ·s + (1 − ρ)·g²
        w −= α·g / √(s + ε)
    """
    _check_convention(convention)
    lr, epsilon = float(lr), float(epsilon)
    ema_update(s, np.square(grad), rho)
    step = lr * grad
    if convention == "course":
        step /= np.sqrt(s) + epsilon
    else:
        step /= np.sqrt(s + epsilon)
    param -= step


def adagrad_update(param, grad, accumulator, lr, epsilon, convention="course"):
    """Adagrad, in place (``param`` and ``accumulator``).

    course (Duchi et al. 2011 as usually taught, ε outside the root)::

        c += g²
        w −= α·g / (√c + ε)

    keras (``keras.optimizers.Adagrad``; ε inside the root)::

        c += g²
        w −= α·g / √(c + ε)

    The starting value of ``accumulator`` is the caller's (Keras: float32(0.1)).
    """
    _check_convention(convention)
    lr, epsilon = float(lr), float(epsilon)
    accumulator += np.square(grad)
    step = lr * grad
    if convention == "course":
        step /= np.sqrt(accumulator) + epsilon
    else:
        step /= np.sqrt(accumulator + epsilon)
    param -= step


def adadelta_update(param, grad, accum_grad, accum_delta, lr, rho, epsilon,
                    convention="course"):
    """Adadelta, in place (``param``, ``accum_grad`` = E[g²], ``accum_delta`` = E[Δx²]).

    Both conventions compute Zeiler (2012), Algorithm 1, with RMS[y] = √(E[y²] + ε) and a
    learning rate α multiplying the step (Zeiler's rule is α = 1)::

        E[g²]  = ρ·E[g²] + (1 − ρ)·g²
        Δx     = −RMS[Δx]_{t−1} / RMS[g]_t · g
        E[Δx²] = ρ·E[Δx²] + (1 − ρ)·Δx²
        w     += α·Δx

    They differ only in rounding: course ``Δx = −(RMS[Δx] / RMS[g])·g`` as written by Zeiler;
    keras ``Δx = −(RMS[Δx]·g) / RMS[g]`` as ``keras.optimizers.Adadelta`` evaluates it.
    """
    _check_convention(convention)
    lr, rho, epsilon = float(lr), float(rho), float(epsilon)
    ema_update(accum_grad, np.square(grad), rho)
    rms_delta = np.sqrt(accum_delta + epsilon)
    rms_grad = np.sqrt(accum_grad + epsilon)
    if convention == "course":
        delta = -(rms_delta / rms_grad) * grad
    else:
        delta = -(rms_delta * grad / rms_grad)
    ema_update(accum_delta, np.square(delta), rho)
    param += lr * delta


def adam_update(param, grad, m, v, t, lr, beta_1, beta_2, epsilon, convention="course"):
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

    Returns:
        ``(m_hat, v_hat)``, new arrays, for ``convention="course"`` (the course returns them as
        ``v_corrected``/``s_corrected``); ``None`` for ``"keras"``, which never forms them.
    """
    _check_convention(convention)
    t = int(t)
    lr, beta_1, beta_2, epsilon = float(lr), float(beta_1), float(beta_2), float(epsilon)
    if convention == "course":
        ema_update(m, grad, beta_1)
        ema_update(v, np.square(grad), beta_2)
        m_hat = m / (1.0 - beta_1 ** t)
        v_hat = v / (1.0 - beta_2 ** t)
        step = lr * m_hat
        step /= np.sqrt(v_hat) + epsilon
        param -= step
        return m_hat, v_hat

    dtype = param.dtype.type
    beta_1_power = keras_constant(beta_1, dtype) ** dtype(t)
    beta_2_power = keras_constant(beta_2, dtype) ** dtype(t)
    alpha = dtype(lr) * np.sqrt(1 - beta_2_power) / (1 - beta_1_power)
    change = grad - m
    change *= 1.0 - beta_1
    m += change                                    # m += (g − m)(1 − β1)
    change = np.square(grad)
    change -= v
    change *= 1.0 - beta_2
    v += change                                    # v += (g² − v)(1 − β2)
    step = m * alpha
    step /= np.sqrt(v) + epsilon
    param -= step
    return None
