"""Read a submission: a ``.py`` file or a Jupyter notebook, as source text for the sandbox.

Nothing here executes the submission; the sandbox does (``child/runner.py``).

- ``.py``: the bytes are decoded as the file declares (PEP 263 coding line or BOM, UTF-8 by
  default). Bytes that are not valid in that encoding are replaced with U+FFFD and reported in
  a note, rather than failing the whole submission (they are almost always in a comment).
- ``.ipynb``: read with ``nbformat``; the code cells run in order. IPython-only lines (``%magic``,
  ``!shell``, ``x = !ls``) are replaced by ``pass`` and cells starting with ``%%`` are skipped,
  each with a note; ``get_ipython()`` and ``display()`` exist in the sandbox and do nothing.
"""
from __future__ import annotations

import codecs
import io
import os
import re
import tokenize
from dataclasses import dataclass, field

MAX_SOURCE_BYTES = 5_000_000     # more code is refused (a .py file, a notebook's code cells)
MAX_NOTEBOOK_BYTES = 50_000_000  # a notebook file, its outputs (pictures...) included
_MAGIC = re.compile(r"^(\s*)(?:[\w\s,()\[\]*.]+=\s*)?[%!]")  # %cmd, !cmd, x = !cmd, x = %cmd


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
        data.decode(encoding, errors="replace")  # a text transform (rot13), a codec that fails
    except (SyntaxError, LookupError, UnicodeError) as exc:  # an unusable coding declaration
        notes.append(f"the file's encoding declaration is not usable ({type(exc).__name__}: "
                     f"{str(exc)[:100]}); read as UTF-8")
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        text = data.decode(encoding, errors="replace")
        notes.append(f"the file is not valid {encoding.upper()} (first bad byte "
                     f"{data[exc.start]:#04x} on line {line}); undecodable bytes were replaced "
                     "by U+FFFD. Save the file as UTF-8.")
    if text.startswith(codecs.BOM_UTF8.decode("utf-8")):
        text = text[1:]
    return text, notes


def _load_notebook(path: str, data: bytes) -> Submission:
    try:
        import nbformat
    except ImportError:  # pragma: no cover - nbformat is part of the [cli] extra
        raise SubmissionError("reading notebooks needs nbformat (pip install nbformat)") from None
    try:
        notebook = nbformat.reads(data.decode("utf-8", errors="replace"), as_version=4)
    except Exception as exc:  # nbformat raises JSON, validation and version errors
        raise SubmissionError(f"not a readable Jupyter notebook: {type(exc).__name__}: "
                              f"{str(exc)[:200]}") from None
    sources, notes = [], []
    if "\ufffd" in data.decode("utf-8", errors="replace") and b"\xef\xbf\xbd" not in data:
        notes.append("the notebook is not valid UTF-8; undecodable bytes were replaced by U+FFFD")
    number = 0
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        number += 1
        label = f"cell {number}"
        code = cell.get("source", "")
        if isinstance(code, list):
            code = "".join(code)
        if code.lstrip().startswith("%%"):
            notes.append(f"{label}: skipped (cell magic {code.lstrip().split()[0]})")
            continue
        lines = code.split("\n")
        for i, line in enumerate(lines):
            match = _MAGIC.match(line)
            if match and not line.lstrip().startswith(("#",)):
                notes.append(f"{label}, line {i + 1}: skipped IPython line {line.strip()[:60]!r}")
                lines[i] = f"{match.group(1)}pass"
        sources.append(Source(label, f"<{label}>", "\n".join(lines)))
    if not sources:
        raise SubmissionError("the notebook has no code cells")
    if sum(len(source.code.encode("utf-8", "replace")) for source in sources) > MAX_SOURCE_BYTES:
        raise SubmissionError(f"the notebook's code cells hold more than "
                              f"{MAX_SOURCE_BYTES // 1_000_000} MB")
    return Submission(path, "ipynb", sources, notes)
