"""The optimizers' update rules, each written once, as functions of one weight's numbers.

Each rule takes scalars and returns the new values of what it updates. Two engines run them:
NumPy over whole arrays (:mod:`nnref.functional.replay`, always available) and numba, compiled
per element into one loop, spread over the cores for arrays of millions of elements
(:mod:`nnref._fast`, with the ``nnref[fast]`` extra). They
perform the same IEEE operations in the same order, so their results are identical bit for bit.

Conventions (what both engines rely on):

- arguments: the values the rule updates, in the order it returns them; then the values it
  only reads (the gradient ``g``); then the constants;
- constants are arguments in the arrays' dtype, formed by the caller as NumPy forms them
  (``float32(1.0 - β)``: ``1.0 - β`` rounded once); a rule never writes a literal number and
  never combines two constants;
- only ``+ − × ÷``, unary minus and ``np.sqrt``: each is correctly rounded, so the order of
  operations written here fixes every bit of the result.

The order of operations is the contract: ``course`` rules evaluate each expression as the
course's NumPy code does, ``keras`` rules as Keras 3's ``update_step`` does (see
:mod:`nnref.functional.optim`, whose kernels form the constants and call these).
"""
from __future__ import annotations

import numpy as np


def ema(average, value, beta, one_minus_beta):
    """average ← β·average + (1 − β)·value."""
    return (beta * average + one_minus_beta * value,)


def sgd(w, g, lr):
    """w ← w − α·g."""
    return (w - lr * g,)


def momentum_course(w, v, g, lr, beta, one_minus_beta):
    """v ← β·v + (1 − β)·g;  w ← w − α·v."""
    v = beta * v + one_minus_beta * g
    return w - lr * v, v


def nesterov_course(w, v, g, lr, beta, one_minus_beta):
    """v ← β·v + (1 − β)·g;  w ← w − α·(β·v + (1 − β)·g)."""
    v = beta * v + one_minus_beta * g
    return w - lr * (beta * v + one_minus_beta * g), v


def momentum_keras(w, v, g, lr, mu):
    """v ← μ·v − α·g;  w ← w + v."""
    v = mu * v - lr * g
    return w + v, v


def nesterov_keras(w, v, g, lr, mu):
    """v ← μ·v − α·g;  w ← w + (μ·v − α·g)."""
    step = lr * g
    v = mu * v - step
    return w + (mu * v - step), v


def rmsprop_course(w, s, g, lr, rho, one_minus_rho, epsilon):
    """s ← ρ·s + (1 − ρ)·g²;  w ← w − α·g / (√s + ε)."""
    s = rho * s + one_minus_rho * (g * g)
    return w - lr * g / (np.sqrt(s) + epsilon), s


def rmsprop_keras(w, s, g, lr, rho, one_minus_rho, epsilon):
    """s ← ρ·s + (1 − ρ)·g²;  w ← w − α·g / √(s + ε)."""
    s = rho * s + one_minus_rho * (g * g)
    return w - lr * g / np.sqrt(s + epsilon), s


def adagrad_course(w, c, g, lr, epsilon):
    """c ← c + g²;  w ← w − α·g / (√c + ε)."""
    c = c + g * g
    return w - lr * g / (np.sqrt(c) + epsilon), c


def adagrad_keras(w, c, g, lr, epsilon):
    """c ← c + g²;  w ← w − α·g / √(c + ε)."""
    c = c + g * g
    return w - lr * g / np.sqrt(c + epsilon), c


def adadelta_course(w, acc_g, acc_dx, g, lr, rho, one_minus_rho, epsilon):
    """E[g²] ← ρ·E[g²] + (1 − ρ)·g²;  Δx = −(RMS[Δx]_{t−1} / RMS[g]_t)·g (Zeiler's order);
    E[Δx²] ← ρ·E[Δx²] + (1 − ρ)·Δx²;  w ← w + α·Δx, with RMS[y] = √(E[y²] + ε)."""
    acc_g = rho * acc_g + one_minus_rho * (g * g)
    delta = -(np.sqrt(acc_dx + epsilon) / np.sqrt(acc_g + epsilon) * g)
    acc_dx = rho * acc_dx + one_minus_rho * (delta * delta)
    return w + lr * delta, acc_g, acc_dx


def adadelta_keras(w, acc_g, acc_dx, g, lr, rho, one_minus_rho, epsilon):
    """As ``adadelta_course`` but Keras's order: Δx = −(RMS[Δx]_{t−1}·g) / RMS[g]_t."""
    acc_g = rho * acc_g + one_minus_rho * (g * g)
    delta = -(np.sqrt(acc_dx + epsilon) * g / np.sqrt(acc_g + epsilon))
    acc_dx = rho * acc_dx + one_minus_rho * (delta * delta)
    return w + lr * delta, acc_g, acc_dx


def adam_course(w, m, v, g, lr, beta_1, one_minus_beta_1, beta_2, one_minus_beta_2,
                bias_1, bias_2, epsilon):
    """m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  m̂ = m / bias_1;  v̂ = v / bias_2;
    w ← w − α·m̂ / (√v̂ + ε), with bias_k = 1 − βk^t. Also returns m̂ and v̂ (extras)."""
    m = beta_1 * m + one_minus_beta_1 * g
    v = beta_2 * v + one_minus_beta_2 * (g * g)
    m_hat = m / bias_1
    v_hat = v / bias_2
    return w - lr * m_hat / (np.sqrt(v_hat) + epsilon), m, v, m_hat, v_hat


def adam_keras(w, m, v, g, alpha, one_minus_beta_1, one_minus_beta_2, epsilon):
    """m ← m + (g − m)·(1 − β1);  v ← v + (g² − v)·(1 − β2);  w ← w − m·α_t / (√v + ε)."""
    m = m + (g - m) * one_minus_beta_1
    v = v + (g * g - v) * one_minus_beta_2
    return w - m * alpha / (np.sqrt(v) + epsilon), m, v
