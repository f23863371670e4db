"""Course 2, week 2: optimization methods (mini-batches, momentum, Adam, learning-rate decay)."""
from __future__ import annotations

import numpy as np

from nnref.grading.assignments._inputs import course_rng, labels, layered, rng
from nnref.grading.compare import TypeRule
from nnref.grading.spec import AssignmentSpec, Case, FunctionSpec

_V = "v[dW] = β v[dW] + (1 - β) dW, then W = W - α v[dW] (likewise for b)"
_ADAM_V = "v = β1 v + (1 - β1) dW; v_corrected = v / (1 - β1^t)"
_ADAM_S = "s = β2 s + (1 - β2) dW²; s_corrected = s / (1 - β2^t)"
_ADAM_W = "W = W - α v_corrected / (np.sqrt(s_corrected) + ε): ε outside the square root"


def _parameters_and_grads(draw, dims):
    return layered(draw, dims), layered(draw, dims, prefix="d")


def _course_pg(seed):
    state = course_rng(seed)
    W1, b1, W2, b2 = state.randn(2, 3), state.randn(2, 1), state.randn(3, 3), state.randn(3, 1)
    dW1, db1, dW2, db2 = state.randn(2, 3), state.randn(2, 1), state.randn(3, 3), state.randn(3, 1)
    return ({"W1": W1, "b1": b1, "W2": W2, "b2": b2},
            {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2})


def _update_parameters_with_gd():
    g = rng(81)
    return [Case("course example, learning_rate=0.01", _course_pg(2) + (0.01,)),
            Case("random [4, 3, 2, 1], learning_rate=0.1",
                 _parameters_and_grads(lambda *s: g.normal(size=s), [4, 3, 2, 1]) + (0.1,))]


def _random_mini_batches():
    course = course_rng(1)
    g = rng(82)
    return [Case("course-style m=148, mini_batch_size=64",
                 (course.randn(5, 148), (course.randn(1, 148) < 0.5).astype(np.int64), 64)),
            Case("m=10, mini_batch_size=4, seed=7",
                 (g.normal(size=(3, 10)), labels(g, (1, 10)), 4, 7)),
            Case("m=8, mini_batch_size=4 (no partial batch)",
                 (g.normal(size=(2, 8)), labels(g, (1, 8)), 4))]


def _zeros_like_cases():
    g = rng(83)
    return [Case("course example", (_course_pg(1)[0],)),
            Case("random [5, 4, 3, 1]", (layered(lambda *s: g.normal(size=s), [5, 4, 3, 1]),))]


def _momentum():
    parameters, grads = _course_pg(1)
    v = {k: np.zeros_like(grads[k]) for k in grads}
    g = rng(84)
    normal = lambda *s: g.normal(size=s)  # noqa: E731
    parameters2, grads2 = _parameters_and_grads(normal, [4, 3, 1])
    v2 = layered(normal, [4, 3, 1], prefix="d")
    return [Case("course example, beta=0.9, learning_rate=0.01", (parameters, grads, v, 0.9, 0.01)),
            Case("random [4, 3, 1], non-zero v, beta=0.8, learning_rate=0.1",
                 (parameters2, grads2, v2, 0.8, 0.1))]


def _adam():
    parameters, grads = _course_pg(1)
    v = {k: np.zeros_like(grads[k]) for k in grads}
    s = {k: np.zeros_like(grads[k]) for k in grads}
    g = rng(85)
    normal = lambda *s: g.normal(size=s)  # noqa: E731
    parameters2, _ = _parameters_and_grads(normal, [4, 3, 1])
    small = layered(lambda *s: g.normal(scale=1e-5, size=s), [4, 3, 1], prefix="d")
    v2 = layered(lambda *s: g.normal(scale=1e-5, size=s), [4, 3, 1], prefix="d")
    s2 = layered(lambda *shape: g.uniform(0, 1e-10, size=shape), [4, 3, 1], prefix="d")
    # every argument passed, as the course's test does (no template's default relied on)
    return [Case("course example, t=2, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8",
                 (parameters, grads, v, s, 2, 0.01, 0.9, 0.999, 1e-8)),
            Case("random [4, 3, 1], small gradients, t=3",
                 (parameters2, small, v2, s2, 3, 0.02, 0.8, 0.99, 1e-8))]


def _update_lr():
    return [Case("course example", (0.5, 2, 1)), Case("lr0=0.1, epoch 10, decay 0.3", (0.1, 10, 0.3))]


def _schedule_lr_decay():
    return [Case("course example, time_interval=100", (0.5, 100, 1, 100)),
            Case("time_interval=1000, epoch 1500", (0.3, 1500, 0.5, 1000)),
            Case("time_interval=1000, epoch 999", (0.1, 999, 2, 1000))]


# the course's tests: assert type(params_up[key]) == np.ndarray, f"Wrong type for {key}. ..."
_ARRAYS = {pattern: TypeRule("ndarray", f"Wrong type for {pattern[:-1]}[l]. Expected np.ndarray")
           for pattern in ("W*", "b*", "dW*", "db*")}


SPEC = AssignmentSpec(
    name="c2w2_optimization",
    title="Optimization methods",
    functions=(
        FunctionSpec("update_parameters_with_gd", 10, _update_parameters_with_gd, ("parameters",),
                     {"*": "W{l} = W{l} - learning_rate * dW{l}, b{l} = b{l} - learning_rate * db{l}"},
                     types=_ARRAYS),
        FunctionSpec("random_mini_batches", 15, _random_mini_batches, ("mini_batches",),
                     {"*": "np.random.seed(seed); permutation = list(np.random.permutation(m)); "
                           "shuffle the columns of X and Y with it; complete batches of "
                           "mini_batch_size columns, then the remaining m % mini_batch_size"},
                     datatype=True),
        FunctionSpec("initialize_velocity", 10, _zeros_like_cases, ("v",),
                     {"*": "v['dW' + str(l)] = np.zeros_like(parameters['W' + str(l)]) and "
                           "likewise 'db', for l = 1..L"}, datatype=True),
        FunctionSpec("update_parameters_with_momentum", 15, _momentum, ("parameters", "v"),
                     {"*": _V}, datatype=True),
        FunctionSpec("initialize_adam", 10, _zeros_like_cases, ("v", "s"),
                     {"*": "v and s: zeros like each parameter, keys 'dW' + str(l), 'db' + str(l)"},
                     datatype=True),
        FunctionSpec("update_parameters_with_adam", 20, _adam,
                     ("parameters", "v", "s", "v_corrected", "s_corrected"),
                     {"v": _ADAM_V, "v_corrected": _ADAM_V, "s": _ADAM_S,
                      "s_corrected": _ADAM_S, "parameters": _ADAM_W, "*": _ADAM_W},
                     types=_ARRAYS),
        FunctionSpec("update_lr", 10, _update_lr, ("learning_rate",),
                     {"*": "learning_rate = learning_rate0 / (1 + decay_rate * epoch_num)"}),
        FunctionSpec("schedule_lr_decay", 10, _schedule_lr_decay, ("learning_rate",),
                     {"*": "learning_rate = learning_rate0 / (1 + decay_rate * "
                           "np.floor(epoch_num / time_interval))"}),
    ),
)
