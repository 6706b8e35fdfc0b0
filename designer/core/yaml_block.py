"""Block-style YAML text of plain data written directly, each scalar spelled by libyaml.

`yaml_text.dump` spent most of its time outside libyaml's emitter: PyYAML builds a node
object per value and asks twice per scalar which type its text would read back as. For
the documents msgflow writes (mappings and lists of str, int, bool and None, block style,
no anchors) the layout is fixed: `key: value`, nested mappings two columns deeper, lists
under a key at the key's column (`- item`). What varies is how a string is spelled (plain,
'single' or "double" quoted, escapes): that is left to libyaml itself, which spells every
string not seen before in one batch, and the answer is remembered (the same strings
recur in every service's document).

Whenever this cannot be sure of giving PyYAML's bytes, it gives up (None) and the caller
runs PyYAML: a value of another type, a mapping or list reached twice (PyYAML would write
an anchor), a string libyaml spells over several lines or as a complex `? key`, a line
long enough that the emitter might fold it, an escape the pure-Python emitter would not
write (see yaml_text), or an option other than `width`.
"""

from __future__ import annotations

from typing import Any

import yaml

# Spellings by string, as a mapping value / list item and as a mapping key; None when
# libyaml does not write the string on one line of its own.
_VALUES: dict[str, str | None] = {}
_KEYS: dict[str, str | None] = {}
# Enough for every string of a 10,000-service design (~230,000 values, ~170,000 keys):
# emptied midway, the next documents spell them all again. A bound for long sessions.
_CACHE_LIMIT = 1_000_000
_PROBE_WIDTH = 1 << 30  # wide enough that a probe never folds a line
# libyaml's escapes for what PyYAML's Python emitter keeps readable (allow_unicode=True):
# a document holding one is written by the Python emitter (yaml_text).
C_ONLY_ESCAPES = ("\\U", "\\N", "\\L", "\\P")
_OPTIONS = {"allow_unicode", "sort_keys", "width", "default_flow_style"}
_DUMPER: type[Any] | None = getattr(yaml, "CSafeDumper", None)


def block_text(data: Any, plain: bool, options: dict[str, Any]) -> str | None:
    """`yaml.safe_dump(data, **options)`'s text (without anchors when `plain`), or None
    when this cannot guarantee the same bytes."""
    width = options.get("width")
    if (
        _DUMPER is None
        or type(data) is not dict
        or not data
        or not set(options) <= _OPTIONS
        or options.get("allow_unicode") is not True
        or options.get("sort_keys") is not False
        or options.get("default_flow_style", False) is not False
        or not (width is None or (type(width) is int and width > 4))
    ):
        return None
    writer = _Writer(80 if width is None else width, plain)
    if not writer.mapping(data, "", ""):
        return None
    return writer.finish()


_Deferred = tuple[str, str | None, str, str | None, str]


