"""Shared fixtures.

The course data are read through ``nnref.datasets`` (``NNREF_DATA`` points at them). Outside CI a
missing file skips the tests that need it, with the reason; in CI (``CI=true``) it is a failure,
so that the real-data tests can never be skipped silently there.
"""
from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import settings

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# In CI the property tests draw the same cases on every run (a failure there is reproducible);
# locally they explore new ones.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if IN_CI:
    settings.load_profile("ci")


def require_data(loader, *args, **kwargs):
    """Call a dataset loader; skip (locally) or fail (in CI) when its files are missing."""
    try:
        return loader(*args, **kwargs)
    except FileNotFoundError as exc:
        if IN_CI:
            pytest.fail(f"course data missing in CI (set NNREF_DATA): {exc}", pytrace=False)
        pytest.skip(f"course data not found (set NNREF_DATA to the datasets folder): {exc}")


@pytest.fixture(scope="session")
def signs():
    from nnref.datasets import load_signs

    return require_data(load_signs)


@pytest.fixture(scope="session")
def catvnoncat():
    from nnref.datasets import load_catvnoncat

    return require_data(load_catvnoncat)


@pytest.fixture(scope="session")
def football():
    from nnref.datasets import load_football

    return require_data(load_football)


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
