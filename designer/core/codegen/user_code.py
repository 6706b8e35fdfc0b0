"""What a user-owned Python file lacks of what msgflow would write in it today.

A user file (`<service>/handlers.py`) is written once and then belongs to the user, so a
message the design adds later never reaches it. Regeneration still has to say what the
user must add: this compares the methods of the classes msgflow would write now with the
methods the user's file defines, by reading both with `ast` (never importing user code).
The answer is what the plan prints: `stale handlers.py: missing on_order_shipped(OrderShipped)`.
"""

from __future__ import annotations

import ast


def _methods(tree: ast.Module) -> dict[str, dict[str, str]]:
    """Class name -> method name -> the annotation of its first argument after `self`."""
    classes: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        methods: dict[str, str] = {}
        for item in node.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                arguments = item.args.posonlyargs + item.args.args
                annotation = arguments[1].annotation if len(arguments) > 1 else None
                methods[item.name] = ast.unparse(annotation) if annotation is not None else ""
        classes[node.name] = methods
    return classes


def missing_methods(user_text: str, fresh_text: str) -> list[str]:
    """`name(FirstArgumentType)` of every method msgflow's version has and the user's lacks.

    A method counts as present when any class of the user's file defines it (the user may
    have moved code into a mixin of the same file). A user file that no longer parses is
    reported as such instead: nothing can be said about it.
    """
    try:
        user = ast.parse(user_text)
    except SyntaxError as error:
        return [f"(cannot be read: line {error.lineno}: {error.msg})"]
    return _missing(user, fresh_text)[0]


def _missing(user: ast.Module, fresh_text: str) -> tuple[list[str], ast.Module | None]:
    """What `missing_methods` says of a parsed user file, and the fresh file parsed."""
    try:
        fresh = ast.parse(fresh_text)
    except SyntaxError:
        return [], None  # a template pack writing something else than Python: nothing to compare
    present = {name for methods in _methods(user).values() for name in methods}
    wanted: dict[str, str] = {}
    for methods in _methods(fresh).values():
        wanted.update(methods)
    missing = [
        f"{name}({annotation})"
        for name, annotation in wanted.items()
        if name not in present and not name.startswith("_")
    ]
    return missing, fresh


def _bases(tree: ast.Module) -> set[str]:
    """Names of the base classes of the classes of `tree`."""
    return {
        ast.unparse(base)
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        for base in node.bases
    }


def stale_python_file(path: str, user_text: str, fresh_text: str) -> str:
    """The plan's note for a kept user file, or "" when it has all msgflow would write."""
    name = path.rsplit("/", 1)[-1]
    if not name.endswith(".py"):
        return ""  # requirements.txt, .gitignore: the user's, nothing to compare
    if user_text == fresh_text:
        return ""  # as msgflow would write it today (parsing both costs ~0.5 ms a file)
    try:
        user = ast.parse(user_text)  # once: each parse of a file is most of its check
    except SyntaxError as error:
        return f"stale {name}: cannot be read (line {error.lineno}: {error.msg}), not checked"
    missing, fresh = _missing(user, fresh_text)
    if not missing or fresh is None:
        return ""
    note = f"stale {name}: missing {', '.join(missing)}"
    # A file written before the stubs existed inherits the abstract base directly: until it
    # inherits what a fresh file does, the missing methods keep the class abstract.
    absent = sorted(_bases(fresh) - _bases(user))
    if absent:
        note += (
            f"; inherit {', '.join(absent)} as a fresh one does, so the service starts meanwhile"
        )
    return note
