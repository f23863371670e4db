"""Hostile submissions, part 1: the answer key, escapes, other students, helpers, grader code.

Each test is an attack a student wanting a better score would try; the sandbox must stop the
whole class (see docs/grading.md for the threat model). Parts 2 and 3: the grader's trust in
the child's messages and the leftovers (test_grading_hostile_limits.py), folder mode
(test_grading_hostile_folder.py).
"""
from __future__ import annotations

import importlib.util
import os
import sys
import threading
import time

import pytest

from hostile_helpers import (SURVIVOR, TEST_LIMITS, host_processes_with, kill_processes_with,
                             leak_submission, new_token, output_of, require_bwrap, score_of,
                             solution_source, write)
from nnref.grading import Limits, grade

pytestmark = pytest.mark.usefixtures("bwrap")


@pytest.fixture
def bwrap():
    require_bwrap()


def _grader_package_paths() -> list[str]:
    """Where nnref and tf_parity live on this machine (what a student could search for)."""
    paths = [os.path.dirname(os.path.dirname(importlib.util.find_spec("nnref").origin))]
    for name in ("tf_parity", "nnref"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            paths.append(os.path.dirname(spec.origin))
    paths += [p for p in sys.path if p and os.path.isdir(p)]
    return sorted(set(paths))


# --- 1. the answer key ---------------------------------------------------------------------

def test_removing_the_import_guard_does_not_reach_the_answer_key(tmp_path):
    attack = f'''
import sys
sys.meta_path[:] = [f for f in sys.meta_path
                    if type(f).__module__ in ("_frozen_importlib", "_frozen_importlib_external")]
for finder in sys.meta_path:
    getattr(finder, "blocked", set()).clear()
sys.path[:0] = {_grader_package_paths()!r}
sys.path_importer_cache.clear()
try:
    import nnref.course.c1w2_numpy_basics as _key
    LEAK = True
except BaseException:
    LEAK = False
'''
    report = grade(write(tmp_path, leak_submission(attack)), "c1w2_numpy_basics", TEST_LIMITS)
    assert report.error is None
    assert report.score == 0, report.output


def test_the_answer_key_source_is_not_on_the_sandbox_disk(tmp_path):
    attack = f'''
import os, sys
def _looks(root):
    for name in ("nnref", "tf_parity"):
        if os.path.exists(os.path.join(root, name)):
            return True
    return os.path.basename(root) in ("nnref", "tf_parity") and os.path.isdir(root)
LEAK = any(_looks(p) for p in {_grader_package_paths()!r} + sys.path + [os.getcwd(), "/"])
import time
_end = time.time() + 20
for _root, _dirs, _files in os.walk("/", onerror=None):
    if time.time() > _end:
        break
    if _root.startswith(("/proc", "/sys", "/dev")):
        _dirs[:] = []
        continue
    if any(f in ("c1w2_numpy_basics.py", "tf_parity.py") for f in _files) or "tf_parity" in _dirs:
        LEAK = True
        break
'''
    limits = Limits(timeout=60, call_timeout=40, memory_mb=1024)  # a walk of the visible disk
    report = grade(write(tmp_path, leak_submission(attack)), "c1w2_numpy_basics", limits)
    assert report.error is None
    assert report.score == 0, report.output


# --- 2. escape: a survivor that tampers with the next process's plan -----------------------

def test_a_setsid_survivor_with_a_wiped_environment_neither_outlives_nor_tampers(tmp_path):
    token = new_token()
    host_file = f"/tmp/{token}.alive"
    survivor_code = f'''
import glob, json, os, time
SOLUTION = {solution_source()!r}
end = time.time() + 25
while time.time() < end:
    open({host_file!r}, "w").write(str(time.time()))  # {token}
    for pid in os.listdir("/proc"):
        try:
            argv = open(f"/proc/{{pid}}/cmdline", "rb").read().decode().split("\\0")
        except OSError:
            continue
        for arg in argv:
            if arg.endswith("runner.py"):
                private = os.path.dirname(os.path.dirname(arg))
                for plan in glob.glob(private + "/work-*/plan.json"):
                    try:
                        data = json.load(open(plan))
                        if "{token}" not in data["sources"][0]["code"]:
                            data["sources"][0]["code"] = SOLUTION + "# {token}"
                            data["drop_to"] = None
                            json.dump(data, open(plan, "w"))
                    except Exception:
                        pass
    time.sleep(0.001)
'''
    text = (SURVIVOR + f"survive({survivor_code!r})\n"
            "import numpy as np\n"
            "def basic_sigmoid(x):\n    import os\n    os._exit(3)  # a crash: a fresh process\n"
            + "".join(f"def {name}(*args):\n    return 0\n" for name in
                      ("sigmoid", "sigmoid_derivative", "image2vector", "normalize_rows",
                       "softmax", "L1", "L2")))
    try:
        report = grade(write(tmp_path, text), "c1w2_numpy_basics", TEST_LIMITS)
        time.sleep(1.0)  # time for a survivor to act after the grading
        survivors = host_processes_with(token)
        assert report.error is None
        assert report.score == 0, report.output  # the plan of the second process was its own
        assert survivors == []
        assert not os.path.exists(host_file)
    finally:
        kill_processes_with(token)
        if os.path.exists(host_file):
            os.remove(host_file)


# --- 3. other students graded at the same time ---------------------------------------------

def test_a_submission_cannot_see_kill_or_starve_a_concurrently_graded_one(tmp_path):
    token = new_token()
    victim = (f'''
import ctypes, time
ctypes.CDLL(None).prctl(15, b"{token[-15:]}", 0, 0, 0)  # PR_SET_NAME: a name to find it by
time.sleep(6)
''' + solution_source())
    attack = f'''
import os, signal, time
for _ in range(400):  # use up the processes a shared user would have: the victim's watchdog
    try:              # thread could not start
        if os.fork() == 0:
            time.sleep(12)
            os._exit(0)
    except OSError:
        break
end = time.time() + 8
while time.time() < end and not LEAK:
    for pid in os.listdir("/proc"):
        try:
            if open(f"/proc/{{pid}}/comm").read().strip() == "{token[-15:]}":
                LEAK = True
                os.kill(int(pid), signal.SIGKILL)
        except (OSError, ValueError):
            pass
    time.sleep(0.05)
'''
    limits = Limits(timeout=40, call_timeout=15, memory_mb=1024)
    reports = {}

    def run(name, text):
        reports[name] = grade(write(tmp_path, text, f"{name}.py"), "c1w2_numpy_basics", limits)

    threads = [threading.Thread(target=run, args=("victim", victim)),
               threading.Thread(target=run, args=("attacker", leak_submission(attack)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert reports["victim"].score == 100, reports["victim"].output
    assert reports["attacker"].score == 0, reports["attacker"].output


# --- 4. other assignments' course helpers --------------------------------------------------

def test_another_assignments_helper_module_gives_no_solutions(tmp_path):
    text = "import numpy as np\nfrom dnn_app_utils_v3 import *\n"
    report = grade(write(tmp_path, text), "c1w4_deep_nn", TEST_LIMITS)
    assert report.error is None
    assert report.score == 0, report.output


def test_another_assignments_helper_function_scores_nothing(tmp_path):
    text = (solution_source() + "\nfrom planar_utils import sigmoid\n"
            "from reg_utils import sigmoid as _s\n")
    report = grade(write(tmp_path, text), "c1w2_numpy_basics", TEST_LIMITS)
    assert score_of(report, "sigmoid") == 0, output_of(report, "sigmoid")


def test_helper_solutions_cannot_be_read_from_the_sandbox_files(tmp_path):
    text = '''
import os, sys
_ns = {}
_dirs = {os.path.dirname(getattr(m, "__file__", None) or "/")
         for m in list(sys.modules.values())} | {os.path.dirname(os.path.abspath(sys.argv[0]))}
for _d in _dirs:
    try:
        _names = os.listdir(_d)
    except OSError:
        continue
    for _n in _names:
        try:
            _text = open(os.path.join(_d, _n)).read()
        except (OSError, UnicodeDecodeError):
            continue
        if "def L_model_backward" in _text and "def linear_activation_backward" in _text:
            try:
                exec(compile(_text, _n, "exec"), _ns)
            except BaseException:
                pass
for _name in ("linear_forward", "linear_activation_forward", "L_model_forward", "compute_cost",
              "linear_backward", "linear_activation_backward", "L_model_backward",
              "update_parameters", "initialize_parameters", "initialize_parameters_deep"):
    if _name in _ns:
        globals()[_name] = _ns[_name]
'''
    report = grade(write(tmp_path, text), "c1w4_deep_nn", TEST_LIMITS)
    assert report.error is None
    for function in ("linear_forward", "L_model_forward", "linear_backward", "compute_cost"):
        assert score_of(report, function) == 0, output_of(report, function)


# --- 5. the grader's own modules inside the sandbox ----------------------------------------

def test_patching_the_grader_modules_does_not_hide_an_in_place_change(tmp_path):
    text = solution_source().replace("    x = x / x_norm\n", "    x /= x_norm\n") + '''
import sys
import numpy
for _module in list(sys.modules.values()):
    if hasattr(_module, "changed_paths"):
        _module.changed_paths = lambda *args, **kwargs: []
    if hasattr(_module, "_array_equal"):
        _module._array_equal = lambda *args, **kwargs: True
numpy.array_equal = lambda *args, **kwargs: True
'''
    assert "x /= x_norm" in text
    report = grade(write(tmp_path, text), "c1w2_numpy_basics", TEST_LIMITS)
    assert report.error is None
    # The course's tests do not fail an in-place change, so neither does the grader; but it
    # still sees and reports it: the patched modules in the sandbox do not hide it.
    assert "Note: it changed its input x (in place" in output_of(report, "normalize_rows")
    assert report.score == 100