class _Writer:
    """One document, line by line. A line holding a string not spelled yet is kept as
    `(before, key, middle, value, after)` (key and value: None when spelled already) and
    finished once every such string of the document has been spelled in one batch."""

    def __init__(self, best_width: int, plain: bool) -> None:
        self.limit = best_width + 1  # a line's length with its "\n"
        # Mappings and lists met so far: one met twice is written with an anchor by PyYAML
        # (never when plain).
        self.seen: set[int] | None = None if plain else set()
        self.lines: list[str | _Deferred] = []
        self.deferred = False

    def _emit(self, before: str, key: Any, middle: str, value: Any, after: str) -> bool:
        """The line `before` + key spelled + `middle` + value spelled + `after`.

        `key`: a mapping key, or _ABSENT; `value`: a scalar, or _ABSENT."""
        key_text = ""
        if key is _ABSENT:
            key = None
        else:
            if type(key) is not str:
                return False
            spelled_key = _KEYS.get(key)
            if spelled_key is None:
                if key in _KEYS:
                    return False
            else:
                key_text, key = spelled_key, None
        value_text = ""
        if value is _ABSENT:
            value = None
        else:
            kind = type(value)
            if kind is str:
                spelled = _VALUES.get(value)
                if spelled is None:
                    if value in _VALUES:
                        return False
                else:
                    value_text, value = spelled, None
            elif kind is int:
                value_text, value = str(value), None
            elif kind is bool:
                value_text, value = ("true" if value else "false"), None
            elif value is None:
                value_text = "null"
            else:
                return False
        if key is None and value is None:
            line = before + key_text + middle + value_text + after
            if len(line) > self.limit:
                return False
            self.lines.append(line)
        else:
            self.deferred = True
            self.lines.append((before + key_text, key, middle, value, value_text + after))
        return True

    def mapping(self, data: dict[Any, Any], pad: str, lead: str) -> bool:
        """Block mapping, keys at column len(pad); the first line starts with `lead`."""
        seen = self.seen
        if seen is not None:
            if id(data) in seen:
                return False
            seen.add(id(data))
        inner = pad + "  "
        keys, values, lines, limit = _KEYS.get, _VALUES.get, self.lines, self.limit
        for key, value in data.items():
            kind = type(value)
            if kind is str:  # the common line, `key: value`, both spelled before
                key_text = keys(key) if type(key) is str else None
                value_text = values(value)
                if key_text is not None and value_text is not None:
                    line = f"{lead}{key_text}: {value_text}\n"
                    if len(line) > limit:
                        return False
                    lines.append(line)
                elif not self._emit(lead, key, ": ", value, "\n"):
                    return False
            elif kind is dict or kind is list:
                if not value:
                    if seen is not None:
                        if id(value) in seen:
                            return False
                        seen.add(id(value))
                    after = ": {}\n" if kind is dict else ": []\n"
                    if not self._emit(lead, key, after, _ABSENT, ""):
                        return False
                elif not self._emit(lead, key, ":\n", _ABSENT, ""):
                    return False
                elif kind is dict:
                    if not self.mapping(value, inner, inner):
                        return False
                elif not self.sequence(value, pad, pad):  # PyYAML: a list under a key, unindented
                    return False
            elif not self._emit(lead, key, ": ", value, "\n"):
                return False
            lead = pad
        return True

    def sequence(self, items: list[Any], pad: str, lead: str) -> bool:
        """Block sequence, dashes at column len(pad); the first line starts with `lead`."""
        seen = self.seen
        if seen is not None:
            if id(items) in seen:
                return False
            seen.add(id(items))
        inner = pad + "  "
        for item in items:
            dash = lead + "- "
            kind = type(item)
            if kind is dict or kind is list:
                if not item:
                    if seen is not None:
                        if id(item) in seen:
                            return False
                        seen.add(id(item))
                    self.lines.append(dash + ("{}\n" if kind is dict else "[]\n"))
                elif kind is dict:
                    if not self.mapping(item, inner, dash):
                        return False
                elif not self.sequence(item, inner, dash):
                    return False
            elif not self._emit(dash, _ABSENT, "", item, "\n"):
                return False
            lead = pad
        return True

    def finish(self) -> str | None:
        if not self.deferred:
            return "".join(self.lines)  # type: ignore[arg-type]  # only str when not deferred
        lines = self.lines
        pending = [line for line in lines if isinstance(line, tuple)]
        _spell(
            {line[3] for line in pending if line[3] is not None},
            {line[1] for line in pending if line[1] is not None},
        )
        finished: list[str] = []
        for line in lines:
            if isinstance(line, str):
                finished.append(line)
                continue
            before, key, middle, value, after = line
            key_text = "" if key is None else _KEYS[key]
            value_text = "" if value is None else _VALUES[value]
            if key_text is None or value_text is None:
                return None
            text = before + key_text + middle + value_text + after
            if len(text) > self.limit:
                return None
            finished.append(text)
        return "".join(finished)


_ABSENT = object()  # no key (a list item) or no value (a key above a block)


def _spell(values: set[str], keys: set[str]) -> None:
    """Ask libyaml how it writes each string, as a list item and as a mapping key."""
    if len(_VALUES) > _CACHE_LIMIT or len(_KEYS) > _CACHE_LIMIT:
        _VALUES.clear()
        _KEYS.clear()
    ordered_values = sorted(values)
    if ordered_values:
        lines = _probe(ordered_values)
        if len(lines) == len(ordered_values) and all(line.startswith("- ") for line in lines):
            _VALUES.update(zip(ordered_values, (_usable(line[2:]) for line in lines), strict=True))
        else:  # some string took several lines: find which, one by one
            for value in ordered_values:
                one = _probe([value])
                _VALUES[value] = _usable(one[0][2:]) if len(one) == 1 else None
    ordered_keys = sorted(keys)
    if ordered_keys:
        lines = _probe(dict.fromkeys(ordered_keys))
        if len(lines) == len(ordered_keys) and all(_simple_key(line) for line in lines):
            _KEYS.update(zip(ordered_keys, (_usable(line[:-6]) for line in lines), strict=True))
        else:
            for key in ordered_keys:
                one = _probe({key: None})
                simple = len(one) == 1 and _simple_key(one[0])
                _KEYS[key] = _usable(one[0][:-6]) if simple else None


def _probe(data: list[str] | dict[str, None]) -> list[str]:
    text: str = yaml.dump(
        data,
        Dumper=_DUMPER,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=_PROBE_WIDTH,
    )
    return text.split("\n")[:-1]


def _simple_key(line: str) -> bool:
    # `? key` is the complex-key form (long or empty keys): not written by this module.
    return line.endswith(": null") and not line.startswith("? ")


def _usable(spelled: str) -> str | None:
    if any(escape in spelled for escape in C_ONLY_ESCAPES):
        return None
    # A line break YAML knows besides \n, written as it is: the emitter indents after it.
    if any(brk in spelled for brk in _OTHER_BREAKS):
        return None
    return spelled


_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")
