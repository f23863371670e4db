"""Hyperparameter search: random, grid and coarse-to-fine, on the right scales, local or on Ray.

    from nnref.tuning import RandomSearch, LogUniform, OneMinusLogUniform, IntUniform, Choice

    space = {"learning_rate": LogUniform(1e-4, 1), "beta_1": OneMinusLogUniform(0.9, 0.999),
             "units": IntUniform(8, 64), "batch_size": Choice([16, 32, 64, 128]), "epochs": 10}
    result = RandomSearch(space, n_trials=20, metric="val_accuracy", seed=0).run(trial, workers=2)
    print(result.format_table()); result.best.config

Modules: ``spaces`` (distributions), ``search`` (RandomSearch, GridSearch, CoarseToFine),
``backends`` (process pool, Ray, serial), ``trial`` (running one trial, what counts as failed),
``results`` (log, CSV/JSON, best), ``plot``, ``signs`` (the SIGNS model's search), ``cli``.
"""
from __future__ import annotations

from nnref.tuning.results import ResultsLog, SearchResult
from nnref.tuning.search import CoarseToFine, GridSearch, RandomSearch, Search, grid_counts
from nnref.tuning.spaces import Choice, IntUniform, LogUniform, OneMinusLogUniform, Space, Uniform, sample_config
from nnref.tuning.trial import TrialRecord, run_trial

__all__ = [
    "Choice", "CoarseToFine", "GridSearch", "IntUniform", "LogUniform", "OneMinusLogUniform",
    "RandomSearch", "ResultsLog", "Search", "SearchResult", "Space", "TrialRecord", "Uniform",
    "grid_counts", "run_trial", "sample_config",
]
