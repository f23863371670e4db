"""The `nnref` command: help, info, and an unknown subcommand."""
import pytest

from nnref.cli import build_parser, main


def test_info_reports_versions_and_data(signs, capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "numpy" in out and "train_signs.h5" in out


def test_no_subcommand_prints_help(capsys):
    assert main([]) == 2
    assert "train" in capsys.readouterr().out


def test_unknown_subcommand_is_an_error():
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["bogus"])
    assert exc.value.code == 2
