"""Emit Python source that `ruff format --check` accepts as it is.

Generated code must pass the formatter straight away, without running it. Two layouts
are stable under ruff (and black): a bracketed list that fits the line, written flat, and
one element per line ending in a trailing comma ("magic trailing comma"), which the
formatter always keeps exploded. `fit` chooses between them by the line length.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

LINE_LENGTH = 100
INDENT = "    "


def width(text: str) -> int:
    """Columns `text` takes, as ruff counts them (East Asian wide characters take two)."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@dataclass(frozen=True)
class Call:
    """`callee(arg, name=value, ...)`; values are source text or nested calls."""

    callee: str
    arguments: tuple[tuple[str, Expr], ...]  # ("", value) for a positional argument
    brackets: str = "()"  # "[]" for a list literal (with an empty callee)

    def flat(self) -> str:
        inner = ", ".join(_flat_argument(n, v) for n, v in self.arguments)
        return f"{self.callee}{self.brackets[0]}{inner}{self.brackets[1]}"


Expr = str | Call


def _flat(value: Expr) -> str:
    return value.flat() if isinstance(value, Call) else value


def _flat_argument(name: str, value: Expr) -> str:
    return f"{name}={_flat(value)}" if name else _flat(value)


def render(value: Expr, indent: int, prefix: str = "", suffix: str = "") -> str:
    """`value` at `indent` spaces, between `prefix` and `suffix`, on one line if it fits."""
    pad = " " * indent
    line = f"{pad}{prefix}{_flat(value)}{suffix}"
    if width(line) <= LINE_LENGTH or not isinstance(value, Call) or not value.arguments:
        return line
    lines = [f"{pad}{prefix}{value.callee}{value.brackets[0]}"]
    for name, argument in value.arguments:
        keyword = f"{name}=" if name else ""
        line = render(argument, indent + 4, keyword, ",")
        if width(line) > LINE_LENGTH and isinstance(argument, str):
            line = (
                _split_string(argument, indent + 4, keyword, ",")
                or _parenthesized_entry_value(argument, indent + 4, ",")
                or line
            )
        lines.append(line)
    lines.append(f"{pad}{value.brackets[1]}{suffix}")
    return "\n".join(lines)


def _split_string(literal: str, indent: int, prefix: str, suffix: str) -> str | None:
    """A too long string literal argument as implicitly joined pieces, one per line.

    The layout ruff keeps (`title="a "` then `"b"` below it). Pieces break at spaces only,
    so an escape sequence is never cut; a word longer than a line gets a piece of its own
    with no space inside, which ruff's E501 accepts (a line that is a single word).
    None when `literal` is not a plain one-line string literal.
    """
    quote = literal[:1]
    if len(literal) < 2 or quote not in "\"'" or literal[-1] != quote or "\n" in literal:
        return None
    if not _one_string_literal(literal):  # a dict entry `"key": "value"` starts and ends so too
        return None
    words = literal[1:-1].split(" ")
    if len(words) < 2:
        return None
    pad = " " * indent
    room = LINE_LENGTH - indent - 2  # the two quotes
    pieces: list[str] = [words[0]]
    for word in words[1:]:
        last = pieces[-1]
        first = len(pieces) == 1
        if width(last) + 1 + width(word) + (width(prefix) if first else 0) <= room:
            pieces[-1] = f"{last} {word}"
        elif width(last) + 1 + (width(prefix) if first else 0) <= room:
            pieces[-1] = f"{last} "  # the space ends the piece that still fits...
            pieces.append(word)
        elif 1 + width(word) <= room:
            pieces.append(f" {word}")  # ...or starts the next one (after a lone long word)
        else:
            pieces += [" ", word]  # two long words: neither line may hold a space
    lines = [
        f"{pad}{prefix if i == 0 else ''}{quote}{piece}{quote}" for i, piece in enumerate(pieces)
    ]
    lines[-1] += suffix
    return "\n".join(lines)


def _parenthesized_entry_value(entry: str, indent: int, suffix: str) -> str | None:
    """A too long dict entry `"key": "value"` with its value alone on a line in parentheses.

    The layout ruff format keeps; a value with no space is then a single word, which ruff's
    E501 accepts (long queue names and routing keys of imported channels are such values).
    None when `entry` is not one string key and one string literal value.
    """
    try:
        tree = ast.parse("{" + entry + "}", mode="eval")
    except SyntaxError:
        return None
    body = tree.body
    if not (isinstance(body, ast.Dict) and len(body.keys) == 1 and body.keys[0] is not None):
        return None
    key, value = body.keys[0], body.values[0]
    if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
        return None
    source = "{" + entry + "}"
    key_text = ast.get_source_segment(source, key)
    value_text = ast.get_source_segment(source, value)
    if key_text is None or value_text is None or not _one_string_literal(value_text):
        return None
    pad = " " * indent
    return f"{pad}{key_text}: (\n{pad}    {value_text}\n{pad}){suffix}"


def _one_string_literal(text: str) -> bool:
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return False
    # `"a" "b"` is folded into one Constant too, but its pieces hold a quote: refused.
    return (
        isinstance(tree.body, ast.Constant)
        and isinstance(tree.body.value, str)
        and (text[0] not in text[1:-1])
    )


def fit(prefix: str, items: Sequence[str], suffix: str = "", indent: int = 0) -> str:
    """`prefix(item, item)suffix` flat when it fits, else one item per line + trailing comma.

    For definitions, calls and `from x import (...)` alike: `prefix` ends before the
    opening bracket and `suffix` starts after the closing one, e.g. `-> None:`.
    """
    pad = " " * indent
    opening, closing = ("(", ")")
    line = f"{pad}{prefix}{opening}{', '.join(items)}{closing}{suffix}"
    if width(line) <= LINE_LENGTH or not items:
        return line
    inner = "".join(f"{pad}{INDENT}{item},\n" for item in items)
    return f"{pad}{prefix}{opening}\n{inner}{pad}{closing}{suffix}"


