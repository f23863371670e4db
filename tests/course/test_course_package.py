"""nnref.course itself: the module list, lazy imports, exported names, no TensorFlow."""
from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import nnref.course as course


def test_modules_are_listed_and_lazily_importable():
    assert course.MODULES == ("c1w2_numpy_basics", "c1w2_logistic_regression", "c1w3_planar",
                              "c1w4_deep_nn", "c1w4_application", "c2w1_initialization",
                              "c2w1_regularization", "c2w1_gradient_checking", "c2w2_optimization",
                              "c2w3_tensorflow")
    for name in course.MODULES:
        module = getattr(course, name)
        assert module is importlib.import_module(f"nnref.course.{name}")
        assert name in dir(course)
    with pytest.raises(AttributeError, match="has no attribute 'c3w1'"):
        course.c3w1


@pytest.mark.parametrize("name", course.MODULES)
def test_exported_functions_exist_and_are_documented(name):
    module = importlib.import_module(f"nnref.course.{name}")
    assert module.__doc__
    for fn in module.__all__:
        obj = getattr(module, fn)
        assert callable(obj), fn
        assert obj.__doc__, f"{name}.{fn} has no docstring"


def test_course_never_imports_tensorflow():
    code = ("import sys, nnref.course as c\n"
            "[getattr(c, m) for m in c.MODULES]\n"
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)
