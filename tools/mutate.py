"""Mutation testing: plant realistic bugs in nnref and check that the tests catch each one.

Each mutant replaces one exact piece of source text in ``nnref/`` (the text must occur exactly
once, so a refactoring that moves it makes the mutant fail loudly instead of testing nothing). The
repository is copied into a temporary folder first; the working tree is never modified. For each
mutant the copy's file is changed, the tests relevant to it run in a subprocess (one at a time,
``pytest -x`` with a per-mutant timeout), and the file is restored. A mutant is *caught* when
pytest fails, *missed* when it passes. Before the mutants, every test selection runs once on the
unmutated copy: a selection that does not pass there cannot judge a mutant, and its mutants are
reported as "baseline fails" and left out of the kill rate.

The subprocesses run with ``CI=true`` (the property tests draw the same cases every run, and a
skipped test fails the run), so the course data (``NNREF_DATA``) and, for the course mutants, the
course files (``NNREF_COURSE``) must be reachable.
Compiled numba kernels go to a cache inside the copy (``NUMBA_CACHE_DIR``): a mutated
optimizer rule is recompiled there and never reaches the user's cache.

Usage::

    python tools/mutate.py                      # every mutant; prints a table and the kill rate
    python tools/mutate.py --list               # the mutants and their test selections
    python tools/mutate.py --only adam --only dropout --timeout 300 --markdown mutants.md
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str            # path under the repository root
    old: str             # exact text, present once in the file
    new: str
    tests: tuple[str, ...]
    bug: str             # what a person making this mistake would have meant


OPT = "nnref/functional/optim.py"
RULES = "nnref/functional/rules.py"     # the optimizers' scalar rules, run by NumPy and by numba
BN = "nnref/functional/batchnorm.py"
ACT = "nnref/functional/activations.py"
LOSS = "nnref/functional/losses.py"

MUTANTS = [
    Mutant("adam-v-hat-with-beta1", RULES,
           "v_hat = v / bias_2", "v_hat = v / bias_1",
           ("tests/optimizers/test_adam.py",), "Adam: v̂ bias-corrected with β1 instead of β2"),
    Mutant("adam-course-epsilon-inside-root", RULES,
           "m_hat / (np.sqrt(v_hat) + epsilon)", "m_hat / np.sqrt(v_hat + epsilon)",
           ("tests/optimizers/test_adam.py",), "course Adam: ε inside the root"),
    Mutant("adam-keras-alpha-without-root", OPT,
           "alpha = dtype(lr) * np.sqrt(1 - beta_2_power) / (1 - beta_1_power)",
           "alpha = dtype(lr) * (1 - beta_2_power) / (1 - beta_1_power)",
           ("tests/optimizers/test_adam.py",), "Keras Adam: α_t without the square root"),
    Mutant("course-epsilon-inside-root", RULES,
           "return w - lr * g / (np.sqrt(s) + epsilon), s",
           "return w - lr * g / np.sqrt(s + epsilon), s",
           ("tests/optimizers/test_rmsprop.py",),
           "RMSprop course convention: ε inside the root (Keras's form)"),
    Mutant("adagrad-course-epsilon-inside-root", RULES,
           "return w - lr * g / (np.sqrt(c) + epsilon), c",
           "return w - lr * g / np.sqrt(c + epsilon), c",
           ("tests/optimizers/test_adagrad.py",),
           "Adagrad course convention: ε inside the root (Keras's form)"),
    Mutant("nesterov-without-beta", RULES,
           "return w - lr * (beta * v + one_minus_beta * g), v",
           "return w - lr * (v + one_minus_beta * g), v",
           ("tests/optimizers/test_sgd.py",), "Nesterov look-ahead forgets β"),
    Mutant("adadelta-no-epsilon-in-rms-delta", RULES,
           "delta = -(np.sqrt(acc_dx + epsilon) / np.sqrt(acc_g + epsilon) * g)",
           "delta = -(np.sqrt(acc_dx) / np.sqrt(acc_g + epsilon) * g)",
           ("tests/optimizers/test_adadelta.py",), "Adadelta: RMS[Δx] without ε (never moves)"),
    Mutant("ema-weights-swapped", RULES,
           "return (beta * average + one_minus_beta * value,)",
           "return (beta * average + beta * value,)",
           ("tests/test_ewa.py", "tests/optimizers/test_optim_kernels.py"),
           "EWA: β on the new value"),
    Mutant("optimizer-step-not-counted", "nnref/optimizers/base.py",
           "self._iterations += 1", "self._iterations += 0",
           ("tests/optimizers",), "the base optimizer never counts its steps (Adam's t stuck)"),
    Mutant("batchnorm-unbiased-variance", BN,
           "var = np.mean(xc * xc, axis=0)", "var = np.var(x, axis=0, ddof=1)",
           ("tests/test_functional_batchnorm.py",), "batch norm normalises with Bessel's variance"),
    Mutant("batchnorm-backward-drops-variance-term", BN,
           "(m * dx_hat - dx_hat.sum(axis=0) - x_hat * np.sum(dx_hat * x_hat, axis=0))",
           "(m * dx_hat - dx_hat.sum(axis=0))",
           ("tests/test_functional_batchnorm.py",), "batch-norm dx ignores the path through σ²"),
    Mutant("batchnorm-momentum-inverted", "nnref/layers/batch_normalization.py",
           "update_moving(self.moving_mean, mean, self.momentum)",
           "update_moving(self.moving_mean, mean, 1 - self.momentum)",
           ("tests/test_layers.py",), "moving mean with PyTorch's momentum convention"),
    Mutant("dropout-backward-unscaled", "nnref/functional/dropout.py",
           "    dx = dout * mask\n    dx /= keep_prob\n", "    dx = dout * mask\n",
           ("tests/test_functional_dropout.py",), "dropout backward forgets 1/keep_prob"),
    Mutant("dropout-mask-inverted", "nnref/functional/dropout.py",
           "return rng.random(shape) < keep_prob", "return rng.random(shape) > keep_prob",
           ("tests/test_functional_dropout.py", "tests/test_layers.py"),
           "dropout keeps with probability rate instead of keep_prob"),
    Mutant("l2-gradient-factor", "nnref/functional/penalties.py",
           "return (2.0 * l2) * W", "return l2 * W",
           ("tests/test_penalties.py",), "∂(l2·ΣW²)/∂W written l2·W"),
    Mutant("sigmoid-negative-branch", ACT,
           "np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))",
           "np.where(z >= 0, 1.0 / (1.0 + e), 1.0 / (1.0 + e))",
           ("tests/test_functional_activations.py",), "stable sigmoid: wrong form for z < 0"),
    Mutant("relu-backward-at-zero", ACT,
           "return np.where(z > 0, da, 0)", "return np.where(z >= 0, da, 0)",
           ("tests/test_functional_activations.py",), "relu'(0) = 1 instead of the course's 0"),
    Mutant("softmax-backward-diagonal-only", ACT,
           "return a * (da - np.sum(da * a, axis=axis, keepdims=True))",
           "return a * (1 - a) * da",
           ("tests/test_functional_activations.py",), "softmax Jacobian: diagonal only"),
    Mutant("bce-logits-unstable", LOSS,
           "elem = np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))",
           "elem = np.log1p(np.exp(x)) - x * y",
           ("tests/test_functional_losses.py",), "BCE from logits overflows for large z"),
    Mutant("cce-mean-over-wrong-axis", LOSS,
           "scale = _scale(reduction, p.size // p.shape[axis])", "scale = _scale(reduction, p.shape[0])",
           ("tests/test_functional_losses.py",), "categorical gradient averaged over axis 0 always"),
    Mutant("clip-only-below", LOSS,
           "np.clip(p, epsilon, 1.0 - epsilon)", "np.clip(p, epsilon, 1.0)",
           ("tests/test_functional_losses.py",), "Keras's probability clip misses the top"),
    Mutant("dense-db-mean", "nnref/functional/dense.py",
           "db = dout.sum(axis=0)                         # (n_out,)",
           "db = dout.mean(axis=0)                        # (n_out,)",
           ("tests/test_functional_dense.py",), "bias gradient averaged instead of summed"),
    Mutant("one-hot-course-layout-not-transposed", "nnref/data.py",
           'return y if layout == "batch_first" else y.T.copy()',
           'return y if layout == "batch_first" else y.copy()',
           ("tests/test_data.py",), "one-hot in the course's (C, m) layout left (m, C)"),
    Mutant("partial-mini-batch-dropped", "nnref/data.py",
           'return -(-_checks.check_int("m", m, low=1) // '
           '_checks.check_int("batch_size", batch_size, low=1))',
           'return _checks.check_int("m", m, low=1) // '
           '_checks.check_int("batch_size", batch_size, low=1)',
           ("tests/test_data.py",), "⌊m/b⌋ mini-batches: the last partial batch is lost"),
    Mutant("validation-split-overlaps", "nnref/data.py",
           "train_idx, val_idx = order[: m - n_val], order[m - n_val:]",
           "train_idx, val_idx = order[: m - n_val], order[m - n_val - 1:]",
           ("tests/test_data.py",), "one training example leaks into the validation set"),
    Mutant("staircase-rounds", "nnref/schedules.py",
           "return np.floor(p) if self.staircase else p",
           "return np.round(p) if self.staircase else p",
           ("tests/test_schedules.py",), "staircase decay rounds instead of flooring"),
    Mutant("gradcheck-denominator", "nnref/gradcheck.py",
           "denom = np.linalg.norm(a) + np.linalg.norm(b)", "denom = np.linalg.norm(b)",
           ("tests/test_gradcheck.py",), "relative difference divided by one norm only"),
    Mutant("numerical-gradient-one-sided-step", "nnref/gradcheck.py",
           "gflat[i] = (plus - minus) / (2 * epsilon)", "gflat[i] = (plus - minus) / epsilon",
           ("tests/test_gradcheck.py",), "centred difference divided by ε instead of 2ε"),
    Mutant("glorot-uniform-limit", "nnref/initializers.py",
           "limit = np.sqrt(6.0 / (fan_in + fan_out))", "limit = np.sqrt(3.0 / (fan_in + fan_out))",
           ("tests/test_initializers.py",), "Glorot uniform with LeCun's 3 instead of 6"),
    Mutant("course-he-scale", "nnref/initializers.py",
           "course_he = _course_scaled(lambda n: np.sqrt(2.0 / n))",
           "course_he = _course_scaled(lambda n: np.sqrt(1.0 / n))",
           ("tests/test_initializers.py",), "He initialization with Xavier's 1/n"),
    Mutant("ewa-bias-correction-off-by-one", "nnref/ewa.py",
           "v = self._v / (1.0 - self.beta ** self.t)",
           "v = self._v / (1.0 - self.beta ** (self.t + 1))",
           ("tests/test_ewa.py",), "bias correction with β^(t+1)"),
    Mutant("weights-saved-in-reverse", "nnref/weights.py",
           "for i, w in enumerate(weights):", "for i, w in enumerate(weights[::-1]):",
           ("tests/test_weights.py",), "a layer's variables written in the wrong order"),
    Mutant("accuracy-threshold-inclusive", "nnref/metrics.py",
           "(out[:, 0] > threshold) == (y[:, 0] > 0.5)",
           "(out[:, 0] >= threshold) == (y[:, 0] > 0.5)",
           ("tests/test_predict_threshold.py",), "a probability of exactly 0.5 counted as class 1"),
    Mutant("course-predict-inclusive", "nnref/course/c1w2_logistic_regression.py",
           "return (A > 0.5).astype(np.float64)", "return (A >= 0.5).astype(np.float64)",
           ("tests/test_predict_threshold.py",), "logistic-regression predict with >= 0.5"),
    Mutant("planar-predict-inclusive", "nnref/course/c1w3_planar.py",
           "return A2 > 0.5", "return A2 >= 0.5",
           ("tests/test_predict_threshold.py",), "planar-data predict with >= 0.5"),
    Mutant("three-layer-predict-inclusive", "nnref/course/_three_layer.py",
           "p = (a3 > 0.5).astype(int)", "p = (a3 >= 0.5).astype(int)",
           ("tests/test_predict_threshold.py",), "the C2W1 utilities' predict with >= 0.5"),
    Mutant("process-backend-starts-workers-for-nothing", "nnref/tuning/backends/process.py",
           "range(min(self.workers, len(pending)))", "range(self.workers)",
           ("tests/test_tuning_backends.py::test_no_tasks_starts_no_worker_and_one_task_starts_one",),
           "the process backend starts all its workers, however few the tasks"),
    Mutant("leaky-relu-backward-at-zero", ACT,
           "return np.where(z > 0, da, negative_slope * da)",
           "return np.where(z >= 0, da, negative_slope * da)",
           ("tests/test_functional_activations.py",), "leaky relu'(0) = 1 instead of the slope"),
    Mutant("bce-mean-over-rows", LOSS,
           "return _reduce(elem, reduction, elem.size)",
           "return _reduce(elem, reduction, elem.shape[0])",
           ("tests/test_functional_losses.py",), "binary loss averaged per example, not per output"),
    Mutant("keras-constant-not-rounded", OPT,
           "return np.dtype(dtype).type(np.float32(value))", "return np.dtype(dtype).type(value)",
           ("tests/optimizers",), "Keras's float32 rounding of β and μ left out"),
    Mutant("weight-keys-sorted-as-text", "nnref/weights.py",
           "keys = sorted(vars_group, key=lambda k: int(k) if k.isdigit() else -1)",
           "keys = sorted(vars_group)",
           ("tests/test_weights.py",), "a file's variables 0, 1, ..., 10, 11 read in text order"),
    Mutant("accuracy-argmax-over-batch", "nnref/metrics.py",
           "out.argmax(axis=1) == y.argmax(axis=1)",
           "out.argmax(axis=0) == y.argmax(axis=0)",
           ("tests/training/test_fit.py", "tests/test_dtypes.py"),
           "multi-class accuracy takes argmax over the batch"),
    Mutant("one-hot-ignores-dtype", "nnref/data.py",
           "y = np.zeros((idx.shape[0], num_classes), dtype=check_float_dtype(dtype))",
           "y = np.zeros((idx.shape[0], num_classes), dtype=np.float64)",
           ("tests/test_data.py",), "one_hot always float64 (an explicit float32 ignored)"),
    Mutant("numerical-gradient-not-restored", "nnref/gradcheck.py",
           "        flat[i] = old\n        gflat[i]", "        gflat[i]",
           ("tests/test_gradcheck.py",), "the perturbed coordinate is left at θ − ε"),
    Mutant("dropout-at-inference", "nnref/layers/dropout.py",
           "if not training or self.rate == 0:", "if self.rate == 0:",
           ("tests/test_layers.py",), "dropout also applied at inference"),
    Mutant("flip-up-down", "nnref/augment.py",
           "return np.where(flip[:, None, None, None], images[:, :, ::-1], images)",
           "return np.where(flip[:, None, None, None], images[:, ::-1], images)",
           ("tests/test_augment.py",), "the left-right flip mirrors top and bottom"),
    Mutant("early-stopping-one-epoch-late", "nnref/callbacks/early_stopping.py",
           "if self.wait >= self.patience and epoch > 0:",
           "if self.wait > self.patience and epoch > 0:",
           ("tests/training/test_fit.py",), "EarlyStopping waits patience + 1 epochs"),
    Mutant("log-uniform-sampled-linearly", "nnref/tuning/spaces.py",
           "value = self.low ** (1.0 - u) * self.high ** u",
           "value = self.low * (1.0 - u) + self.high * u",
           ("tests/test_tuning_spaces.py",), "a log-uniform learning rate drawn uniformly"),
    Mutant("standardizer-sample-std", "nnref/data.py",
           "self.std_ = x.std(axis=0)", "self.std_ = x.std(axis=0, ddof=1)",
           ("tests/test_data.py",), "standardizing with the sample std"),
    Mutant("model-loss-without-penalty", "nnref/trainer.py",
           "return data_loss + self.regularization_loss()",
           "return data_loss",
           ("tests/test_models.py", "tests/test_training_penalty.py"),
           "the model's loss (training steps, loss_and_gradients) leaves out the L2 penalty"),
    Mutant("evaluate-loss-without-penalty", "nnref/training.py",
           "loss = model.compute_loss(y[rows], out, None if w is None else w[rows])",
           "loss = model.loss.compute(y[rows], out, None if w is None else w[rows])",
           ("tests/training/test_fit.py", "tests/test_training_penalty.py"),
           "the evaluation loss (evaluate, fit's val_loss) leaves out the penalty"),
    Mutant("course-l2-cost-without-half", "nnref/course/c2w1_regularization.py",
           'return checks.check_real("lambd", lambd, low=0) / m / 2',
           'return checks.check_real("lambd", lambd, low=0) / m',
           ("tests/course/test_c2w1_regularization.py",), "course L2 cost λ/m instead of λ/(2m)"),
    Mutant("grader-ignores-nan", "nnref/grading/compare.py",
           "close = np.isclose(received, expected, rtol=rtol, atol=atol, equal_nan=True)",
           "close = np.isclose(np.nan_to_num(received), np.nan_to_num(expected), rtol=rtol, atol=atol)",
           ("tests/grading/test_grading_compare.py",), "grader: a NaN answer compared as 0"),
    Mutant("checkpoint-best-never-updated", "nnref/callbacks/model_checkpoint.py",
           "            self.best = current\n            return True", "            return True",
           ("tests/parity/test_keras_callbacks.py::test_model_checkpoint",),
           "save_best_only keeps the first best: every epoch better than it is saved"),
    Mutant("diagnosis-names-one-of-several", "nnref/grading/diagnose.py",
           "    if len(matches) == 1:\n", "    if matches:\n",
           ("tests/grading/test_mistakes_diagnose.py",),
           "the grader names the first of several matching mistakes as the one"),
    Mutant("replay-slot-freed-one-op-early", "nnref/functional/replay.py",
           "last_use.get(holds[c], -1) <= j)", "last_use.get(holds[c], -1) <= j + 1)",
           ("tests/test_fast_kernels.py",),
           "NumPy replay reuses an array whose value the next operation still reads"),
    Mutant("fused-loop-on-mixed-dtypes", "nnref/_fast/__init__.py",
           "a.shape != first.shape or a.dtype != first.dtype", "a.shape != first.shape",
           ("tests/test_fast_mixed_dtypes.py",),
           "numba runs a rule on float32 weights with a float64 gradient (widened arithmetic)"),
    Mutant("monitor-tie-is-improvement", "nnref/callbacks/monitor.py",
           'operator.gt if mode == "max" else operator.lt',
           'operator.ge if mode == "max" else operator.le',
           ("tests/parity/test_keras_callbacks.py",),
           "a monitored value equal to the best counts as an improvement (Keras: strictly better)"),
    Mutant("monitor-min-delta-sign-kept", "nnref/callbacks/monitor.py",
           '        if mode == "min":\n            self.min_delta = -abs(self.min_delta)\n', "",
           ("tests/parity/test_keras_callbacks.py",),
           "mode='min' subtracts min_delta: a loss that rises by less than min_delta improves"),
    Mutant("loss-gradient-from-unnormalised-softmax", LOSS,
           "return value, _softmax_crossentropy_gradient(y, e / total, reduction, axis)",
           "return value, _softmax_crossentropy_gradient(y, e, reduction, axis)",
           ("tests/test_functional_losses.py",),
           "the training step's gradient from e^(z - max z) before dividing by its sum"),
    Mutant("callback-fallback-hook-skipped", "nnref/callbacks/base.py",
           "for name in (hook, _DEFAULTS_TO.get(hook)):", "for name in (hook,):",
           ("tests/training/test_fit_keras.py",),
           "a callback that overrides only on_batch_end is skipped at every training step"),
    Mutant("optimizer-flat-views-of-one-parameter", "nnref/optimizers/base.py",
           "if i not in self._flat:", "if not self._flat:",
           ("tests/test_fast_backend.py",),
           "the flat views are made once for the first parameter, not once per parameter"),
]


def tracked_files(root: Path) -> list[str]:
    """The repository's files (tracked, and untracked but not ignored)."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                         cwd=root, check=True, capture_output=True, text=True).stdout
    return [p for p in out.split("\0") if p and (root / p).is_file()]


