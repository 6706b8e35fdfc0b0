"""The shape of every JSON Schema the importer reads, checked once when a document loads.

The schema reading (schema_fields.py) used to be tolerant site by site, and fuzzing kept
finding new sites: a `type` that is a mapping, `required: [[a]]`, an array whose items are
the array itself. Here, before anything is mapped, every schema the importer can reach
(message payloads and headers, message traits, a Kafka message key, channel parameters'
schemas, components/schemas, and everything those reach through properties, items,
additionalProperties, allOf/oneOf/anyOf and `$ref`s, each object once) is made to hold
what JSON Schema says, so the reading downstream can rely on it:

- a keyword the importer reads whose value has the wrong shape is left out, with a
  report line at its place, as a lenient JSON Schema tool ignores what it cannot use:
  `type` (a JSON type name or a list of names), `properties` and `additionalProperties`
  (a mapping of schemas; a schema or a boolean), `allOf`/`oneOf`/`anyOf` (lists),
  `required` (a list of names: other entries are dropped), `enum` (a list), `format`,
  `title`, `description` (text), `discriminator` (a name or `{propertyName: name}`),
  and a `$ref` that is not text. Values (`enum`, `const`, `default`, `examples`) may be
  any JSON value: they are data, not schema.
- what no reading can end on is refused (exit 2) at its place: a schema that holds itself
  through items, additionalProperties or allOf with no object property in between (an
  array of itself; a union that holds itself only through oneOf/anyOf is refused where
  it is read, schema_fields.py), and schemas nested more than MAX_SCHEMA_DEPTH deep,
  inline or through a chain of `$ref`s (every level is a few stack frames of reading).

What a schema position holds that is no schema at all (a number, a text, null) is left
to the reading, which types such a field as a string and says so.
"""

from __future__ import annotations

import functools
import math
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote, urldefrag

from designer.core.errors import json_path

# Deeper than any real schema (public specs nest under 20), shallow enough that reading
# (a few frames a level) stays far from Python's recursion limit.
MAX_SCHEMA_DEPTH = 100

JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "null"})


class _Spec(Protocol):
    data: dict[str, Any]
    source: str

    @property
    def major(self) -> int: ...

    def deref(self, node: Any, at: str = "$") -> tuple[Any, str | None]: ...

    def source_of(self, node: Any) -> str: ...


@dataclass(frozen=True)
class ShapeFinding:
    source: str
    path: str
    message: str
    refused: bool  # True: the import cannot go on; False: left out, reported


def child(at: str, key: str | int) -> str:
    """`at` one key or index further, written as the importer's paths are."""
    return at + _step(key)


@functools.lru_cache(maxsize=4096)
def _step(key: str | int) -> str:
    """`.key`, `[index]` or `["odd key"]` (keys repeat: property names, keywords)."""
    return json_path((key,))[1:]


def json_schema_format(schema_format: str) -> bool:
    """AsyncAPI's own schema and JSON Schema, in JSON or YAML media types."""
    media = schema_format.split(";", 1)[0].strip().lower()
    return media in (
        "application/vnd.aai.asyncapi",
        "application/vnd.aai.asyncapi+json",
        "application/vnd.aai.asyncapi+yaml",
        "application/schema+json",
        "application/schema+yaml",
        "application/json",
        "application/x-yaml",
        "application/yaml",
    )


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return "text" if isinstance(value, str) else "a number"


# ---------------------------------------------------------------- where schemas are


