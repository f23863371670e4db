"""Course 1, week 4: deep neural network for image classification (the application).

Students write ``two_layer_model`` and ``L_layer_model`` on top of the course's
``dnn_app_utils_v3`` helpers (this assignment's own: seed 1 and W / √n_{l-1} for the deep
initialization). Both are graded on short seeded runs on small data; the course's 2500-step
run on cat/non-cat is checked by nnref.course's own tests.
"""
from __future__ import annotations

import numpy as np

from nnref.grading.assignments._inputs import rng
from nnref.grading.spec import AssignmentSpec, Case, FunctionSpec

_LOOP = ("np.random.seed(1) first; then num_iterations × (forward, compute_cost, backward, "
         "update_parameters); costs.append(cost) when i % 100 == 0")


def _data(seed, n_x, m):
    g = rng(seed)
    X = g.normal(size=(n_x, m))
    w = g.normal(size=(1, n_x))
    Y = (w @ X > 0).astype(np.int64)
    return X, Y


def _two_layer_model():
    X, Y = _data(51, 6, 15)
    return [Case("random n_x=6, m=15, layers (6, 4, 1), 101 iterations, learning_rate=0.1",
                 (X, Y, (6, 4, 1), 0.1, 101)),
            Case("random n_x=6, m=15, layers (6, 7, 1), 20 iterations, learning_rate=0.0075",
                 (X, Y, (6, 7, 1), 0.0075, 20))]


def _L_layer_model():
    X, Y = _data(52, 8, 12)
    return [Case("random n_x=8, m=12, layers [8, 5, 3, 1], 101 iterations, learning_rate=0.05",
                 (X, Y, [8, 5, 3, 1], 0.05, 101)),
            Case("random n_x=8, m=12, layers [8, 4, 1], 20 iterations, learning_rate=0.0075",
                 (X, Y, [8, 4, 1], 0.0075, 20))]


SPEC = AssignmentSpec(
    name="c1w4_application",
    title="Deep neural network for image classification: application",
    provided=("dnn_app_utils_v3",),
    functions=(
        FunctionSpec("two_layer_model", 50, _two_layer_model, ("parameters", "costs"),
                     {"*": "initialize_parameters(n_x, n_h, n_y); LINEAR->RELU->LINEAR->SIGMOID "
                           "with linear_activation_forward; dA2 = -(Y/A2 - (1-Y)/(1-A2)); "
                           "linear_activation_backward for 'sigmoid' then 'relu'; " + _LOOP},
                     datatype=True),
        FunctionSpec("L_layer_model", 50, _L_layer_model, ("parameters", "costs"),
                     {"*": "initialize_parameters_deep(layers_dims); L_model_forward; "
                           "L_model_backward; " + _LOOP}, datatype=True),
    ),
)
