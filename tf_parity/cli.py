"""``nnref parity`` (also ``python -m tf_parity``): run every parity check and print the report.

    nnref parity [--dtype float64|float32|all] [--json FILE] [--only PREFIX] [--threads N]

Prints the TensorFlow/Keras versions, one row per check (name, quantity, max abs error, max
relative error, tolerance, pass/fail), the course ↔ Keras convention map and the timing. Exit
status: 0 when every check passes, 1 when any fails, 2 when the data or TensorFlow is missing.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from nnref._cli_args import check_output_files, non_negative_int, output_file

DTYPE_CHOICES = ("float64", "float32", "all")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dtype", choices=DTYPE_CHOICES, default="float64",
                        help="nnref's dtype and Keras's floatx (default: float64; all: both)")
    parser.add_argument("--json", metavar="FILE", type=output_file, default=None,
                        help="also write the records, versions and timing as JSON to FILE")
    parser.add_argument("--only", metavar="PREFIX", default=None,
                        help="run only the checks whose name starts with PREFIX, e.g. optimizer/")
    parser.add_argument("--threads", type=non_negative_int, default=1,
                        help="threads for TensorFlow and NumPy's BLAS (default: 1, the fastest "
                             "for these small matrices; 0 leaves the libraries' defaults)")
    parser.add_argument("--data", metavar="FOLDER", default=None,
                        help="folder holding the SIGNS files, the only place looked at "
                             "(default: $NNREF_DATA, ./datasets)")


def run(args) -> int:
    start = time.perf_counter()
    if args.json is not None:
        try:
            check_output_files(args.json)      # before the checks run, not after
        except OSError as exc:
            print(f"nnref parity: error: --json: {exc}", file=sys.stderr)
            return 2
    from nnref.datasets import load_signs

    try:
        signs = load_signs(args.data)                          # before TensorFlow's slow import
    except (FileNotFoundError, ValueError) as exc:
        print(f"nnref parity: {exc}", file=sys.stderr)
        return 2
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")        # TensorFlow's start-up chatter
    try:
        import keras
        import tensorflow as tf
    except ImportError as exc:
        print(f"nnref parity needs TensorFlow and Keras (pip install 'nnref[tf]'): {exc}",
              file=sys.stderr)
        return 2
    from tf_parity import report
    from tf_parity.checks import run_checks
    import numpy as np

    versions = {"tensorflow": tf.__version__, "keras": keras.__version__,
                "numpy": np.__version__, "python": sys.version.split()[0]}
    print(f"TensorFlow {versions['tensorflow']}, Keras {versions['keras']}, "
          f"NumPy {versions['numpy']}, Python {versions['python']}; TF32 off")
    dtypes = ("float64", "float32") if args.dtype == "all" else (args.dtype,)
    select = None if args.only is None else (lambda name: name.startswith(args.only))
    threads = args.threads or None
    runs = []
    for dtype in dtypes:
        parity = run_checks(dtype, signs=signs, select=select, threads=threads)
        runs.append(parity)
        print(f"\n== {dtype} (nnref dtype = Keras floatx = {dtype})\n")
        print(report.format_table(parity.records))
        for name, trace in parity.errors.items():
            print(f"\n{name} raised:\n{trace}", file=sys.stderr)
        print(f"\n{report.summary(parity)}")
    print("\n== course ↔ Keras conventions\n")
    print(report.format_conventions())
    total = time.perf_counter() - start
    print(f"\nTotal time {total:.1f} s (TensorFlow start-up included)")
    if args.json is not None:
        documents = [report.to_json(r, versions, total) for r in runs]
        report.write_json(documents[0] if len(documents) == 1 else {"runs": documents}, args.json)
    if not any(r.records for r in runs):
        print("nnref parity: no check matched --only "
              f"{args.only!r}", file=sys.stderr)
        return 2
    return 0 if all(r.passed or not r.records for r in runs) else 1
