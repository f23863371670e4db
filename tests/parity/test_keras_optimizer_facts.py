"""Pin docs/keras-facts.md's optimizer and schedule rows against TensorFlow/Keras itself.

Keras runs with ``floatx="float64"`` (and TF32 off); nnref's ``convention="keras"`` must then
equal Keras to ≤ 1e-16 after each of 4 steps, optimizer state included. The float32 details
the facts list are shown to matter: the same formula without them misses Keras by far more.
"""
import numpy as np
import pytest
from conftest import require_module

tf = require_module("tensorflow")
keras = require_module("keras")

from nnref import optimizers, schedules  # noqa: E402
from nnref.course import c2w2_optimization  # noqa: E402

pytestmark = pytest.mark.tf

SHAPES = [(3, 4), (4,), (2, 1)]
EXACT = 1e-16


@pytest.fixture(autouse=True)
def keras_floatx():
    tf.config.experimental.enable_tensor_float_32_execution(False)
    previous = keras.backend.floatx()
    keras.backend.set_floatx("float64")
    yield
    keras.backend.set_floatx(previous)


def problem(dtype, steps=4, seed=0):
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    grads = [[rng.standard_normal(s).astype(dtype) for s in SHAPES] for _ in range(steps)]
    return params, grads


def run_both(keras_opt, nnref_opt, dtype="float64", steps=4):
    """Step both optimizers on the same problem; yield (keras, nnref) weights after each step,
    and finally (keras state, nnref state)."""
    params, grads = problem(dtype, steps)
    kvars = [keras.Variable(p.copy(), dtype=dtype) for p in params]
    ours = [p.copy() for p in params]
    for step in grads:
        keras_opt.apply_gradients([(tf.constant(g), v) for g, v in zip(step, kvars)])
        nnref_opt.apply_gradients([(g.copy(), w) for g, w in zip(step, ours)])
        yield [v.numpy() for v in kvars], [w.copy() for w in ours]
    state = [v.numpy() for v in keras_opt.variables if v.name not in ("iteration", "learning_rate")]
    yield state, nnref_opt.variables


def max_abs(a, b):
    assert len(a) == len(b)
    return max((float(np.max(np.abs(x - y))) for x, y in zip(a, b)), default=0.0)


