"""The course's helper modules, as a submission sees them inside the grading sandbox.

The assignments hand students helper files (``dnn_utils.py``, ``planar_utils.py``,
``reg_utils.py``...) and test files (``public_tests.py``, ``testCases.py``...), and the students'
code imports them. Inside the sandbox those imports resolve to the modules described here:

- a helper that a graded function may call is the course's code, written out below with the
  course's names, arguments and seeds (these files run next to the submission, where ``nnref``
  cannot be imported, so they are plain NumPy);
- any other name of a helper module (data loaders, plotting) is a function that raises
  ``NotImplementedError`` when called: graded functions must not need it;
- every name of a test module (``public_tests``, ``test_utils``, ``testCases*``) is a function
  that does nothing, so the notebook's own test calls do not get in the way; the names
  ``<graded function>_test`` are defined, so that ``from public_tests import *`` imports them;
- each module also has ``np`` (NumPy), as the course's files do: their ``import numpy as np``
  reaches the notebook through ``from public_tests import *`` (a notebook that mistyped its own
  import, ``import numpy as n``, still runs in the course).

Each assignment's helpers are also placed in the submission's namespace before it runs (as the
notebook's ``from dnn_utils import *`` would), so a file that forgot the import still works.
"""
from __future__ import annotations

import re
import types

import numpy as np


# --- dnn_utils (course 1 week 4): activations returning (A, cache) and their backward ------

def sigmoid(Z):
    """A = 1 / (1 + e^(-Z)); the cache is Z."""
    A = 1 / (1 + np.exp(-Z))
    cache = Z
    return A, cache


def relu(Z):
    """A = max(0, Z); the cache is Z."""
    A = np.maximum(0, Z)
    cache = Z
    return A, cache


def relu_backward(dA, cache):
    """dZ = dA where Z > 0, else 0."""
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def sigmoid_backward(dA, cache):
    """dZ = dA * s * (1 - s) with s = sigmoid(Z)."""
    Z = cache
    s = 1 / (1 + np.exp(-Z))
    dZ = dA * s * (1 - s)
    return dZ


# --- dnn_app_utils_v3 (course 1 week 4, application): the week's solutions ----------------

def initialize_parameters(n_x, n_h, n_y):
    """Seed 1; W = randn * 0.01, b = 0."""
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def initialize_parameters_deep(layer_dims):
    """Seed 1; W{l} = randn / sqrt(n_{l-1}), b{l} = 0 (this file's version, not week 4's)."""
    np.random.seed(1)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = (np.random.randn(layer_dims[l], layer_dims[l - 1])
                                    / np.sqrt(layer_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def linear_forward(A, W, b):
    Z = W.dot(A) + b
    cache = (A, W, b)
    return Z, cache


def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        A, activation_cache = relu(Z)
    cache = (linear_cache, activation_cache)
    return A, cache


def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters["W" + str(l)],
                                             parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)],
                                          parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y):
    """Cross-entropy: -(1/m) Σ [y log(a) + (1 - y) log(1 - a)], squeezed to a scalar."""
    m = Y.shape[1]
    cost = (1. / m) * (-np.dot(Y, np.log(AL).T) - np.dot(1 - Y, np.log(1 - AL).T))
    cost = np.squeeze(cost)
    return cost


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1. / m * np.dot(dZ, A_prev.T)
    db = 1. / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, current_cache, "sigmoid")
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(grads["dA" + str(l + 1)],
                                                                    current_cache, "relu")
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


def update_parameters(parameters, grads, learning_rate):
    """W{l} = W{l} - α dW{l}, b{l} = b{l} - α db{l} (rebinds the keys of the given dict)."""
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


def predict(X, y, parameters):
    """0/1 predictions (1, m) with threshold 0.5; prints the accuracy, as the course's does."""
    m = X.shape[1]
    p = np.zeros((1, m))
    probas, caches = L_model_forward(X, parameters)
    for i in range(0, probas.shape[1]):
        p[0, i] = 1 if probas[0, i] > 0.5 else 0
    print("Accuracy: " + str(np.sum((p == y) / m)))
    return p


# --- planar_utils, reg_utils, init_utils, gc_utils: plain activations and the cost ---------

def plain_sigmoid(x):
    """s = 1 / (1 + e^(-x)) (these files return the activation only, no cache)."""
    s = 1 / (1 + np.exp(-x))
    return s


def plain_relu(x):
    """s = max(0, x)."""
    s = np.maximum(0, x)
    return s


def reg_compute_cost(a3, Y):
    """reg_utils.compute_cost: (1/m) Σ of the cross-entropy terms, with np.nansum."""
    m = Y.shape[1]
    logprobs = np.multiply(-np.log(a3), Y) + np.multiply(-np.log(1 - a3), 1 - Y)
    cost = 1. / m * np.nansum(logprobs)
    return cost


def reg_forward_propagation(X, parameters):
    """reg_utils.forward_propagation: LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID.

    Returns ``(a3, cache)`` with the course's 12-item cache
    ``(z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3)``.
    """
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    W3, b3 = parameters["W3"], parameters["b3"]
    z1 = np.dot(W1, X) + b1
    a1 = plain_relu(z1)
    z2 = np.dot(W2, a1) + b2
    a2 = plain_relu(z2)
    z3 = np.dot(W3, a2) + b3
    a3 = plain_sigmoid(z3)
    cache = (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3)
    return a3, cache


_GC_PARAMETER_KEYS = ["W1", "b1", "W2", "b2", "W3", "b3"]
_GC_SHAPES = [(5, 4), (5, 1), (3, 5), (3, 1), (1, 3), (1, 1)]  # the 4-5-3-1 network of the notebook


