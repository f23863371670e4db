"""The student's code in the sandbox: load the submission unit by unit, then call its functions
one by one, reporting errors with only the submission's own frames.

A sibling of ``runner.py``, loaded by path by its ``main`` (as ``wire.py`` is) after the limits
are set and before any student code runs. It imports only the standard library.
"""
from __future__ import annotations

import ast
import copy
import errno
import linecache
import time
import traceback
import types

_deepcopy = copy.deepcopy  # bound before the submission runs (it could replace copy.deepcopy)


# --- loading the submission ----------------------------------------------------------------

def is_student_file(filename: str) -> bool:
    """A frame of the submission: its ``.py`` file or one of its notebook cells."""
    return filename == "submission.py" or filename.startswith("<cell ")


def _student_traceback(exc: BaseException, max_frames: int = 6) -> str:
    """The exception with only the submission's own frames (cells and the module)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if is_student_file(f.filename)]
    lines = traceback.format_list(frames[-max_frames:])
    lines += traceback.format_exception_only(type(exc), exc)
    return "".join(lines).rstrip()


def _cap(text: str, limit: int = 4000) -> str:
    return text if len(text) <= limit else text[:limit] + f"... ({len(text) - limit} more characters)"


def _one_line_error(exc: BaseException, label: str, kind: str) -> str:
    """``"line 8: NameError: ..."`` (a .py file) or ``"cell 3, line 2: ..."`` (a notebook)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if is_student_file(f.filename)]
    where = label
    if frames:
        where = f"line {frames[-1].lineno}" if kind == "py" else f"{label}, line {frames[-1].lineno}"
    message = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()[-1]
    return _cap(f"{where}: {message}")


def _register_source(filename: str, code: str) -> None:
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)


def load_submission(plan: dict, module: types.ModuleType, watchdog) -> dict:
    """Execute the submission into ``module``. A ``.py`` file runs statement by statement and a
    notebook cell by cell; an exception is recorded and the next unit still runs, as when a
    notebook is run with errors. ``sys.exit`` stops the loading."""
    errors, stopped = [], None
    units = []  # (label, code object)
    for source in plan["sources"]:
        filename, code = source["filename"], source["code"]
        _register_source(filename, code)
        try:
            tree = ast.parse(code, filename)
            if plan["kind"] == "py":  # compiled now: a SyntaxError anywhere refuses the file
                units += [(f"line {node.lineno}",
                           compile(ast.Module(body=[node], type_ignores=[]), filename, "exec"))
                          for node in tree.body]
            else:
                units.append((source["label"], compile(tree, filename, "exec")))
        except SyntaxError as exc:
            line = f" (line {exc.lineno})" if exc.lineno else ""
            message = f"{source['label']}: SyntaxError: {exc.msg}{line}"
        except (ValueError, MemoryError, RecursionError) as exc:  # null bytes, absurd nesting
            message = f"{source['label']}: cannot be parsed: {type(exc).__name__}: {exc}"
        else:
            continue
        if plan["kind"] == "py":
            return {"errors": [], "stopped": message, "syntax_error": True}
        errors.append(message)  # a notebook: this cell is skipped, the others run
    watchdog.arm(plan["call_timeout"], "load")
    try:
        for label, code in units:
            try:
                exec(code, module.__dict__)
            except SystemExit as exc:
                stopped = f"{label}: the submission called sys.exit({exc.code!r}) while loading"
                break
            except KeyboardInterrupt:
                stopped = f"{label}: KeyboardInterrupt while loading"
                break
            except BaseException as exc:
                errors.append(_one_line_error(exc, label, plan["kind"]))
    finally:
        watchdog.disarm()
    return {"errors": errors, "stopped": stopped, "syntax_error": False}


# --- the calls -----------------------------------------------------------------------------

def run_call(call, args, kwargs, module, wire, channel, watchdog, streams, guard, seed_fn,
             call_timeout):
    name = call["function"]
    fn = module.__dict__.get(name)
    if not callable(fn):
        detail = "is not defined" if fn is None else f"is a {type(fn).__name__}, not a function"
        channel.send({"event": "result", "id": call["id"], "status": "missing", "detail": detail})
        return
    channel.send({"event": "start", "id": call["id"]})
    given_args, given_kwargs = _deepcopy(args), _deepcopy(kwargs)
    attempts_before = len(guard.attempts)
    header = {"event": "result", "id": call["id"]}
    arrays = None
    watchdog.arm(call_timeout, call["id"])
    started = time.perf_counter()
    try:
        seed_fn(call["seed"])
        try:
            value = fn(*given_args, **given_kwargs)
        except BaseException as exc:
            header.update(status="raised", error=_cap(_student_traceback(exc)),
                          exception=type(exc).__name__,
                          limit=("memory" if isinstance(exc, MemoryError) else
                                 "file size" if isinstance(exc, OSError) and exc.errno == errno.EFBIG
                                 else None))
        else:
            try:
                tag, arrays = wire.encode(value)
                header.update(status="returned", value=tag)
            except Exception as exc:  # WireError, or a hostile container's own error
                header.update(status="unencodable",
                              detail=f"the return value cannot be sent to the grader: {exc}")
        header["seconds"] = time.perf_counter() - started
        try:  # the grader compares them with the inputs it sent: changed in place?
            header["after"], arrays = wire.encode([list(given_args), given_kwargs], arrays)
        except Exception as exc:
            header["after_error"] = str(exc)[:200]
        header["blocked_imports"] = guard.attempts[attempts_before:]
        for stream in streams:
            stream.flush()
    finally:
        watchdog.disarm()
    channel.send(header, arrays)
