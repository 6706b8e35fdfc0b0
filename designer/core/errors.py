"""Typed errors: an edit that cannot be made, a file that cannot be read.

Every problem carries a JSON path into the design file so the user sees the spot:
`shop.msgflow.json: $.flows[2].to: unknown node 'shiping' (did you mean 'shipping'?)`.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One located problem in a design file."""

    path: str  # JSON path, e.g. "$.flows[2].to"
    message: str

    def __str__(self) -> str:
        # One problem, one line: names from a hostile file may hold newlines or escapes.
        return one_line(f"{self.path}: {self.message}")


def json_path(loc: tuple[int | str, ...]) -> str:
    """The JSON path a `Problem` names, e.g. `$.flows[2].to`, `$.layout.nodes["a b"]`."""
    path = "$"
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", part):
            path += f".{part}"
        else:
            path += f"[{json.dumps(part, ensure_ascii=False)}]"
    return path


def one_line(text: str) -> str:
    """`text` with newlines and other unprintable characters escaped (`\\n`), for one-line output."""
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


class MsgflowError(Exception):
    """Base of every error this package raises on purpose."""


class DesignLoadError(MsgflowError):
    """A design file could not be read. The file itself is never modified."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(self.describe())

    def describe(self, limit: int = 20) -> str:
        source = one_line(self.source)  # a file name may hold a newline too
        lines = [f"{source}: {p}" for p in self.problems[:limit]]
        hidden = len(self.problems) - limit
        if hidden > 0:
            lines.append(f"{source}: $: {hidden} more problem(s) not shown")
        return "\n".join(lines)


class EditError(MsgflowError):
    """An edit that cannot be applied to the document (unknown id, duplicate id...)."""


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' suffix when something close exists, else ''."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
