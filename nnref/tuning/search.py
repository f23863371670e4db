"""Random, grid and coarse-to-fine search over a user trial function ``trial(config) -> metrics``.

    search = RandomSearch({"learning_rate": LogUniform(1e-4, 1), "beta_1": OneMinusLogUniform(0.9, 0.999),
                           "epochs": 10}, n_trials=20, metric="val_accuracy", mode="max", seed=0)
    result = search.run(trial, workers=2)                       # local process pool
    result = search.run(trial, backend="ray", address="auto")   # a Ray cluster
    result.best.config, result.to_csv("trials.csv"), result.plot("trials.png")

The course's advice, made executable:
- ``RandomSearch``: every trial tries a new value of every hyperparameter. With a budget of n
  trials over d hyperparameters, a grid tries only about n^(1/d) values of each; random search
  tries n, which matters when only one or two of them really count (α above all).
- ``GridSearch``: the same budget on a grid, for comparison (and for Choice-only spaces).
- ``CoarseToFine``: sample the whole box, keep the best ``top_k`` trials, shrink the box around
  them (``Space.narrow``, in each space's own scale), sample again.

Every configuration is drawn up front, in this process, from ``numpy.random.default_rng(seed)``;
backends only execute them. Trial ids are 0, 1, ... in sampling order, so the same seed gives the
same trials, and the same best result, whatever the backend or the number of workers.

``results="search.jsonl"`` appends each finished trial to a JSON-lines log; running the same
search again with the same file resumes it: recorded trials (successful or failed) are read back,
checked against the configurations the seed gives, and not run again.
"""
from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from nnref._checks import check_choice, check_int, check_real
from nnref.tuning.backends import get_backend
from nnref.tuning.results import MODES, ResultsLog, SearchResult
from nnref.tuning.spaces import (Choice, IntUniform, Space, check_space, sample_config,
                                 same_value, searched)
from nnref.tuning.trial import TrialRecord


class Search:
    """Base class: validates the common arguments and runs the rounds that subclasses plan."""

    def __init__(self, space: Mapping[str, Any], *, metric: str, mode: str = "max", seed: int | None = None):
        self.space = check_space(space)
        if not isinstance(metric, str) or not metric:
            raise TypeError(f"metric must be a metric name (str). Received: metric={metric!r}")
        check_choice("mode", mode, MODES)
        if check_int("seed", seed, allow_none=True) is None:
            seed = int(np.random.SeedSequence().entropy % 2**32)  # recorded, so a run can be repeated
        self.metric, self.mode, self.seed = metric, mode, int(seed)

    @property
    def n_trials(self) -> int:
        """How many trials the search runs in total."""
        raise NotImplementedError

    def _rounds(self, done: list[TrialRecord]) -> Iterator[list[dict[str, Any]]]:
        """Yield each round's configurations; ``done`` holds every finished trial so far."""
        raise NotImplementedError

    def run(self, trial: Callable[[dict], Mapping[str, float]], *, workers: int | None = 1,
            backend: str = "process", address: str | None = None, time_limit: float | None = None,
            results: str | os.PathLike | None = None,
            on_trial: Callable[[TrialRecord], None] | None = None) -> SearchResult:
        """Run every trial and return the ``SearchResult``.

        Args:
            trial: ``trial(config) -> {metric name: number}``; for ``backend="process"`` or
                ``"ray"`` a top-level (picklable) function, or a ``functools.partial`` of one
                carrying its data (loaded once here and shipped, never read by the workers from
                a path). Raising, returning a non-finite ``metric`` or running past
                ``time_limit`` marks the trial failed; the search goes on.
            workers: trials run at once (processes, or Ray tasks in flight; Ray's default is
                the cluster's CPU count). Defaults to 1.
            backend: ``"process"`` (default), ``"ray"`` or ``"serial"`` (see ``nnref.tuning.backends``).
            address: the Ray cluster to connect to (``backend="ray"`` only); None starts a local one.
            time_limit: seconds per trial, or None for no limit.
            results: a JSON-lines file; each finished trial is appended, and an existing file is
                resumed from.
            on_trial: called with each ``TrialRecord`` as it finishes (progress display).
        """
        log = ResultsLog(results) if results is not None else None
        previous = log.load() if log is not None else {}
        extra = sorted(i for i in previous if not 0 <= i < self.n_trials)
        if extra:
            raise ValueError(f"results file {results} holds trials {extra[:5]} that this search of "
                             f"{self.n_trials} trials does not have: it belongs to another search")
        done: list[TrialRecord] = []

        def record(rec: TrialRecord) -> None:
            if log is not None:
                log.append(rec)
            done.append(rec)
            if on_trial is not None:
                on_trial(rec)

        next_id = 0
        runner = get_backend(backend, workers=workers, time_limit=time_limit, address=address)
        with runner:
            for round_, configs in enumerate(self._rounds(done)):
                tasks = []
                for trial_id, config in enumerate(configs, start=next_id):
                    old = previous.get(trial_id)
                    if old is None:
                        tasks.append((trial_id, round_, config))
                    elif same_value(old.config, config):
                        done.append(old)
                    else:
                        raise ValueError(
                            f"results file {results}: trial {trial_id} was run with {old.config}, but "
                            f"this search (seed={self.seed}) samples {config}: it belongs to another "
                            "search; use another results file")
                next_id += len(configs)
                runner.run(trial, self.metric, tasks, record)
        return SearchResult(done, metric=self.metric, mode=self.mode, space=self.space)


