"""Read a submission: a ``.py`` file or a Jupyter notebook, as source text for the sandbox.

Nothing here executes the submission; the sandbox does (``child/runner.py``).

- ``.py``: the bytes are decoded as the file declares (PEP 263 coding line or BOM, UTF-8 by
  default). Bytes that are not valid in that encoding are replaced with U+FFFD and reported in
  a note, rather than failing the whole submission (they are almost always in a comment).
- ``.ipynb``: read as plain JSON (format 4, or 3), never validated; the code cells run in
  order. IPython-only lines (``%magic``, ``!shell``, ``x = !ls``) are replaced by ``pass`` and
  cells starting with ``%%`` are skipped, each with a note; ``get_ipython()`` and ``display()``
  exist in the sandbox and do nothing.
"""
from __future__ import annotations

import ast
import codecs
import io
import json
import os
import re
import tokenize
from dataclasses import dataclass, field

MAX_SOURCE_BYTES = 5_000_000     # more code is refused (a .py file, a notebook's code cells)
MAX_NOTEBOOK_BYTES = 10_000_000  # a notebook file, its outputs (pictures...) included
# %cmd, !cmd, x = !cmd, x = %cmd, after the indentation (matched without the indentation, and
# with one run of name characters before "=": linear in the line's length, never backtracking
# over it quadratically)
_MAGIC = re.compile(r"(?:[\w,()\[\]*.][\w\s,()\[\]*.]*=\s*)?[%!]")


class SubmissionError(ValueError):
    """The submission cannot be read (missing, too large, not a notebook...)."""


@dataclass(frozen=True)
class Source:
    label: str      # "submission.py" or "cell 3" (as people count cells, from 1)
    filename: str   # the name tracebacks show
    code: str


@dataclass
class Submission:
    path: str
    kind: str                          # "py" or "ipynb"
    sources: list[Source]
    notes: list[str] = field(default_factory=list)

    def defined_functions(self) -> list[str]:
        """Names of the functions the submission defines at top level (in order, once each),
        read from its source without running it; sources that do not parse are skipped."""
        names = []
        for source in self.sources:
            try:
                tree = ast.parse(source.code)
            except (SyntaxError, ValueError, MemoryError, RecursionError):
                continue
            names += [node.name for node in tree.body
                      if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
        return list(dict.fromkeys(names))


def load_submission(path: str | os.PathLike) -> Submission:
    """Read ``path`` (``.py`` or ``.ipynb``); raises :class:`SubmissionError`."""
    path = os.fspath(path)
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in (".py", ".ipynb"):
        raise SubmissionError(f"a submission must be a .py file or a .ipynb notebook. "
                              f"Received: {os.path.basename(path)!r}")
    cap = MAX_SOURCE_BYTES if suffix == ".py" else MAX_NOTEBOOK_BYTES
    try:
        with open(path, "rb") as f:
            data = f.read(cap + 1)
    except OSError as exc:
        raise SubmissionError(f"cannot read the submission: {exc.strerror or exc}") from None
    if len(data) > cap:
        raise SubmissionError(f"the submission is larger than {cap // 1_000_000} MB")
    if suffix == ".py":
        code, notes = decode_python(data)
        return Submission(path, "py", [Source("submission.py", "submission.py", code)], notes)
    return _load_notebook(path, data)


def decode_python(data: bytes) -> tuple[str, list[str]]:
    """Decode a Python file's bytes; returns ``(text, notes)``."""
    notes = []
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        # fails for a text transform (rot13), a codec that fails; kept for undecodable bytes
        replaced = data.decode(encoding, errors="replace")
    except (SyntaxError, LookupError, UnicodeError) as exc:  # an unusable coding declaration
        notes.append(f"the file's encoding declaration is not usable ({type(exc).__name__}: "
                     f"{str(exc)[:100]}); read as UTF-8")
        encoding, replaced = "utf-8", None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        text = replaced if replaced is not None else data.decode(encoding, errors="replace")
        notes.append(f"the file is not valid {encoding.upper()} (first bad byte "
                     f"{data[exc.start]:#04x} on line {line}); undecodable bytes were replaced "
                     "by U+FFFD. Save the file as UTF-8.")
    if text.startswith(codecs.BOM_UTF8.decode("utf-8")):
        text = text[1:]
    return text, notes


def _load_notebook(path: str, data: bytes) -> Submission:
    text = data.decode("utf-8", errors="replace")
    try:  # plain JSON, never validated: nbformat's validation of a 20 MB notebook of 6 million
        notebook = json.loads(text)  # empty outputs took 23 GB and 7 minutes
    except (ValueError, RecursionError) as exc:
        raise SubmissionError(f"not a readable Jupyter notebook: {type(exc).__name__}: "
                              f"{str(exc)[:200]}") from None
    sources, notes = [], []
    if "\ufffd" in text and b"\xef\xbf\xbd" not in data:
        notes.append("the notebook is not valid UTF-8; undecodable bytes were replaced by U+FFFD")
    for number, code in enumerate(_code_cells(notebook, notes), start=1):
        label = f"cell {number}"
        if code.lstrip().startswith("%%"):
            notes.append(f"{label}: skipped (cell magic {code.lstrip().split()[0]})")
            continue
        lines = code.split("\n")
        for i, line in enumerate(lines):
            statement = line.lstrip()
            if _MAGIC.match(statement):
                notes.append(f"{label}, line {i + 1}: skipped IPython line {line.strip()[:60]!r}")
                lines[i] = line[:len(line) - len(statement)] + "pass"
        sources.append(Source(label, f"<{label}>", "\n".join(lines)))
    if not sources:
        raise SubmissionError("the notebook has no code cells")
    if sum(len(source.code.encode("utf-8", "replace")) for source in sources) > MAX_SOURCE_BYTES:
        raise SubmissionError(f"the notebook's code cells hold more than "
                              f"{MAX_SOURCE_BYTES // 1_000_000} MB")
    return Submission(path, "ipynb", sources, notes)


def _code_cells(notebook, notes: list[str]) -> list[str]:
    """The code cells' sources in order, from a notebook's JSON (nbformat 4, or 3's
    worksheets); a source that is not text is an empty cell, with a note."""
    if not isinstance(notebook, dict):
        raise SubmissionError("not a Jupyter notebook: its JSON is not an object")
    major, cells, key = notebook.get("nbformat"), notebook.get("cells"), "source"
    if major == 3 and isinstance(notebook.get("worksheets"), list):
        cells, key = [c for w in notebook["worksheets"] if isinstance(w, dict)
                      and isinstance(w.get("cells"), list) for c in w["cells"]], "input"
    if major not in (3, 4) or not isinstance(cells, list):
        raise SubmissionError(f"not a Jupyter notebook of format 3 or 4 (nbformat "
                              f"{str(major)[:20]}, cells {type(cells).__name__})")
    found = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        code = cell.get(key, "")
        if isinstance(code, list) and all(isinstance(line, str) for line in code):
            code = "".join(code)
        if not isinstance(code, str):
            notes.append(f"cell {len(found) + 1}: its source is not text: skipped")
            code = ""
        found.append(code)
    return found
