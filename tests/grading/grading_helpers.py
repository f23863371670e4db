"""Helpers of the grading tests: paths, limits and a grading call."""
from __future__ import annotations

import json
import os

from nnref.grading import Limits, grade

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SOLUTIONS = os.path.join(HERE, "solutions")
FIXTURES = os.path.join(HERE, "fixtures")

# Short limits keep the hostile fixtures quick (their loading only imports NumPy).
TEST_LIMITS = Limits(timeout=20, call_timeout=2, memory_mb=1024)
# The full-marks runs load whole notebooks (Matplotlib, h5py...): room for a busy machine.
SOLUTION_LIMITS = Limits(timeout=60, call_timeout=15, memory_mb=1024)
# TensorFlow's import needs the default address space (2 GiB) and a few seconds.
TF_LIMITS = Limits(timeout=120, call_timeout=30)


def grade_file(path, assignment, limits=None):
    if limits is None:
        limits = TF_LIMITS if assignment == "c2w3_tensorflow" else SOLUTION_LIMITS
    return grade(path, assignment, limits)


def read_results(path) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)
