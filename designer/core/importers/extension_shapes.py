"""The shapes of msgflow's own `x-msgflow-...` keys, checked before the importer reads them.

msgflow's AsyncAPI export keeps what AsyncAPI cannot say (flow ids, timeouts, the nodes,
the design's name) in `x-msgflow-...` keys, and the import trusts them to hold what the
export wrote. A hand-edited document may hold anything there: a list where the flow ids
go, a number as a message's owner. Each such value is refused here, at its path, with the
shape it should have (the import then exits 2), instead of failing half-way through
mapping (issue #10: found by fuzzing exported designs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pydantic import ValidationError

from designer.core.errors import json_path
from designer.core.model import Node


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _flag(value: Any) -> bool:
    return isinstance(value, bool)


def _texts_by_text(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    )


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _mappings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def _mapping(value: Any) -> bool:
    return isinstance(value, dict)


def _suppressions(value: Any) -> bool:
    return _mappings(value) and all(
        isinstance(s.get("rule"), str) and isinstance(s.get("reason"), str) for s in value
    )


def _mappings_by_text(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, dict) for k, v in value.items()
    )


def _design(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and all(isinstance(value.get(k), (str, type(None))) for k in ("name", "description"))
        and isinstance(value.get("settings", {}), dict)
    )


_SHAPES: dict[str, tuple[str, Callable[[Any], bool]]] = {
    **{
        f"x-msgflow-{key}": ("text", _text)
        for key in ("id", "kind", "owner", "caused-by", "transport", "boundary", "channel")
    },
    **{f"x-msgflow-{key}": ("text", _text) for key in ("field", "type")},
    "x-msgflow-timeout-ms": ("a whole number", _whole),
    "x-msgflow-version": ("a whole number", _whole),
    **{
        f"x-msgflow-{key}": ("true or false", _flag)
        for key in ("actor", "idempotent", "dead-letter", "long-running", "scatter-gather")
    },
    "x-msgflow-flows": ("a mapping of flow ids to node ids", _texts_by_text),
    "x-msgflow-peers": ("a list of node ids", _texts),
    "x-msgflow-nodes": ("a list of nodes", _mappings),
    "x-msgflow-parameters": ("a list of parameters", _mappings),
    "x-msgflow-suppress": ("a list of {rule, reason}", _suppressions),
    "x-msgflow-flow-details": ("a mapping of flow ids to details", _mappings_by_text),
    "x-msgflow-design": ("a mapping with a text name and description", _design),
    "x-msgflow-redis": ("a mapping", _mapping),
}


def extension_problems(data: Any) -> Iterator[tuple[str, str]]:
    """(path, message) for each `x-msgflow-...` value of the wrong shape. Iterative, and
    each container once: YAML aliases can make a tree that contains itself."""
    seen: set[int] = set()
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, parts = stack.pop()
        if not isinstance(value, (dict, list)) or id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, list):
            stack.extend((item, (*parts, i)) for i, item in enumerate(value))
            continue
        for key, item in value.items():
            # YAML keys may be numbers, booleans, null: named as text in the path.
            part = key if isinstance(key, str) else str(key)
            shape = _SHAPES.get(part) if isinstance(key, str) else None
            if shape is not None and not shape[1](item):
                yield json_path((*parts, part)), f"msgflow's own key should be {shape[0]}"
            elif shape is not None and part == "x-msgflow-nodes":
                yield from _node_problems(item, (*parts, part))
            else:
                stack.append((item, (*parts, part)))


def _node_problems(nodes: list[Any], parts: tuple[str | int, ...]) -> Iterator[tuple[str, str]]:
    for index, entry in enumerate(nodes):
        try:
            Node.model_validate(entry)
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            where = json_path((*parts, index, *first["loc"]))
            yield where, f"not a node: {first['msg'][:1].lower()}{first['msg'][1:]}"