def _mapping(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _messages(spec: _Spec) -> Iterator[tuple[dict[str, Any], str]]:
    """Every message object the importer may read, with the path it is read at."""
    data, v3 = spec.data, spec.major >= 3
    components = _mapping(data.get("components"))
    pending: list[tuple[Any, str]] = []
    channels = [
        (raw, child(where, str(key)))
        for where, section in (
            ("$.channels", data.get("channels")),
            ("$.components.channels", components.get("channels")),
        )
        for key, raw in _mapping(section).items()
    ]
    operations = [
        (raw, child(where, str(key)))
        for where, section in (
            ("$.operations", data.get("operations")),
            ("$.components.operations", components.get("operations")),
        )
        for key, raw in _mapping(section).items()
    ]
    for raw, at in operations:  # AsyncAPI 3: an operation's channel may be one of its own
        operation = _mapping(spec.deref(raw, at)[0])
        channels.append((operation.get("channel"), child(at, "channel")))
    for raw, at in channels:
        channel, _, at = _target(spec, raw, at)  # located where it is written
        channel = _mapping(channel)
        if v3:
            for name, message in _mapping(channel.get("messages")).items():
                pending.append((message, child(child(at, "messages"), str(name))))
        for verb in ("publish", "subscribe"):
            operation, _ = spec.deref(channel.get(verb), child(at, verb))
            if isinstance(operation, dict):
                pending.append((operation.get("message"), child(child(at, verb), "message")))
    for raw, at in operations:
        operation = _mapping(spec.deref(raw, at)[0])
        for index, message in enumerate(_list(operation.get("messages"))):
            pending.append((message, child(child(at, "messages"), index)))
        reply = _mapping(spec.deref(operation.get("reply"), child(at, "reply"))[0])
        for index, message in enumerate(_list(reply.get("messages"))):
            pending.append((message, f"{at}.reply.messages[{index}]"))
    for key, message in _mapping(components.get("messages")).items():
        pending.append((message, child("$.components.messages", str(key))))
    for key, raw in _mapping(components.get("replies")).items():
        reply = _mapping(spec.deref(raw, child("$.components.replies", str(key)))[0])
        for index, message in enumerate(_list(reply.get("messages"))):
            pending.append((message, f"$.components.replies.{key}.messages[{index}]"))
    seen: set[int] = set()
    queue = deque(pending)  # in the order found: a message is located where first listed
    while queue:
        raw, at = queue.popleft()
        message, _, at = _target(spec, raw, at)
        if not isinstance(message, dict) or id(message) in seen:
            continue
        seen.add(id(message))
        yield message, at
        # AsyncAPI 2's `message: {oneOf: [...]}`: each alternative is a message.
        for index, alternative in enumerate(_list(message.get("oneOf"))):
            queue.append((alternative, child(child(at, "oneOf"), index)))


def _message_schemas(spec: _Spec, message: dict[str, Any], at: str) -> Iterator[tuple[Any, str]]:
    """The schemas of one message the importer reads: its own and its traits'."""
    parts: list[tuple[dict[str, Any], str]] = [(message, at)]
    for index, raw in enumerate(_list(message.get("traits"))):
        trait, _ = spec.deref(raw, f"{at}.traits[{index}]")
        if isinstance(trait, dict):
            parts.append((trait, f"{at}.traits[{index}]"))
    for part, where in parts:
        if "payload" in part:
            payload, payload_at = part["payload"], f"{where}.payload"
            schema_format = part.get("schemaFormat")
            resolved, _ = spec.deref(payload, payload_at)
            if isinstance(resolved, dict) and "schemaFormat" in resolved and "schema" in resolved:
                schema_format = resolved.get("schemaFormat")
                payload, payload_at = resolved.get("schema"), f"{payload_at}.schema"
            # Avro and other formats are read (or reported) by their own readers.
            if not schema_format or json_schema_format(str(schema_format)):
                yield payload, payload_at
        if "headers" in part:
            yield part["headers"], f"{where}.headers"
        kafka = _mapping(_mapping(part.get("bindings")).get("kafka"))
        if "key" in kafka:
            yield kafka["key"], f"{where}.bindings.kafka.key"


def schema_roots(spec: _Spec) -> Iterator[tuple[Any, str]]:
    """Every schema the importer reads, at the path it is written at: components/schemas
    first (so a schema many payloads `$ref` is located where it is written)."""
    components = _mapping(spec.data.get("components"))
    # Listed before anything is left out: a `$ref` may name a mapping of schemas (or of
    # parameters) as if it were a schema, and leaving out its keys changes it under the loop.
    for key, schema in list(_mapping(components.get("schemas")).items()):
        yield schema, child("$.components.schemas", str(key))
    for message, at in _messages(spec):
        yield from _message_schemas(spec, message, at)
    channels = [
        (spec.deref(raw, child("$.channels", str(key)))[0], child("$.channels", str(key)))
        for key, raw in _mapping(spec.data.get("channels")).items()
    ]
    for channel, at in [*channels, (components, "$.components")]:
        for name, raw in list(_mapping(_mapping(channel).get("parameters")).items()):
            where = child(child(at, "parameters"), str(name))
            parameter, _ = spec.deref(raw, where)
            if isinstance(parameter, dict) and "schema" in parameter:
                yield parameter["schema"], f"{where}.schema"


# ---------------------------------------------------------------- one schema object

# Keyword -> (the shape it should have, whether a value has it).
_TEXT = ("text", lambda v: isinstance(v, str))
_SHAPES: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "type": (
        "a JSON type name or a list of them",
        lambda v: isinstance(v, (str, list)),
    ),
    "properties": ("a mapping of names to schemas", lambda v: isinstance(v, dict)),
    "additionalProperties": ("a schema or true/false", lambda v: isinstance(v, (dict, bool))),
    "allOf": ("a list of schemas", lambda v: isinstance(v, list)),
    "oneOf": ("a list of schemas", lambda v: isinstance(v, list)),
    "anyOf": ("a list of schemas", lambda v: isinstance(v, list)),
    "required": ("a list of property names", lambda v: isinstance(v, list)),
    "enum": ("a list of values", lambda v: isinstance(v, list)),
    "format": _TEXT,
    "description": _TEXT,
    "title": (
        "text",
        lambda v: (
            isinstance(v, str)
            or (isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v))
        ),
    ),
    "discriminator": (
        "a property name or {propertyName: name}",
        lambda v: (
            isinstance(v, str) or (isinstance(v, dict) and isinstance(v.get("propertyName"), str))
        ),
    ),
    "$ref": _TEXT,
}


