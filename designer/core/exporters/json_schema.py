"""Message fields as JSON Schema (AsyncAPI payloads, EventCatalog schemas), and back.

The mapping is one-to-one so an exported payload imports to the same fields: the
types JSON Schema lacks are carried by `format` (`decimal`, `uuid`, `date-time`, `date`)
and `contentEncoding` (`bytes`); a union is `anyOf`, or `oneOf` with AsyncAPI's
`discriminator` keyword when the design names one; a field's `enum` (strings, integers or
booleans, as JSON values) is `const` (one) or `enum`.
"""

from __future__ import annotations

from typing import Any

from designer.core.model import (
    PRIMITIVE_TYPES,
    Message,
    MessageField,
    parse_field_type,
    type_names,
    union_members,
)

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


def type_schema(
    type_text: str, record_ref: str, discriminator: str | None = None
) -> dict[str, Any]:
    """JSON Schema of one field type; records become `{"$ref": record_ref + name}`.

    `discriminator` goes on the union the type is or holds (`list[A | B]`)."""
    constructor, inner = parse_field_type(type_text)
    if constructor == "union":
        schema = union_schema(union_members(type_text), record_ref, discriminator)
        return schema
    if constructor == "list" and inner is not None:
        return {"type": "array", "items": type_schema(inner, record_ref, discriminator)}
    if constructor == "map" and inner is not None:
        return {
            "type": "object",
            "additionalProperties": type_schema(inner, record_ref, discriminator),
        }
    if constructor in _PRIMITIVES:
        return dict(_PRIMITIVES[constructor])
    return {"$ref": f"{record_ref}{constructor}"}


def union_schema(members: list[str], record_ref: str, discriminator: str | None) -> dict[str, Any]:
    alternatives = [type_schema(m, record_ref) for m in members]
    if discriminator:  # the tag makes them exclusive: exactly one
        return {"oneOf": alternatives, "discriminator": discriminator}
    # Without a tag a payload may fit two alternatives (records with optional fields,
    # `string | uuid`); the generated models accept it, and so does `anyOf`.
    return {"anyOf": alternatives}


def payload_schema(message: Message, record_ref: str, title: str | None = None) -> dict[str, Any]:
    """A message's payload: an object of its fields, or `oneOf` its records (`one_of`)."""
    if message.one_of:
        schema = union_schema(message.one_of, record_ref, message.discriminator)
        return {"title": title, **schema} if title else schema
    return object_schema(message.fields, record_ref, title=title)


def response_schema(message: Message, record_ref: str, title: str | None = None) -> dict[str, Any]:
    """A query's answer: an object of its response fields, or `oneOf`/`anyOf` its records."""
    if message.response_one_of:
        schema = union_schema(message.response_one_of, record_ref, message.response_discriminator)
        return {"title": title, **schema} if title else schema
    return object_schema(message.response or [], record_ref, title=title)


def field_schema(field: MessageField, record_ref: str) -> dict[str, Any]:
    prop = type_schema(field.type, record_ref, field.discriminator)
    if field.enum is not None:
        prop.update({"const": field.enum[0]} if len(field.enum) == 1 else {"enum": field.enum})
    if field.description:
        prop["description"] = field.description
    return prop


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
        properties[field.name] = field_schema(field, record_ref)
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
    """Record names used by field types (`list[OrderLine]` -> `OrderLine`, `A | B` -> both)."""
    return [name for text in types for name in type_names(text) if name not in PRIMITIVE_TYPES]


def payload_records(message: Message) -> list[str]:
    """The records a message's payload names directly (its fields' types, its `one_of`)."""
    return record_names([f.type for f in message.fields]) + list(message.one_of or [])


def response_records(message: Message) -> list[str]:
    """The records a query's answer names directly."""
    return record_names([f.type for f in message.response or []]) + list(
        message.response_one_of or []
    )
