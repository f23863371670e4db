"""What the figures were measured on: CPU, cores, load, NumPy's BLAS and its thread settings."""
from __future__ import annotations

import ctypes
import glob
import os
import platform

import numpy as np

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                    "NUMBA_NUM_THREADS")
# Pin OpenBLAS to an older kernel or cache size; unset for the benchmark processes so that NumPy
# runs its best kernel for the CPU (the one in use is printed, from threadpoolctl).
BLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def benchmark_environment(threads: int) -> tuple[dict, dict]:
    """The environment of a benchmark process with ``threads`` threads in every pool (BLAS,
    OpenMP, numba), without the BLAS overrides; and the overrides it removed."""
    env = dict(os.environ)
    removed = {k: env.pop(k) for k in BLAS_OVERRIDES if k in env}
    env.update({variable: str(threads) for variable in THREAD_VARIABLES})
    return env, removed


def cpu_model() -> str:
    """The "model name" line of /proc/cpuinfo (Linux), else platform.processor()."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages (None where the OS has none)."""
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def blas_description() -> dict:
    """NumPy's BLAS as ``numpy.show_config`` reports it (name, version, configuration; no paths)."""
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    except Exception:  # noqa: BLE001 - older NumPy: the description is optional
        return {"name": "unknown"}
    keys = ("name", "version", "openblas configuration")
    return {k: blas[k] for k in keys if k in blas}


def _bundled_openblas():
    """The OpenBLAS shipped in NumPy's wheel (numpy.libs), loaded with ctypes, or None."""
    libs = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs")
    paths = glob.glob(os.path.join(libs, "*openblas*"))
    return ctypes.CDLL(paths[0]) if paths else None


def _openblas_call(lib, names, restype):
    for name in names:
        function = getattr(lib, name, None)
        if function is not None:
            function.restype = restype
            return function()
    return None


def blas_threads() -> dict:
    """How many threads NumPy's BLAS uses and which kernels it chose for this CPU (None where
    it cannot be asked). threadpoolctl answers when installed; otherwise the OpenBLAS bundled
    in NumPy's wheel is asked directly."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        pass
    else:
        for pool in threadpool_info():
            if pool.get("user_api") == "blas":
                return {"threads": int(pool["num_threads"]), "kernels": pool.get("architecture")}
    lib = _bundled_openblas()
    if lib is None:
        return {"threads": None, "kernels": None}
    threads = _openblas_call(lib, ("scipy_openblas_get_num_threads64_",
                                   "openblas_get_num_threads64_", "openblas_get_num_threads"),
                             ctypes.c_int)
    core = _openblas_call(lib, ("scipy_openblas_get_corename64_", "openblas_get_corename64_",
                                "openblas_get_corename"), ctypes.c_char_p)
    return {"threads": threads, "kernels": core.decode() if core else None}


def _numba_version():
    try:
        import numba
    except ImportError:
        return None
    return numba.__version__


def describe() -> dict:
    """Everything above, plus Python/NumPy/numba versions and the thread environment variables."""
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "load_average": load_average(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": _numba_version(),
        "blas": {**blas_description(), **blas_threads()},
        "thread_env": {k: os.environ[k] for k in THREAD_VARIABLES if k in os.environ},
    }