def _normalise(schema: dict[str, Any], at: str) -> Iterator[tuple[str, str]]:
    """Leave out (in place) each keyword of the wrong shape: (path, report line) each."""
    for keyword in [k for k in schema if k in _SHAPES]:  # most schemas have a few keys
        wanted, fits = _SHAPES[keyword]
        value = schema[keyword]
        where = child(at, keyword)
        if not fits(value):
            del schema[keyword]
            yield where, f"{keyword} should be {wanted}, found {_kind(value)}: left out"
        elif keyword == "type" and isinstance(value, list):
            names = [v for v in value if isinstance(v, str) and v in JSON_TYPES]
            if len(names) != len(value):
                schema[keyword] = names
                yield where, "type lists something that is no JSON type name: that entry left out"
        elif keyword == "required":
            names = [v for v in value if isinstance(v, str)]
            if len(names) != len(value):
                schema[keyword] = names
                yield (
                    where,
                    "required lists something that is no property name: that entry left out",
                )


def _edges(schema: dict[str, Any], at: str) -> Iterator[tuple[Any, str, str]]:
    """(sub-schema, its path, how it is reached) for each sub-schema the reading follows.

    `items` is read only when the schema is an array, `additionalProperties` only when it
    has no properties (a record keeps its named fields): the reading's own conditions,
    so a cycle through what is never read is no cycle."""
    properties = schema.get("properties")
    for name, sub in (properties or {}).items():
        yield sub, child(child(at, "properties"), str(name)), "properties"
    kinds = schema.get("type")
    if isinstance(kinds, list):
        rest = [k for k in kinds if k != "null"]
        kinds = rest[0] if len(rest) == 1 else None
    if kinds == "array" and "items" in schema:
        items = schema["items"]
        if isinstance(items, list):  # the tuple form: each position its own schema
            for index, sub in enumerate(items):
                yield sub, child(child(at, "items"), index), "items"
        else:
            yield items, child(at, "items"), "items"
    if not properties and isinstance(schema.get("additionalProperties"), dict):
        yield (
            schema["additionalProperties"],
            child(at, "additionalProperties"),
            "additionalProperties",
        )
    for keyword in ("allOf", "oneOf", "anyOf"):
        for index, sub in enumerate(schema.get(keyword) or []):
            yield sub, f"{child(at, keyword)}[{index}]", keyword


# ---------------------------------------------------------------- the whole document


class _Graph:
    """The schema objects reached and how each reaches the next."""

    def __init__(self) -> None:
        self.nodes: dict[int, dict[str, Any]] = {}
        self.where: dict[int, tuple[str, str]] = {}  # (source, path) it was first read at
        self.edges: dict[int, list[tuple[int, str, str]]] = {}  # -> (target, path, how)


def check_schemas(spec: _Spec) -> Iterator[ShapeFinding]:
    """Every finding about the document's schemas: leaving-outs (already made) first,
    then what makes it unreadable."""
    graph = _Graph()
    roots: list[int] = []
    for raw, at in schema_roots(spec):
        yield from _walk(spec, graph, raw, at, roots)
    yield from _cycles(graph, roots)
    yield from _depth(graph, roots)


