"""Speed and memory of nnref, side by side with Keras and the hardware bound, on SIGNS.

    python benchmarks/run.py [--quick] [--json benchmarks/results.json] [--threads 1,2]
                             [--rounds N] [--skip keras,memory,checks,compile,train,parity,grading]

Prints Markdown tables and writes every figure (raw per-round timings included) to the JSON
file, atomically. Needs the SIGNS files (see the README's *Data*); Keras figures need
TensorFlow. Takes about 5 minutes (--quick: about 1).

Every measurement runs in a child process started with OPENBLAS_NUM_THREADS, OMP_NUM_THREADS,
MKL_NUM_THREADS and NUMBA_NUM_THREADS set to the thread setting being measured (nnref itself never
sets thread counts), and without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE where the machine sets them,
so that NumPy uses its best BLAS kernel for the CPU (printed). Training is timed in two long-lived children, one for nnref and the bounds and one for
Keras, which this process drives round by round so that both see the same load; memory is
measured in a fresh child per dtype that never imports TensorFlow.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [HERE, ROOT]

import machine  # noqa: E402
import report  # noqa: E402

PARTS = ("keras", "memory", "checks", "compile", "train", "parity", "grading")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="3 rounds, one thread setting, a small grading folder")
    parser.add_argument("--json", default=os.path.join(HERE, "results.json"), metavar="FILE",
                        help="where to write the results (default: benchmarks/results.json)")
    parser.add_argument("--threads", default=None, metavar="N[,N...]",
                        help="BLAS thread settings to measure (default: 1,2; --quick: 1)")
    parser.add_argument("--rounds", type=int, default=None,
                        help="timed rounds per measurement (default: 9; --quick: 3)")
    parser.add_argument("--skip", default="", metavar="PART[,PART...]",
                        help=f"parts to leave out: {', '.join(PARTS)}")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "ARGS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return args
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if args.skip - set(PARTS):
        parser.error(f"--skip takes parts among {PARTS}. "
                     f"Received: {sorted(args.skip - set(PARTS))}")
    try:
        args.threads = [int(t) for t in (args.threads or ("1" if args.quick else "1,2"))
                        .split(",")]
    except ValueError:
        args.threads = [0]
    if any(t < 1 for t in args.threads):
        parser.error("--threads must be positive integers separated by commas")
    args.rounds = args.rounds or (3 if args.quick else 9)
    if args.rounds < 1:
        parser.error(f"--rounds must be >= 1. Received: {args.rounds}")
    return args


# ------------------------------------------------------------------------------ child processes
class Child:
    """A child Python process running ``--child KIND ARGS`` with ``threads`` BLAS threads.

    It answers one JSON line per command written to its stdin (see ``serve``); anything else it
    prints goes to its stderr, which is kept for the error message if it fails.
    """

    def __init__(self, kind: str, kwargs: dict, threads: int, env: dict | None = None):
        env = {**machine.benchmark_environment(threads)[0], **(env or {})}
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        self.kind = kind
        self._stderr = tempfile.TemporaryFile(mode="w+")
        self._process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--child", kind, json.dumps(kwargs)],
            env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._stderr, text=True)

    def ask(self, command: str, *args):
        self._process.stdin.write(json.dumps([command, *args]) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            self._process.wait()
            self._stderr.seek(0)
            raise RuntimeError(f"benchmark child {self.kind!r} failed (exit "
                               f"{self._process.returncode}):\n{self._stderr.read()[-3000:]}")
        return json.loads(line)

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.stdin.close()
            self._process.wait()
        self._stderr.close()


def serve(kind: str, kwargs: dict) -> int:
    """The child's side: build the contenders, then answer commands from stdin.

    Commands (JSON lists): ["round", part, r] runs every contender of ``part`` once and answers
    {name: seconds}; ["info"] answers the contenders' info and ``machine.describe()``;
    ["run"] (one-shot kinds) answers the measurement's result.
    """
    protocol = os.fdopen(os.dup(1), "w")              # answers only; stray prints go to stderr
    os.dup2(2, 1)
    if kind in ("nnref", "keras"):
        import bench_training
        contenders = getattr(bench_training, f"{kind}_contenders")(**kwargs)
    while line := sys.stdin.readline():
        command, *args = json.loads(line)
        if command == "round":
            part, r = args
            answer = {name: run(r) for name, run in contenders[part].items()}
        elif command == "info":
            answer = {"info": contenders["info"], "machine": machine.describe()}
        elif command == "run":
            answer = {**_one_shot(kind, kwargs), "machine": machine.describe()}
        else:
            raise ValueError(f"unknown command {command!r}")
        protocol.write(json.dumps(answer, default=report._plain) + "\n")
        protocol.flush()
    return 0


def _one_shot(kind: str, kwargs: dict) -> dict:
    if kind == "memory":
        import bench_memory
        return bench_memory.run(**kwargs)
    if kind == "checks":
        import bench_checks
        return bench_checks.run(**kwargs)
    if kind == "compile":
        import bench_compile
        return bench_compile.run(**kwargs)
    raise ValueError(f"unknown child kind {kind!r}")


def one_shot(kind: str, kwargs: dict, threads: int = 1, env: dict | None = None) -> dict:
    child = Child(kind, kwargs, threads, env)
    try:
        return child.ask("run")
    finally:
        child.close()


def training(threads: int, rounds: int, with_keras: bool) -> dict:
    """Interleaved rounds of the nnref and Keras children; their summary and info."""
    import bench_training

    children = [Child("nnref", {"threads": threads}, threads)]
    if with_keras:
        children.append(Child("keras", {"threads": threads}, threads))
    try:
        result = {"threads": threads, "load_average_before": machine.load_average()}
        times = {}
        for part in ("epoch", "predict"):
            seconds = {}
            for r in range(1 + rounds):                        # round 0 warms up
                for child in children:
                    for name, value in child.ask("round", part, r).items():
                        if r > 0:
                            seconds.setdefault(name, []).append(value)
            times[part] = seconds
        result.update(bench_training.summarize(times["epoch"], times["predict"]))
        infos = [child.ask("info") for child in children]
        result["machine"] = infos[0]["machine"]
        result["nnref"] = infos[0]["info"]
        if with_keras:
            result["keras"] = infos[1]["info"]
        result["load_average_after"] = machine.load_average()
        return result
    finally:
        for child in children:
            child.close()


# ------------------------------------------------------------------------------ main
def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child:
        return serve(args.child[0], json.loads(args.child[1]))
    from nnref import datasets

    try:
        datasets.load_signs()
    except FileNotFoundError as exc:
        print(f"The benchmarks train on SIGNS. {exc}", file=sys.stderr)
        return 2
    try:
        return measure(args)
    except RuntimeError as exc:                         # a child process failed: its stderr
        print(exc, file=sys.stderr)
        return 1


def measure(args) -> int:
    import bench_commands

    results = {"machine": machine.describe(), "quick": args.quick, "rounds": args.rounds,
               "blas_overrides_unset": machine.benchmark_environment(1)[1]}
    print(report.machine_text(results["machine"], {}), flush=True)
    results["training"] = {}
    for threads in args.threads:
        print(f"... training epochs and inference, {threads} BLAS thread(s)", flush=True)
        results["training"][str(threads)] = training(threads, args.rounds,
                                                     "keras" not in args.skip)
        results["machine"]["blas"]["kernels"] = \
            results["training"][str(threads)]["machine"]["blas"]["kernels"]  # the children's
    if "memory" not in args.skip:
        print("... peak memory of fit", flush=True)
        results["memory"] = {dtype: one_shot("memory", {"dtype": dtype})
                             for dtype in ("float32", "float64")}
    if "checks" not in args.skip:
        print("... gradient checks", flush=True)
        checks = one_shot("checks", {"repeats": 1 if args.quick else 3})
        checks.pop("machine")
        results["checks"] = checks
    if "compile" not in args.skip:
        print("... compiling the fused kernels in fresh processes, then loading them", flush=True)
        with tempfile.TemporaryDirectory() as cache:
            results["compile"] = {when: one_shot("compile", {}, env={"NUMBA_CACHE_DIR": cache})
                                  for when in ("first_run", "cached")}
    results["commands"] = {}
    if "train" not in args.skip:
        print(f"... nnref train signs, 100 epochs, fast and numpy, {args.threads[0]} thread(s)", flush=True)
        results["commands"]["train"] = bench_commands.train_signs(args.threads[0])
    if "parity" not in args.skip:
        print("... nnref parity", flush=True)
        results["commands"]["parity"] = bench_commands.parity()
    if "grading" not in args.skip:
        print("... grading (benchmarks/bench_grading.py)", flush=True)
        results["commands"]["grading"] = bench_commands.grading(
            submissions=2 if args.quick else 20, workers=min(2, os.cpu_count() or 1))
    results["targets"] = report.targets(results)
    print()
    print(report.text(results))
    report.write_json(args.json, results)
    print(f"\nWrote {os.path.relpath(args.json)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
