"""Dense: a fully connected layer with an optional activation, as Keras's ``layers.Dense``."""
from __future__ import annotations

from nnref import initializers, regularizers
from nnref._checks import check_bool, check_int
from nnref.functional import activations
from nnref.functional.dense import dense_backward, dense_forward
from nnref.layers.base import Layer, initializer_name, regularizer_config, regularizer_from_config


class Dense(Layer):
    """y = activation(x·W + b).  x: (m, n_in), W ("kernel"): (n_in, units), b ("bias"): (units,).

    Args:
        units: output width (a positive int).
        activation: a name ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softplus",
            "softmax") or None for linear. Defaults to None.
        use_bias: defaults to True.
        kernel_initializer: defaults to "glorot_uniform" (Keras). bias_initializer: "zeros".
        kernel_regularizer, bias_regularizer: a Regularizer (e.g. ``regularizers.L2(1e-3)``),
            a name, or None. Their penalty is added to the loss and their gradient to ``grads``.
    Weights, Keras order: [kernel, bias].
    """

    def __init__(self, units: int, activation: str | None = None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, name: str | None = None, **kwargs):
        super().__init__(name, **kwargs)
        self.units = check_int("units", units, low=1)
        self.activation = "linear" if activation is None else activation
        self._act = activations.get(activation)
        self.use_bias = check_bool("use_bias", use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer, "kernel_initializer")
        self.bias_initializer = initializers.get(bias_initializer, "bias_initializer")
        self.kernel_regularizer = regularizers.get(kernel_regularizer, "kernel_regularizer")
        self.bias_regularizer = regularizers.get(bias_regularizer, "bias_regularizer")
        self._init_args = {"kernel_initializer": kernel_initializer,
                           "bias_initializer": bias_initializer}

    def _config(self):
        return {"units": self.units, "activation": self.activation, "use_bias": self.use_bias,
                **{k: initializer_name(v, k) for k, v in self._init_args.items()},
                "kernel_regularizer": regularizer_config(self.kernel_regularizer),
                "bias_regularizer": regularizer_config(self.bias_regularizer)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("kernel_regularizer", "bias_regularizer"):
            config[key] = regularizer_from_config(config.get(key), key)
        return cls(**config)

    def _build(self, input_dim, dtype, rng):
        self.kernel = self.kernel_initializer((input_dim, self.units), rng, dtype)  # (n_in, units)
        self.bias = None
        if self.use_bias:
            self.bias = self.bias_initializer((self.units,), rng, dtype)             # (units,)
        self.trainable_weights = [self.kernel] + ([self.bias] if self.use_bias else [])
        return self.units

    def forward(self, x, training=False):
        z, self._dense_cache = dense_forward(x, self.kernel, self.bias)   # (m, units)
        a = self._act.forward(z)
        self._z, self._a = z, a
        return a

    def backward(self, dy):
        return self._backward(dy, compute_dx=True)

    def backward_weights(self, dy):
        self._backward(dy, compute_dx=False)             # skips dx = dz·Wᵀ

    def _backward(self, dy, compute_dx):
        dz = self._act.backward(dy, self._z, self._a)                     # (m, units)
        dx, dW, db = dense_backward(dz, self._dense_cache, compute_dx)
        if self.kernel_regularizer is not None:
            dW += self.kernel_regularizer.gradient(self.kernel)
        self.grads = [dW]
        if self.use_bias:
            if self.bias_regularizer is not None:
                db += self.bias_regularizer.gradient(self.bias)
            self.grads.append(db)
        return dx

    def regularization_loss(self):
        total = 0.0
        if self.kernel_regularizer is not None:
            total = total + self.kernel_regularizer(self.kernel)
        if self.use_bias and self.bias_regularizer is not None:
            total = total + self.bias_regularizer(self.bias)
        return total
