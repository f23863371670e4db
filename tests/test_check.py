"""nnref.check: the graded cases run in-process on the user's own function, with the diagnosis;
and ``nnref check FILE`` through the grading sandbox."""
from __future__ import annotations

import textwrap

import numpy as np
import pytest

import nnref
from nnref.cli import main
from nnref.check import CaseResult, CheckResult
from nnref.course import c1w4_deep_nn, c2w2_optimization


def update_lr(learning_rate0, epoch_num, decay_rate):  # a missing bracket, on purpose
    return learning_rate0 / (1 + decay_rate) * epoch_num


def adam_without_bias_correction(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9,
                                 beta2=0.999, epsilon=1e-8):
    for key in list(parameters):
        d = "d" + key
        v[d] = beta1 * v[d] + (1 - beta1) * grads[d]
        s[d] = beta2 * s[d] + (1 - beta2) * grads[d] ** 2
        parameters[key] = parameters[key] - learning_rate * v[d] / (np.sqrt(s[d]) + epsilon)
    return parameters, v, s, dict(v), dict(s)


def test_the_answer_key_passes_with_no_diagnosis():
    result = nnref.check(c2w2_optimization.update_parameters_with_adam, show=False)
    assert result.passed and result.assignment == "c2w2_optimization"
    assert len(result.cases) == 2 and result.diagnosis == ""
    assert "PASS, 2/2 cases" in str(result)


def test_a_known_mistake_is_named(capsys):
    result = nnref.check(adam_without_bias_correction, "update_parameters_with_adam")
    assert not result.passed
    assert "your result equals that of Adam without bias correction" in result.diagnosis
    printed = capsys.readouterr().out
    assert "FAIL" in printed and "Adam without bias correction" in printed


def test_a_name_is_looked_up_among_the_callers_functions():
    result = nnref.check("update_lr", show=False)
    assert result.function == "update_lr" and not result.passed
    assert "a missing bracket" in result.diagnosis


def test_a_name_graded_in_several_assignments_needs_the_assignment():
    def sigmoid(x):
        return 1 / (1 + np.exp(-x))

    with pytest.raises(ValueError, match="assignment="):
        nnref.check(sigmoid, show=False)
    assert nnref.check(sigmoid, assignment="c1w2_numpy_basics", show=False).passed


@pytest.mark.parametrize("function,name,kwargs,error", [
    ("no_such_function", None, {}, "not defined"),
    (len, "not_graded", {}, "graded function"),
    (update_lr, None, {"assignment": "c1w3_planar"}, "graded function of c1w3_planar"),
    (42, None, {}, "must be callable"),
])
def test_bad_arguments_are_named(function, name, kwargs, error):
    with pytest.raises((ValueError, TypeError), match=error):
        nnref.check(function, name, show=False, **kwargs)


def test_an_exception_fails_the_case_and_names_nothing():
    def update_lr(learning_rate0, epoch_num, decay_rate):
        raise RuntimeError("not written yet")

    result = nnref.check(update_lr, show=False)
    assert not result.passed and result.diagnosis == ""
    assert all("raised RuntimeError: not written yet" in c.problem for c in result.cases)


def test_an_input_changed_in_place_fails():
    def update_parameters(params, grads, learning_rate):
        for key in list(params):
            params[key] -= learning_rate * grads["d" + key]
        return params

    result = nnref.check(update_parameters, assignment="c1w4_deep_nn", show=False)
    assert not result.passed
    assert all("changed its input 'params' in place" in c.problem for c in result.cases)
    assert nnref.check(c1w4_deep_nn.update_parameters, show=False).passed  # the key copies


def test_the_global_random_state_is_left_as_it_was():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    nnref.check(c2w2_optimization.random_mini_batches, show=False)
    assert np.array_equal(np.random.get_state()[1], before)


def test_the_html_table_escapes_and_is_shown_once():
    result = nnref.check(adam_without_bias_correction, "update_parameters_with_adam",
                         show=False)
    table = result._repr_html_()
    assert table.count("<tr>") == 2 and "❌" in table and "Adam without bias" in table
    result._shown = True
    assert result._repr_html_() is None and "FAIL" in repr(result)
    hostile = CheckResult("f", "a", [CaseResult("<b>", "<script>x</script>")])
    assert "<script>" not in hostile._repr_html_() and "&lt;script&gt;" in hostile._repr_html_()


# ----------------------------------------------------------------------------- nnref check FILE
SUBMISSION = textwrap.dedent('''
    import numpy as np

    def update_lr(learning_rate0, epoch_num, decay_rate):
        return learning_rate0 / (1 + decay_rate) * epoch_num

    def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
        return learning_rate0 / (1 + decay_rate * np.floor(epoch_num / time_interval))
''')


def test_the_command_checks_a_file_in_the_sandbox(tmp_path, capsys):
    path = tmp_path / "mine.py"
    path.write_text(SUBMISSION)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "Diagnosis: your result equals that of learning_rate0 / (1 + decay_rate) * epoch_num" in out
    assert "schedule_lr_decay: 10/10" in out
    assert "c2w2_optimization: 1 of 2 functions pass" in out
    assert "random_mini_batches" not in out          # not defined in the file: not checked
    assert main(["check", str(path), "--function", "schedule_lr_decay"]) == 0


@pytest.mark.parametrize("argv,error", [
    (["--assignment", "c9"], "assignment must be one of"),
    (["--function", "propagate"], "--function must be a graded function of c2w2_optimization"),
])
def test_the_command_refuses_bad_arguments(tmp_path, capsys, argv, error):
    path = tmp_path / "mine.py"
    path.write_text(SUBMISSION)
    assert main(["check", str(path)] + argv) == 2
    assert error in capsys.readouterr().err


def test_the_command_needs_a_readable_submission(tmp_path, capsys):
    assert main(["check", str(tmp_path / "missing.py")]) == 2
    (tmp_path / "empty.py").write_text("x = 1\n")
    assert main(["check", str(tmp_path / "empty.py")]) == 2
    assert "pass --assignment NAME" in capsys.readouterr().err


def test_in_a_notebook_the_table_is_displayed_once_as_html(monkeypatch, capsys):
    import sys
    import types

    shown = []
    ZMQInteractiveShell = type("ZMQInteractiveShell", (), {})
    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: ZMQInteractiveShell()
    display = types.ModuleType("IPython.display")
    display.display = lambda obj: shown.append(obj._repr_html_())
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", display)
    result = nnref.check(adam_without_bias_correction, "update_parameters_with_adam")
    assert len(shown) == 1 and "<table>" in shown[0] and "Adam without bias" in shown[0]
    assert capsys.readouterr().out == ""            # not printed as well
    assert result._repr_html_() is None             # the cell's value: the summary line only
