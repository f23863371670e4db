"""The course helper file a sandbox gets keeps only its own assignment's helper code."""
from __future__ import annotations

import types

import numpy as np
import pytest

from nnref.grading.helper_files import helper_source


def _load(provided) -> types.ModuleType:
    module = types.ModuleType("course_utils")
    exec(compile(helper_source("course_utils.py", provided), "course_utils.py", "exec"),
         module.__dict__)
    return module


def test_the_assignments_own_helpers_keep_their_code():
    module = _load(("dnn_utils",))
    Z = np.array([[-1.0, 2.0]])
    A, cache = module.HELPER_MODULES["dnn_utils"]["relu"](Z)
    assert np.array_equal(A, [[0.0, 2.0]]) and cache is Z


def test_other_assignments_solutions_are_not_in_the_file():
    source = helper_source("course_utils.py", ("dnn_utils",))
    module = _load(("dnn_utils",))
    for name in ("L_model_forward", "L_model_backward", "linear_activation_backward",
                 "reg_compute_cost", "dictionary_to_vector"):
        function = getattr(module, name)
        arguments = [None] * function.__code__.co_argcount
        with pytest.raises(NotImplementedError, match="belongs to another assignment"):
            function(*arguments)
    assert "np.dot" not in source.split("def L_model_forward")[1].split("\ndef ")[0]


def test_helpers_reached_through_the_own_table_are_kept():
    module = _load(("dnn_app_utils_v3",))  # the week-4 application's own helpers
    X = np.ones((3, 2))
    parameters = module.initialize_parameters_deep([3, 2, 1])
    AL, caches = module.L_model_forward(X, parameters)
    assert AL.shape == (1, 2) and len(caches) == 2
