"""The mistakes tools/plant_mistakes.py plants in the course's completed notebooks.

Each is a text edit of one graded function's cell, written against the notebooks' own code:
``Plant(assignment, function, [(old, new), ...], expected)``. ``expected`` is the catalogue key
the diagnosis should give, or ``None`` for a mistake that is NOT in the catalogue (any name
given to it is counted as wrong), or ``"equivalent"`` for an edit that changes nothing the
grading can see (it must pass, and get no diagnosis).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Plant:
    assignment: str
    function: str
    edits: tuple
    expected: str | None

    @property
    def label(self) -> str:
        return f"{self.assignment}.{self.function}: {self.expected or 'not in the catalogue'}"


def P(assignment, function, expected, *edits):
    return Plant(assignment, function, tuple(edits), expected)


NB1, LR, PL, DN, APP = ("c1w2_numpy_basics", "c1w2_logistic_regression", "c1w3_planar",
                        "c1w4_deep_nn", "c1w4_application")
INIT, REG, GC, OPT = ("c2w1_initialization", "c2w1_regularization", "c2w1_gradient_checking",
                      "c2w2_optimization")

IN_CATALOGUE = [
    P(NB1, "basic_sigmoid", "sigmoid_exp_of_x", ("math.exp(-x)", "math.exp(x)")),
    P(NB1, "sigmoid", "sigmoid_precedence", ("1 / (1 + np.exp(-x))", "1 / 1 + np.exp(-x)")),
    P(NB1, "sigmoid_derivative", "sigmoid_derivative_of_x", ("ds = s * (1 - s)", "ds = x * (1 - x)")),
    P(NB1, "image2vector", "image_row_vector", ("image.reshape(-1, 1)", "image.reshape(1, -1)")),
    P(NB1, "image2vector", "image_fortran_order",
      ("image.reshape(-1, 1)", "image.reshape((-1, 1), order='F')")),
    P(NB1, "normalize_rows", "normalize_columns", ("axis=1", "axis=0")),
    P(NB1, "softmax", "softmax_columns", ("axis=1", "axis=0")),
    P(NB1, "L1", "loss_mean", ("np.sum(np.abs", "np.mean(np.abs")),
    P(NB1, "L2", "l2_square_root", ("np.sum((y - yhat) ** 2)", "np.sqrt(np.sum((y - yhat) ** 2))")),
    P(LR, "initialize_with_zeros", "w_row_vector", ("np.zeros((dim, 1))", "np.zeros((1, dim))")),
    P(LR, "propagate", "cost_no_mean", ("cost = np.mean(loss)", "cost = np.sum(loss)")),
    P(LR, "propagate", "one_over_m_forgotten", ("dw = (1 / m) * ", "dw = "), ("db = (1 / m) * ", "db = ")),
    P(LR, "propagate", "dz_sign", ("(A - Y).T", "(Y - A).T"), ("np.sum(A - Y)", "np.sum(Y - A)")),
    P(LR, "propagate", "logistic_without_b", ("Z = np.dot(w.T, X) + b", "Z = np.dot(w.T, X)")),
    P(LR, "optimize", "ignores_learning_rate", ("w = w - learning_rate * dw", "w = w - 0.009 * dw"),
      ("b = b - learning_rate * db", "b = b - 0.009 * db")),
    P(LR, "optimize", "gd_b_not_updated", ("b = b - learning_rate * db", "b = b")),
    P(LR, "optimize", "cost_every_iteration",
      ("        if i % 100 == 0:\n            costs.append(cost)",
       "        costs.append(cost)\n        if i % 100 == 0:\n            pass")),
    P(LR, "predict", "predict_returns_A", ("Y_prediction = (A > 0.5).astype(int)", "Y_prediction = A")),
    P(LR, "predict", "predict_inverted", ("(A > 0.5)", "(A <= 0.5)")),
    P(LR, "model", "model_ignores_arguments",
      ("optimize(w, b, X_train, Y_train, num_iterations, learning_rate, print_cost)",
       "optimize(w, b, X_train, Y_train)")),
    P(LR, "model", "model_predictions_swapped",
      ("Y_prediction_test = predict(w, b, X_test)", "Y_prediction_test = predict(w, b, X_train)"),
      ("Y_prediction_train = predict(w, b, X_train)", "Y_prediction_train = predict(w, b, X_test)")),
    P(PL, "layer_sizes", "layer_sizes_columns", ("X.shape[0]", "X.shape[1]"), ("Y.shape[0]", "Y.shape[1]")),
    P(PL, "initialize_parameters", "init_no_scaling",
      ("np.random.randn(n_h, n_x) * 0.01", "np.random.randn(n_h, n_x)"),
      ("np.random.randn(n_y, n_h) * 0.01", "np.random.randn(n_y, n_h)")),
    P(PL, "forward_propagation", "forward_relu_hidden", ("A1 = np.tanh(Z1)", "A1 = np.maximum(0, Z1)")),
    P(PL, "compute_cost", "cost_no_mean", ("cost = np.mean(loss)", "cost = np.sum(loss)")),
    P(PL, "backward_propagation", "tanh_derivative_from_Z", ("(1 - A1 ** 2)", "(1 - cache['Z1'] ** 2)")),
    P(PL, "backward_propagation", "tanh_derivative_not_squared", ("(1 - A1 ** 2)", "(1 - A1)")),
    P(PL, "backward_propagation", "db_no_keepdims",
      ("np.sum(dZ2, axis=1, keepdims=True)", "np.sum(dZ2, axis=1)"),
      ("np.sum(dZ1, axis=1, keepdims=True)", "np.sum(dZ1, axis=1)")),
    P(PL, "update_parameters", "gd_ascent", *[(f"{p} = {p} - learning_rate", f"{p} = {p} + learning_rate")
                                              for p in ("W1", "b1", "W2", "b2")]),
    P(PL, "nn_model", "nn_model_update_discarded",
      ("parameters = update_parameters(parameters, grads)", "update_parameters(parameters, grads)")),
    P(PL, "nn_model", "seed_not_set", ("np.random.seed(3)", "pass")),
    P(PL, "predict", "predict_returns_A", ("predictions = A2 > 0.5", "predictions = A2")),
    P(DN, "initialize_parameters", "seed_not_set", ("np.random.seed(1)", "pass")),
    P(DN, "initialize_parameters_deep", "seed_in_loop",
      ("    for l in range(1, L + 1):\n", "    for l in range(1, L + 1):\n        np.random.seed(3)\n")),
    P(DN, "initialize_parameters_deep", "deep_last_layer_missing", ("range(1, L + 1)", "range(1, L)")),
    P(DN, "linear_forward", "linear_forward_without_b", ("Z = np.dot(W, A) + b", "Z = np.dot(W, A)")),
    P(DN, "linear_forward", "linear_cache_order", ("cache = (A, W, b)", "cache = (W, A, b)")),
    P(DN, "linear_activation_forward", "activation_cache_is_A",
      ("cache = (linear_cache, activation_cache)", "cache = (linear_cache, A)")),
    P(DN, "L_model_forward", "forward_all_relu", ("'sigmoid')", "'relu')")),
    P(DN, "L_model_forward", "forward_last_cache_missing",
      ("'sigmoid')\n    caches.append(cache)", "'sigmoid')")),
    P(DN, "compute_cost", "cost_not_squeezed",
      ("cost = np.mean(loss)", "cost = np.mean(loss, axis=1, keepdims=True)"),
      ("cost = np.squeeze(cost)", "pass")),
    P(DN, "linear_backward", "one_over_m_twice", ("np.dot(dZ, A_prev.T)", "np.dot(dZ, A_prev.T) / m"),
      ("keepdims=True)", "keepdims=True) / m")),
    P(DN, "linear_backward", "db_wrong_axis", ("axis=1", "axis=0")),
    P(DN, "linear_backward", "db_no_keepdims", (", keepdims=True", "")),
    P(DN, "linear_backward", "dW_transposed", ("np.dot(dZ, A_prev.T)", "np.dot(A_prev, dZ.T)")),
    P(DN, "linear_activation_backward", "backward_activation_swapped",
      ("eval(activation + '_backward')",
       "eval(('sigmoid' if activation == 'relu' else 'relu') + '_backward')")),
    P(DN, "L_model_backward", "dAL_sign", ("dAL = - np.divide(Y, AL) + np.divide(1 - Y, 1 - AL)",
                                           "dAL = np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)")),
    P(DN, "L_model_backward", "dAL_is_AL_minus_Y",
      ("dAL = - np.divide(Y, AL) + np.divide(1 - Y, 1 - AL)", "dAL = AL - Y")),
    P(DN, "update_parameters", "gd_last_layer_skipped", ("range(1, L + 1)", "range(1, L)")),
    P(APP, "two_layer_model", "learning_rate_ignored",
      ("update_parameters(parameters, grads, learning_rate)", "update_parameters(parameters, grads, 0.0075)")),
    P(APP, "two_layer_model", "dA2_is_A2_minus_Y",
      ("dA2 = - (np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))", "dA2 = A2 - Y")),
    P(APP, "L_layer_model", "learning_rate_ignored",
      ("update_parameters(parameters, grads, learning_rate)", "update_parameters(parameters, grads, 0.0075)")),
    P(APP, "L_layer_model", "cost_every_iteration",
      ("if i % 100 == 0 or i == num_iterations:", "if True:")),
    P(INIT, "initialize_parameters_zeros", "b_flat",
      ("np.zeros((layers_dims[l], 1))", "np.zeros(layers_dims[l])")),
    P(INIT, "initialize_parameters_random", "random_times_001", ("* 10", "* 0.01")),
    P(INIT, "initialize_parameters_random", "seed_in_loop",
      ("    for l in range(1, L):\n", "    for l in range(1, L):\n        np.random.seed(3)\n")),
    P(INIT, "initialize_parameters_he", "he_without_2", ("np.sqrt(2 / ", "np.sqrt(1 / ")),
    P(INIT, "initialize_parameters_zeros", "deep_W_shape_swapped",
      ("np.zeros((layers_dims[l], layers_dims[l - 1]))", "np.zeros((layers_dims[l - 1], layers_dims[l]))")),
    P(INIT, "initialize_parameters_he", "he_fan_out",
      ("np.sqrt(2 / layers_dims[l - 1])", "np.sqrt(2 / layers_dims[l])")),
    P(REG, "compute_cost_with_regularization", "l2_lambda_over_m", ("(lambd / (2 * m))", "(lambd / m)")),
    P(REG, "backward_propagation_with_regularization", "l2_gradient_over_2m",
      *[(f"lambd / m * W{l}", f"lambd / (2 * m) * W{l}") for l in (1, 2, 3)]),
    P(REG, "forward_propagation_with_dropout", "dropout_no_rescale",
      ("A1 = (A1 * D1) / keep_prob", "A1 = A1 * D1"), ("A2 = (A2 * D2) / keep_prob", "A2 = A2 * D2")),
    P(REG, "forward_propagation_with_dropout", "dropout_mask_inverted",
      ("A1.shape[1]) < keep_prob", "A1.shape[1]) > keep_prob"),
      ("A2.shape[1]) < keep_prob", "A2.shape[1]) > keep_prob")),
    P(REG, "backward_propagation_with_dropout", "dropout_back_no_rescale",
      ("dA2 = (dA2 * D2) / keep_prob", "dA2 = dA2 * D2"), ("dA1 = (dA1 * D1) / keep_prob", "dA1 = dA1 * D1")),
    P(REG, "backward_propagation_with_dropout", "dropout_back_layer_1_forgotten",
      ("dA1 = (dA1 * D1) / keep_prob", "dA1 = dA1")),
    P(GC, "backward_propagation", "backward_returns_theta", ("dtheta = x", "dtheta = theta")),
    P(GC, "gradient_check", "gc_divide_by_epsilon",
      ("(forward_propagation(x, theta + epsilon) - forward_propagation(x, theta - epsilon)) / (2 * epsilon)",
       "(forward_propagation(x, theta + epsilon) - forward_propagation(x, theta - epsilon)) / epsilon")),
    P(GC, "gradient_check_n", "gc_divide_by_epsilon", ("/ (2 * epsilon)", "/ epsilon")),
    P(GC, "gradient_check_n", "gc_no_copy",
      ("theta_plus = np.copy(parameters_values)", "theta_plus = parameters_values")),
    P(OPT, "update_parameters_with_gd", "gd_ascent", ("-= learning_rate", "+= learning_rate"),
      ("-= learning_rate", "+= learning_rate")),
    P(OPT, "random_mini_batches", "shuffle_different_permutations",
      ("shuffled_Y = Y[:, permutation]", "shuffled_Y = Y[:, list(np.random.permutation(m))]")),
    P(OPT, "random_mini_batches", "last_batch_dropped", ("math.ceil(m / mini_batch_size)",
                                                         "math.floor(m / mini_batch_size)")),
    P(OPT, "random_mini_batches", "no_shuffle", ("permutation = list(np.random.permutation(m))",
                                                 "permutation = list(range(m))")),
    P(OPT, "initialize_velocity", "state_keys_like_parameters", ('v[f"dW{l}"]', 'v[f"W{l}"]'),
      ('v[f"db{l}"]', 'v[f"b{l}"]')),
    P(OPT, "update_parameters_with_momentum", "momentum_no_one_minus_beta",
      ("(1 - beta) * grads[dWl]", "grads[dWl]"), ("(1 - beta) * grads[dbl]", "grads[dbl]")),
    P(OPT, "update_parameters_with_adam", "adam_no_bias_correction",
      *[(f"{m}[{k}] / (1 - {b} ** t)", f"{m}[{k}]") for m, b in (("v", "beta1"), ("s", "beta2"))
        for k in ("dWl", "dbl")]),
    P(OPT, "update_parameters_with_adam", "adam_epsilon_inside_sqrt",
      *[(f"(np.sqrt(s_corrected[{k}]) + epsilon)", f"np.sqrt(s_corrected[{k}] + epsilon)")
        for k in ("dWl", "dbl")]),
    P(OPT, "update_lr", "decay_precedence", ("1 / (1 + decay_rate * epoch_num) * learning_rate0",
                                            "learning_rate0 / (1 + decay_rate) * epoch_num")),
    P(OPT, "schedule_lr_decay", "schedule_without_floor", ("(epoch_num // time_interval)",
                                                          "(epoch_num / time_interval)")),
]

NOT_IN_CATALOGUE = [
    P(NB1, "normalize_rows", None, (", keepdims=True", "")),
    P(NB1, "L2", None, ("np.sum((y - yhat) ** 2)", "np.sum((y - yhat) ** 2) / 2")),
    P(LR, "propagate", None, ("np.sum(A - Y)", "np.sum(A - Y, axis=0)")),
    P(LR, "predict", None, ("(A > 0.5)", "(A > 0.6)")),
    P(PL, "compute_cost", None, ("- Y_float * np.log(A2) - (1 - Y_float) * np.log(1 - A2)",
                                 "- (1 - Y_float) * np.log(A2) - Y_float * np.log(1 - A2)")),
    P(PL, "backward_propagation", None, ("np.sum(dZ1, axis=1", "np.sum(dZ2, axis=1")),
    P(PL, "nn_model", None, ("range(num_iterations)", "range(num_iterations - 1)")),
    P(DN, "linear_backward", None, ("m = A_prev.shape[1]", "m = A_prev.shape[0]")),
    P(DN, "compute_cost", None, ("np.mean(loss)", "np.mean(loss, axis=0)")),
    P(DN, "initialize_parameters_deep", None, ("* 0.01", "* 0.1")),
    P(APP, "two_layer_model", None, ("linear_activation_backward(dA1, cache1, 'relu')",
                                     "linear_activation_backward(dA1, cache1, 'sigmoid')")),
    P(APP, "L_layer_model", None, ("if i % 100 == 0 or i == num_iterations:",
                                   "if i % 10 == 0 or i == num_iterations:")),
    P(INIT, "initialize_parameters_he", None, ("np.sqrt(2 / layers_dims[l - 1])",
                                               "np.sqrt(6 / (layers_dims[l] + layers_dims[l - 1]))")),
    P(REG, "compute_cost_with_regularization", None, (" + np.sum(W3 ** 2)", "")),
    P(REG, "backward_propagation_with_regularization", None, ("np.int64(A2 > 0)", "np.int64(A2 >= 0)")),
    P(REG, "backward_propagation_with_dropout", None, ("dA1 = (dA1 * D1) / keep_prob",
                                                       "dA1 = (dA1 * D1) * keep_prob")),
    P(GC, "gradient_check", None, ("np.linalg.norm(grad - grad_approx)", "np.linalg.norm(grad + grad_approx)")),
    P(GC, "gradient_check_n", None, ("theta_minus[i] -= epsilon", "theta_minus[i] += epsilon")),
    P(OPT, "update_parameters_with_adam", None, ("(1 - beta2) * (grads[dWl] ** 2)",
                                                 "(1 - beta1) * (grads[dWl] ** 2)")),
    P(OPT, "update_lr", None, ("1 / (1 + decay_rate * epoch_num) * learning_rate0",
                               "learning_rate0 * np.exp(-decay_rate * epoch_num)")),
    P(OPT, "update_parameters_with_momentum", None, ("v[dbl] = beta * v[dbl] + (1 - beta) * grads[dbl]",
                                                     "v[dbl] = beta * v[dbl] + (1 - beta) * grads[dWl]")),
    # half of a catalogue mistake: the catalogue's variant has it everywhere
    P(OPT, "update_parameters_with_adam", None, ("v[dWl] / (1 - beta1 ** t)", "v[dWl]"),
      ("v[dbl] / (1 - beta1 ** t)", "v[dbl]")),
    P(PL, "backward_propagation", None, ("np.sum(dZ1, axis=1, keepdims=True)", "np.sum(dZ1, axis=1)")),
    P(LR, "propagate", None, ("dw = (1 / m) * ", "dw = ")),
    P(REG, "forward_propagation_with_dropout", None, ("A1 = (A1 * D1) / keep_prob", "A1 = A1 * D1")),
    P(OPT, "update_parameters_with_momentum", None, ("(1 - beta) * grads[dWl]", "grads[dWl]")),
    # other slips
    P(PL, "forward_propagation", None, ("Z2 = np.dot(W2, A1) + b2", "Z2 = np.dot(W2, Z1) + b2")),
    P(LR, "optimize", None, ("w = w - learning_rate * dw", "w = w - learning_rate * db")),
    P(DN, "L_model_backward", None, ("current_cache, 'relu')", "current_cache, 'sigmoid')")),
    P(DN, "L_model_backward", None, ("dA_prev_temp, dW_temp, db_temp = linear_activation_backward(grads['dA' + str(l + 1)]",
                                     "dA_prev_temp, dW_temp, db_temp = linear_activation_backward(dAL")),
    P(INIT, "initialize_parameters_random", None, ("np.random.randn(layers_dims[l], layers_dims[l - 1]) * 10",
                                                   "np.random.rand(layers_dims[l], layers_dims[l - 1]) * 10")),
    P(GC, "gradient_check", None, ("/ (2 * epsilon)", "/ (2 * epsilon) + epsilon")),
]

EQUIVALENT = [
    P(APP, "L_layer_model", "equivalent",   # the course's update_parameters updates in place
      ("parameters = update_parameters(parameters, grads, learning_rate)",
       "update_parameters(parameters, grads, learning_rate)")),
    P(REG, "forward_propagation_with_dropout", "equivalent",
      ("A1.shape[1]) < keep_prob).astype(int)", "A1.shape[1]) < keep_prob)")),
    P(PL, "backward_propagation", "equivalent", ("(1 - A1 ** 2)", "(1 - np.tanh(cache['Z1']) ** 2)")),
    P(OPT, "update_lr", "equivalent", ("1 / (1 + decay_rate * epoch_num) * learning_rate0",
                                       "learning_rate0 / (1 + decay_rate * epoch_num)")),
    P(OPT, "schedule_lr_decay", "equivalent", ("(epoch_num // time_interval)",
                                               "np.floor(epoch_num / time_interval)")),
    P(DN, "compute_cost", "equivalent", ("cost = np.mean(loss)", "cost = np.sum(loss) / m")),
    P(REG, "compute_cost_with_regularization", "equivalent",
      ("np.sum(W1 ** 2)", "np.linalg.norm(W1) ** 2")),
]

PLANTS = IN_CATALOGUE + NOT_IN_CATALOGUE + EQUIVALENT
