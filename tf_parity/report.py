"""The parity report: the table of checks and the course ↔ Keras convention map.

``format_table(records)`` prints one row per record; ``format_conventions()`` one line per
formula: what the course computes, what Keras computes, and the Keras arguments (or the
tf_parity extension) that make them agree. ``to_json(run, ...)`` is what ``--json`` writes.
"""
from __future__ import annotations

import json

from nnref._files import atomic_write

# (topic, course formula, Keras formula, how to make Keras compute the course's).
CONVENTIONS = (
    ("gradient descent", "w −= α·g", "SGD(α): w −= g·α",
     "SGD(learning_rate=α): identical"),
    ("momentum", "v = βv + (1−β)g; w −= α·v", "SGD: v = μv − α·g; w += v",
     "SGD(learning_rate=α·(1−β), momentum=β) at a constant α; exact: CourseMomentum(α, β)"),
    ("Nesterov", "w −= α·(βv + (1−β)g)", "SGD(nesterov=True): w += μv − α·g",
     "SGD(α·(1−β), momentum=β, nesterov=True); exact: CourseMomentum(α, β, nesterov=True)"),
    ("RMSprop", "s = ρs + (1−ρ)g²; w −= α·g/(√s + ε)", "ε inside the root: α·g/√(s + ε)",
     "no argument moves ε out of the root: CourseRMSprop(α, ρ, ε)"),
    ("Adagrad", "c = Σg² (from 0); w −= α·g/(√c + ε)", "c from 0.1; α·g/√(c + ε)",
     "initial_accumulator_value=0 fixes the start, not ε: CourseAdagrad(α, ε=ε)"),
    ("Adadelta", "Zeiler 2012: Δ = −√(E[Δ²] + ε)/√(E[g²] + ε)·g; w += α·Δ", "the same",
     "Adadelta(learning_rate=1.0, rho=ρ, epsilon=ε): Keras's default rate is 0.001, Zeiler's 1"),
    ("Adam", "w −= α·m̂/(√v̂ + ε), ε = 1e-8", "w −= α√(1−β2^t)/(1−β1^t)·m/(√v + ε̂), ε̂ = 1e-7",
     "ε̂ = ε·√(1−β2^t) changes with t: no constant mapping; CourseAdam(α, β1, β2, ε)"),
    ("Adam β powers", "β1^t, β2^t in float64", "β rounded to float32 first, even in float64",
     "nnref Adam(convention='keras') rounds the same way"),
    ("1/(1 + r·epoch) decay", "update_lr(α0, epoch, r), per epoch",
     "InverseTimeDecay, per optimizer step, float32",
     "InverseTimeDecay(α0, decay_steps=steps_per_epoch, decay_rate=r, staircase=True)"),
    ("staircase decay", "schedule_lr_decay(α0, epoch, r, T)", "InverseTimeDecay(staircase=True)",
     "InverseTimeDecay(α0, decay_steps=T·steps_per_epoch, decay_rate=r, staircase=True)"),
    ("exponential decay", "0.95^epoch·α0", "ExponentialDecay, float32",
     "ExponentialDecay(α0, decay_steps=steps_per_epoch, decay_rate=0.95, staircase=True)"),
    ("1/√epoch decay", "k/√epoch·α0", "no schedule",
     "keras.callbacks.LearningRateScheduler(lambda e, lr: k/√(e+1)·α0)"),
    ("L2 regularization", "+ λ/(2m)·Σ‖W‖² (m = batch size)", "+ l2·Σw² per kernel, l2 in float32",
     "kernel_regularizer=L2(λ/(2m)) on every Dense; nnref L2(..., convention='keras') is exact"),
    ("dropout", "a·mask/keep_prob, mask ~ Bernoulli(keep_prob)", "the same, mask from TF's RNG",
     "Dropout(rate=1 − keep_prob); same numbers with the same mask: MaskedDropout"),
    ("batch norm", "ẑ = (z − μ)/√(σ² + ε), γẑ + β; test time: running averages",
     "the same, biased σ²; moving = μ_m·moving + (1−μ_m)·batch",
     "BatchNormalization(momentum=β_avg, epsilon=ε); Keras's ε default is 1e-3"),
    ("softmax cross-entropy", "−(1/m)·Σ y·log softmax(z)", "CategoricalCrossentropy",
     "from_logits=True with a linear last layer (from probabilities Keras clips at 1e-7)"),
    ("He / Xavier init", "randn·√(2/n_prev), randn·√(1/n_prev)", "HeNormal: truncated normal",
     "VarianceScaling(2.0 or 1.0, 'fan_in', 'untruncated_normal'): same law, other draws"),
)

COLUMNS = ("check", "quantity", "max abs err", "max rel err", "tolerance", "result")


def _number(x) -> str:
    if x is None:
        return "n/a"
    if x != x:  # NaN
        return "nan"
    return "0" if x == 0 else f"{x:.2e}"


def format_table(records) -> str:
    """The records as an aligned text table, one row each."""
    rows = [COLUMNS] + [(r.name, r.quantity, _number(r.max_abs_err), _number(r.max_rel_err),
                         _number(r.tolerance), "pass" if r.passed else "FAIL") for r in records]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    right = {2, 3, 4}

    def line(row):
        cells = [c.rjust(w) if i in right else c.ljust(w)
                 for i, (c, w) in enumerate(zip(row, widths))]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(rows[0]), rule, *map(line, rows[1:])])


def format_conventions() -> str:
    """The convention map, one line per formula: course | Keras | mapping."""
    width = max(len(topic) for topic, *_ in CONVENTIONS)
    lines = [f"{topic.ljust(width)}  course: {course}  |  keras: {keras}  |  {mapping}"
             for topic, course, keras, mapping in CONVENTIONS]
    return "\n".join(lines)


def summary(run) -> str:
    failed = [r for r in run.records if not r.passed]
    verdict = "all passed" if not failed else f"{len(failed)} FAILED"
    return (f"{len(run.records)} checks in {run.dtype}: {verdict} "
            f"({run.seconds:.1f} s for the checks)")


def to_json(run, versions: dict, total_seconds: float) -> dict:
    """The JSON document ``nnref parity --json`` writes."""
    return {
        "dtype": run.dtype,
        "versions": versions,
        "passed": run.passed,
        "seconds": {"checks": round(run.seconds, 3), "total": round(total_seconds, 3)},
        "records": [r.as_dict() for r in run.records],
        "errors": dict(run.errors),
        "conventions": [dict(zip(("topic", "course", "keras", "mapping"), c))
                        for c in CONVENTIONS],
    }


def write_json(document: dict, path) -> None:
    """Write ``document`` to ``path`` atomically: ``path`` holds either its old content or the
    whole new document."""
    def dump(fh):
        json.dump(document, fh, indent=2, ensure_ascii=False)
        fh.write("\n")

    atomic_write(path, dump)
