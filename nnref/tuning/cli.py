"""``nnref tune``: hyperparameter search for the course's SIGNS model.

    nnref tune signs --trials 20 --workers 2 [--backend ray [--address auto]] [--epochs 25]
                     [--search random|grid|coarse-to-fine] [--seed 0] [--results runs/tune-signs/trials.jsonl]

Searches α, β1, the two hidden layers' units, the mini-batch size, L2 and dropout
(``nnref.tuning.signs.SIGNS_SPACE``), scoring each trial by its validation accuracy on a part of
the SIGNS training set held out for it. Then trains the course default (Adam 1e-4, β1 0.9,
25-12-6, batch 32, no L2/dropout) for the same epochs on the same split, and compares.

Writes, next to the ``--results`` log (which a rerun of the same command resumes from):
``<stem>.csv`` and ``<stem>.json`` (every trial), ``<stem>.best.json``, ``<stem>.png`` (the plot).
"""
from __future__ import annotations

import functools
import sys
import time
from pathlib import Path

from nnref._cli_args import (check_output_files, non_negative_int, output_file, positive_float,
                             positive_int)
from nnref._files import remove_stale_temp_files

TASKS = ("signs",)
SEARCHES = ("random", "grid", "coarse-to-fine")


def configure(parser) -> None:
    parser.add_argument("task", choices=TASKS, help="what to tune (the course's SIGNS model)")
    parser.add_argument("--trials", type=positive_int, default=20, help="number of trials (default: 20)")
    parser.add_argument("--workers", type=positive_int, default=1,
                        help="trials run at once (default: 1; Ray: tasks in flight)")
    parser.add_argument("--backend", choices=("process", "ray", "serial"), default="process",
                        help="local process pool (default), Ray tasks, or this process")
    parser.add_argument("--address", default=None,
                        help="Ray cluster address (e.g. auto); default: start a local Ray runtime")
    parser.add_argument("--search", choices=SEARCHES, default="random", help="default: random")
    parser.add_argument("--rounds", type=positive_int, default=3,
                        help="coarse-to-fine: rounds, each of trials/rounds trials (default: 3)")
    parser.add_argument("--top-k", type=positive_int, default=3,
                        help="coarse-to-fine: best trials the box shrinks around (default: 3)")
    parser.add_argument("--epochs", type=positive_int, default=25, help="epochs per trial (default: 25)")
    parser.add_argument("--seed", type=non_negative_int, default=0,
                        help="seeds the sampler, the initial weights and the batch order (default: 0)")
    parser.add_argument("--time-limit", type=positive_float, default=None, help="seconds per trial (default: none)")
    parser.add_argument("--results", type=output_file, default="runs/tune-signs/trials.jsonl",
                        help="trial log to write and resume from (default: runs/tune-signs/trials.jsonl)")
    parser.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    parser.add_argument("--data", default=None,
                        help="folder holding the SIGNS files, the only place looked at "
                             "(default: $NNREF_DATA, ./datasets)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="do not train the course default for comparison")
    parser.add_argument("--no-plot", action="store_true", help="do not write the plot")


def output_paths(results: Path) -> dict[str, Path]:
    """Every file a search writes, by role: the log and the files derived from its name."""
    return {"log": results, "csv": results.with_suffix(".csv"), "json": results.with_suffix(".json"),
            "best": results.with_name(results.stem + ".best.json"), "plot": results.with_suffix(".png")}


def compare_to_default(best: float, default: float) -> str:
    """One honest sentence comparing the best trial's val_accuracy with the course default's."""
    gain = best - default
    if gain > 0:
        return f"best found beats the course default by {gain:.4f} ({best:.4f} vs {default:.4f})"
    if gain == 0:
        return f"best found ties the course default ({best:.4f})"
    return f"best found does not beat the course default: {best:.4f} vs {default:.4f} ({-gain:.4f} lower)"


def make_search(args, space):
    from nnref.tuning import CoarseToFine, GridSearch, RandomSearch

    common = dict(metric="val_accuracy", mode="max", seed=args.seed)
    if args.search == "random":
        return RandomSearch(space, args.trials, **common)
    if args.search == "grid":
        return GridSearch(space, args.trials, **common)
    per_round = args.trials // args.rounds
    if per_round < 1:
        raise ValueError(f"--trials must be >= --rounds for coarse-to-fine. Received: "
                         f"--trials {args.trials} --rounds {args.rounds}")
    return CoarseToFine(space, rounds=args.rounds, trials_per_round=per_round, top_k=args.top_k, **common)


def _progress(total: int, metric: str, ran: list):
    """A callback printing one line per finished trial; appends each record to ``ran``."""
    def on_trial(record):
        ran.append(record)
        outcome = (f"{metric}={record.metrics[metric]:.4f}" if record.ok else f"FAILED {record.error}")
        print(f"[{len(ran):>3}/{total}] trial {record.trial_id:>3}  {outcome}  ({record.duration_s:.1f} s)",
              flush=True)
    return on_trial


def run(args) -> int:
    from nnref.tuning.signs import COURSE_DEFAULT, SIGNS_SPACE, load_split, signs_trial

    results = Path(args.results)
    outputs = output_paths(results)
    try:
        check_output_files(*outputs.values())     # before any trial: no search lost at the end
        remove_stale_temp_files(results.parent)    # left by a search that was killed mid-write
    except OSError as exc:
        print(f"nnref tune: error: --results: {exc}", file=sys.stderr)
        return 2
    try:
        space = {**SIGNS_SPACE, "epochs": args.epochs, "seed": args.seed}
        search = make_search(args, space)
        split = load_split(args.data, args.dtype)  # here, once: a cluster's workers have no data
    except (ValueError, FileNotFoundError) as exc:
        print(f"nnref tune: {exc}", file=sys.stderr)
        return 2
    # The prepared arrays travel with the trial (through Ray's object store, or to each worker
    # process), never a path.
    trial = functools.partial(signs_trial, split=split, dtype=args.dtype)
    print(f"nnref tune signs: {args.search} search, {search.n_trials} trials x {args.epochs} epochs, "
          f"backend {args.backend}, {args.workers} worker(s), seed {args.seed}; log {results}", flush=True)
    start, ran = time.perf_counter(), []
    try:
        result = search.run(trial, workers=args.workers, backend=args.backend, address=args.address,
                            time_limit=args.time_limit, results=results,
                            on_trial=_progress(search.n_trials, search.metric, ran))
    except KeyboardInterrupt:
        print(f"\ninterrupted after {len(ran)} trial(s); run the same command again to resume from "
              f"{results}", file=sys.stderr)
        return 130
    except (ValueError, RuntimeError, ConnectionError) as exc:
        # another search's results file; a Ray cluster out of reach, or unable to load the trial
        print(f"nnref tune: {exc}", file=sys.stderr)
        return 2
    wall = time.perf_counter() - start
    resumed = len(result.trials) - len(ran)
    print(f"\nsearch done in {wall:.1f} s wall time: {len(ran)} trial(s) run"
          + (f", {resumed} read back from {results}" if resumed else "")
          + f"; {len(result.succeeded)} ok, {len(result.failed)} failed\n")
    print(result.format_table())
    if result.shared_error:
        print(f"nnref tune: all {len(result.trials)} trials failed with the same error: {result.shared_error}",
              file=sys.stderr)
    written = [result.to_csv(outputs["csv"]), result.to_json(outputs["json"]),
               result.save_best(outputs["best"])]
    if not args.no_plot and result.succeeded:
        result.plot(outputs["plot"])
        written.append(outputs["plot"])
    best = result.best
    if best is not None:
        print(f"\nbest: trial {best.trial_id}, val_accuracy {best.metrics['val_accuracy']:.4f}")
        for name in SIGNS_SPACE:
            print(f"  {name:<14} {best.config[name]:.6g}" if isinstance(best.config[name], float)
                  else f"  {name:<14} {best.config[name]}")
    if not args.no_baseline:
        t0 = time.perf_counter()
        base = trial({**COURSE_DEFAULT, "epochs": args.epochs, "seed": args.seed})
        print(f"\ncourse default (Adam 1e-4, beta_1 0.9, 25-12-6, batch 32, no L2/dropout), "
              f"{args.epochs} epochs: val_accuracy {base['val_accuracy']:.4f} "
              f"({time.perf_counter() - t0:.1f} s)")
        if best is not None:
            print(compare_to_default(best.metrics["val_accuracy"], base["val_accuracy"]))
    print("\nwrote " + ", ".join(str(p) for p in written))
    return 0 if best is not None else 1
