"""Message fields as JSON Schema (AsyncAPI payloads, EventCatalog schemas), and back.

The mapping is one-to-one so an exported payload imports to the same fields: the
types JSON Schema lacks are carried by `format` (`decimal`, `uuid`, `date-time`, `date`)
and `contentEncoding` (`bytes`).
"""

from __future__ import annotations

from typing import Any

from designer.core.model import PRIMITIVE_TYPES, MessageField, parse_field_type

_PRIMITIVES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    # Decimals travel as strings so no precision is lost on the way (pydantic does the same).
    "decimal": {"type": "string", "format": "decimal"},
    "boolean": {"type": "boolean"},
    "datetime": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
    "uuid": {"type": "string", "format": "uuid"},
    "bytes": {"type": "string", "contentEncoding": "base64"},
}


def type_schema(type_text: str, record_ref: str) -> dict[str, Any]:
    """JSON Schema of one field type; records become `{"$ref": record_ref + name}`."""
    constructor, inner = parse_field_type(type_text)
    if constructor == "list" and inner is not None:
        return {"type": "array", "items": type_schema(inner, record_ref)}
    if constructor == "map" and inner is not None:
        return {"type": "object", "additionalProperties": type_schema(inner, record_ref)}
    if constructor in _PRIMITIVES:
        return dict(_PRIMITIVES[constructor])
    return {"$ref": f"{record_ref}{constructor}"}


def object_schema(
    fields: list[MessageField],
    record_ref: str,
    *,
    title: str | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    """An object schema with one property per field; required fields listed."""
    schema: dict[str, Any] = {"type": "object"}
    if title:
        schema["title"] = title
    if description:
        schema["description"] = description
    properties: dict[str, Any] = {}
    for field in fields:
        prop = type_schema(field.type, record_ref)
        if field.description:
            prop = {**prop, "description": field.description}
        properties[field.name] = prop
    schema["properties"] = properties
    required = [f.name for f in fields if f.required]
    if required:
        schema["required"] = required
    return schema


def primitive_for(schema: dict[str, Any]) -> str | None:
    """The primitive field type a leaf schema stands for, or None if it is not one."""
    kind = schema.get("type")
    if kind == "string":
        if schema.get("contentEncoding") == "base64" or schema.get("format") in ("byte", "binary"):
            return "bytes"
        return {"decimal": "decimal", "date-time": "datetime", "date": "date", "uuid": "uuid"}.get(
            str(schema.get("format")), "string"
        )
    if kind in ("integer", "number", "boolean"):
        return str(kind)
    return None


def record_names(types: list[str]) -> list[str]:
    """Record names used by field types (`list[OrderLine]` -> `OrderLine`)."""
    names = []
    for text in types:
        constructor, inner = parse_field_type(text)
        while inner is not None:
            constructor, inner = parse_field_type(inner)
        if constructor not in PRIMITIVE_TYPES:
            names.append(constructor)
    return names
