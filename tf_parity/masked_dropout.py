"""``MaskedDropout``: Keras's inverted dropout with the keep-mask given by the caller, so that a
Keras twin of an nnref model drops exactly the units nnref dropped (``tf_parity.extensions``
re-exports it with the course's optimizers).

This module imports TensorFlow and Keras; import it only where they are wanted.
"""
from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from nnref._checks import check_real


class MaskedDropout(keras.layers.Layer):
    """Inverted dropout with a keep-mask chosen by the caller.

        training:  y = x ⊙ mask / (1 − rate)      (mask: True = keep)
        inference: y = x

    Computed as ``tf.nn.dropout`` computes it (``where(mask, x·(1/(1 − rate)), 0)``), so with
    the mask Keras's ``Dropout`` happened to draw, the output is Keras's bit for bit. Set the mask
    with :meth:`set_mask` before each training call (its shape must be the input's); a training
    call without a mask raises, so a parity run can never silently draw one.

    Args:
        rate: the drop probability, in [0, 1).
    """

    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_real("rate", rate, low=0, high=1, high_open=True)
        self.keep_mask = None
        self.supports_masking = True

    def set_mask(self, mask):
        """Use ``mask`` (boolean, the shape of the next input) in training calls; None clears it."""
        if mask is None:
            self.keep_mask = None
            return
        mask = np.asarray(mask)
        if mask.dtype != np.bool_:
            raise TypeError(f"mask must be a boolean array. Received: mask.dtype={mask.dtype}")
        self.keep_mask = tf.constant(mask)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.keep_mask is None:
            raise ValueError(f"MaskedDropout {self.name!r} needs a mask for a training call: "
                             "call set_mask(mask) first. Received: no mask")
        if tuple(self.keep_mask.shape) != tuple(inputs.shape):
            raise ValueError(f"The mask must have the input's shape {tuple(inputs.shape)}. "
                             f"Received: mask.shape={tuple(self.keep_mask.shape)}")
        scale = tf.constant(1.0 / (1.0 - self.rate), dtype=inputs.dtype)   # rounded once
        return tf.where(self.keep_mask, inputs * scale, tf.zeros_like(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}
