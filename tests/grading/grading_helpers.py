"""Helpers of the grading tests: paths, a grading call, and nnref.course as a student file."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

from nnref.grading import Limits, grade

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SOLUTIONS = os.path.join(HERE, "solutions")
FIXTURES = os.path.join(HERE, "fixtures")

# Short limits keep the hostile fixtures quick (their loading only imports NumPy).
TEST_LIMITS = Limits(timeout=20, call_timeout=2, memory_mb=1024)
# The full-marks runs load more (the bundled nnref imports h5py): room for a busy machine.
SOLUTION_LIMITS = Limits(timeout=60, call_timeout=15, memory_mb=1024)
# TensorFlow's import needs the default address space (2 GiB) and a few seconds.
TF_LIMITS = Limits(timeout=120, call_timeout=30)


def grade_file(path, assignment, limits=None):
    if limits is None:
        limits = TF_LIMITS if assignment == "c2w3_tensorflow" else SOLUTION_LIMITS
    return grade(path, assignment, limits)


def _closure(module: str) -> list[str]:
    """The nnref modules that importing ``module`` imports (in a fresh interpreter)."""
    code = ("import importlib, sys; importlib.import_module(sys.argv[1]); "
            "print('\\n'.join(sorted(m for m in sys.modules "
            "if m == 'nnref' or m.startswith('nnref.'))))")
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-c", code, module], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout
    return out.split()


_TEMPLATE = '''\
# nnref.course.{name} written out as a student's file by the grading tests: the course's
# functions, with the nnref modules they use bundled below as source, so that this file needs
# no installed nnref (the grading sandbox blocks importing it).
import importlib
import importlib.abc
import importlib.machinery
import sys

_SOURCES = {sources}


class _Bundled(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):
        if name in _SOURCES:
            return importlib.machinery.ModuleSpec(name, self, is_package=_SOURCES[name][0])
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        is_package, source = _SOURCES[module.__name__]
        module.__file__ = "<bundled " + module.__name__ + ">"
        if is_package:
            module.__path__ = []
        exec(compile(source, module.__file__, "exec"), module.__dict__)


sys.meta_path.insert(0, _Bundled())
_course = importlib.import_module("nnref.course.{name}")
for _name in {graded!r}:
    globals()[_name] = getattr(_course, _name)
'''


def course_as_student_file(name: str, graded: list[str], path) -> str:
    """Write ``nnref.course.<name>``'s ``graded`` functions as a standalone student file."""
    sources = {}
    for module in _closure(f"nnref.course.{name}"):
        spec = importlib.util.find_spec(module)
        with open(spec.origin, encoding="utf-8") as f:
            sources[module] = (spec.submodule_search_locations is not None, f.read())
    text = _TEMPLATE.format(name=name, sources=repr(sources), graded=list(graded))
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return os.fspath(path)


def read_results(path) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)
