"""Reading submissions: .py bytes and Jupyter notebooks."""
from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nnref.grading.loading import SubmissionError, decode_python, load_submission


def test_utf8_with_and_without_bom():
    assert decode_python("x = 'é'\n".encode()) == ("x = 'é'\n", [])
    assert decode_python(b"\xef\xbb\xbfx = 1\n") == ("x = 1\n", [])


def test_a_declared_encoding_is_honoured():
    text, notes = decode_python("# -*- coding: latin-1 -*-\nx = 'é'\n".encode("latin-1"))
    assert text.endswith("x = 'é'\n") and notes == []


def test_invalid_utf8_is_replaced_and_reported_with_its_line():
    text, notes = decode_python(b"x = 1\n# caf\xe9\ny = 2\n")
    assert text == "x = 1\n# caf\ufffd\ny = 2\n"
    assert notes == ["the file is not valid UTF-8 (first bad byte 0xe9 on line 2); undecodable "
                     "bytes were replaced by U+FFFD. Save the file as UTF-8."]


def test_notebook_code_cells_in_order_with_ipython_lines_skipped(tmp_path):
    nb = new_notebook(cells=[
        new_markdown_cell("# title"),
        new_code_cell("import numpy as np\n%matplotlib inline\nfiles = !ls\n  # %not a magic"),
        new_code_cell("%%timeit\nx = 1"),
        new_code_cell("def f(x):\n    !echo hi\n    return x"),
    ])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, str(path))
    sub = load_submission(path)
    assert sub.kind == "ipynb"
    assert [s.label for s in sub.sources] == ["cell 1", "cell 3"]
    assert sub.sources[0].code == "import numpy as np\npass\npass\n  # %not a magic"
    assert sub.sources[1].code == "def f(x):\n    pass\n    return x"   # indentation kept
    assert sub.sources[1].filename == "<cell 3>"
    assert sub.notes == ["cell 1, line 2: skipped IPython line '%matplotlib inline'",
                         "cell 1, line 3: skipped IPython line 'files = !ls'",
                         "cell 2: skipped (cell magic %%timeit)",
                         "cell 3, line 2: skipped IPython line '!echo hi'"]


@pytest.mark.parametrize("name, content, message", [
    ("a.txt", b"x = 1", "must be a .py file or a .ipynb notebook"),
    ("a.ipynb", b"{not json", "not a readable Jupyter notebook"),
    ("a.ipynb", nbformat.writes(new_notebook(cells=[new_markdown_cell("hi")])).encode(),
     "the notebook has no code cells"),
])
def test_unreadable_submissions_raise_submission_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SubmissionError, match=message):
        load_submission(path)


def test_missing_file(tmp_path):
    with pytest.raises(SubmissionError, match="cannot read the submission"):
        load_submission(tmp_path / "nope.py")
