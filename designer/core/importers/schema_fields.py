"""JSON Schema payloads -> message fields and record schemas (the inverse of json_schema.py).

What the design cannot say exactly is mapped to the nearest field type and noted, so the
import report lists every loss and nothing disappears silently: an enum becomes a string
whose description lists the values; a `oneOf`/`anyOf` of objects becomes one record with
every alternative's fields (optional unless all alternatives require them), so the
generated model accepts each real message; alternatives of different primitive types,
which no field type holds, are noted where they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from designer.core.exporters.json_schema import primitive_for
from designer.core.model import MessageField, RecordSchema

Note = Callable[[str, str], None]  # (JSON path, what happened)
Deref = Callable[[Any, str], tuple[Any, str | None]]

_NOT_NAME = re.compile(r"[^A-Za-z0-9]+")


def record_name(text: str) -> str:
    """`order_line` / `order-line` -> `OrderLine`; an existing PascalCase name is kept."""
    parts = [p for p in _NOT_NAME.split(text) if p]
    name = "".join(p[:1].upper() + p[1:] for p in parts) or "Record"
    return name if name[0].isalpha() else f"R{name}"


class SchemaMapper:
    """Collects the records met while mapping payloads of one import."""

    def __init__(self, deref: Deref, note: Note) -> None:
        self.deref = deref
        self.note = note
        self.records: dict[str, RecordSchema] = {}
        self._building: set[str] = set()

    def fields(self, schema: Any, at: str, *, owner: str) -> list[MessageField]:
        """The fields of a payload schema; a non-object payload becomes one field `value`."""
        target, _ = self.deref(schema, at)
        if not isinstance(target, dict) or not target:
            if isinstance(target, dict):  # a remote $ref, already reported: nothing known
                self.note(at, "the payload's schema is not known here: the message has no fields")
            return []
        merged = self._merge_alternatives(self._merge_all_of(target, at), at)
        if merged.get("type", "object") == "object" and (
            "properties" in merged or "type" in merged
        ):
            fields = self._object_fields(merged, at, owner)
            if not fields:
                self.note(at, "an object payload without properties: the message has no fields")
            return fields
        field_type, required = self.type_of(schema, at, hint=f"{owner}Value")
        self.note(at, "the payload is not an object: it became a single field 'value'")
        return [MessageField(name="value", type=field_type, required=required)]

    def _merge_all_of(self, schema: dict[str, Any], at: str) -> dict[str, Any]:
        if "allOf" not in schema:
            return schema
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        properties = dict(merged.get("properties", {}))
        required = list(merged.get("required", []))
        is_object = bool(properties) or merged.get("type") == "object"
        for index, part in enumerate(schema["allOf"]):
            target, _ = self.deref(part, f"{at}.allOf[{index}]")
            if isinstance(target, dict):
                target = self._merge_all_of(target, f"{at}.allOf[{index}]")
                is_object = is_object or "properties" in target or target.get("type") == "object"
                properties.update(target.get("properties", {}))
                required.extend(r for r in target.get("required", []) if r not in required)
                # `allOf: [{type: string}, {description: ...}]` is a string: keep its words.
                for key, value in target.items():
                    if key not in ("properties", "required"):
                        merged.setdefault(key, value)
        if is_object:
            merged.update({"type": "object", "properties": properties, "required": required})
        return merged

    def _object_alternatives(self, schema: dict[str, Any], at: str) -> list[dict[str, Any]] | None:
        """The alternatives of a `oneOf`/`anyOf` when every one is an object, else None."""
        for key in ("oneOf", "anyOf"):
            options = schema.get(key)
            if not isinstance(options, list) or not options:
                continue
            found = []
            for index, option in enumerate(options):
                target, _ = self.deref(option, f"{at}.{key}[{index}]")
                if isinstance(target, dict) and target.get("type") == "null":
                    continue
                if not isinstance(target, dict):
                    return None
                target = self._merge_all_of(target, f"{at}.{key}[{index}]")
                if target.get("type", "object") != "object" or "properties" not in target:
                    return None
                found.append(target)
            return found if len(found) > 1 else None
        return None

    def _merge_alternatives(self, schema: dict[str, Any], at: str) -> dict[str, Any]:
        """A `oneOf`/`anyOf` of objects as one object holding every alternative's fields."""
        alternatives = self._object_alternatives(schema, at)
        if alternatives is None:
            return schema
        key = "oneOf" if "oneOf" in schema else "anyOf"
        properties = dict(schema.get("properties") or {})
        required = set(schema.get("required") or [])
        shared = set.intersection(*(set(a.get("required") or []) for a in alternatives))
        for alternative in alternatives:
            for name, prop in (alternative.get("properties") or {}).items():
                properties.setdefault(name, prop)
        names = [str(a.get("title") or "") for a in alternatives]
        which = f" ({', '.join(names)})" if all(names) else ""
        self.note(
            at,
            f"{key} of {len(alternatives)} objects{which}: one record with every alternative's "
            "fields, optional unless all of them require it (which alternative it is, is not checked)",
        )
        merged = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}
        merged.update(
            {"type": "object", "properties": properties, "required": sorted(required | shared)}
        )
        return merged

    def _object_fields(self, schema: dict[str, Any], at: str, owner: str) -> list[MessageField]:
        required = set(schema.get("required", []) or [])
        fields: list[MessageField] = []
        properties = schema.get("properties") or {}
        if not isinstance(properties, dict):
            self.note(f"{at}.properties", "properties is not a mapping: no fields taken from it")
            return []
        for name, prop in properties.items():
            where = f"{at}.properties.{name}"
            field_type, not_null = self.type_of(prop, where, hint=record_name(str(name)))
            target, _ = self.deref(prop, where)
            if isinstance(target, dict):
                target = self._merge_all_of(target, where)  # its words may be in a part
            description = target.get("description") if isinstance(target, dict) else None
            if isinstance(target, dict) and "enum" in target:
                values = ", ".join(str(v) for v in target["enum"])
                description = f"{description + '; ' if description else ''}one of: {values}"
            fields.append(
                MessageField(
                    name=str(name),
                    type=field_type,
                    required=name in required and not_null,
                    description=description,
                )
            )
        if schema.get("additionalProperties") not in (None, False) and properties:
            self.note(at, "additionalProperties beside named properties are not kept")
        return fields

    def type_of(self, schema: Any, at: str, *, hint: str) -> tuple[str, bool]:
        """(field type, may not be null) for one property schema."""
        target, ref = self.deref(schema, at)
        if not isinstance(target, dict):
            self.note(at, "not a schema: typed as string")
            return "string", True
        for key in ("oneOf", "anyOf"):
            if key in target and "properties" not in target:
                options = [
                    o for o in target[key] if not (isinstance(o, dict) and o.get("type") == "null")
                ]
                nullable_option = len(options) < len(target[key])
                if len(options) == 1:  # `X or null`: optional X
                    return self.type_of(options[0], f"{at}.{key}[0]", hint=hint)[0], False
                if self._object_alternatives(target, at) is not None:
                    name = (
                        record_name(ref.rsplit("/", 1)[-1])
                        if ref
                        else record_name(str(target.get("title") or hint))
                    )
                    merged = self._merge_alternatives(target, at)
                    return self._record(name, merged, at), not nullable_option
                return self._primitive_alternatives(
                    options, f"{at}.{key}", key
                ), not nullable_option
        if "allOf" in target:
            target = self._merge_all_of(target, at)
        if "properties" in target or target.get("type") == "object":
            target = self._merge_alternatives(target, at)
        kinds = target.get("type")
        nullable = False
        if isinstance(kinds, list):
            nullable = "null" in kinds
            rest = [k for k in kinds if k != "null"]
            kinds = rest[0] if len(rest) == 1 else None
            if kinds is None:
                self.note(at, f"several types {target.get('type')}: typed as string")
                return "string", True
            target = {**target, "type": kinds}
        if kinds == "array":
            inner, _ = self.type_of(
                target.get("items", {"type": "string"}), f"{at}.items", hint=hint
            )
            return f"list[{inner}]", not nullable
        if kinds == "object" or (kinds is None and "properties" in target):
            if target.get("properties"):
                name = (
                    record_name(ref.rsplit("/", 1)[-1])
                    if ref
                    else record_name(str(target.get("title") or hint))
                )
                return self._record(name, target, at), not nullable
            extra = target.get("additionalProperties")
            if isinstance(extra, dict):
                inner, _ = self.type_of(extra, f"{at}.additionalProperties", hint=hint)
                return f"map[string,{inner}]", not nullable
            self.note(at, "an object without properties: typed as map[string,string]")
            return "map[string,string]", not nullable
        primitive = primitive_for(target)
        if primitive is not None:
            return primitive, not nullable
        if kinds is None and "enum" in target:
            return "string", True
        self.note(at, f"no type given{' (' + str(kinds) + ')' if kinds else ''}: typed as string")
        return "string", not nullable

    def _primitive_alternatives(self, options: list[Any], at: str, key: str) -> str:
        """One field type for alternatives that are not all objects, noted when inexact."""
        types = []
        for index, option in enumerate(options):
            target, _ = self.deref(option, f"{at}[{index}]")
            types.append(primitive_for(target) if isinstance(target, dict) else None)
        if set(types) <= {"integer", "number"} and None not in types:
            return "number"  # every integer is a number
        if len(set(types)) == 1 and types[0] is not None:
            return types[0]
        shown = ", ".join(t or "object" for t in types)
        self.note(
            at,
            f"{key} of {shown}: no field type holds all of them: typed as string "
            "(the generated model refuses the other alternatives)",
        )
        return "string"

    def _record(self, name: str, schema: dict[str, Any], at: str) -> str:
        existing = self.records.get(name)
        if existing is not None or name in self._building:
            return name
        self._building.add(name)
        fields = self._object_fields(self._merge_all_of(schema, at), at, name)
        self._building.discard(name)
        self.records[name] = RecordSchema(
            name=name, fields=fields, description=schema.get("description")
        )
        return name
