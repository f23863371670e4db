"""The README's commands and examples run as printed.

Every ```python block runs: the blocks without a ``__main__`` guard in order in one namespace (a
reader pasting them into one session; the tour's gradient check must pass), each guarded block
as a script in a fresh process (its worker processes import it). Every command of a ```bash block
is either run here or listed in ``NOT_RUN`` with the reason, so a new command cannot slip in
untested without a decision.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
GUARD = 'if __name__ == "__main__":'

# bash commands run by a test below (cheap, no data written outside tmp_path)
RUN = {"nnref grade --list"}
# bash commands not run, each with the reason
NOT_RUN = {
    'python -m pip install ".[cli]" && nnref train':
        "installs the package; CI's .ci/run installs it, and nnref train signs is below",
    'python -m pip install -e ".[all]" && python -m pytest': "this very test suite (.ci/run runs it)",
    "nnref train signs": "100 epochs on SIGNS; tests/training/test_train_cli.py runs it with "
                         "fewer epochs",
    "nnref train signs --epochs 1500 --batchnorm --dropout 0.1 --l2 0.5 --shuffle "
    "--dtype float32": "1500 epochs; tests/training/test_train_cli.py runs these options",
    "nnref train catvnoncat": "2500 epochs (about a minute); tests/training/test_train_cli.py "
                              "runs the command on a folder without the files",
    "nnref tune signs --trials 20 --workers 2 --epochs 25 [--backend ray] "
    "[--search coarse-to-fine]": "20 SIGNS trials (minutes); tests/test_tuning_signs.py runs it "
                                 "with few trials and epochs",
    "nnref grade hw.ipynb --assignment c1w4_deep_nn --results results.json":
        "names a student's file; tests/grading grades the course's notebooks",
    "nnref grade submissions/ --assignment c1w4_deep_nn --workers 2 --output-dir graded/":
        "names a folder of submissions; tests/grading covers folder mode",
    "nnref check my_notebook.ipynb": "names a student's notebook; tests/test_check.py checks a "
                                     "file through the sandbox",
}


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, re.S)


def bash_commands() -> list[str]:
    """Each command of the README's bash blocks, comments stripped, continuation lines joined."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", README, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            command = " ".join(line.split("#", 1)[0].split())
            if command:
                commands.append(command)
    return commands


def run_nnref(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "nnref", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    command = 'python -m pip install -e ".[all]" && python -m pytest'
    assert f"```bash\n{command}\n```" in README
    assert f"\n{command}\n" in ci


def test_readme_main_command_names_a_real_subcommand():
    from nnref.cli import build_parser

    assert 'python -m pip install ".[cli]" && nnref train' in README
    build_parser().parse_args(["train"])


def test_every_bash_command_is_run_or_excused():
    commands = bash_commands()
    assert set(commands) == RUN | set(NOT_RUN), "a README command is neither run nor excused"


def test_every_nnref_command_parses():
    from nnref.cli import build_parser

    for command in bash_commands():
        command = command.split("&& ")[-1]
        if command.startswith("nnref "):
            args = re.sub(r"\[([^]]*)\]", "", command).split()[1:]       # drop [optional] parts
            build_parser().parse_args(args)                                 # exits 2 if not


@pytest.mark.parametrize("command", sorted(RUN))
def test_cheap_bash_command_runs(command, tmp_path):
    done = run_nnref(command.split()[1:], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()


def test_readme_python_blocks_run_in_order(signs, tmp_path, monkeypatch, capsys):
    blocks = [b for b in python_blocks() if GUARD not in b]
    assert "## A short tour" in README and blocks[0] in README[README.index("## A short tour"):]
    monkeypatch.chdir(tmp_path)
    namespace = {}
    for i, code in enumerate(blocks):
        exec(compile(code, f"README.md (python block {i})", "exec"), namespace)
    assert (tmp_path / "signs.weights.h5").exists()
    out = capsys.readouterr().out.splitlines()
    checks = [line.split() for line in out if "/" in line or "direction" in line]
    checks = [c for c in checks if len(c) == 2]
    assert checks and all(float(value) < 1e-7 for _, value in checks)     # as the tour says
    assert namespace["opt"].iterations == 1                               # as the comment says
    assert "{'W1': (4, 5), 'b1': (4, 1), 'W2': (3, 4), 'b2': (3, 1)}" in out


def test_readme_script_blocks_run_as_scripts(tmp_path):
    scripts = [b for b in python_blocks() if GUARD in b]
    assert scripts, "the tuning example is a guarded script"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    for i, code in enumerate(scripts):
        path = tmp_path / f"readme_script_{i}.py"
        path.write_text(code)
        done = subprocess.run([sys.executable, str(path)], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        assert "learning_rate" in done.stdout                 # the best config was printed
    assert (tmp_path / "search.jsonl").exists() and (tmp_path / "trials.csv").exists()
