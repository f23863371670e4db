"""The course helper file a sandbox gets: only its own assignment's helper code.

``child/course_utils.py`` holds the helper modules of every assignment, and some of them hold
another assignment's solutions (``dnn_app_utils_v3`` has week 4's ``L_model_forward``...). The
sandbox's copy keeps the code of the functions reachable from this assignment's own helper
modules (``AssignmentSpec.provided``) and replaces the body of every other function by
``raise NotImplementedError``: the module tables still build, star imports still work, and no
other assignment's solution is in the sandbox, neither importable nor readable on its disk.
"""
from __future__ import annotations

import ast
import functools
import importlib

_STUB = ("raise NotImplementedError('this course helper belongs to another assignment: it is "
         "not available while grading this one')")


@functools.lru_cache(maxsize=32)
def helper_source(filename: str, provided: tuple[str, ...]) -> str:
    """The source of child module ``filename`` keeping only what ``provided`` reaches."""
    module = importlib.import_module("nnref.grading.child." + filename.removesuffix(".py"))
    with open(module.__file__, encoding="utf-8") as f:
        source = f.read()
    tables = getattr(module, "HELPER_MODULES", {})
    helpers = {id(fn) for name, table in tables.items() for fn in table.values()}
    keep = _reachable(module, [fn for name in provided for fn in tables.get(name, {}).values()])
    strip = {name for name, value in vars(module).items()
             if callable(value) and id(value) in helpers and name not in keep}
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in strip:
            node.body = ast.parse(_STUB).body
            node.decorator_list = []
    return ("# This assignment's course helpers (other assignments' helper code removed).\n"
            + ast.unparse(tree) + "\n")


def _reachable(module, roots) -> set[str]:
    """Names of the module's functions that ``roots`` call, directly or not."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        fn = todo.pop()
        code = getattr(fn, "__code__", None)
        if code is None or fn.__name__ in seen:
            continue
        seen.add(fn.__name__)
        names = set(code.co_names)
        for const in code.co_consts:  # nested functions and comprehensions
            if hasattr(const, "co_names"):
                names.update(const.co_names)
        todo += [getattr(module, n) for n in names if callable(getattr(module, n, None))]
    return seen