class RandomSearch(Search):
    """``n_trials`` configurations sampled at random, each Space on its own scale."""

    def __init__(self, space, n_trials: int, *, metric: str, mode: str = "max", seed: int | None = None):
        super().__init__(space, metric=metric, mode=mode, seed=seed)
        self._n = check_int("n_trials", n_trials, low=1)

    @property
    def n_trials(self):
        return self._n

    def configs(self) -> list[dict[str, Any]]:
        """The configurations, in trial order (the same for the same seed)."""
        rng = np.random.default_rng(self.seed)
        return [sample_config(self.space, rng) for _ in range(self._n)]

    def _rounds(self, done):
        yield self.configs()


def grid_counts(space: Mapping[str, Any], budget: int) -> dict[str, int]:
    """Values per searched hyperparameter so that their product is at most ``budget``.

    Repeatedly adds a value to the dimension with the fewest values (ties: the first in the
    space) among those that can still grow within the budget and within what they have (a
    Choice's options, an IntUniform's integers): d continuous dimensions get about
    budget^(1/d) values each.
    """
    dims = searched(space)
    caps = {name: len(d.options) if isinstance(d, Choice) else
            d.high - d.low + 1 if isinstance(d, IntUniform) else math.inf for name, d in dims.items()}
    counts = dict.fromkeys(dims, 1)
    while True:
        size = math.prod(counts.values())
        growable = [name for name in dims if counts[name] < caps[name]
                    and size // counts[name] * (counts[name] + 1) <= budget]
        if not growable:
            return counts
        counts[min(growable, key=lambda n: counts[n])] += 1


class GridSearch(Search):
    """A grid of at most ``n_trials`` points: ``grid_counts`` values per hyperparameter, evenly
    spaced on each space's scale (ends included), all combinations, in space order."""

    def __init__(self, space, n_trials: int, *, metric: str, mode: str = "max", seed: int | None = 0):
        super().__init__(space, metric=metric, mode=mode, seed=seed)
        self._budget = check_int("n_trials", n_trials, low=1)
        counts = grid_counts(self.space, self._budget)
        axes = [self.space[name].grid(counts[name]) if name in counts else [self.space[name]]
                for name in self.space]
        names = list(self.space)
        self._configs = [dict(zip(names, values)) for values in itertools.product(*axes)]

    @property
    def n_trials(self):
        return len(self._configs)

    def configs(self) -> list[dict[str, Any]]:
        return [dict(c) for c in self._configs]

    def _rounds(self, done):
        yield self.configs()


class CoarseToFine(Search):
    """``rounds`` rounds of ``trials_per_round`` random trials; after each round the box of every
    searched hyperparameter shrinks around the ``top_k`` best trials so far (``Space.narrow``
    with ``margin``, a fraction of the current box in unit coordinates).

    ``boxes`` holds the space sampled in each round (filled in as the search runs).
    """

    def __init__(self, space, rounds: int = 3, trials_per_round: int = 10, top_k: int = 3,
                 margin: float = 0.1, *, metric: str, mode: str = "max", seed: int | None = None):
        super().__init__(space, metric=metric, mode=mode, seed=seed)
        self.rounds = check_int("rounds", rounds, low=1)
        self.trials_per_round = check_int("trials_per_round", trials_per_round, low=1)
        self.top_k = check_int("top_k", top_k, low=1)
        self.margin = check_real("margin", margin, low=0, high=1, low_open=True)
        self.boxes: list[dict[str, Space]] = []

    @property
    def n_trials(self):
        return self.rounds * self.trials_per_round

    def _rounds(self, done):
        rng = np.random.default_rng(self.seed)
        box = searched(self.space)
        self.boxes = []
        for _ in range(self.rounds):
            self.boxes.append(dict(box))
            current = {name: box.get(name, dim) for name, dim in self.space.items()}
            yield [sample_config(current, rng) for _ in range(self.trials_per_round)]
            best = SearchResult(list(done), metric=self.metric, mode=self.mode).top(self.top_k)
            if best:  # if every trial so far failed, sample the same box again
                box = {name: dim.narrow([t.config[name] for t in best], self.margin)
                       for name, dim in box.items()}
