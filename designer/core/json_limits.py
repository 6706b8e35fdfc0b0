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
from itertools import accumulate
from typing import Any

from .errors import Problem

# Deep enough for any real settings block (the design itself is 5 levels deep), shallow
# enough that every recursive consumer (writer, diff, exporters) stays far from Python's
# recursion limit.
MAX_DEPTH = 64
# Integers beyond a 64-bit signed range cannot be a count, a port or a timeout anywhere.
MAX_INTEGER = 2**63 - 1

_SURROGATE = re.compile("[\ud800-\udfff]")


# What any value beyond the limits looks like in JSON text: an escaped (or raw) surrogate,
# an integer of 19 or more digits, an exponent of 3 or more digits. Checked with one
# regular-expression pass, so the common file never pays for the located walk below.
_SUSPECT = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]|\d{19}|(?<=[\d.])[eE][+-]?\d{3}")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def may_exceed_limits(text: str) -> bool:
    """False when `text` (valid JSON) certainly keeps every limit; True when it may not."""
    if _SUSPECT.search(text):
        return True
    brackets = _BRACKETS.sub("", _STRING.sub("", text))
    return bool(brackets) and max(accumulate(_STEP[b] for b in brackets)) > MAX_DEPTH


def _path(parts: tuple[int | str, ...]) -> str:
    from .io import json_path

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
