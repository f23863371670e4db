"""``tools/mutate.py`` plants each bug by replacing one exact piece of nnref's source, and says so
only when it runs (minutes). A refactoring that rewrites that text leaves the mutant testing
nothing; this checks, in the suite, that every mutant still finds its text exactly once and
that the tests it runs exist."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    spec = importlib.util.spec_from_file_location("mutate_tool", ROOT / "tools" / "mutate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module                  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def test_every_mutant_still_finds_its_text_once_and_its_tests():
    tool = _tool()
    assert len({m.name for m in tool.MUTANTS}) == len(tool.MUTANTS) >= 60
    for m in tool.MUTANTS:
        tool.source(ROOT, m)                         # exits unless the text occurs exactly once
        assert m.new != m.old and m.tests, m.name
        for selection in m.tests:                    # a file, a folder or "file::test_name"
            path, _, name = selection.partition("::")
            assert (ROOT / path).exists(), f"{m.name}: no {path}"
            assert not name or f"def {name}(" in (ROOT / path).read_text(encoding="utf-8"), selection
