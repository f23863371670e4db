"""Training epochs and inference on SIGNS: nnref float32/float64, Keras float32, the bounds.

The contenders live in two processes, one per framework (TensorFlow's threads and its large
Python heap slow down whatever shares a process with it, so nnref and the bounds never do), and
the runner interleaves them round by round (see timing.py). The BLAS thread count is fixed by
the runner through the environment; Keras gets as many TensorFlow threads.

nnref process: an epoch of each model (plain, and with batch norm and dropout; float32 and
float64), the epoch's matrix products alone (the GEMM bound), its 34 Adam updates alone, and 34
square-root passes over the parameters alone. GEMM + Adam is what any NumPy implementation of
the course's Adam has to spend; GEMM + √ is what any implementation at all has to spend.
Keras process: an epoch of each model in float32.

Engines: the nnref contenders run with nnref's default backend ("numba" when the nnref[fast]
extra is installed: fused optimizer updates); with numba installed, the plain model's epochs and
the Adam updates alone are also timed with ``set_backend("numpy")`` (names ending in
``_numpy``), in the same rounds.

Every round trains a freshly initialised nnref model (epochs 2 and 3 of its training are
timed), so that all rounds time the same work. One more contender keeps training a float32
model trained for 31 epochs first: by then part of Adam's first moment m has decayed into
subnormal numbers and stays there (m ← 0.9·m for the weights of ReLU units that stopped
firing reaches float32's 1e-38 after about 25 epochs, and 0.9 times the smallest subnormal
rounds back to itself); exact IEEE arithmetic on subnormals is slow on x86 CPUs. TensorFlow
flushes subnormals to zero, so Keras never pays this; nnref computes the course's formula
exactly and does. Keras's model keeps training from round to round (its speed does not depend
on the values).
"""
from __future__ import annotations

import time

import numpy as np

import timing
import workload

DTYPES = ("float32", "float64")
PREDICT_BATCHES = (32, None)          # None: all 1080 images in one call
LATE_EPOCHS = 31                      # trained before the "late" contender's rounds


def _nnref_epoch(make_model, x, y, pretrain_epochs=0):
    """Time warm epochs of a fresh model per round, or (``pretrain_epochs`` > 0) of one model
    trained that long first and then further every round."""
    from nnref.callbacks import Callback

    clock = timing.EpochClock(Callback)
    pretrained = None
    if pretrain_epochs:
        pretrained = make_model()
        pretrained.fit(x, y, batch_size=workload.BATCH_SIZE, epochs=pretrain_epochs, seed=0, verbose=0)

    def run(r):
        model = pretrained if pretrained is not None else make_model()
        clock.reset()
        model.fit(x, y, batch_size=workload.BATCH_SIZE, epochs=timing.EPOCHS_PER_ROUND,
                  shuffle=True, seed=r, verbose=0, callbacks=[clock.callback()])
        return clock.warm_seconds()
    return run


def _keras_epoch(model, x, y):
    import keras

    clock = timing.EpochClock(keras.callbacks.Callback)

    def run(r):
        clock.reset()
        model.fit(x, y, batch_size=workload.BATCH_SIZE, epochs=timing.EPOCHS_PER_ROUND,
                  shuffle=True, verbose=0, callbacks=[clock.callback()])
        return clock.warm_seconds()
    return run


def _gemm_epoch(x, model):
    kernels = [w for w in model.trainable_weights if w.ndim == 2]
    return lambda r: timing.warm(lambda: workload.gemm_epoch(x, kernels))


def _gradients_like(model):
    """Seeded stand-ins for a step's gradients, one per trainable weight, in its dtype."""
    rng = np.random.default_rng(0)
    return [(1e-3 * rng.standard_normal(w.shape)).astype(w.dtype) for w in model.trainable_weights]


def _adam_epoch(model, steps):
    from nnref import optimizers

    params = [w.copy() for w in model.trainable_weights]
    grads = _gradients_like(model)
    optimizer = optimizers.Adam(workload.LEARNING_RATE)
    return lambda r: timing.warm(lambda: workload.adam_epoch(optimizer, params, grads, steps))


def _sqrt_epoch(model, steps):
    squares = [np.square(g) for g in _gradients_like(model)]
    return lambda r: timing.warm(lambda: workload.sqrt_epoch(squares, steps))


def _predict(predict, x, batch_size):
    def run(r):
        started = time.perf_counter()
        predict(x, batch_size)
        return time.perf_counter() - started
    return run


def _on(engine, run):
    """``run`` with nnref's backend set to ``engine`` first (contenders interleave)."""
    from nnref import backend

    def switched(r):
        backend.set_backend(engine)
        return run(r)
    return switched


