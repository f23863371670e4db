"""Course 2, week 1: initialization (zeros, large random, He)."""
from __future__ import annotations

from nnref.grading.spec import AssignmentSpec, Case, FunctionSpec


def _cases():
    return [Case("course example [3, 2, 1]", ([3, 2, 1],)),
            Case("[5, 4, 3, 1]", ([5, 4, 3, 1],)),
            Case("[2, 6, 1]", ([2, 6, 1],))]


SPEC = AssignmentSpec(
    name="c2w1_initialization",
    title="Initialization",
    functions=(
        FunctionSpec("initialize_parameters_zeros", 30, _cases, ("parameters",),
                     {"*": "W{l} = np.zeros((layers_dims[l], layers_dims[l-1])), b{l} = "
                           "np.zeros((layers_dims[l], 1)) for l = 1..L-1"}, datatype=True),
        FunctionSpec("initialize_parameters_random", 35, _cases, ("parameters",),
                     {"*": "np.random.seed(3) first; W{l} = np.random.randn(layers_dims[l], "
                           "layers_dims[l-1]) * 10, b{l} = zeros"}, datatype=True),
        FunctionSpec("initialize_parameters_he", 35, _cases, ("parameters",),
                     {"*": "np.random.seed(3) first; W{l} = np.random.randn(layers_dims[l], "
                           "layers_dims[l-1]) * np.sqrt(2 / layers_dims[l-1]), b{l} = zeros"},
                     datatype=True),
    ),
)
