"""YAML text of plain data, the same bytes as `yaml.safe_dump` but at libyaml's speed.

PyYAML's pure-Python emitter dominated generation (AsyncAPI documents, compose files):
tens of seconds for a thousand services. libyaml emits the same text except for
characters it escapes where the Python emitter writes them as they are (characters
beyond the Basic Multilingual Plane such as emoji, NEL, the Unicode line and paragraph
separators); for those rare documents the Python emitter runs, so the output never
depends on which emitter was used.

Most documents do not reach PyYAML's representer at all: yaml_block writes their block
layout directly and asks libyaml only how to spell each string it has not seen before;
whatever it cannot vouch for byte for byte is written here as before.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .gc_pause import collector_paused
from .yaml_block import C_ONLY_ESCAPES, block_text

_STR, _INT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int"
_BOOL, _NULL = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


class _LeanRepresenter:
    """The nodes SafeRepresenter makes for str, int, bool, None, dict and list, made
    directly (its generic dispatch was most of the time); anything else goes to it."""

    plain = False  # True: never anchors, even for a dict or list used twice

    # A mixin for PyYAML's dumpers: the attributes it reads (`default_flow_style`,
    # `represented_objects`, ...) and the `super()` calls are the dumper's, which mypy
    # cannot see from here; hence the `attr-defined`/`misc` ignores in this class.

    def represent_data(self, data: Any) -> Any:
        kind = type(data)
        if kind is str:
            return ScalarNode(_STR, data)
        if kind is int:
            return ScalarNode(_INT, str(data))
        if kind is bool:
            return ScalarNode(_BOOL, "true" if data else "false")
        if data is None:
            return ScalarNode(_NULL, "null")
        flow = self.default_flow_style  # type: ignore[attr-defined]
        if (kind is dict or kind is list) and flow is not None and not self.sort_keys:  # type: ignore[attr-defined]
            if not self.plain:
                shared = self.represented_objects.get(id(data))  # type: ignore[attr-defined]
                if shared is not None:
                    return shared  # the serializer writes an anchor and an alias
                self.object_keeper.append(data)  # type: ignore[attr-defined]
            node: Any
            if kind is dict:
                pairs: list[tuple[Any, Any]] = []
                node = MappingNode(_MAP, pairs, flow_style=flow)
                if not self.plain:
                    self.represented_objects[id(data)] = node  # type: ignore[attr-defined]
                for key, value in data.items():
                    pairs.append((self.represent_data(key), self.represent_data(value)))
            else:
                items: list[Any] = []
                node = SequenceNode(_SEQ, items, flow_style=flow)
                if not self.plain:
                    self.represented_objects[id(data)] = node  # type: ignore[attr-defined]
                items.extend(self.represent_data(item) for item in data)
            return node
        return super().represent_data(data)  # type: ignore[misc]

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        # The emitter asks twice per scalar whether it would read back as another type
        # (a regular-expression search each); the answer depends on the text alone.
        if kind is not ScalarNode:
            return super().resolve(kind, value, implicit)  # type: ignore[misc]
        key = (value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            if len(_RESOLVED) > 200_000:
                _RESOLVED.clear()
            tag = _RESOLVED[key] = super().resolve(kind, value, implicit)  # type: ignore[misc]
        return tag


_RESOLVED: dict[tuple[Any, Any], Any] = {}


class _Dumper(_LeanRepresenter, yaml.SafeDumper):
    pass


class _PlainDumper(_Dumper):
    """No `&id001` anchors: every repeated value spelled out, as a person would write it."""

    plain = True

    def ignore_aliases(self, data: Any) -> bool:
        return True


_C_DUMPER: type[yaml.SafeDumper] | None = getattr(yaml, "CSafeDumper", None)  # no libyaml: None
_FAST: type[Any] | None = None
_PlainFastDumper: type[Any] | None = None
if _C_DUMPER is not None:

    class _FastDumper(_LeanRepresenter, _C_DUMPER):  # type: ignore[valid-type,misc]
        pass

    class _PlainFast(_FastDumper):
        plain = True

        def ignore_aliases(self, data: Any) -> bool:
            return True

    _FAST, _PlainFastDumper = _FastDumper, _PlainFast


def dump(data: Any, *, plain: bool = False, **options: Any) -> str:
    """`yaml.safe_dump(data, allow_unicode=True, sort_keys=False, **options)`, faster.

    `plain`: never use anchors and aliases for repeated values.
    """
    with collector_paused():
        chosen = {"allow_unicode": True, "sort_keys": False, **options}
        text = block_text(data, plain, chosen)
        return text if text is not None else _dump(data, plain, chosen)


def _dump(data: Any, plain: bool, options: dict[str, Any]) -> str:
    if _FAST is not None:
        fast = _PlainFastDumper if plain else _FAST
        text: str = yaml.dump(data, Dumper=fast, **options)
        if not any(escape in text for escape in C_ONLY_ESCAPES):
            return text
    slow = _PlainDumper if plain else _Dumper
    result: str = yaml.dump(data, Dumper=slow, **options)
    return result
