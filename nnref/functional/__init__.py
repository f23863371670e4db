"""The numeric core: forward/backward kernels with explicit caches, each formula written once.

Batch-first shapes (x: (m, n)); the course layout calls the same kernels on transposed views.
"""
from nnref.functional import activations
from nnref.functional.activations import ACTIVATIONS, softmax, sigmoid
from nnref.functional.batchnorm import (batchnorm_backward, batchnorm_forward, batchnorm_inference,
                                        unbiased_variance, update_moving)
from nnref.functional.dense import dense_backward, dense_forward
from nnref.functional.dropout import dropout_backward, dropout_forward, dropout_mask
from nnref.functional.losses import (binary_crossentropy, binary_crossentropy_backward,
                                     categorical_crossentropy, categorical_crossentropy_backward,
                                     log_softmax)
from nnref.functional.penalties import l1_penalty, l1_penalty_grad, l2_penalty, l2_penalty_grad

__all__ = [
    "ACTIVATIONS", "activations", "batchnorm_backward", "batchnorm_forward", "batchnorm_inference",
    "binary_crossentropy", "binary_crossentropy_backward", "categorical_crossentropy",
    "categorical_crossentropy_backward", "dense_backward", "dense_forward", "dropout_backward",
    "dropout_forward", "dropout_mask", "l1_penalty", "l1_penalty_grad", "l2_penalty",
    "l2_penalty_grad", "log_softmax", "sigmoid", "softmax", "unbiased_variance", "update_moving",
]