CASES = {
    "sgd": (keras.optimizers.SGD, optimizers.SGD, {"learning_rate": 0.1}),
    "sgd_momentum": (keras.optimizers.SGD, optimizers.SGD, {"learning_rate": 0.1, "momentum": 0.9}),
    "sgd_nesterov": (keras.optimizers.SGD, optimizers.SGD,
                     {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    "rmsprop": (keras.optimizers.RMSprop, optimizers.RMSprop, {"learning_rate": 0.01}),
    "adagrad": (keras.optimizers.Adagrad, optimizers.Adagrad, {"learning_rate": 0.1}),
    "adadelta": (keras.optimizers.Adadelta, optimizers.Adadelta, {"learning_rate": 1.0}),
    "adam": (keras.optimizers.Adam, optimizers.Adam, {"learning_rate": 0.01}),
    "adam_custom": (keras.optimizers.Adam, optimizers.Adam,
                    {"learning_rate": 0.1, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3}),
}


@pytest.mark.parametrize("case", CASES)
def test_keras_convention_is_keras_in_float64(case):
    keras_cls, nnref_cls, kwargs = CASES[case]
    *steps, (keras_state, nnref_state) = run_both(
        keras_cls(**kwargs), nnref_cls(**kwargs, convention="keras"))
    for keras_w, nnref_w in steps:
        assert max_abs(keras_w, nnref_w) <= EXACT
    assert max_abs(keras_state, nnref_state) <= EXACT


@pytest.mark.parametrize("case", CASES)
def test_keras_convention_defaults_are_kerass(case):
    keras_cls, nnref_cls, _ = CASES[case]
    keras_config, nnref_config = keras_cls().get_config(), nnref_cls(convention="keras").get_config()
    for key, value in nnref_config.items():
        if key in keras_config and key != "name":
            assert value == pytest.approx(keras_config[key], rel=1e-7, abs=0), key  # Keras stores floats as given


@pytest.mark.parametrize("case", CASES)
def test_keras_convention_float32(case):
    # Keras with floatx float32 against nnref on float32 arrays. Measured bit-identical on
    # TF 2.21 CPU; 1e-6 relative leaves room for a float32 pow/sqrt that differs by an ulp
    # on another CPU build (Eigen's vectorised kernels are not NumPy's libm calls).
    keras.backend.set_floatx("float32")
    keras_cls, nnref_cls, kwargs = CASES[case]
    *steps, _ = run_both(keras_cls(**kwargs), nnref_cls(**kwargs, convention="keras"), "float32")
    for keras_w, nnref_w in steps:
        for k, n in zip(keras_w, nnref_w):
            assert n.dtype == np.float32
            np.testing.assert_allclose(n, k, rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------------- the float32 details

def test_adam_beta_powers_need_float32_betas():
    # docs/keras-facts.md: with β's unrounded in β^t the Keras formula misses Keras by ~2e-7 after 3 steps.
    params, grads = problem(np.float64, steps=3)
    kvars = [keras.Variable(p.copy()) for p in params]
    kopt = keras.optimizers.Adam(learning_rate=0.01)
    unrounded = [p.copy() for p in params]
    ms = [np.zeros_like(p) for p in params]
    vs = [np.zeros_like(p) for p in params]
    for t, step in enumerate(grads, start=1):
        kopt.apply_gradients([(tf.constant(g), v) for g, v in zip(step, kvars)])
        alpha = 0.01 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)   # β's not rounded
        for w, m, v, g in zip(unrounded, ms, vs, step):
            m += (g - m) * (1 - 0.9)
            v += (np.square(g) - v) * (1 - 0.999)
            w -= m * alpha / (np.sqrt(v) + 1e-7)
    gap = max_abs([v.numpy() for v in kvars], unrounded)
    assert 5e-8 < gap < 1e-6


def test_sgd_momentum_is_rounded_to_float32():
    params, grads = problem(np.float64, steps=3)
    kvars = [keras.Variable(p.copy()) for p in params]
    kopt = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
    unrounded = [p.copy() for p in params]
    velocities = [np.zeros_like(p) for p in params]
    for step in grads:
        kopt.apply_gradients([(tf.constant(g), v) for g, v in zip(step, kvars)])
        for w, vel, g in zip(unrounded, velocities, step):
            vel *= 0.9              # μ not rounded
            vel -= g * 0.1
            w += vel
    assert max_abs([v.numpy() for v in kvars], unrounded) > 1e-10


def test_adagrad_accumulator_starts_at_float32_one_tenth():
    kvar = keras.Variable(np.zeros(3))
    kopt = keras.optimizers.Adagrad()
    kopt.build([kvar])
    (accumulator,) = [v.numpy() for v in kopt.variables if "accumulator" in v.name]
    assert np.all(accumulator == np.float64(np.float32(0.1)))
    assert np.all(accumulator != 0.1)
    ours = optimizers.Adagrad(convention="keras")
    ours.build([np.zeros(3)])
    np.testing.assert_array_equal(ours.variables[0], accumulator)


# ---------------------------------------------------------------- schedules

SCHEDULE_ARGS = [
    {"initial_learning_rate": 0.2, "decay_steps": 1, "decay_rate": 1.0},
    {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.7, "staircase": True},
    {"initial_learning_rate": 0.0123, "decay_steps": 7.5, "decay_rate": 0.3},
]
STEPS = list(range(0, 3000, 37))


def test_inverse_time_decay_is_float32_in_keras():
    keras_schedule = keras.optimizers.schedules.InverseTimeDecay(0.2, decay_steps=1, decay_rate=1)
    got = [float(keras_schedule(i)) for i in range(3)]
    assert got == [float(np.float32(0.2)), float(np.float32(0.1)), float(np.float32(0.2 / 3))]
    assert got[:2] == [0.20000000298023224, 0.10000000149011612]   # docs/keras-facts.md's figures


@pytest.mark.parametrize("kwargs", SCHEDULE_ARGS)
def test_inverse_time_decay_keras_convention_is_exact(kwargs):
    keras_schedule = keras.optimizers.schedules.InverseTimeDecay(**kwargs)
    ours = schedules.InverseTimeDecay(**kwargs, convention="keras")
    assert [ours(i) for i in STEPS] == [float(keras_schedule(i)) for i in STEPS]


@pytest.mark.parametrize("kwargs", SCHEDULE_ARGS + [
    {"initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.95}])
def test_exponential_decay_keras_convention_within_two_float32_ulps(kwargs):
    # TF's float32 pow is Eigen's own; nnref rounds a float64 pow once. The two pows differ by
    # at most 1 ulp, the product by 2 (measured: 2 ulps at worst, most steps identical).
    # Steps 0-299: rates down to ~1e-16, all normal float32 numbers (no underflow).
    keras_schedule = keras.optimizers.schedules.ExponentialDecay(**kwargs)
    ours = schedules.ExponentialDecay(**kwargs, convention="keras")
    steps = range(300)
    theirs = np.array([np.float32(keras_schedule(i)) for i in steps])
    mine = np.array([ours(i) for i in steps], dtype=np.float32)
    assert np.all(np.abs(mine - theirs) <= 2 * np.spacing(np.maximum(mine, theirs)))
    assert np.mean(mine == theirs) > 0.5


def test_schedule_lr_decay_is_kerass_staircase_inverse_time_decay():
    # docs/keras-facts.md: staircase=True with decay_steps=time_interval is the course's schedule_lr_decay,
    # up to Keras's float32 arithmetic.
    keras_schedule = keras.optimizers.schedules.InverseTimeDecay(
        0.01, decay_steps=100, decay_rate=0.3, staircase=True)
    for epoch in range(0, 1000, 50):
        course = c2w2_optimization.schedule_lr_decay(0.01, epoch, 0.3, time_interval=100)
        assert float(keras_schedule(epoch)) == pytest.approx(course, rel=2e-7, abs=0)  # float32


def test_optimizer_evaluates_the_schedule_as_keras_does():
    kwargs = {"initial_learning_rate": 0.2, "decay_steps": 1, "decay_rate": 1.0}
    keras_opt = keras.optimizers.SGD(
        learning_rate=keras.optimizers.schedules.InverseTimeDecay(**kwargs), momentum=0.9)
    ours = optimizers.SGD(learning_rate=schedules.InverseTimeDecay(**kwargs, convention="keras"),
                          momentum=0.9, convention="keras")
    *steps, _ = run_both(keras_opt, ours)
    for keras_w, nnref_w in steps:
        assert max_abs(keras_w, nnref_w) <= EXACT
    assert ours.learning_rate == float(keras_opt.learning_rate)


def test_course_momentum_is_keras_momentum_with_scaled_rate():
    # docs/keras-facts.md: v = βv + (1−β)g equals Keras's momentum only with lr_keras = α(1−β).
    beta, alpha = 0.75, 0.1   # 0.75 is exact in float32, so Keras's rounding of μ is moot
    keras_opt = keras.optimizers.SGD(learning_rate=alpha * (1 - beta), momentum=beta)
    *steps, _ = run_both(keras_opt, optimizers.SGD(alpha, momentum=beta))
    for keras_w, nnref_w in steps:
        assert max_abs(keras_w, nnref_w) <= 1e-15   # same value, different rounding path
