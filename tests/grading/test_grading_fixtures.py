"""Broken and hostile submissions: each gets its exact score and an actionable message.

The fixtures live in ``fixtures/<assignment>/``; each file's first lines say what is wrong with
it. Every folder is graded once, in folder mode with two workers (so these tests also cover
``grade_folder``), and each test then checks one fixture's report and its results.json.
"""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from grading_helpers import FIXTURES, TEST_LIMITS, TF_LIMITS
from nnref.grading import grade_folder

CANARY = "/nnref_grading_escape_canary.txt"  # write_outside.py tries to create it

# fixture -> (assignment, expected score, [(test name or "output", message substring), ...])
EXPECTED = {
    "syntax_error.py": ("c1w2_numpy_basics", 0, [("output", "SyntaxError: expected ':' (line 8)"),
                                                  ("L2", "not run: the submission could not be loaded")]),
    "missing_function.py": ("c1w2_numpy_basics", 85, [("softmax", "softmax is not defined")]),
    "wrong_shape.py": ("c1w2_numpy_basics", 90,
                       [("image2vector", "v: expected shape (18, 1), received shape (18,)"),
                        ("image2vector", "Hint: v = image.reshape(")]),
    # the course's tests do not check for changed inputs: a note, full marks
    "mutated_inputs.py": ("c1w2_numpy_basics", 100,
                          [("normalize_rows", "Note: it changed its input x (in place"),
                           ("normalize_rows", "Not counted against it")]),
    "hardcoded_example.py": ("c1w2_numpy_basics", 85,
                             [("L1", "PASS  course example"),
                              ("L1", "FAIL  random m=7: loss: expected "), ("L1", "received 1.1")]),
    "infinite_loop.py": ("c1w2_numpy_basics", 85,
                         [("softmax", "timed out: the call took more than 2 s"),
                          ("softmax", "not run: an earlier case of softmax timed out")]),
    "memory_bomb.py": ("c1w2_numpy_basics", 90,
                       [("image2vector", "MemoryError"),
                        ("image2vector", "the sandbox's memory limit is 1024 MiB")]),
    "exit_at_import.py": ("c1w2_numpy_basics", 0,
                          [("output", "the submission called sys.exit(3) while loading"),
                           ("sigmoid", "sigmoid is not defined")]),
    "os_exit_at_import.py": ("c1w2_numpy_basics", 0,
                             [("output", "Loading stopped: the process exited with status 0")]),
    "segfault.py": ("c1w2_numpy_basics", 85, [("normalize_rows", "SIGSEGV"),
                                              ("normalize_rows", "segmentation fault")]),
    "leftover_processes.py": ("c1w2_numpy_basics", 100, [("output", "PIDS ")]),
    "output_flood.py": ("c1w2_numpy_basics", 100,
                        [("output", "The submission printed 3.3 GB (shown: the first 3000 characters)")]),
    "raw_output_flood.py": ("c1w2_numpy_basics", 85,
                            [("L2", "File too large"),
                             ("L2", "the sandbox's file-size limit is 64 MiB")]),
    "import_nnref.py": ("c1w2_numpy_basics", 0,
                        [("output", "Blocked import: nnref"),
                         ("output", "import of 'nnref' is blocked while grading")]),
    "import_tf_parity.py": ("c1w2_numpy_basics", 100, [("output", "Blocked import: tf_parity")]),
    "write_outside.py": ("c1w2_numpy_basics", 100,
                         [("output", "BLOCKED ../escape.txt")]),
    "monkeypatch_numpy.py": ("c1w2_numpy_basics", 85,
                             [("L1", "loss: expected 1.1, received 0.22"),
                              ("normalize_rows", "Note: it changed its input x (in place")]),
    "non_utf8.py": ("c1w2_numpy_basics", 100, [("output", "the file is not valid UTF-8")]),
    "notebook_magics.ipynb": ("c1w2_numpy_basics", 100,
                              [("output", "cell 1, line 4: skipped IPython line '%matplotlib inline'"),
                               ("output", "skipped IPython line '!pip install --quiet numpy'"),
                               ("output", "cell 2: skipped (cell magic %%time)"),
                               ("output", "NameError: name 'undefined_name' is not defined"),
                               ("output", "sigmoid(t_x) = [0.73105858")]),
    "unsupported_return.py": ("c1w2_numpy_basics", 65,
                              [("sigmoid", "Result object, which cannot be graded"),
                               ("L2", "received a set object")]),
    "raises_exception.py": ("c1w2_numpy_basics", 85,
                            [("softmax", "raised an exception"),
                             ("softmax", 'File "submission.py", line 37, in softmax'),
                             ("softmax", "ValueError: operands could not be broadcast")]),
    "loop_at_import.py": ("c1w2_numpy_basics", 0,
                          [("output", "loading the submission took more than 2 s")]),
    "tamper_channel.py": ("c1w2_numpy_basics", 85,
                          [("L2", "the submission sent malformed data to the grader")]),
    "off_by_one.py": ("c1w4_deep_nn", 90,
                      [("initialize_parameters_deep", "the key 'W2' is missing")]),
    "sum_instead_of_mean.py": ("c1w4_deep_nn", 65,
                               [("linear_backward", "FAIL  course example: db: 3 of 3 values differ"),
                                ("linear_backward", "Hint: db = (1/m) Σ dZ over the examples"),
                                ("linear_activation_backward", "db: "),
                                ("L_model_backward", 'grads["db2"]')]),
    "wrong_seed.py": ("c1w4_deep_nn", 90,
                      [("initialize_parameters_deep", 'parameters["W1"]: 20 of 20 values differ'),
                       ("initialize_parameters_deep", "Hint: start with np.random.seed(3)")]),
    # the course's checks, each class of the grader's earlier disagreements with the course
    "b_is_an_int.py": ("c1w2_logistic_regression", 0,
                       [("initialize_with_zeros", "b: expected a Python float, received a Python "
                                                  "int (the course's test: \"Wrong type for b. "
                                                  "<class 'int'> != float\")")]),
    "writes_into_callers_dict.py": ("c1w3_planar", 10,
                                    [("update_parameters", 'changed its input parameters["W1"]'),
                                     ("update_parameters", "Not counted against it")]),
    "old_function_name.py": ("c1w2_numpy_basics", 15,
                             [("output", "normalize_rows is not defined; graded normalizeRows "
                                         "instead"),
                              ("softmax", "the submission defines Softmax instead")]),
    "numpy_instead_of_tensorflow.py": ("c2w3_tensorflow", 20,
                                       [("linear_function", "expected a TensorFlow EagerTensor, "
                                                            "received a numpy array"),
                                        ("linear_function", "Use the TensorFlow API"),
                                        ("sigmoid", "of dtype float32, received dtype float64"),
                                        ("one_hot_matrix", "PASS  label=2, C=3")]),
    "scipy_before_math.ipynb": ("c2w2_optimization", 15,
                                [("output", "scipy is not available while grading: the "
                                            "submission's import of it got an inert stand-in"),
                                 ("random_mini_batches", "PASS  m=10, mini_batch_size=4")]),
    "adam_epsilon_inside_sqrt.py": ("c2w2_optimization", 80,
                                    [("update_parameters_with_adam", "PASS  course example"),
                                     ("update_parameters_with_adam", "ε outside the square root")]),
}


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """Every fixture folder graded with two workers: {file name: (report, results.json)}."""
    out = {}
    for assignment in sorted(os.listdir(FIXTURES)):
        output_dir = tmp_path_factory.mktemp(assignment)
        limits = TF_LIMITS if assignment == "c2w3_tensorflow" else TEST_LIMITS
        reports = grade_folder(os.path.join(FIXTURES, assignment), assignment, output_dir,
                               workers=2, limits=limits, progress=False)
        for report in reports:
            out[report.submission] = (report, output_dir / f"{report.submission}.results.json")
    return out


