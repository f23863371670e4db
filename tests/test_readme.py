"""The README's test command is the one CI runs, verbatim."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = 'python -m pip install -e ".[all]" && python -m pytest'
    assert f"```bash\n{command}\n```" in readme
    assert f"\n{command}\n" in ci


def test_readme_main_command_names_a_real_subcommand():
    from nnref.cli import build_parser

    readme = (ROOT / "README.md").read_text()
    assert 'python -m pip install ".[cli]" && nnref train' in readme
    build_parser().parse_args(["train"])


def test_readme_tour_runs_and_its_gradient_check_passes(signs, tmp_path, monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text()
    start = readme.index("```python", readme.index("## A short tour")) + len("```python")
    code = readme[start:readme.index("```", start)]
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(code, "README.md (tour)", "exec"), namespace)
    assert (tmp_path / "signs.weights.h5").exists()
    checks = [line.split() for line in capsys.readouterr().out.splitlines() if "/" in line or "direction" in line]
    assert checks and all(float(value) < 1e-7 for _, value in checks)     # as the tour says
