"""Limits every value of a design file keeps, checked once on the parsed JSON tree.

Python's json module reads more than the rest of the program can use: `1e309` becomes
infinity (written back as `Infinity`, which no JSON reader accepts), `"\\ud83d"` a lone
surrogate (every UTF-8 encode then fails), a 400-digit integer a number that overflows
on the first float division, and a few hundred nested arrays a recursion error in the
canonical writer. Refusing them here, with a path, keeps the model and every consumer
free of those cases.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from .errors import Problem, json_path

# Deep enough for any real settings block (the design itself is 5 levels deep), shallow
# enough that every recursive consumer (writer, diff, exporters) stays far from Python's
# recursion limit.
MAX_DEPTH = 64
# Integers beyond a 64-bit signed range cannot be a count, a port or a timeout anywhere.
MAX_INTEGER = 2**63 - 1

_SURROGATE = re.compile("[\ud800-\udfff]")


class NumberWatch:
    """`parse_int`/`parse_float` hooks for json.loads that note a number beyond the limits.

    Far cheaper than scanning the text for long digit runs: designs hold few numbers.
    """

    def __init__(self) -> None:
        self.suspect = False

    def parse_int(self, text: str) -> int:
        if len(text) > 18:
            self.suspect = True
        return int(text)

    def parse_float(self, text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            self.suspect = True
        return value


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_ESCAPED_SURROGATE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")


def may_escape_surrogate(raw: bytes) -> bool:
    """False when JSON text `raw` certainly holds no lone surrogate (`\\ud800`-`\\udfff`
    escapes are the only way to write one in valid UTF-8): a cheap test before a walk."""
    return b"\\u" in raw and _ESCAPED_SURROGATE_BYTES.search(raw) is not None


def may_exceed_limits(text: str, raw: Any, numbers: NumberWatch) -> bool:
    """False when the design parsed from `text` certainly keeps every limit.

    Depth matters only in `settings`, the one free-form part: anywhere else the schema
    allows a fixed shape and refuses a nested value where it expects another.
    """
    if numbers.suspect:
        return True
    if "\\u" in text and _ESCAPED_SURROGATE.search(text):
        return True
    if not text.isascii() and _SURROGATE.search(text):
        return True
    settings = raw.get("settings") if isinstance(raw, dict) else None
    return _deeper_than(settings, MAX_DEPTH - 2)  # settings itself is one level down


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether containers nest more than `limit` levels below `value` (iteratively)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in item if isinstance(child, (dict, list)))
    return False


def _path(parts: tuple[int | str, ...]) -> str:
    return json_path(parts)


def limit_problems(raw: Any, limit: int = 50) -> list[Problem]:
    """The values of `raw` no part of msgflow can handle, located; at most `limit`."""
    problems: list[Problem] = []
    for problem in _walk(raw):
        problems.append(problem)
        if len(problems) >= limit:
            break
    return problems


def _walk(raw: Any) -> Iterator[Problem]:
    # Iterative: the point is to survive depths a recursive walk would not.
    stack: list[tuple[Any, tuple[int | str, ...]]] = [(raw, ())]
    while stack:
        value, parts = stack.pop()
        if isinstance(value, dict):
            if len(parts) >= MAX_DEPTH:
                yield Problem(_path(parts), f"nested more than {MAX_DEPTH} levels deep")
                continue
            for key, item in reversed(value.items()):
                if _SURROGATE.search(key):
                    yield Problem(_path(parts), f"key {_show(key)} {_NOT_TEXT}")
                    continue
                stack.append((item, (*parts, key)))
        elif isinstance(value, list):
            if len(parts) >= MAX_DEPTH:
                yield Problem(_path(parts), f"nested more than {MAX_DEPTH} levels deep")
                continue
            stack.extend(
                (item, (*parts, index)) for index, item in reversed(list(enumerate(value)))
            )
        elif isinstance(value, str):
            if _SURROGATE.search(value):
                yield Problem(_path(parts), _NOT_TEXT)
        elif isinstance(value, float):
            if not math.isfinite(value):
                yield Problem(_path(parts), "number too large (numbers must be finite)")
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
            yield Problem(_path(parts), "integer out of range (at most 19 digits, a 64-bit number)")


_NOT_TEXT = "holds a lone surrogate (\\ud800-\\udfff), which is not Unicode text"


def _show(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")[:40]
