"""The ``nnref`` command.

Each subcommand lives in its own module, which exposes ``configure(parser)`` (adds its
arguments to an ``argparse`` sub-parser) and ``run(args) -> int`` (the exit status).
Those modules import their heavy dependencies inside ``run`` so that ``nnref --help`` stays fast.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

# name -> (module, one-line help)
SUBCOMMANDS = {
    "info": ("nnref.info", "versions, dtype and where the course data were found"),
    "train": ("nnref.train_cli", "train the course's SIGNS or cat/non-cat model (the main job)"),
    "parity": ("tf_parity.cli", "check nnref against TensorFlow/Keras on SIGNS, check by check"),
    "grade": ("nnref.grading.cli", "grade course assignments against nnref.course"),
    "check": ("nnref.check", "check your course functions and name the mistakes (sandboxed)"),
    "tune": ("nnref.tuning.cli", "hyperparameter search (random, grid, coarse-to-fine)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nnref",
        description="Reference NumPy implementations of the deep-learning course algorithms.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not module_name.startswith(exc.name):
                raise
            continue  # this subcommand is not part of this installation
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        module.configure(sub_parser)
        sub_parser.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "_run", None) is None:
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:            # a subcommand that saves its work on Ctrl-C does so itself
        print(f"\nnnref {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:              # e.g. `nnref grade --list | head`: the reader left
        _silence_stdout()
        return 141                       # 128 + SIGPIPE, as a shell reports it


def _silence_stdout() -> None:
    """Point stdout at the null device so that Python's exit-time flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):        # no real file descriptor (captured output)
        pass


if __name__ == "__main__":
    sys.exit(main())
