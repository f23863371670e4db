"""Inert stand-ins for the demo-only libraries the course's notebooks import.

The notebooks import SciPy, scikit-learn, Matplotlib, PIL, h5py, pandas... to load data, draw
plots and try the model on the student's own picture; no graded function needs them. When such
a library is not installed in the sandbox, an ``import`` of it in the submission's own code
would stop the whole notebook cell, and with it the course's lines after it (the optimization
notebook's first cell runs ``import scipy.io`` before ``import math``). So, as in the course,
those import lines succeed: the real package when it is there, otherwise an inert stand-in.

An inert stand-in is a module whose every attribute is an :class:`Inert` object: calling it,
reading or setting an attribute or an item, entering it as a context manager all do nothing
and give another ``Inert``; iterating over it gives nothing. Only imports written in the
submission itself are served (a library's own optional imports still fail as usual), and each
library served is reported in a note.

This module runs inside the sandbox: it imports only the standard library.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types

# top-level packages the course's notebooks import for data, plots and pictures only
DEMO_ONLY = ("matplotlib", "scipy", "sklearn", "PIL", "h5py", "pandas", "imageio", "IPython",
             "seaborn", "skimage", "cv2", "pylab", "tqdm")


class Inert:
    """Does nothing, whatever is done with it."""

    def __init__(self, name: str = "stand-in"):
        object.__setattr__(self, "_name", name)

    def __call__(self, *args, **kwargs):
        return Inert(f"{self._name}()")

    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return Inert(f"{self._name}.{attr}")

    def __setattr__(self, attr, value):
        pass

    def __getitem__(self, key):
        return Inert(f"{self._name}[...]")

    def __setitem__(self, key, value):
        pass

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __repr__(self):
        return f"<inert stand-in {self._name}>"


def _module(name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__path__ = []          # a package: "import scipy.io" and "from sklearn import x" work
    module.__getattr__ = lambda attr: (Inert(f"{name}.{attr}") if not attr.startswith("__")
                                       else _no_attribute(attr))
    return module


def _no_attribute(attr):
    raise AttributeError(attr)


class StandIns(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves :data:`DEMO_ONLY` packages that the real finders did not find, to the
    submission's own imports (``is_student_file(filename)`` of the importing frame)."""

    def __init__(self, is_student_file):
        self.is_student_file = is_student_file
        self.served: list[str] = []

    def find_spec(self, fullname, path=None, target=None):
        top = fullname.partition(".")[0]
        if top not in DEMO_ONLY or not self._from_submission():
            return None
        if top not in self.served:
            self.served.append(top)
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def _from_submission(self) -> bool:
        frame = sys._getframe(2)
        while frame is not None and frame.f_code.co_filename.startswith("<frozen importlib"):
            frame = frame.f_back
        return frame is not None and self.is_student_file(frame.f_code.co_filename)

    def create_module(self, spec):
        return _module(spec.name)

    def exec_module(self, module):
        pass

    def notes(self) -> list[str]:
        return [f"{name} is not available while grading: the submission's import of it got an "
                "inert stand-in (the course uses it for data, plots and pictures only; code "
                "calling it does nothing)" for name in self.served]


def install(is_student_file) -> StandIns:
    """Append the stand-in finder after the real ones; returns it (for its notes)."""
    finder = StandIns(is_student_file)
    sys.meta_path.append(finder)
    return finder