def dictionary_to_vector(parameters):
    """Stack W1, b1, W2, b2, W3, b3 into one column vector; also return each entry's key."""
    keys = []
    count = 0
    for key in _GC_PARAMETER_KEYS:
        new_vector = np.reshape(parameters[key], (-1, 1))
        keys = keys + [key] * new_vector.shape[0]
        if count == 0:
            theta = new_vector
        else:
            theta = np.concatenate((theta, new_vector), axis=0)
        count = count + 1
    return theta, keys


def vector_to_dictionary(theta):
    """Unroll the column vector back into the notebook's 4-5-3-1 parameter shapes."""
    parameters = {}
    start = 0
    for key, shape in zip(_GC_PARAMETER_KEYS, _GC_SHAPES):
        size = shape[0] * shape[1]
        parameters[key] = theta[start:start + size].reshape(shape)
        start += size
    return parameters


def gradients_to_vector(gradients):
    """Stack dW1, db1, dW2, db2, dW3, db3 into one column vector."""
    count = 0
    for key in ["dW1", "db1", "dW2", "db2", "dW3", "db3"]:
        new_vector = np.reshape(gradients[key], (-1, 1))
        if count == 0:
            theta = new_vector
        else:
            theta = np.concatenate((theta, new_vector), axis=0)
        count = count + 1
    return theta


# --- module table --------------------------------------------------------------------------

_DNN_UTILS = {"sigmoid": sigmoid, "relu": relu, "relu_backward": relu_backward,
              "sigmoid_backward": sigmoid_backward}
_DNN_APP_UTILS = dict(_DNN_UTILS, initialize_parameters=initialize_parameters,
                      initialize_parameters_deep=initialize_parameters_deep,
                      linear_forward=linear_forward,
                      linear_activation_forward=linear_activation_forward,
                      L_model_forward=L_model_forward, compute_cost=compute_cost,
                      linear_backward=linear_backward,
                      linear_activation_backward=linear_activation_backward,
                      L_model_backward=L_model_backward, update_parameters=update_parameters,
                      predict=predict)
_PLAIN = {"sigmoid": plain_sigmoid, "relu": plain_relu}

HELPER_MODULES: dict[str, dict] = {
    "dnn_utils": _DNN_UTILS, "dnn_utils_v2": _DNN_UTILS,
    "dnn_app_utils_v3": _DNN_APP_UTILS, "dnn_app_utils_v2": _DNN_APP_UTILS,
    "planar_utils": {"sigmoid": plain_sigmoid},
    "reg_utils": dict(_PLAIN, compute_cost=reg_compute_cost,
                      forward_propagation=reg_forward_propagation),
    "init_utils": dict(_PLAIN),
    "gc_utils": dict(_PLAIN, dictionary_to_vector=dictionary_to_vector,
                     vector_to_dictionary=vector_to_dictionary,
                     gradients_to_vector=gradients_to_vector),
    "lr_utils": {}, "opt_utils": {}, "opt_utils_v1a": {}, "tf_utils": {}, "improv_utils": {},
}
# Names the notebooks import from these files that are not provided (data and plots): they are
# defined, so that star imports bring them in, and raise NotImplementedError when called.
UNAVAILABLE = {
    "dnn_app_utils_v3": ("load_data", "print_mislabeled_images"),
    "dnn_app_utils_v2": ("load_data", "print_mislabeled_images"),
    "planar_utils": ("load_planar_dataset", "load_extra_datasets", "plot_decision_boundary"),
    "lr_utils": ("load_dataset",),
    "reg_utils": ("load_2D_dataset", "load_planar_dataset", "plot_decision_boundary",
                  "predict_dec", "predict"),
    "init_utils": ("load_dataset", "plot_decision_boundary", "predict_dec", "predict"),
    "opt_utils": ("load_dataset", "load_params_and_grads", "plot_decision_boundary",
                  "predict_dec", "predict"),
    "opt_utils_v1a": ("load_dataset", "load_params_and_grads", "plot_decision_boundary",
                      "predict_dec", "predict"),
}
_TEST_MODULE = re.compile(r"(public_tests|test_utils|testCases\w*|test_cases\w*)$")
TEST_NAMES: list[str] = []  # set by the runner: "<graded function>_test" for each graded function


def provides(name: str) -> bool:
    return name in HELPER_MODULES or bool(_TEST_MODULE.fullmatch(name))


def _unavailable(module_name: str, name: str):
    def helper(*args, **kwargs):
        raise NotImplementedError(f"the course helper {module_name}.{name} is not available "
                                  "while grading (graded functions must not depend on it)")
    helper.__name__ = name
    return helper


def _does_nothing(*args, **kwargs):
    return None


def fill_module(module: types.ModuleType, name: str | None = None) -> None:
    """Fill ``module`` with the helper module ``name`` (default: the module's own name).

    Filling a module named after a helper file also makes its other names resolve, to
    :func:`_unavailable` helpers (or to no-op test functions for a test module). Filling the
    submission's namespace (``name`` given) only adds the helper functions.
    """
    own = name is None
    name = module.__name__ if own else name
    if own:  # the course's files import numpy as np: "from public_tests import *" brings np
        module.np = np
    for key in UNAVAILABLE.get(name, ()):
        setattr(module, key, _unavailable(name, key))
    for key, value in HELPER_MODULES.get(name, {}).items():
        setattr(module, key, value)
    if own:
        if _TEST_MODULE.fullmatch(name):
            for test_name in TEST_NAMES:
                setattr(module, test_name, _does_nothing)
            module.__getattr__ = lambda attr: _does_nothing if not attr.startswith("__") else _raise(attr)
        else:
            module.__getattr__ = lambda attr: (_unavailable(name, attr) if not attr.startswith("__")
                                               else _raise(attr))


def _raise(attr: str):
    raise AttributeError(attr)
