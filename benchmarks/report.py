"""The printed tables (Markdown) and the JSON file, written atomically."""
from __future__ import annotations

import json
import math

from nnref._files import atomic_write

TARGETS = {
    # name: (the figure, how it must compare with the limit, the limit)
    "keras_speedup": ("Keras fit / nnref float32 epoch", ">=", 6.0),
    "gemm_multiple": ("nnref float32 epoch / GEMM bound", "<=", 1.5),
    "float64_multiple": ("nnref float64 / float32 epoch", "<=", 2.5),
    "memory_multiple": ("fit peak (tracemalloc) / (data + params + optimizer state)", "<=", 2.0),
    # fused kernels: within 1.3x of the floor, ahead of Keras
    "floor_float32": ("nnref float32 epoch / (GEMM + √) float32", "<=", 1.3),
    "floor_float64": ("nnref float64 epoch / (GEMM + √) float64", "<=", 1.3),
    "keras_ahead": ("Keras fit / nnref float32 epoch", ">=", 1.0),
}


def write_json(path: str, results: dict) -> None:
    """Write ``results`` to ``path`` atomically (readers never see a half-written file)."""
    def dump(f):
        json.dump(results, f, indent=2, sort_keys=True, default=_plain)
        f.write("\n")

    atomic_write(path, dump)


