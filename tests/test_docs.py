"""The documents generated from the code's records are what the code prints, the stored parity
records are the checks the harness declares, every link resolves, and nothing points outside the
repository. None of this needs TensorFlow: the records were measured once with
``nnref parity --dtype all --json docs/parity-records.json`` (see tf_parity.markdown)."""
import json
import re
from pathlib import Path

import pytest

from tf_parity import markdown
from tf_parity.checks import planned, tolerance

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
REMEASURE = ("re-measure and regenerate: nnref parity --dtype all --json "
             f"{markdown.RECORDS_FILE} && {markdown.COMMAND}")


def stored_runs() -> list[dict]:
    return markdown.runs_of(json.loads((ROOT / markdown.RECORDS_FILE).read_text()))


def test_parity_doc_is_what_the_generator_prints():
    document = json.loads((ROOT / markdown.RECORDS_FILE).read_text())
    assert (DOCS / "parity.md").read_text() == markdown.parity_markdown(document), REMEASURE


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_stored_records_are_the_declared_checks_and_all_passed(dtype):
    run = {r["dtype"]: r for r in stored_runs()}[dtype]
    stored = [(r["name"], r["quantity"], r["tolerance"]) for r in run["records"]]
    declared = [(name, quantity, tolerance(kind, dtype)) for name, quantity, kind in planned()]
    assert stored == declared, REMEASURE
    assert all(r["passed"] and r["max_rel_err"] <= r["tolerance"] for r in run["records"])
    assert not run["errors"]


def test_keras_differences_map_is_what_the_generator_prints():
    text = (DOCS / "keras-differences.md").read_text()
    block = re.search(r"<!-- begin generated:[^\n]*-->\n(.*?)<!-- end generated -->", text, re.S)
    assert block, "docs/keras-differences.md lost its generated block"
    assert block.group(1) == markdown.conventions_markdown(), (
        "regenerate the block with: python -m tf_parity.markdown --conventions")


def test_generator_refuses_both_or_neither_input(capsys):
    for argv in ([], [markdown.RECORDS_FILE, "--conventions"]):
        with pytest.raises(SystemExit) as exc:
            markdown.main(argv)
        assert exc.value.code == 2
    assert "give either a records file or --conventions" in capsys.readouterr().err


def test_a_failed_record_is_shown_as_failed():
    run = stored_runs()[0]
    broken = dict(run, records=[dict(run["records"][0], passed=False)])
    text = markdown.parity_markdown(broken)
    assert "1 FAILED" in text and "**FAIL**" in text


def markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def test_every_relative_link_resolves():
    missing = []
    for path in markdown_files():
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text()):
            if re.match(r"[a-z]+:", target):
                continue                                       # an external address
            resolved = (path.parent / target).resolve()
            if not resolved.exists():
                missing.append(f"{path.relative_to(ROOT)} -> {target}")
    assert not missing


OUTSIDE = re.compile(r"KERAS_FACTS|\bDESIGN\.md|\bSTYLE\.md|(?i:\bthe issue'?s?\b)")
EXEMPT = {"test_docs.py", "facts-audit.md"}        # they name the patterns in order to list them


def test_nothing_points_outside_the_repository():
    """Facts are cited from files in the repository, not from notes or trackers outside it."""
    hits = []
    for path in sorted(ROOT.rglob("*")):
        parts = path.relative_to(ROOT).parts
        if path.suffix not in {".py", ".md", ".toml"} or parts[0].startswith(".") or not path.is_file():
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if OUTSIDE.search(line) and path.name not in EXEMPT:
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not hits


def test_speed_figures_are_the_stored_run():
    """The headline ratios of docs/speed.md and the README are the stored benchmark run's
    (``docs/speed-results.json``, written by ``python benchmarks/run.py``)."""
    run = json.loads((DOCS / "speed-results.json").read_text())
    speed, readme = (DOCS / "speed.md").read_text(), (ROOT / "README.md").read_text()
    ratio = {(t, dtype): run["training"][t]["ratios"][f"nnref_{dtype}_over_gemm_plus_sqrt"]
             for t in ("1", "2") for dtype in ("float32", "float64")}
    for dtype in ("float32", "float64"):
        row = next(line for line in speed.splitlines()
                   if line.startswith(f"| **nnref {dtype} / (GEMM + √)**"))
        assert [f"{ratio[t, dtype]:.2f}×" for t in ("1", "2")] == re.findall(r"(\d\.\d\d×)", row)
    assert (f"{ratio['1', 'float32']:.2f}× the floor of matrix\nproducts plus one square root at 1 "
            f"thread and {ratio['2', 'float32']:.2f}× at 2") in readme
    keras = [f"**{run['training'][t]['ratios']['keras_over_nnref_float32']:.2f}×**" for t in ("1", "2")]
    assert f"| **Keras fit / nnref float32** (target > 1) | {keras[0]} | {keras[1]} |" in speed
    ms = {t: run["training"][t]["epoch_ms"] for t in ("1", "2")}
    fused, numpy_, keras_fit = (f"{ms['1'][k]['median_ms']:.1f}" for k in (
        "nnref_float32_plain", "nnref_float32_plain_numpy", "keras_float32_plain"))
    assert f"epoch takes {fused} ms fused, {numpy_} ms with NumPy and {keras_fit} ms in" in readme
