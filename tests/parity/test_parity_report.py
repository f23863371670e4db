"""tf_parity.report, records and the `nnref parity` command."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from conftest import require_module

from tf_parity import report
from tf_parity.checks import planned
from tf_parity.checks.records import Record, compare, errors, tolerance


def test_errors_are_per_array_and_relative_to_the_reference():
    big, small = np.array([100.0, -200.0]), np.array([1e-3, 2e-3])
    abs_err, rel_err = errors([big + 1e-9, small + 1e-9], [big, small])
    # 100 + 1e-9 rounds to 100's ulp (1.4e-14): the 1e-9 comes back 3.6e-15 off, 3.6e-6 relative
    assert abs_err == pytest.approx(1e-9, rel=1e-5, abs=0)
    assert rel_err == pytest.approx(1e-9 / 2e-3, rel=1e-6, abs=0)    # the small array decides


def test_errors_of_nan_and_of_a_zero_reference():
    assert all(math.isnan(e) for e in errors(np.array([np.nan]), np.array([1.0])))
    assert errors(np.zeros(3), np.zeros(3)) == (0.0, 0.0)
    assert errors(np.ones(3), np.zeros(3)) == (1.0, math.inf)
    with pytest.raises(ValueError, match="shape"):
        errors(np.ones(3), np.ones(4))


def test_compare_passes_at_the_tolerance_and_fails_above():
    assert compare("c", "q", 1.0 + 2.0 ** -40, 1.0, 2.0 ** -40, "float64").passed
    assert not compare("c", "q", 1.0 + 2.0 ** -39, 1.0, 2.0 ** -40, "float64").passed
    assert not compare("c", "q", np.nan, 1.0, 1e-12, "float64").passed


def test_tolerances_are_the_issue_bounds():
    assert tolerance("step", "float64") == 1e-12
    assert tolerance("trajectory", "float64") == 1e-10
    assert tolerance("step", "float32") == 1e-5
    with pytest.raises(ValueError, match="kind must be one of"):
        tolerance("loose", "float64")


def test_every_planned_kind_has_a_tolerance_in_both_dtypes():
    for _, _, kind in planned():
        assert tolerance(kind, "float64") <= tolerance(kind, "float32") or kind == "float32 ulp"


def test_table_has_one_row_per_record():
    records = [Record("a/b", "loss", 1e-16, 2e-16, 1e-12, "float64", True),
               Record("a/c", "weights", math.nan, math.nan, 1e-12, "float64", False)]
    lines = report.format_table(records).splitlines()
    assert lines[0].split()[:2] == ["check", "quantity"]
    assert len(lines) == 2 + len(records)
    assert lines[2].endswith("pass") and lines[3].endswith("FAIL") and "nan" in lines[3]


def test_conventions_have_one_line_each():
    lines = report.format_conventions().splitlines()
    assert len(lines) == len(report.CONVENTIONS)
    assert any(line.startswith("Adam ") and "CourseAdam" in line for line in lines)


def test_record_json_turns_nan_into_null():
    record = Record("a", "q", math.nan, math.inf, 1e-12, "float64", False)
    assert json.loads(json.dumps(record.as_dict()))["max_abs_err"] is None


def test_write_json_replaces_the_file_whole(tmp_path):
    path = tmp_path / "parity.json"
    path.write_text("old")
    report.write_json({"passed": True}, path)
    assert json.loads(path.read_text()) == {"passed": True}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parity.json"]


# ---------------------------------------------------------------------------- the command
@pytest.fixture
def parser():
    import argparse

    from tf_parity import cli

    p = argparse.ArgumentParser()
    cli.configure(p)
    return p


def test_cli_defaults(parser):
    args = parser.parse_args([])
    assert (args.dtype, args.json, args.only, args.threads) == ("float64", None, None, 1)
    with pytest.raises(SystemExit):
        parser.parse_args(["--dtype", "float16"])


@pytest.mark.tf
@pytest.mark.data
def test_cli_runs_selected_checks_and_writes_json(parser, signs, tmp_path, capsys):
    require_module("tensorflow")
    from tf_parity import cli

    out = tmp_path / "parity.json"
    status = cli.run(parser.parse_args(["--only", "l2/", "--json", str(out)]))
    printed = capsys.readouterr().out
    assert status == 0
    assert "TensorFlow" in printed and "l2/convention=keras" in printed
    document = json.loads(out.read_text())
    assert document["dtype"] == "float64" and document["passed"] is True
    assert {r["name"] for r in document["records"]} == {
        "l2/convention=keras vs L2(λ/(2m))", "l2/convention=course vs L2(λ/(2m))"}
    assert set(document["versions"]) >= {"tensorflow", "keras"}


@pytest.mark.tf
def test_cli_exit_status_2_without_data(parser, tmp_path, monkeypatch, capsys):
    require_module("tensorflow")
    from tf_parity import cli

    monkeypatch.setenv("NNREF_DATA", str(tmp_path))      # an empty folder everywhere it looks
    monkeypatch.chdir(tmp_path)
    assert cli.run(parser.parse_args([])) == 2
    assert "SIGNS" in capsys.readouterr().err


@pytest.mark.tf
@pytest.mark.data
def test_cli_exit_status_2_when_nothing_matches(parser, signs):
    require_module("tensorflow")
    from tf_parity import cli

    assert cli.run(parser.parse_args(["--only", "no such check"])) == 2
