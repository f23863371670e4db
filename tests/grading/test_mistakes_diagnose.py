"""The diagnosis names a mistake only when the values prove it: exactly one variant matches
every case. Several matches, none, or a case without a value: no name."""
from __future__ import annotations

import textwrap

import numpy as np
import pytest

import nnref.grading.diagnose as diagnose_module
from nnref.grading.assignments import get_assignment
from nnref.grading.diagnose import NOT_RETURNED, CaseValues, diagnose, evaluate
from mistakes_helpers import graded_cases
from nnref.grading.mistakes import Mistake, catalogue

ADAM = ("c2w2_optimization", "update_parameters_with_adam")


def cases_of(assignment, function, received_by_case):
    rows = graded_cases(assignment, function)
    return [CaseValues(args, kwargs, seed, expected, received_by_case(i, args, kwargs, seed,
                                                                      expected))
            for i, (args, kwargs, seed, expected) in enumerate(rows)]


def variant_value(assignment, function, key):
    mistake = next(m for m in catalogue(assignment, function) if m.key == key)
    return lambda i, args, kwargs, seed, expected: evaluate(mistake.function, args, kwargs, seed)


def scaled(factor):
    def received(i, args, kwargs, seed, expected):
        return type(expected)(_scale(v, factor) for v in expected) if isinstance(expected, tuple) \
            else _scale(expected, factor)
    return received


def _scale(value, factor):
    if isinstance(value, dict):
        return {k: _scale(v, factor) for k, v in value.items()}
    return np.asarray(value) * factor


def test_a_wrong_value_no_variant_gives_names_nothing():
    fspec = get_assignment(ADAM[0]).function(ADAM[1])
    found = diagnose(*ADAM[:1], fspec, cases_of(*ADAM, scaled(1.001)), cache=False)
    assert found.kind == "none" and found.mistake is None
    assert "not one of the 6 known mistakes" in found.text


def test_values_of_two_different_mistakes_on_two_cases_name_nothing():
    fspec = get_assignment(ADAM[0]).function(ADAM[1])
    first = variant_value(*ADAM, "adam_no_bias_correction")
    second = variant_value(*ADAM, "adam_epsilon_inside_sqrt")
    found = diagnose(ADAM[0], fspec, cases_of(*ADAM, lambda i, *rest: (first, second)[i](i, *rest)),
                     cache=False)
    assert found.kind == "none" and found.mistake is None


def test_several_matching_variants_are_listed_not_named(monkeypatch):
    fspec = get_assignment(ADAM[0]).function(ADAM[1])
    real = next(m for m in catalogue(*ADAM) if m.key == "adam_no_bias_correction")
    twin = Mistake("twin", "the same values under another name", "no fix", real.function)
    monkeypatch.setattr(diagnose_module, "catalogue", lambda a, f: (real, twin))
    found = diagnose(ADAM[0], fspec, cases_of(*ADAM, variant_value(*ADAM, real.key)), cache=False)
    assert found.kind == "several" and found.mistake is None
    assert set(found.candidates) == {"adam_no_bias_correction", "twin"}
    assert "equals" not in found.text


def test_a_case_without_a_value_names_nothing():
    fspec = get_assignment(ADAM[0]).function(ADAM[1])
    value = variant_value(*ADAM, "adam_no_bias_correction")
    found = diagnose(ADAM[0], fspec, cases_of(
        *ADAM, lambda i, *rest: NOT_RETURNED if i == 1 else value(i, *rest)), cache=False)
    assert found.kind == "unknown" and found.lines() == []


def test_a_passing_submission_gets_no_diagnosis():
    fspec = get_assignment(ADAM[0]).function(ADAM[1])
    found = diagnose(ADAM[0], fspec, cases_of(*ADAM, lambda i, a, k, s, expected: expected),
                     cache=False)
    assert found.kind == "unknown" and found.lines() == []


# ----------------------------------------------------------------------------- structural
LINEAR_BACKWARD = ("c1w4_deep_nn", "linear_backward")


@pytest.fixture
def no_catalogue(monkeypatch):
    monkeypatch.setattr(diagnose_module, "catalogue", lambda a, f: ())


def _replace(item, transform):
    def received(i, args, kwargs, seed, expected):
        out = list(expected)
        out[item] = transform(out[item])
        return tuple(out)
    return received


@pytest.mark.parametrize("item,transform,words", [
    (1, lambda dW: dW.T, "transposed: shape"),
    (2, lambda db: db.reshape(-1), "right values in shape"),
])
def test_structural_mistakes_are_named(no_catalogue, item, transform, words):
    fspec = get_assignment(LINEAR_BACKWARD[0]).function(LINEAR_BACKWARD[1])
    found = diagnose(LINEAR_BACKWARD[0], fspec,
                     cases_of(*LINEAR_BACKWARD, _replace(item, transform)), cache=False)
    assert found.kind == "structural" and words in found.text
    assert ("dW" if item == 1 else "db") in found.text


def test_a_transposed_square_matrix_is_named(no_catalogue):
    fspec = get_assignment("c2w2_optimization").function("update_parameters_with_gd")
    rows = graded_cases("c2w2_optimization", "update_parameters_with_gd")
    args, kwargs, seed, expected = rows[0]
    assert expected["W2"].shape == (3, 3)
    received = dict(expected, W2=expected["W2"].T.copy())
    found = diagnose("c2w2_optimization", fspec,
                     [CaseValues(args, kwargs, seed, expected, received)], cache=False)
    assert found.kind == "structural" and "the transpose" in found.text


