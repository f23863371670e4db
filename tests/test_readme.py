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