def literal(value: str | int | bool | float) -> str:
    """A Python literal of a listed value (`"small"`, `3`, `True`, `0.5`): repr gives the
    shortest text that reads back as the same float."""
    return string(value) if isinstance(value, str) else repr(value)


def string(text: str) -> str:
    """A Python string literal the way ruff writes it: double quotes unless that means more escapes."""
    body = text.replace("\\", "\\\\")
    for raw, escaped in (("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        body = body.replace(raw, escaped)
    if not body.isprintable():  # the character loop only for the rare text that needs it
        body = "".join(c if c.isprintable() or c == " " else f"\\u{ord(c):04x}" for c in body)
    if body.count('"') > body.count("'"):
        return "'" + body.replace("'", "\\'") + "'"
    return '"' + body.replace('"', '\\"') + '"'


def doc_text(text: str | None) -> str:
    """Free text made safe inside a docstring or comment: one line, no quotes or backslashes."""
    if not text:
        return ""
    cleaned = " ".join(text.split()).replace("\\", "/").replace('"', "'")
    if not cleaned.isprintable():
        cleaned = "".join(c for c in cleaned if c.isprintable())
    return cleaned.strip().rstrip("'").strip()


def _natural(name: str) -> tuple[tuple[int, int | str], ...]:
    """ruff's isort order: case-insensitive, numbers by value (`X9` < `X14`), except that a
    number with a leading zero compares left-aligned, before any other (`X07` < `X2`)."""
    import re

    def part_key(part: str) -> tuple[int, int | str]:
        if not part.isdigit():
            return (2, part.lower())
        return (0, part) if part.startswith("0") else (1, int(part))

    return tuple(part_key(part) for part in re.split(r"(\d+)", name) if part)


def _member_key(name: str) -> tuple[int, tuple[tuple[int, int | str], ...], str]:
    # ruff's isort with `order-by-type`: CONSTANTS, then Classes, then everything else.
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return (kind, _natural(name), name)


def import_block(specs: Sequence[str], first_party: Sequence[str]) -> str:
    """Import statements sorted and grouped the way ruff's isort (`I001`) wants them.

    `specs` are "module:name" for `from module import name`, or "module" for `import module`.
    Sections: __future__, standard library, third party, first party (`first_party`
    top-level packages), one blank line between sections.
    """
    import sys

    first = frozenset(first_party)

    def section(module: str) -> int:
        top = module.split(".")[0]
        if top == "__future__":
            return 0
        if top in sys.stdlib_module_names:
            return 1
        if top in first:
            return 3
        return 2

    plain: dict[int, set[str]] = {}
    members: dict[int, dict[str, set[str]]] = {}
    for spec in specs:
        module, _, name = spec.partition(":")
        if name:
            members.setdefault(section(module), {}).setdefault(module, set()).add(name)
        else:
            plain.setdefault(section(module), set()).add(module)
    blocks = []
    for number in sorted(set(plain) | set(members)):
        lines = [f"import {m}" for m in sorted(plain.get(number, ()), key=_natural)]
        for module in sorted(members.get(number, {}), key=_natural):
            names = sorted(members[number][module], key=_member_key)
            flat = f"from {module} import {', '.join(names)}"
            lines.append(
                flat if width(flat) <= LINE_LENGTH else fit(f"from {module} import ", names)
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def comment(text: str, indent: int = 0) -> str:
    """`# text`, wrapped to the line length."""
    import textwrap

    pad = " " * indent
    width = max(40, LINE_LENGTH - indent - 2)
    # A name longer than a line is cut: E501 exempts a lone long word in code, not in a comment.
    lines = textwrap.wrap(doc_text(text), width, break_long_words=True, break_on_hyphens=False) or [
        ""
    ]
    return "\n".join(f"{pad}# {line}".rstrip() for line in lines)


def docstring(text: str, indent: int = 0) -> str:
    """A docstring of `text` at `indent`: one line when it fits, else wrapped paragraphs."""
    import textwrap

    pad = " " * indent
    cleaned = doc_text(text) or "-"
    one = f'{pad}"""{cleaned}"""'
    if width(one) <= LINE_LENGTH:
        return one
    # Wrapped to at least two lines: ruff joins a one-line summary with its closing quotes.
    columns = max(30, LINE_LENGTH - indent - 3 - (width(cleaned) - len(cleaned)))
    lines = textwrap.wrap(cleaned, columns, break_long_words=False, break_on_hyphens=False)
    while len(lines) < 2 and columns > 10:
        columns = columns * 2 // 3
        lines = textwrap.wrap(cleaned, columns, break_long_words=False, break_on_hyphens=False)
    first, rest = lines[0], lines[1:]
    body = "\n".join(f"{pad}{line}" for line in rest)
    return f'{pad}"""{first}\n{body}\n{pad}"""' if rest else f'{pad}"""{first}\n{pad}"""'


def wrap(text: str, indent: int = 0) -> str:
    """Free text as lines of at most the line length (inside a longer docstring)."""
    import textwrap

    pad = " " * indent
    cleaned = doc_text(text)
    columns = max(30, LINE_LENGTH - indent - (width(cleaned) - len(cleaned)))
    lines = textwrap.wrap(cleaned, columns, break_long_words=False, break_on_hyphens=False)
    return "\n".join(pad + line for line in lines)