def test_the_fixture_set_is_complete():
    found = {name for folder in os.listdir(FIXTURES)
             for name in os.listdir(os.path.join(FIXTURES, folder))}
    assert found == set(EXPECTED)
    assert len(EXPECTED) >= 20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_score_and_message(graded, name):
    assignment, score, messages = EXPECTED[name]
    report, results_path = graded[name]
    assert report.assignment == assignment
    assert report.error is None
    by_name = {t.name: t.output for t in report.tests}
    for where, text in messages:
        haystack = report.output if where == "output" else by_name[where]
        assert text in haystack, f"{text!r} not in {where}:\n{haystack}"
    assert report.score == score, report.output + "\n" + "\n".join(by_name.values())
    # the results.json Gradescope reads says the same
    results = json.loads(results_path.read_text(encoding="utf-8"))
    assert results["score"] == score
    assert results["max_score"] == report.max_score
    assert [t["name"] for t in results["tests"]] == list(by_name)
    for test in results["tests"]:
        assert test["status"] == ("passed" if test["score"] == test["max_score"] else "failed")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rsplit(b")", 1)[-1].split()[0]
    except FileNotFoundError:
        return False
    return state not in (b"Z", b"X")  # a zombie has ended; only its exit status is left


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to look up processes")
def test_processes_left_running_are_all_ended(graded):
    report, _ = graded["leftover_processes.py"]
    pids = [int(p) for line in report.output.splitlines() if line.strip().startswith("PIDS ")
            for p in line.split()[1:]]
    assert len(pids) == 9  # three cases, each a subprocess, a fork and a setsid fork
    marked = []  # the ids above are the sandbox's own: look for the marker on the host
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if b"nnref-leftover-fixture" in f.read() and _alive(int(entry)):
                    marked.append(int(entry))
        except (OSError, ValueError):
            pass
    assert marked == []


def test_writes_outside_the_sandbox_do_not_land(graded):
    report, _ = graded["write_outside.py"]
    assert not os.path.exists(CANARY)
    # the sandbox's file system is read-only outside its own /tmp: both writes were refused
    assert "BLOCKED /nnref_grading_escape_canary.txt" in report.output


def test_monkeypatching_numpy_in_the_sandbox_leaves_the_grader_alone(graded):
    report, _ = graded["monkeypatch_numpy.py"]
    assert report.score == 85
    assert np.allclose(1.0, 2.0) is False
    assert not np.isclose(np.array([1.0]), np.array([2.0]))[0]
    assert np.array_equal(np.zeros(2), np.ones(2)) is False
