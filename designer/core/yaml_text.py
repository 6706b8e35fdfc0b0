"""YAML text of plain data, the same bytes as `yaml.safe_dump` but at libyaml's speed.

PyYAML's pure-Python emitter dominated generation (AsyncAPI documents, compose files):
tens of seconds for a thousand services. libyaml emits the same text except for
characters it escapes where the Python emitter writes them as they are (characters
beyond the Basic Multilingual Plane such as emoji, NEL, the Unicode line and paragraph
separators); for those rare documents the Python emitter runs, so the output never
depends on which emitter was used.
"""

from __future__ import annotations

from typing import Any

import yaml

_FAST: type[yaml.SafeDumper] | None = getattr(yaml, "CSafeDumper", None)  # no libyaml: None
# libyaml's escapes for what the Python emitter keeps readable (allow_unicode=True).
_C_ONLY_ESCAPES = ("\\U", "\\N", "\\L", "\\P")


class _PlainDumper(yaml.SafeDumper):
    """No `&id001` anchors: every repeated value spelled out, as a person would write it."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


if _FAST is not None:

    class _PlainFastDumper(_FAST):  # type: ignore[valid-type,misc]
        def ignore_aliases(self, data: Any) -> bool:
            return True


def dump(data: Any, *, plain: bool = False, **options: Any) -> str:
    """`yaml.safe_dump(data, allow_unicode=True, sort_keys=False, **options)`, faster.

    `plain`: never use anchors and aliases for repeated values.
    """
    options = {"allow_unicode": True, "sort_keys": False, **options}
    if _FAST is not None:
        fast = _PlainFastDumper if plain else _FAST
        text: str = yaml.dump(data, Dumper=fast, **options)
        if not any(escape in text for escape in _C_ONLY_ESCAPES):
            return text
    slow = _PlainDumper if plain else yaml.SafeDumper
    result: str = yaml.dump(data, Dumper=slow, **options)
    return result
