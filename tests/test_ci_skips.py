"""The conftest's net under every skip: in CI a run that skips any test fails, and says how many.

Each case runs pytest in a subprocess on a throw-away folder holding a copy of this conftest and
one test module, so the hook is exercised exactly as the README's test command exercises it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CONFTEST = Path(__file__).with_name("conftest.py")

SKIPS = {
    "a skip inside a test": "def test_a():\n    pytest.skip('no reason')\n",
    "a module-level importorskip": "pytest.importorskip('no_such_module_anywhere')\n\ndef test_a():\n    pass\n",
    "a skip mark": "@pytest.mark.skip(reason='later')\ndef test_a():\n    pass\n",
}
SKIP_OR_FAIL = "from conftest import skip_or_fail\n\ndef test_a():\n    skip_or_fail('no data')\n"


def run_pytest(folder: Path, body: str, ci: str, tmp_path: Path):
    shutil.copy(CONFTEST, folder / "conftest.py")
    (folder / "test_case.py").write_text("import pytest\n\n" + body + "\n\ndef test_b():\n    pass\n")
    count_file = tmp_path / "skip-count"
    env = {**os.environ, "CI": ci, "NNREF_SKIP_COUNT_FILE": str(count_file)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    return done, count_file.read_text().strip()


@pytest.mark.parametrize("body", SKIPS.values(), ids=SKIPS.keys())
def test_a_skip_fails_the_run_in_ci_and_is_counted(body, tmp_path):
    folder = tmp_path / "suite"
    folder.mkdir()
    done, count = run_pytest(folder, body, "true", tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "skipped tests: 1 (CI requires 0" in done.stdout
    assert count == "1"


def test_skip_or_fail_is_a_failure_in_ci_and_a_counted_skip_outside(tmp_path):
    folder = tmp_path / "suite"
    folder.mkdir()
    done, count = run_pytest(folder, SKIP_OR_FAIL, "true", tmp_path)
    assert done.returncode == 1 and count == "0"
    assert "in CI this must run, not skip: no data" in done.stdout
    done, count = run_pytest(folder, SKIP_OR_FAIL, "", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "skipped tests: 1" in done.stdout and count == "1"


def test_no_skip_in_ci_passes_with_count_zero(tmp_path):
    folder = tmp_path / "suite"
    folder.mkdir()
    done, count = run_pytest(folder, "def test_a():\n    assert 1 + 1 == 2\n", "true", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "skipped tests: 0" in done.stdout and count == "0"