def _plain(value):
    """NumPy scalars and arrays as JSON numbers and lists."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *map(line, rows)])


def _ms(value) -> str:
    return "–" if value is None else f"{value:.1f}"


def _x(value) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{value:.2f}×"


def machine_text(machine: dict, training: dict) -> str:
    blas = machine["blas"]
    blas_text = " ".join(str(blas[k]) for k in ("name", "version") if k in blas)
    if blas.get("kernels"):
        blas_text += f" ({blas['kernels']} kernels)"
    keras = next((t.get("keras") for t in training.values() if t.get("keras")), None)
    parts = [f"CPU: {machine['cpu']}, {machine['cores']} cores",
             f"Python {machine['python']}, NumPy {machine['numpy']}, BLAS {blas_text}, "
             f"numba {machine.get('numba') or 'not installed'}"]
    if keras:
        parts.append(f"TensorFlow {keras['tensorflow']}, Keras {keras['keras']} "
                     f"(jit_compile={keras.get('jit_compile')}, TensorFlow threads = BLAS threads)")
    loads = [t[k] for t in training.values() for k in ("load_average_before", "load_average_after")
             if t.get(k)]
    if loads:
        one_minute = [load[0] for load in loads]
        parts.append(f"load average (1 minute) during the runs: {min(one_minute):.1f}–"
                     f"{max(one_minute):.1f}")
    return "\n".join(f"- {p}" for p in parts)


def training_table(training: dict) -> str:
    configs = list(training)
    header = ["SIGNS 12288-25-12-6, Adam, batch 32, 34 steps/epoch (median)"] + [
        f"{n} BLAS thread{'s' if int(n) > 1 else ''}" for n in configs]
    rows = []

    def row(label, getter, fmt):
        rows.append([label] + [fmt(_get(training[c], getter)) for c in configs])

    ms = lambda name: ("epoch_ms", name, "median_ms")
    engine = next((t.get("nnref", {}).get("backend") for t in training.values()), None)
    row(f"nnref float32, ms/epoch ({engine} backend)", ms("nnref_float32_plain"), _ms)
    row(f"nnref float64, ms/epoch ({engine} backend)", ms("nnref_float64_plain"), _ms)
    row("nnref float32, ms/epoch (numpy backend)", ms("nnref_float32_plain_numpy"), _ms)
    row("nnref float64, ms/epoch (numpy backend)", ms("nnref_float64_plain_numpy"), _ms)
    row("nnref float32 after 32 epochs (subnormal Adam state), ms/epoch",
        ms("nnref_float32_plain_late"), _ms)
    row("Keras fit float32, ms/epoch", ms("keras_float32_plain"), _ms)
    row("GEMM bound float32, ms/epoch", ms("gemm_float32"), _ms)
    row("GEMM bound float64, ms/epoch", ms("gemm_float64"), _ms)
    row(f"Adam updates alone float32, ms/epoch ({engine})", ms("adam_float32"), _ms)
    row(f"Adam updates alone float64, ms/epoch ({engine})", ms("adam_float64"), _ms)
    row("Adam updates alone float32, ms/epoch (numpy)", ms("adam_float32_numpy"), _ms)
    row("Adam updates alone float64, ms/epoch (numpy)", ms("adam_float64_numpy"), _ms)
    row("one square root per weight and step alone, float32, ms/epoch", ms("sqrt_float32"), _ms)
    row("one square root per weight and step alone, float64, ms/epoch", ms("sqrt_float64"), _ms)
    row("nnref float32 / (GEMM + √)", ("ratios", "nnref_float32_over_gemm_plus_sqrt"), _x)
    row("nnref float64 / (GEMM + √)", ("ratios", "nnref_float64_over_gemm_plus_sqrt"), _x)
    row("numpy backend float32 / (GEMM + √)",
        ("ratios", "nnref_float32_numpy_over_gemm_plus_sqrt"), _x)
    row("numpy backend float64 / (GEMM + √)",
        ("ratios", "nnref_float64_numpy_over_gemm_plus_sqrt"), _x)
    row("numpy backend / fused, float32 epoch", ("ratios", "numpy_over_fused_float32"), _x)
    row("numpy backend / fused, float64 epoch", ("ratios", "numpy_over_fused_float64"), _x)
    row("Keras / nnref float32", ("ratios", "keras_over_nnref_float32"), _x)
    row("nnref float64 / float32", ("ratios", "nnref_float64_over_float32"), _x)
    row("nnref float32 / GEMM bound", ("ratios", "nnref_float32_over_gemm"), _x)
    row("nnref float64 / GEMM bound", ("ratios", "nnref_float64_over_gemm"), _x)
    row("nnref float32 / (GEMM + Adam)", ("ratios", "nnref_float32_over_gemm_plus_adam"), _x)
    row("nnref float64 / (GEMM + Adam)", ("ratios", "nnref_float64_over_gemm_plus_adam"), _x)
    row("bound for NumPy's course Adam: (GEMM + Adam) / GEMM, float32",
        ("ratios", "gemm_plus_adam_over_gemm_float32"), _x)
    row("bound for any implementation: Keras / (GEMM + √), float32",
        ("ratios", "keras_over_gemm_plus_sqrt_float32"), _x)
    row("BN + dropout: nnref float32, ms/epoch", ms("nnref_float32_bn_dropout"), _ms)
    row("BN + dropout: nnref float64, ms/epoch", ms("nnref_float64_bn_dropout"), _ms)
    row("BN + dropout: Keras fit float32, ms/epoch", ms("keras_float32_bn_dropout"), _ms)
    row("BN + dropout: Keras / nnref float32",
        ("ratios", "keras_over_nnref_float32_bn_dropout"), _x)
    row("BN + dropout: nnref float32 / GEMM bound",
        ("ratios", "nnref_float32_bn_dropout_over_gemm"), _x)
    rate = lambda v: "–" if v is None else f"{v:,.0f}"
    for who in ("nnref_float32", "nnref_float64", "keras_float32"):
        for batch in ("32", "all"):
            label = f"inference {who.replace('_', ' ')}, batch {batch if batch == '32' else 1080}"
            row(f"{label}, images/s", ("inference_images_per_s", f"{who}_batch{batch}"), rate)
    return _table(header, rows)


def memory_table(memory: dict) -> str:
    header = ["fit, 2 epochs (MB = 10⁶ bytes)", *memory]
    mb = lambda v: "–" if v is None else f"{v / 1e6:.1f}"
    rows = [
        ["data (x, y)", *(mb(m["sizes"]["data"]) for m in memory.values())],
        ["parameters", *(mb(m["sizes"]["params"]) for m in memory.values())],
        ["optimizer state", *(mb(m["sizes"]["optimizer_state"]) for m in memory.values())],
        ["budget = data + parameters + state", *(mb(m["budget"]) for m in memory.values())],
        ["peak during fit, tracemalloc", *(mb(m["tracemalloc_peak"]) for m in memory.values())],
        ["  / budget", *(_x(m["tracemalloc_peak_over_budget"]) for m in memory.values())],
        ["process RSS before fit", *(mb(m["rss_before_fit"]) for m in memory.values())],
        ["peak RSS during fit (whole process)", *(mb(m["rss_peak"]) for m in memory.values())],
    ]
    return _table(header, rows)


def checks_table(checks: dict) -> str:
    header = ["gradient check (float64, 32 examples)", "model", "coordinates", "directions",
              "seconds", "max rel. difference"]
    rows = [[name, c["model"], f"{c['coordinates_checked']:,} of {c['weights']:,}",
             str(c["directions"]), f"{c['seconds']:.3f}", f"{c['max_relative_difference']:.1e}"]
            for name, c in checks.items()]
    return _table(header, rows)


def compile_table(compiled: dict) -> str:
    header = ["fused kernels, fresh process", "import numba, s", "first step extra, float32, s",
              "first step extra, float64, s"]
    rows = []
    for when, c in compiled.items():
        if c.get("status") != "ran":
            rows.append([when, c.get("status", "–"), "", ""])
            continue
        rows.append([when.replace("_", " "), f"{c['import_numba_s']:.2f}",
                     f"{c['first_step_extra_float32_s']:.2f}",
                     f"{c['first_step_extra_float64_s']:.2f}"])
    return _table(header, rows)


def commands_table(commands: dict) -> str:
    rows = []
    train = commands.get("train")
    if train is not None:
        for name, r in train["runs"].items():
            rows.append([f"nnref train signs --epochs {train['epochs']} ({name.replace('_', ' ')})",
                         f"{r['seconds']:.1f}", r["result"] if r["status"] == "ran"
                         else r["status"]])
    parity = commands.get("parity")
    if parity is not None:
        detail = (f"{parity['passed']}/{parity['checks']} checks passed ({parity['dtype']})"
                  if parity["status"] == "ran" else parity["status"])
        rows.append(["nnref parity", _seconds(parity), detail])
    grading = commands.get("grading")
    if grading is not None:
        if grading["status"] == "ran" and grading["per_assignment_seconds"]:
            per = grading["per_assignment_seconds"]
            low, high = min(per.values()), max(per.values())
            rows.append(["grade one submission (bench_grading.py)", f"{low:.2f}–{high:.2f}",
                         f"each of {len(per)} assignments, sandboxed process included"])
            if grading.get("folder_seconds") is not None:
                rows.append([f"grade a folder of {grading['submissions']} submissions",
                             f"{grading['folder_seconds']:.1f}",
                             f"{grading['folder_assignment']}, {grading['workers']} workers"])
        else:
            rows.append(["grading (bench_grading.py)", _seconds(grading), grading["status"]])
    return _table(["command", "seconds", "result"], rows) if rows else ""


def _seconds(entry: dict) -> str:
    return "–" if entry.get("seconds") is None else f"{entry['seconds']:.1f}"


def targets(results: dict) -> dict:
    """The speed and memory ``TARGETS`` against the figures, per BLAS thread setting (each speed ratio is
    the median of within-round ratios at that setting; memory is the worse dtype)."""
    memory = results.get("memory") or {}
    worst_memory = max((m["tracemalloc_peak_over_budget"] for m in memory.values()), default=None)
    out = {}
    for threads, training in (results.get("training") or {}).items():
        ratios = training.get("ratios", {})
        figures = {"keras_speedup": ratios.get("keras_over_nnref_float32"),
                   "gemm_multiple": ratios.get("nnref_float32_over_gemm"),
                   "float64_multiple": ratios.get("nnref_float64_over_float32"),
                   "memory_multiple": worst_memory,
                   "floor_float32": ratios.get("nnref_float32_over_gemm_plus_sqrt"),
                   "floor_float64": ratios.get("nnref_float64_over_gemm_plus_sqrt"),
                   "keras_ahead": ratios.get("keras_over_nnref_float32")}
        out[threads] = {name: _judge(name, figures[name]) for name in TARGETS}
        for dtype, spread in (training.get("floor_ratio_rounds") or {}).items():
            out[threads][f"floor_{dtype}"]["rounds"] = spread
    return out


def _judge(name: str, value) -> dict:
    label, op, limit = TARGETS[name]
    met = None if value is None else (value >= limit if op == ">=" else value <= limit)
    return {"label": label, "value": value, "target": f"{op} {limit:g}", "met": met}


def targets_table(found: dict) -> str:
    configs = list(found)
    header = ["target", "limit"] + [f"{n} BLAS thread{'s' if int(n) > 1 else ''}"
                                    for n in configs]
    rows = []
    for name in TARGETS:
        first = found[configs[0]][name]
        cells = []
        for c in configs:
            t = found[c][name]
            status = "n/a" if t["met"] is None else ("met" if t["met"] else "not met")
            spread = f" (rounds {t['rounds'][0]:.2f}–{t['rounds'][1]:.2f})" if t.get("rounds") else ""
            cells.append(f"{_x(t['value'])} {status}{spread}")
        rows.append([first["label"], first["target"], *cells])
    return _table(header, rows)


def _get(tree: dict, path: tuple):
    for key in path:
        if not isinstance(tree, dict) or key not in tree:
            return None
        tree = tree[key]
    return tree


def text(results: dict) -> str:
    """All tables, in the order of the README section."""
    parts = []
    training = results.get("training") or {}
    parts.append(machine_text(results["machine"], training))
    if training:
        parts.append(training_table(training))
    if results.get("memory"):
        parts.append(memory_table(results["memory"]))
    if results.get("checks"):
        parts.append(checks_table(results["checks"]))
    if results.get("compile"):
        parts.append(compile_table(results["compile"]))
    if results.get("commands"):
        table = commands_table(results["commands"])
        if table:
            parts.append(table)
    if results.get("targets"):
        parts.append(targets_table(results["targets"]))
    return "\n\n".join(parts)