def test_a_renamed_key_is_named(no_catalogue):
    fspec = get_assignment("c1w3_planar").function("backward_propagation")

    def rename(i, args, kwargs, seed, expected):
        out = dict(expected)
        out["dw1"] = out.pop("dW1")
        return out

    found = diagnose("c1w3_planar", fspec, cases_of("c1w3_planar", "backward_propagation", rename),
                     cache=False)
    assert found.kind == "structural"
    assert "'dW1'" in found.text and "'dw1' holds its value" in found.text


def test_an_unsqueezed_cost_is_named(no_catalogue):
    fspec = get_assignment("c1w4_deep_nn").function("compute_cost")
    found = diagnose("c1w4_deep_nn", fspec, cases_of(
        "c1w4_deep_nn", "compute_cost", lambda i, a, k, s, expected: np.reshape(expected, (1, 1))),
        cache=False)
    assert found.kind == "structural" and "np.squeeze" in found.text


def test_different_structural_findings_name_nothing(no_catalogue):
    fspec = get_assignment(LINEAR_BACKWARD[0]).function(LINEAR_BACKWARD[1])
    transposed, flat = _replace(1, lambda dW: dW.T), _replace(2, lambda db: db.reshape(-1))
    found = diagnose(LINEAR_BACKWARD[0], fspec, cases_of(
        *LINEAR_BACKWARD, lambda i, *rest: (transposed if i == 0 else flat)(i, *rest)), cache=False)
    assert found.kind == "none" and found.text == ""


# ----------------------------------------------------------------------------- through the grader
def test_the_grader_names_the_mistake_of_a_submission(tmp_path):
    from nnref.grading.grader import grade

    source = textwrap.dedent('''
        import numpy as np

        def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01,
                                        beta1=0.9, beta2=0.999, epsilon=1e-8):
            L = len(parameters) // 2
            v_corrected, s_corrected = {}, {}
            for l in range(1, L + 1):
                for p in ("W", "b"):
                    k, d = p + str(l), "d" + p + str(l)
                    v[d] = beta1 * v[d] + (1 - beta1) * grads[d]
                    s[d] = beta2 * s[d] + (1 - beta2) * grads[d] ** 2
                    v_corrected[d] = v[d]          # no bias correction
                    s_corrected[d] = s[d]
                    parameters[k] = parameters[k] - learning_rate * v_corrected[d] / (
                        np.sqrt(s_corrected[d]) + epsilon)
            return parameters, v, s, v_corrected, s_corrected

        def update_lr(learning_rate0, epoch_num, decay_rate):
            return learning_rate0 / (1 + decay_rate * epoch_num)
    ''')
    path = tmp_path / "submission.py"
    path.write_text(source)
    report = grade(path, "c2w2_optimization")
    by_name = {t.name: t for t in report.tests}
    adam = by_name["update_parameters_with_adam"].output
    assert "Diagnosis: your result equals that of Adam without bias correction: divide v by " \
           "(1 - β1^t)" in adam
    assert by_name["update_lr"].score == by_name["update_lr"].max_score
    assert "Diagnosis" not in by_name["update_lr"].output
    assert "Diagnosis" not in by_name["initialize_adam"].output  # not defined: nothing to prove


def test_a_vanished_gradapprox_is_not_named():
    # Every mistake that loses gradapprox (or makes ‖grad - gradapprox‖ equal the denominator)
    # gives a difference of 1: the values cannot say which, so nothing is named.
    fspec = get_assignment("c2w1_gradient_checking").function("gradient_check_n")
    found = diagnose("c2w1_gradient_checking", fspec, cases_of(
        "c2w1_gradient_checking", "gradient_check_n", lambda *_: 1.0), cache=False)
    assert found.kind == "none" and found.mistake is None


def test_values_the_grader_cannot_compare_get_no_diagnosis():
    from nnref.grading.child.wire import Unsupported

    fspec = get_assignment(ADAM[0]).function(ADAM[1])
    found = diagnose(ADAM[0], fspec, cases_of(*ADAM, lambda *_: Unsupported("EagerTensor", "tf.Tensor(...)")),
                     cache=False)
    assert found.kind == "unknown" and found.lines() == []


def test_another_structure_gets_no_known_mistakes_line():
    fspec = get_assignment(ADAM[0]).function(ADAM[1])
    found = diagnose(ADAM[0], fspec, cases_of(*ADAM, lambda i, a, k, s, expected: expected[:3]),
                     cache=False)
    assert found.kind == "none" and found.lines() == []


def test_threads_diagnosing_at_once_each_get_their_seeded_variants_right():
    # A batch grades submissions in threads: the variants that seed NumPy's global generator
    # must not draw from each other's seeds.
    from concurrent.futures import ThreadPoolExecutor

    seeded = [(a, f, m) for a, f, m in
              [("c1w3_planar", "initialize_parameters", "init_W2_first"),
               ("c1w4_deep_nn", "initialize_parameters_deep", "seed_in_loop"),
               ("c2w1_initialization", "initialize_parameters_he", "seed_not_set"),
               ("c2w2_optimization", "random_mini_batches", "shuffle_different_permutations")]]

    def named(entry):
        assignment, function, key = entry
        fspec = get_assignment(assignment).function(function)
        found = diagnose(assignment, fspec, cases_of(assignment, function,
                                                     variant_value(assignment, function, key)),
                         cache=False)
        return found.mistake.key if found.mistake else found.kind

    with ThreadPoolExecutor(max_workers=4) as pool:
        keys = list(pool.map(named, seeded * 3))
    assert keys == [key for _, _, key in seeded] * 3