def copy_repository(root: Path, dest: Path) -> None:
    for rel in tracked_files(root):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, target)


def environment(copy: Path) -> dict[str, str]:
    """The subprocess environment: the copy first on the path; data and course files located as
    tests/conftest.py locates them from the original checkout."""
    env = {**os.environ, "PYTHONPATH": str(copy), "CI": "true", "MPLBACKEND": "Agg",
           "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONDONTWRITEBYTECODE": "1",
           # compiled kernels of mutated rules go to the copy, never to the user's cache
           "NUMBA_CACHE_DIR": str(copy / ".numba-cache")}
    env.pop("NNREF_SKIP_COUNT_FILE", None)
    for var, folder in (("NNREF_DATA", "datasets"), ("NNREF_COURSE", "course")):
        beside = ROOT.parent / "shared" / folder
        if var not in env and beside.is_dir():
            env[var] = str(beside)
    return env


def run_tests(copy: Path, tests: tuple[str, ...], timeout: float, env) -> tuple[str, float, str]:
    """Run pytest on ``tests`` in ``copy``: "pass", "fail" or "timeout", the seconds taken, and
    the first failing test's id (empty when none)."""
    start = time.monotonic()
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-rfE", "-p", "no:cacheprovider", *tests]
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(cmd, cwd=copy, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)     # the whole group: pytest and anything it started
            proc.wait()
            return "timeout", time.monotonic() - start, ""
        log.seek(0)
        failed = [line.split()[1] for line in log if line.startswith(("FAILED ", "ERROR "))]
    return ("pass" if code == 0 else "fail"), time.monotonic() - start, (failed or [""])[0]


