"""An Avro schema (a payload with `schemaFormat: application/vnd.apache.avro...`) read as
the JSON Schema it is equivalent to, so the one payload mapper (schema_fields.py) makes
its fields and records.

Records become objects titled with their name (so each becomes a design record), enums
strings with their symbols, arrays and maps lists and maps, a union with `null` a field
that may be null, logical types the design's dated, uuid and decimal types. A named type
used again by name is the same object (a recursive record stays one record). What has no
equivalent (a name never defined in this schema, an unknown type) is reported and typed as
a string, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .schema_fields import UnreadableSchema

Note = Callable[[str, str], None]

_PRIMITIVES: dict[str, dict[str, Any]] = {
    "null": {"type": "null"},
    "boolean": {"type": "boolean"},
    "int": {"type": "integer"},
    "long": {"type": "integer"},
    "float": {"type": "number"},
    "double": {"type": "number"},
    "bytes": {"type": "string", "format": "byte"},
    "string": {"type": "string"},
}

_LOGICAL: dict[str, dict[str, Any]] = {
    "timestamp-millis": {"type": "string", "format": "date-time"},
    "timestamp-micros": {"type": "string", "format": "date-time"},
    "local-timestamp-millis": {"type": "string", "format": "date-time"},
    "local-timestamp-micros": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
    "uuid": {"type": "string", "format": "uuid"},
    "decimal": {"type": "string", "format": "decimal"},
}


def is_avro_format(schema_format: str) -> bool:
    return schema_format.split(";", 1)[0].strip().lower() in (
        "application/vnd.apache.avro",
        "application/vnd.apache.avro+json",
        "application/vnd.apache.avro+yaml",
    )


def avro_as_json_schema(schema: Any, at: str, note: Note) -> dict[str, Any] | None:
    """The JSON Schema equal to an Avro schema; None when `schema` is no Avro schema at all
    (an empty mapping: a remote reference that was not followed)."""
    if not schema:
        return None
    return _Converter(note).convert(schema, at)


class _Converter:
    def __init__(self, note: Note) -> None:
        self.note = note
        self.named: dict[str, dict[str, Any]] = {}  # full and short names -> their schema
        self._inside: set[int] = set()  # the Avro schemas being converted now

    def convert(self, schema: Any, at: str, namespace: str | None = None) -> dict[str, Any]:
        """An Avro schema inside itself (a YAML alias: Avro itself recurs only by name)
        would be converted forever: refused where it recurs."""
        if not isinstance(schema, (dict, list)):
            return self._convert(schema, at, namespace)
        if id(schema) in self._inside:
            raise UnreadableSchema(
                at,
                "an Avro schema that contains itself (a YAML alias): converting it would never end",
            )
        self._inside.add(id(schema))
        try:
            return self._convert(schema, at, namespace)
        finally:
            self._inside.discard(id(schema))

    def _convert(self, schema: Any, at: str, namespace: str | None) -> dict[str, Any]:
        if isinstance(schema, str):
            return self._by_name(schema, at, namespace)
        if isinstance(schema, list):  # a union
            return {
                "oneOf": [
                    self.convert(member, f"{at}[{i}]", namespace) for i, member in enumerate(schema)
                ]
            }
        if not isinstance(schema, dict):
            self.note(at, "not an Avro schema: typed as string")
            return {"type": "string"}
        kind = schema.get("type")
        logical = schema.get("logicalType")
        if isinstance(logical, str) and logical in _LOGICAL:
            return self._described(dict(_LOGICAL[logical]), schema)
        if kind == "record" or kind == "error":
            return self._record(schema, at, namespace)
        if kind == "enum":
            symbols = schema.get("symbols")
            if not isinstance(symbols, list):
                if symbols is not None:
                    self.note(f"{at}.symbols", "an Avro enum's symbols are not a list: left out")
                symbols = []
            converted = self._described(
                {"type": "string", "enum": [str(s) for s in symbols]}, schema
            )
            self._name(schema, converted, namespace)
            return converted
        if kind == "fixed":
            converted = self._described({"type": "string", "format": "byte"}, schema)
            self._name(schema, converted, namespace)
            return converted
        if kind == "array":
            items = self.convert(schema.get("items", "string"), f"{at}.items", namespace)
            return self._described({"type": "array", "items": items}, schema)
        if kind == "map":
            values = self.convert(schema.get("values", "string"), f"{at}.values", namespace)
            return self._described({"type": "object", "additionalProperties": values}, schema)
        if isinstance(kind, (str, list, dict)):  # `{type: string, avro.java.string: ...}`
            return self._described(self.convert(kind, at, namespace), schema)
        self.note(at, "an Avro schema without a type: typed as string")
        return {"type": "string"}

    def _record(self, schema: dict[str, Any], at: str, namespace: str | None) -> dict[str, Any]:
        converted: dict[str, Any] = {"type": "object", "title": str(schema.get("name") or "")}
        if not converted["title"]:
            del converted["title"]
        # Named before its fields are read: a field may name the record it is in.
        inner = self._name(schema, converted, namespace)
        properties: dict[str, Any] = {}
        fields = schema.get("fields") or []
        for index, field in enumerate(fields if isinstance(fields, list) else []):
            where = f"{at}.fields[{index}]"
            if not isinstance(field, dict) or not isinstance(field.get("name"), str):
                self.note(where, "not an Avro field (no name): left out")
                continue
            prop = dict(self.convert(field.get("type"), f"{where}.type", inner))
            if isinstance(field.get("doc"), str) and "description" not in prop:
                prop["description"] = field["doc"]
            properties[field["name"]] = prop
        converted["properties"] = properties
        # Every Avro field is written in every message; one whose type admits null may hold it.
        converted["required"] = list(properties)
        return self._described(converted, schema)

    def _name(
        self, schema: dict[str, Any], converted: dict[str, Any], namespace: str | None
    ) -> str | None:
        """Register a named type under its short and full names; its namespace for inside."""
        name = schema.get("name")
        if not isinstance(name, str) or not name:
            return namespace
        own = schema.get("namespace") if isinstance(schema.get("namespace"), str) else None
        space = name.rsplit(".", 1)[0] if "." in name else (own or namespace)
        short = name.rsplit(".", 1)[-1]
        self.named[short] = converted
        if space:
            self.named[f"{space}.{short}"] = converted
        return space

    def _by_name(self, name: str, at: str, namespace: str | None) -> dict[str, Any]:
        if name in _PRIMITIVES:
            return dict(_PRIMITIVES[name])
        for candidate in (f"{namespace}.{name}" if namespace else None, name):
            if candidate and candidate in self.named:
                return self.named[candidate]
        self.note(at, f"Avro type '{name}' is not defined in this schema: typed as string")
        return {"type": "string"}

    @staticmethod
    def _described(converted: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
        if isinstance(schema.get("doc"), str) and "description" not in converted:
            converted["description"] = schema["doc"]
        return converted
