"""``nnref info``: versions, the default dtype, and where the course data were found."""
from __future__ import annotations

import importlib
import platform
import sys

import numpy as np


def configure(parser) -> None:
    parser.add_argument("--verify", action="store_true",
                        help="also check the data files' sha256 against the known course files")


def _version(module: str) -> str:
    try:
        return getattr(importlib.import_module(module), "__version__", "installed")
    except ImportError:
        return "not installed"


def run(args) -> int:
    import nnref
    from nnref import datasets

    print(f"nnref        {nnref.__version__}")
    print(f"python       {platform.python_version()} ({sys.executable})")
    for module in ("numpy", "h5py", "tqdm", "matplotlib", "nbformat", "ray"):
        print(f"{module:<12} {_version(module)}")
    print("tensorflow   " + ("installed (version printed by `nnref parity`)"
                             if importlib.util.find_spec("tensorflow") else "not installed"))
    print("dtype        float64 by default; float32 supported end to end (dtype=\"float32\")")
    print(f"numpy eps    float64 {np.finfo(np.float64).eps:.3g}, float32 {np.finfo(np.float32).eps:.3g}")
    print("data:")
    for name in ("signs", "catvnoncat", "football"):
        print(f"  {name:<11} {datasets.describe(name, verify=args.verify)}")
    return 0