def _target(spec: _Spec, raw: Any, at: str, source: str | None = None) -> tuple[Any, str, str]:
    """What `raw` names, with the source and path of where that is written. `source`:
    the document `raw` is in, when known (a sub-schema is in its parent's)."""
    if source is not None and not (isinstance(raw, dict) and "$ref" in raw):
        return raw, source, at  # most sub-schemas: no reference to follow
    target, ref = spec.deref(raw, at)
    if ref is None:
        return target, spec.source_of(raw), at
    fragment = urldefrag(ref)[1]
    if not fragment.startswith("/"):
        return target, spec.source_of(target), at
    parts = [unquote(p).replace("~1", "/").replace("~0", "~") for p in fragment.split("/")[1:]]
    return target, spec.source_of(target), json_path(tuple(parts))


def _walk(
    spec: _Spec, graph: _Graph, raw: Any, at: str, roots: list[int]
) -> Iterator[ShapeFinding]:
    target, source, where = _target(spec, raw, at)
    if not isinstance(target, dict):
        return
    roots.append(id(target))
    pending = [(target, source, where)]
    while pending:
        schema, source, where = pending.pop()
        if id(schema) in graph.nodes:
            continue
        graph.nodes[id(schema)] = schema
        graph.where[id(schema)] = (source, where)
        for path, message in _normalise(schema, where):
            yield ShapeFinding(source, path, message, refused=False)
        edges = graph.edges.setdefault(id(schema), [])
        for sub, sub_at, how in _edges(schema, where):
            found, found_source, found_at = _target(spec, sub, sub_at, source)
            if isinstance(found, dict):
                edges.append((id(found), sub_at, how))
                if id(found) not in graph.nodes:
                    pending.append((found, found_source, found_at))


_UNIONS = frozenset({"oneOf", "anyOf"})


def _cycles(graph: _Graph, roots: list[int]) -> Iterator[ShapeFinding]:
    """A schema holding itself with no object property in between: the reading of it
    would never end. Depth-first over every edge but `properties`."""
    state: dict[int, int] = {}  # 1 on the path, 2 done
    for root in roots:
        if root in state:
            continue
        # (node, its next edge's index, how it was entered)
        path: list[tuple[int, int, str]] = [(root, 0, "")]
        state[root] = 1
        while path:
            node, index, how = path[-1]
            edges = [e for e in graph.edges.get(node, []) if e[2] != "properties"]
            if index == len(edges):
                state[node] = 2
                path.pop()
                continue
            path[-1] = (node, index + 1, how)
            target, at, through = edges[index]
            if state.get(target) == 1:
                start = next(i for i, step in enumerate(path) if step[0] == target)
                kinds = {step[2] for step in path[start + 1 :]} | {through}
                if kinds <= _UNIONS:
                    continue  # refused where it is read, with the alternative named
                source = graph.where[node][0]
                yield ShapeFinding(
                    source,
                    at,
                    "a schema that contains itself through "
                    f"{'/'.join(sorted(kinds))} with no object property in between: "
                    "reading it would never end",
                    refused=True,
                )
                return
            if target not in state:
                state[target] = 1
                path.append((target, 0, through))


def _depth(graph: _Graph, roots: list[int]) -> Iterator[ShapeFinding]:
    """Schemas nested deeper than MAX_SCHEMA_DEPTH: the longest chain of sub-schemas
    (each object counted once, as the reading builds each record once)."""
    height: dict[int, int] = {}
    on_path: set[int] = set()
    for root in roots:
        if root in height:
            continue
        path: list[tuple[int, int]] = [(root, 0)]
        on_path.add(root)
        while path:
            node, index = path[-1]
            edges = graph.edges.get(node, [])
            if index < len(edges):
                path[-1] = (node, index + 1)
                target = edges[index][0]
                if target not in height and target not in on_path:
                    on_path.add(target)
                    path.append((target, 0))
                continue
            path.pop()
            on_path.discard(node)
            height[node] = 1 + max(
                (height.get(t, 0) for t, _, _ in edges if t not in on_path), default=0
            )
        if height[root] > MAX_SCHEMA_DEPTH:
            source, at = graph.where[root]
            node = root
            for _ in range(MAX_SCHEMA_DEPTH):  # the deepest chain, to where it passes the bound
                following = [
                    e for e in graph.edges.get(node, []) if height.get(e[0], 0) == height[node] - 1
                ]
                if not following:
                    break
                node, at = following[0][0], following[0][1]
                source = graph.where[node][0]
            yield ShapeFinding(
                source,
                at,
                f"schemas nested more than {MAX_SCHEMA_DEPTH} deep (through properties, items, "
                "allOf/oneOf/anyOf or $refs): too deep to read",
                refused=True,
            )
            return
