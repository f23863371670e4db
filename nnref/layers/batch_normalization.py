"""BatchNormalization over the batch axis, as Keras's ``layers.BatchNormalization``."""
from __future__ import annotations

import numpy as np

from nnref import initializers
from nnref._checks import check_choice, check_real
from nnref.functional.batchnorm import (batchnorm_backward, batchnorm_forward, batchnorm_inference,
                                        unbiased_variance, update_moving)
from nnref.layers.base import Layer, initializer_name

MOVING_VARIANCE = ("biased", "unbiased")


class BatchNormalization(Layer):
    """Training: normalise with the batch's mean and biased variance, then update the running
    statistics: moving = momentum·moving + (1 − momentum)·batch. Inference: use the running ones.

    Args:
        momentum: in [0, 1]. Defaults to 0.99 (Keras).
        epsilon: > 0, added to the variance. Defaults to 1e-3 (Keras).
        moving_variance: "biased" (Keras, the default) or "unbiased" (Bessel's correction
            m/(m − 1) applied to the batch variance before it enters the running variance only;
            the normalisation always uses the biased one).
    Weights, Keras order: [gamma, beta, moving_mean, moving_variance]; the last two are not trainable.
    """

    def __init__(self, momentum: float = 0.99, epsilon: float = 1e-3,
                 moving_variance: str = "biased", gamma_initializer="ones", beta_initializer="zeros",
                 name: str | None = None, **kwargs):
        super().__init__(name, **kwargs)
        self.momentum = check_real("momentum", momentum, low=0, high=1)
        self.epsilon = check_real("epsilon", epsilon, low=0, low_open=True)
        self.moving_variance_mode = check_choice("moving_variance", moving_variance,
                                                 MOVING_VARIANCE)
        self.gamma_initializer = initializers.get(gamma_initializer, "gamma_initializer")
        self.beta_initializer = initializers.get(beta_initializer, "beta_initializer")
        self._init_args = {"gamma_initializer": gamma_initializer,
                           "beta_initializer": beta_initializer}

    def _config(self):
        return {"momentum": self.momentum, "epsilon": self.epsilon,
                "moving_variance": self.moving_variance_mode,
                **{k: initializer_name(v, k) for k, v in self._init_args.items()}}

    def _build(self, input_dim, dtype, rng):
        self.gamma = self.gamma_initializer((input_dim,), rng, dtype)
        self.beta = self.beta_initializer((input_dim,), rng, dtype)
        self.moving_mean = np.zeros(input_dim, dtype=dtype)
        self.moving_variance = np.ones(input_dim, dtype=dtype)
        self.trainable_weights = [self.gamma, self.beta]
        self.non_trainable_weights = [self.moving_mean, self.moving_variance]
        return input_dim

    def check_weights(self, weights):
        """The base checks, plus a moving variance >= 0 (a negative one gives NaN outputs)."""
        checked = super().check_weights(weights)
        if (checked[3] < 0).any():
            raise ValueError(f"Layer {self.name!r} weight 3 (moving_variance) must be >= 0. "
                             f"Received: minimum {checked[3].min()}")
        return checked

    def forward(self, x, training=False):
        if not training or not self.trainable:      # a frozen layer runs in inference mode (Keras)
            self._cache = None
            self._inference_x = x
            return batchnorm_inference(x, self.gamma, self.beta, self.moving_mean,
                                       self.moving_variance, self.epsilon)
        m = x.shape[0]
        if self.moving_variance_mode == "unbiased" and m < 2:
            raise ValueError("moving_variance='unbiased' needs batches of at least 2 examples. "
                             f"Received: a batch of {m}")
        with np.errstate(over="ignore", invalid="ignore"):   # an overflow raises just below
            out, mean, var, cache = batchnorm_forward(x, self.gamma, self.beta, self.epsilon)
            var_moving = unbiased_variance(var, m) if self.moving_variance_mode == "unbiased" else var
        if not (np.isfinite(mean).all() and np.isfinite(var_moving).all()):
            raise FloatingPointError(
                f"Layer {self.name!r}: the batch mean or variance is not finite (max |mean| "
                f"{np.abs(mean).max()}, max variance {var_moving.max()}), so the moving statistics "
                f"would stop being finite; nothing was updated. Scale the inputs (e.g. "
                f"nnref.data.scale_images) or lower the learning rate.")
        self._cache, self.batch_mean, self.batch_variance = cache, mean, var
        update_moving(self.moving_mean, mean, self.momentum)
        update_moving(self.moving_variance, var_moving, self.momentum)
        return out

    def backward(self, dy):
        if self._cache is None:      # inference mode: y = γ·x̂ + β, x̂ = (x − μ_mov)/√(σ²_mov + ε)
            inv_std = 1.0 / np.sqrt(self.moving_variance + self.epsilon)          # (n,)
            x_hat = (self._inference_x - self.moving_mean) * inv_std             # (m, n)
            self.grads = [np.sum(dy * x_hat, axis=0), np.sum(dy, axis=0)]
            return dy * (self.gamma * inv_std)
        dx, dgamma, dbeta = batchnorm_backward(dy, self._cache)
        self.grads = [dgamma, dbeta]
        return dx