def source(copy: Path, mutant: Mutant) -> str:
    """The text of the mutant's file; exits when the text to replace is not there exactly once."""
    text = (copy / mutant.file).read_text()
    count = text.count(mutant.old)
    if count != 1:
        raise SystemExit(f"mutant {mutant.name}: its text occurs {count} times in {mutant.file} "
                         f"(expected once); update tools/mutate.py")
    return text


def apply(copy: Path, mutant: Mutant) -> str:
    """Plant ``mutant`` in the copy; return the original text of the file."""
    text = source(copy, mutant)
    (copy / mutant.file).write_text(text.replace(mutant.old, mutant.new))
    return text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", default=[],
                        help="run the mutants whose name contains this text (repeatable)")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds per test run; a run that takes longer counts as caught "
                             "(a hang), shown as 'timeout'. Defaults to 900.")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--markdown", type=Path, help="also write the result table to this file")
    args = parser.parse_args(argv)

    mutants = [m for m in MUTANTS if not args.only or any(s in m.name for s in args.only)]
    if args.list:
        for m in mutants:
            print(f"{m.name:42} {m.file:44} {' '.join(m.tests)}")
        return 0
    if not mutants:
        parser.error(f"no mutant matches {args.only}")

    with tempfile.TemporaryDirectory(prefix="nnref-mutants-") as tmp:
        copy = Path(tmp) / "repo"
        copy_repository(ROOT, copy)
        env = environment(copy)
        for m in mutants:                       # check every mutant's text before any long run
            source(copy, m)
        baseline = {}
        for tests in dict.fromkeys(m.tests for m in mutants):
            baseline[tests], seconds, _ = run_tests(copy, tests, args.timeout, env)
            print(f"baseline {' '.join(tests)}: {baseline[tests]} ({seconds:.0f} s)", flush=True)
        rows = []
        for m in mutants:
            if baseline[m.tests] != "pass":
                rows.append((m, "baseline fails", ""))
                continue
            original = apply(copy, m)
            try:
                outcome, seconds, by = run_tests(copy, m.tests, args.timeout, env)
            finally:
                (copy / m.file).write_text(original)
            status = {"fail": "caught", "timeout": "caught (timeout)", "pass": "MISSED"}[outcome]
            rows.append((m, status, by.removeprefix("tests/")))
            print(f"{m.name}: {status} ({seconds:.0f} s) {by}", flush=True)

    judged = [r for r in rows if r[1] != "baseline fails"]
    caught = sum(r[1].startswith("caught") for r in judged)
    lines = ["| mutant | planted bug | file | result | first failing test |", "|---|---|---|---|---|"]
    lines += [f"| `{m.name}` | {m.bug} | `{m.file}` | {status} | {f'`{by}`' if by else ''} |"
              for m, status, by in rows]
    rate = f"{caught}/{len(judged)} caught" + (f" ({100 * caught / len(judged):.0f} %)" if judged else "")
    lines.append(f"\nKill rate: {rate}.")
    table = "\n".join(lines)
    print("\n" + table)
    if args.markdown:
        args.markdown.write_text(table + "\n")
    return 0 if judged and caught == len(judged) and len(judged) == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
