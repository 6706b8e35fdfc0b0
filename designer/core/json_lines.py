"""Line numbers of the values in a JSON text, by JSON path, for SARIF regions.

Code-scanning tools show a finding on a line; our diagnostics carry a JSON path. This
walks the text once (strings via the `json` module's own scanner) and records where every
value starts. Lists of items are also indexed by the items' `id`, because a diagnostic's
path indexes the canonical (sorted) order, which a hand-edited file may not follow.
"""

from __future__ import annotations

import contextlib
import json
import re
from bisect import bisect_right
from json.decoder import scanstring  # type: ignore[attr-defined]  # public, not in typeshed

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")


class JsonLines:
    """`line(path)`: 1-based line where the value at `path` starts (or its closest parent)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._newlines = [i for i, c in enumerate(text) if c == "\n"]
        self.lines: dict[str, int] = {}
        self.by_id: dict[tuple[str, str], str] = {}  # (list path, item id) -> item path
        self._ids: dict[str, str] = {}  # item path -> its "id", while walking
        # An unreadable file keeps whatever was located before the problem.
        with contextlib.suppress(ValueError, IndexError, RecursionError):
            self._value(self._skip(0), "$")

    def _line_at(self, offset: int) -> int:
        return bisect_right(self._newlines, offset - 1) + 1

    def _skip(self, offset: int) -> int:
        match = _WHITESPACE.match(self._text, offset)
        return match.end() if match else offset

    def _value(self, offset: int, path: str) -> int:
        self.lines[path] = self._line_at(offset)
        char = self._text[offset]
        if char == "{":
            return self._object(offset + 1, path)
        if char == "[":
            return self._array(offset + 1, path)
        if char == '"':
            value, end = scanstring(self._text, offset + 1)
            if path.endswith(".id"):
                self._ids[path[:-3]] = value
            return int(end)
        match = _SCALAR.match(self._text, offset)
        if match is None:
            raise ValueError(f"unexpected character at {offset}")
        return match.end()

    def _object(self, offset: int, path: str) -> int:
        offset = self._skip(offset)
        if self._text[offset] == "}":
            return offset + 1
        while True:
            key, offset = scanstring(self._text, self._skip(offset) + 1)
            offset = self._skip(offset)
            offset = self._value(self._skip(offset + 1), _child(path, key))
            offset = self._skip(offset)
            if self._text[offset] == "}":
                return offset + 1
            offset += 1  # ","

    def _array(self, offset: int, path: str) -> int:
        offset = self._skip(offset)
        if self._text[offset] == "]":
            return offset + 1
        index = 0
        while True:
            item_path = f"{path}[{index}]"
            start = self._skip(offset)
            offset = self._value(start, item_path)
            if self._text[start] == "{":
                item_id = self._ids.pop(item_path, None)
                if item_id is not None:
                    self.by_id[(path, item_id)] = item_path
            offset = self._skip(offset)
            if self._text[offset] == "]":
                return offset + 1
            offset += 1
            index += 1

    def line(self, path: str) -> int:
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return 1


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _child(path: str, key: str) -> str:
    """`path` + key, spelt like `errors.json_path` spells it."""
    if _PLAIN_KEY.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"