def nnref_contenders(threads: int | None = None) -> dict[str, dict]:
    """{"epoch": {name: f(round) -> seconds}, "predict": {...}, "info": {}} for nnref and the
    bounds (``threads`` is set by the runner through the environment)."""
    from nnref import backend

    default = backend.get_backend()
    xs, y = workload.load_signs(*DTYPES)
    steps = -(-len(y) // workload.BATCH_SIZE)
    epoch, predict = {}, {}
    for variant in workload.VARIANTS:
        for dtype in DTYPES:
            make = lambda dtype=dtype, variant=variant: workload.nnref_model(dtype, variant)
            epoch[f"nnref_{dtype}_{variant}"] = _nnref_epoch(make, xs[dtype], y)
            if variant != "plain":
                continue
            model = make()
            epoch[f"gemm_{dtype}"] = _gemm_epoch(xs[dtype], model)
            epoch[f"adam_{dtype}"] = _adam_epoch(model, steps)
            epoch[f"sqrt_{dtype}"] = _sqrt_epoch(model, steps)
            if default != "numpy":                    # the same with NumPy running everything
                epoch[f"nnref_{dtype}_plain_numpy"] = _on("numpy", _nnref_epoch(make, xs[dtype], y))
                epoch[f"adam_{dtype}_numpy"] = _on("numpy", _adam_epoch(model, steps))
            for b in PREDICT_BATCHES:
                predict[f"nnref_{dtype}_batch{b or 'all'}"] = _predict(model.predict, xs[dtype], b)
    epoch["nnref_float32_plain_late"] = _nnref_epoch(
        lambda: workload.nnref_model("float32"), xs["float32"], y, pretrain_epochs=LATE_EPOCHS)
    epoch = {name: run if name.endswith("_numpy") else _on(default, run)
             for name, run in epoch.items()}
    return {"epoch": epoch, "predict": predict,
            "info": {"late_epochs": LATE_EPOCHS, "backend": default}}


def keras_contenders(threads: int | None = None) -> dict[str, dict]:
    """The same for Keras (float32), with ``threads`` TensorFlow threads (None: its default);
    "info" gives the versions and whether Keras compiled the step with XLA."""
    import keras
    import tensorflow as tf

    tf.config.experimental.enable_tensor_float_32_execution(False)
    if threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    xs, y = workload.load_signs("float32")
    epoch, predict = {}, {}
    info = {"tensorflow": tf.__version__, "keras": keras.__version__,
            "tf_threads": threads or "default"}
    for variant in workload.VARIANTS:
        model = workload.keras_model(variant)
        epoch[f"keras_float32_{variant}"] = _keras_epoch(model, xs["float32"], y)
        info["jit_compile"] = bool(model.jit_compile)
        if variant == "plain":
            for b in PREDICT_BATCHES:
                predict[f"keras_float32_batch{b or 'all'}"] = _predict(
                    lambda x, b, m=model: m.predict(x, batch_size=b or len(x), verbose=0),
                    xs["float32"], b)
    return {"epoch": epoch, "predict": predict, "info": info}


def summarize(epoch: dict[str, list[float]], predict: dict[str, list[float]]) -> dict:
    """Medians, per-round ratios and inference rates from the rounds' seconds."""
    n = 1080
    return {
        "epoch_ms": {name: timing.summary(t) for name, t in epoch.items()},
        "epoch_seconds": epoch,
        "ratios": _ratios(epoch),
        "floor_ratio_rounds": _floor_ratio_rounds(epoch),
        "inference_images_per_s": {name: n / float(np.median(t)) for name, t in predict.items()},
    }


def _floor(times: dict, dtype: str) -> list[float]:
    """Per round: the matrix products and one square root per weight and step (the floor)."""
    return [g + s for g, s in zip(times[f"gemm_{dtype}"], times[f"sqrt_{dtype}"])]


def _floor_ratio_rounds(times: dict) -> dict:
    """{dtype: [lowest, highest]} over rounds of the fused epoch / (GEMM + √)."""
    return {dtype: timing.ratio_range(times[f"nnref_{dtype}_plain"], _floor(times, dtype))
            for dtype in DTYPES}


def _ratios(times: dict) -> dict:
    pairs = {
        "keras_over_nnref_float32": ("keras_float32_plain", "nnref_float32_plain"),
        "keras_over_nnref_float32_bn_dropout": ("keras_float32_bn_dropout",
                                                "nnref_float32_bn_dropout"),
        "nnref_float64_over_float32": ("nnref_float64_plain", "nnref_float32_plain"),
        "nnref_float32_over_gemm": ("nnref_float32_plain", "gemm_float32"),
        "nnref_float64_over_gemm": ("nnref_float64_plain", "gemm_float64"),
        "nnref_float32_bn_dropout_over_gemm": ("nnref_float32_bn_dropout", "gemm_float32"),
        "nnref_float64_bn_dropout_over_gemm": ("nnref_float64_bn_dropout", "gemm_float64"),
        "numpy_over_fused_float32": ("nnref_float32_plain_numpy", "nnref_float32_plain"),
        "numpy_over_fused_float64": ("nnref_float64_plain_numpy", "nnref_float64_plain"),
        "keras_over_nnref_float32_numpy": ("keras_float32_plain", "nnref_float32_plain_numpy"),
    }
    ratios = {name: timing.ratio(times[a], times[b]) for name, (a, b) in pairs.items()
              if a in times and b in times}
    for dtype in DTYPES:
        gemm = times[f"gemm_{dtype}"]
        with_adam = [g + a for g, a in zip(gemm, times[f"adam_{dtype}"])]
        ratios[f"nnref_{dtype}_over_gemm_plus_adam"] = timing.ratio(
            times[f"nnref_{dtype}_plain"], with_adam)
        # The best any NumPy implementation of the course's Adam can do, against the GEMM bound.
        ratios[f"gemm_plus_adam_over_gemm_{dtype}"] = timing.ratio(with_adam, gemm)
        floor = _floor(times, dtype)
        for suffix in ("", "_numpy"):
            if f"nnref_{dtype}_plain{suffix}" in times:
                ratios[f"nnref_{dtype}{suffix}_over_gemm_plus_sqrt"] = timing.ratio(
                    times[f"nnref_{dtype}_plain{suffix}"], floor)
    if "keras_float32_plain" in times:
        # The best speed-up over Keras that any implementation can reach: it has to spend at
        # least the matrix products and one square root per weight and step.
        ratios["keras_over_gemm_plus_sqrt_float32"] = timing.ratio(
            times["keras_float32_plain"], _floor(times, "float32"))
    return ratios
