"""JSON Schema payloads -> message fields and record schemas (the inverse of json_schema.py).

A `oneOf`/`anyOf` becomes a union type (`Circle | Square`, one record per object
alternative), discriminated when the schema names a `discriminator` or (in documents not
written by msgflow) when a required `const`/`enum` property tells the alternatives apart;
a payload that is one of several objects becomes a message with `one_of` (a query's
answer: `response_one_of`). The `enum` or `const` of a string, integer, number or boolean
becomes the field's `enum`. What the design cannot say exactly is mapped to the nearest
field type and noted, so the import report lists every loss and nothing disappears
silently: values of a mixed-type enum go into the description, formats without a design
type are strings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from designer.core.exporters.json_schema import primitive_for
from designer.core.importers.schema_shapes import MAX_SCHEMA_DEPTH
from designer.core.importers.spec_loading import REMOTE_SCHEMES, text_of
from designer.core.json_limits import MAX_INTEGER
from designer.core.model import (
    ENUM_VALUE_TYPES,
    EnumValue,
    MessageField,
    RecordSchema,
    discriminator_problem,
    enum_value_fits,
    parse_field_type,
    the_union,
    union_members,
)

Note = Callable[[str, str], None]  # (JSON path, what happened)
Deref = Callable[[Any, str], tuple[Any, str | None]]

_NOT_NAME = re.compile(r"[^A-Za-z0-9]+")


class UnreadableSchema(Exception):
    """A schema no reading can end on; the import refuses the document at `at`."""

    def __init__(self, at: str, message: str) -> None:
        self.at = at
        self.message = message
        super().__init__(f"{at}: {message}")


class SelfContainingSchema(UnreadableSchema):
    """A schema that is one of its own alternatives: no type can hold it (`A = A | X`)."""

    def __init__(self, at: str, ref: str | None) -> None:
        named = f" ('{ref}' is one of its own alternatives)" if ref else ""
        super().__init__(at, f"a schema that contains itself through oneOf/anyOf{named}")


# The loader refuses schemas nested deeper than MAX_SCHEMA_DEPTH (schema_shapes.py); this
# bound on the reading's own nesting is what keeps any way round that check (a record
# read afresh at every level) a located refusal rather than a RecursionError.
MAX_READING_DEPTH = MAX_SCHEMA_DEPTH + 20


def _string_values(schema: dict[str, Any]) -> list[str] | None:
    """The values a string schema's `enum`/`const` allows (null left out), else None."""
    if "const" in schema:
        listed: Any = [schema["const"]]
    elif isinstance(schema.get("enum"), list):
        listed = [v for v in schema["enum"] if v is not None]
    else:
        return None
    if not listed or not all(isinstance(v, str) for v in listed):
        return None
    return list(dict.fromkeys(listed))


def _listed(schema: dict[str, Any]) -> list[Any] | None:
    """What a schema's `const`/`enum` lists (null left out: it makes a field optional)."""
    if "const" in schema:
        return [schema["const"]]
    if isinstance(schema.get("enum"), list):
        return [v for v in schema["enum"] if v is not None]
    return None


def _enum_values(schema: dict[str, Any], field_type: str) -> list[EnumValue] | None:
    """The values a field of `field_type` may take by the schema's `enum`/`const`, when the
    design can hold them exactly (each a JSON value of the field's type), else None."""
    listed = _listed(schema)
    if field_type not in ENUM_VALUE_TYPES or not listed:
        return None
    if field_type == "integer":  # JSON Schema: 2.0 is the integer 2
        listed = [int(v) if isinstance(v, float) and v.is_integer() else v for v in listed]
    if not all(enum_value_fits(v, field_type) for v in listed):
        return None
    if any(isinstance(v, float) and not math.isfinite(v) for v in listed):
        return None  # YAML's `.inf`: no JSON value
    if any(_beyond_64_bits(v) for v in listed):
        return None  # the design file keeps 64-bit integers (json_limits.py)
    return list(dict.fromkeys(listed))


def _beyond_64_bits(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER


def _untyped_enum_type(schema: dict[str, Any]) -> str | None:
    """The field type of a schema that lists values but names no type: the one type every
    value has (string, integer, number or boolean), else None."""
    listed = _listed(schema) or []
    for field_type in ("string", "integer", "number", "boolean"):
        if listed and all(enum_value_fits(v, field_type) for v in listed):
            return field_type
    return None


def record_name(text: str) -> str:
    """`order_line` / `order-line` -> `OrderLine`; an existing PascalCase name is kept."""
    parts = [p for p in _NOT_NAME.split(text) if p]
    name = "".join(p[:1].upper() + p[1:] for p in parts) or "Record"
    return name if name[0].isalpha() else f"R{name}"


# Formats a design type carries (json_schema.py); any other is a plain string, noted.
_KNOWN_FORMATS = frozenset({"decimal", "date-time", "date", "uuid", "byte", "binary"})


@dataclass
class Payload:
    """What a message's payload schema became: fields, or a union of records (`one_of`)."""

    fields: list[MessageField] = field(default_factory=list)
    one_of: list[str] | None = None
    discriminator: str | None = None


class SchemaMapper:
    """Collects the records met while mapping payloads of one import.

    `infer_discriminators`: read a required `const`/`enum` property that tells a union's
    alternatives apart as its discriminator. Off for msgflow's own exports, which write the
    `discriminator` keyword whenever the design has one, so a union without one stays so.
    """

    def __init__(self, deref: Deref, note: Note, *, infer_discriminators: bool = True) -> None:
        self.deref = deref
        self.note = note
        self.infer_discriminators = infer_discriminators
        self.records: dict[str, RecordSchema] = {}
        self._building: set[str] = set()
        # Discriminators of the unions met, by the union's path, until a field takes its own.
        self._discriminators: dict[str, str] = {}
        # Record name of each object alternative read, by the alternative schema's identity
        # (the schema is kept with it, so its id is never reused by another).
        self._alternatives: dict[int, tuple[dict[str, Any], str]] = {}
        self._depth = 0  # schemas being read inside one another now
        # An alternative merged from allOf parts, by the merged schema's identity: (the
        # merged schema, kept so its id is never reused; the alternative as written).
        self._written: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}

    def payload(self, schema: Any, at: str, *, owner: str) -> Payload:
        """A message's payload: a union of records when it is one of several objects."""
        target, _ = self.deref(schema, at)
        if isinstance(target, dict):
            target = self._merge_all_of(target, at)
            alternatives = self._union_options(target, at)
            if alternatives is not None and all(
                self._is_object(option) for option, _, _ in alternatives[1]
            ):
                members = self._members(alternatives[1], hint=owner)
                if len(members) > 1:
                    discriminator = self._discriminator(target, members, at)
                    self._note_untagged_one_of(target, members, discriminator, at)
                    return Payload(one_of=members, discriminator=discriminator)
        return Payload(fields=self.fields(schema, at, owner=owner))

    def fields(self, schema: Any, at: str, *, owner: str) -> list[MessageField]:
        """The fields of a payload schema; a non-object payload becomes one field `value`."""
        target, last = self.deref(schema, at)
        if not isinstance(target, dict) or not target:
            if isinstance(target, dict) and last is not None and last.startswith(REMOTE_SCHEMES):
                # A remote $ref, already reported: nothing is known of what it names.
                self.note(at, "the payload's schema is not known here: the message has no fields")
            elif isinstance(target, dict):
                self.note(at, "the payload schema is empty (any value): the message has no fields")
            elif target is None:
                self.note(at, "no payload is declared: the message has no fields")
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

    @contextmanager
    def _deeper(self, at: str) -> Iterator[None]:
        """One level further into a schema (a property's, an item's, an allOf part's)."""
        self._depth += 1
        try:
            if self._depth > MAX_READING_DEPTH:
                raise UnreadableSchema(
                    at, f"schemas nested more than {MAX_SCHEMA_DEPTH} deep: too deep to read"
                )
            yield
        finally:
            self._depth -= 1

    def _merge_all_of(self, schema: dict[str, Any], at: str) -> dict[str, Any]:
        if "allOf" not in schema:
            return schema
        with self._deeper(at):
            return self._merged_all_of(schema, at)

    def _merged_all_of(self, schema: dict[str, Any], at: str) -> dict[str, Any]:
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        properties = dict(_mapping(merged.get("properties")))
        required = _name_list(merged.get("required"))
        is_object = bool(properties) or merged.get("type") == "object"
        for index, part in enumerate(_items(schema["allOf"])):
            target, _ = self.deref(part, f"{at}.allOf[{index}]")
            if isinstance(target, dict):
                target = self._merge_all_of(target, f"{at}.allOf[{index}]")
                is_object = is_object or "properties" in target or target.get("type") == "object"
                properties.update(_mapping(target.get("properties")))
                required.extend(
                    r for r in sorted(_names(target.get("required"))) if r not in required
                )
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
        properties = dict(_mapping(schema.get("properties")))
        required = _names(schema.get("required"))
        shared = set.intersection(*(_names(a.get("required")) for a in alternatives))
        for alternative in alternatives:
            for name, prop in _mapping(alternative.get("properties")).items():
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
        required = _names(schema.get("required"))
        fields: list[MessageField] = []
        properties = schema.get("properties") or {}
        if not isinstance(properties, dict):
            self.note(f"{at}.properties", "properties is not a mapping: no fields taken from it")
            return []
        for name, prop in properties.items():
            where = f"{at}.properties.{name}"
            met = len(self._discriminators)
            field_type, not_null = self.type_of(prop, where, hint=record_name(str(name)))
            discriminator = self._own_discriminator(met)
            target, _ = self.deref(prop, where)
            if isinstance(target, dict):
                target = self._merge_all_of(target, where)  # its words may be in a part
            description = text_of(target.get("description")) if isinstance(target, dict) else None
            if (
                isinstance(prop, dict)
                and "$ref" in prop
                and isinstance(prop.get("description"), str)
            ):
                # Words beside a `$ref` describe this field (the record keeps its own), as
                # the exporter writes a described field of a record type.
                description = prop["description"]
            if description is None and isinstance(target, dict):
                description = self._sole_alternative_description(target, where)
            enum = _enum_values(target, field_type) if isinstance(target, dict) else None
            if enum is None and isinstance(target, dict):
                # `oneOf: [{type: null}, {enum: [...]}]` (Avro's `["null", enum]`): the
                # values of the one alternative, as when it is written alone.
                sole = self._sole_alternative(target, where)
                enum = _enum_values(sole, field_type) if sole is not None else None
            if (
                enum is None
                and isinstance(target, dict)
                and ("enum" in target or "const" in target)
            ):
                listed = target["enum"] if "enum" in target else [target["const"]]
                values = ", ".join(str(v) for v in listed) if isinstance(listed, list) else ""
                description = f"{description + '; ' if description else ''}one of: {values}"
                why = (
                    "one is an integer beyond 64 bits, which a design cannot hold"
                    if isinstance(listed, list) and any(_beyond_64_bits(v) for v in listed)
                    else "only a string, integer, number or boolean field's are, each of the "
                    "field's type"
                )
                self.note(
                    where,
                    f"values of a field typed {field_type} are not kept as its enum ({why}): "
                    "listed in its description",
                )
            try:
                made = MessageField(
                    name=str(name),
                    type=field_type,
                    required=name in required and not_null,
                    enum=enum,
                    discriminator=discriminator if the_union(field_type) else None,
                    description=description,
                )
            except ValidationError as error:
                # A property named "" (JSON Schema allows it) is no field a design or
                # generated code can have: reported and left out, the rest imported.
                first = error.errors(include_url=False)[0]
                self.note(where, f"not a field msgflow can keep ({first['msg'].lower()}): left out")
                continue
            fields.append(made)
        if schema.get("additionalProperties") not in (None, False) and properties:
            self.note(at, "additionalProperties beside named properties are not kept")
        return fields

    def _sole_alternative(self, schema: dict[str, Any], at: str) -> dict[str, Any] | None:
        """X of `oneOf: [{type: null}, X]` (a field that may be null), else None."""
        options = schema.get("oneOf", schema.get("anyOf"))
        if not isinstance(options, list):
            return None
        found = [t for t, _ in (self.deref(o, at) for o in options) if isinstance(t, dict)]
        rest = [t for t in found if t.get("type") != "null"]
        return rest[0] if len(rest) == 1 else None

    def _sole_alternative_description(self, schema: dict[str, Any], at: str) -> str | None:
        """The description of X in `oneOf: [{type: null}, X]`: the same words the field has
        when X is written alone (as the exporter writes an optional field), so a round trip
        keeps them."""
        sole = self._sole_alternative(schema, at)
        described = sole.get("description") if sole is not None else None
        return described if isinstance(described, str) else None

    def _own_discriminator(self, met: int) -> str | None:
        """The discriminator of the union a field's type holds: of those registered while
        typing it (records inside took theirs already), the outermost (shortest path)."""
        new = list(self._discriminators.items())[met:]
        for key, _ in new:
            del self._discriminators[key]
        return min(new, key=lambda item: len(item[0]))[1] if new else None

    def type_of(self, schema: Any, at: str, *, hint: str) -> tuple[str, bool]:
        """(field type, may not be null) for one property schema."""
        with self._deeper(at):
            return self._type_of(schema, at, hint=hint)

    def _type_of(self, schema: Any, at: str, *, hint: str) -> tuple[str, bool]:
        target, ref = self.deref(schema, at)
        if not isinstance(target, dict):
            self.note(at, "not a schema: typed as string")
            return "string", True
        if "allOf" in target:
            target = self._merge_all_of(target, at)
        alternatives = self._union_options(target, at)
        if alternatives is not None:
            return self._union_type(target, alternatives, at, hint)
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
        if primitive == "string" and target.get("format") not in (None, *_KNOWN_FORMATS):
            self.note(at, f"format {target['format']} has no design type: typed as string")
        if primitive is not None:
            return primitive, not nullable
        if kinds is None and ("enum" in target or "const" in target):
            if (listed_type := _untyped_enum_type(target)) is not None:
                return listed_type, True
            self.note(at, "an enum of values not all of one type: typed as string")
            return "string", True
        self.note(at, f"no type given{' (' + str(kinds) + ')' if kinds else ''}: typed as string")
        return "string", not nullable

    def _union_options(
        self, schema: dict[str, Any], at: str
    ) -> tuple[bool, list[tuple[dict[str, Any], str | None, str]]] | None:
        """(may be null, [(alternative, its $ref, its path)]) of a `oneOf`/`anyOf`, else None.

        Properties beside the `oneOf` belong to every alternative (as if in an `allOf`)."""
        key = next((k for k in ("oneOf", "anyOf") if isinstance(schema.get(k), list)), None)
        if key is None or not schema[key]:
            return None
        self._refuse_self_containing(schema, at)
        base = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf", "discriminator")}
        shared = bool(base.get("properties"))
        options, nullable = [], False
        for index, option in enumerate(schema[key]):
            where = f"{at}.{key}[{index}]"
            target, ref = self.deref(option, where)
            if not isinstance(target, dict):
                self.note(where, "not a schema: left out of the union")
                continue
            if target.get("type") == "null":
                nullable = True
                continue
            written = target
            target = self._merge_all_of(target, where)
            if shared and self._is_object(target):
                target = self._merge_all_of({"allOf": [base, target]}, where)
                ref = None  # no longer the referenced schema alone
            if target is not written:  # merged afresh at each reading: known by what is written
                self._written[id(target)] = (target, written)
            options.append((target, ref, where))
        return nullable, options

    def _refuse_self_containing(self, schema: dict[str, Any], at: str) -> None:
        """Raise when `schema` is reached again through alternatives of alternatives.

        Reading such a union would never end; recursion through a property (a tree whose
        nodes hold a list of trees) is fine and not followed here."""
        pending, seen = [(schema, at)], {id(schema)}
        while pending:
            node, path = pending.pop()
            for key in ("oneOf", "anyOf"):
                options = node.get(key)
                for index, option in enumerate(options if isinstance(options, list) else []):
                    where = f"{path}.{key}[{index}]"
                    target, ref = self.deref(option, where)
                    if target is schema:
                        raise SelfContainingSchema(where, ref)
                    if isinstance(target, dict) and id(target) not in seen:
                        seen.add(id(target))
                        pending.append((target, where))

    @staticmethod
    def _is_object(schema: dict[str, Any]) -> bool:
        return schema.get("type", "object") == "object" and bool(schema.get("properties"))

    def _union_type(
        self,
        schema: dict[str, Any],
        alternatives: tuple[bool, list[tuple[dict[str, Any], str | None, str]]],
        at: str,
        hint: str,
    ) -> tuple[str, bool]:
        nullable, options = alternatives
        if not options:
            self.note(at, "a union without alternatives: typed as string")
            return "string", True
        members = self._members(options, hint=hint)
        if set(members) == {"integer", "number"}:
            members = ["number"]  # every integer is a number: one type holds both
        if len(members) == 1:
            return members[0], not nullable
        union = " | ".join(members)
        discriminator = self._discriminator(schema, members, at)
        if discriminator:
            self._discriminators[at] = discriminator
        self._note_untagged_one_of(schema, members, discriminator, at)
        return union, not nullable

    def _note_untagged_one_of(
        self, schema: dict[str, Any], members: list[str], discriminator: str | None, at: str
    ) -> None:
        """Say where a `oneOf` is read as `anyOf`: a design union without a discriminator
        accepts a value that fits several alternatives (the one it fits best), where a
        JSON Schema validator refuses it. Enforcing "exactly one" instead would refuse real
        messages of the many specs whose alternatives overlap by accident (records with
        no required field in common: every object fits both); a tagged union, or
        alternatives that never overlap (`string | integer`), lose nothing and are not
        noted."""
        if discriminator is not None or not isinstance(schema.get("oneOf"), list):
            return
        kinds = [self._json_kind(m) for m in members]
        shared = sorted({k for k in kinds if kinds.count(k) > 1})
        if not shared:
            return
        overlapping = [m for m, k in zip(members, kinds, strict=True) if k in shared]
        self.note(
            at,
            f"oneOf without a discriminator read as anyOf: a value fitting more than one of "
            f"{', '.join(overlapping)} is accepted as the one it fits best (the design and the "
            "generated models do not check that exactly one fits; the export writes anyOf)",
        )

    def _json_kind(self, type_text: str) -> str:
        """The JSON type a value of a design type is: two alternatives of one kind may
        both fit a value (a payload with the fields of two records; a uuid is a string)."""
        constructor, _ = parse_field_type(type_text)
        if constructor in ("list", "map"):
            return "array" if constructor == "list" else "object"
        if constructor in ("integer", "number"):
            return "number"
        if constructor == "boolean":
            return "boolean"
        record = constructor in self.records or constructor in self._building
        return "object" if record else "string"

    def _members(
        self, options: list[tuple[dict[str, Any], str | None, str]], *, hint: str
    ) -> list[str]:
        """The field type of each alternative (a record per object), each named once."""
        members: list[str] = []
        for index, (option, ref, where) in enumerate(options):
            if self._is_object(option):
                # An inline alternative met again (a tree: a branch holds the union)
                # keeps its record, rather than a new `Leaf2` at each level, forever.
                # One merged from allOf parts is known by the alternative as written.
                written = self._written.get(id(option), (option, option))[1]
                known = self._alternatives.get(id(written))
                name = known[1] if known else self._alternative_name(option, ref, hint, index)
                self._alternatives[id(written)] = (written, name)
                self._record(name, option, where)
                types = [name]
            else:
                kind, _ = self.type_of(option, where, hint=f"{hint}{index + 1}")
                types = union_members(kind)
            members.extend(t for t in types if t not in members)
        return members

    def _alternative_name(
        self, option: dict[str, Any], ref: str | None, hint: str, index: int
    ) -> str:
        """A record name for an alternative: its schema's name, title, tag value, or place."""
        if ref:
            return record_name(ref.rsplit("/", 1)[-1])
        if option.get("title"):
            return self._free_name(record_name(str(option["title"])))
        tags = [
            values[0]
            for prop in _mapping(option.get("properties")).values()
            if isinstance(prop, dict) and len(values := _string_values(prop) or []) == 1
        ]
        suffix = record_name(tags[0]) if tags else f"Option{index + 1}"
        return self._free_name(f"{hint}{suffix}")

    def answers_union(self, answers: list[tuple[str, Payload]], at: str) -> Payload | None:
        """Several reply messages as one answer that is one of them: a reply with fields
        becomes a record named after it, a reply that is a union adds its alternatives.
        None when a reply has neither (nothing to name it by)."""
        members: list[str] = []
        made: list[RecordSchema] = []
        for name, payload in answers:
            if payload.one_of:
                members += [m for m in payload.one_of if m not in members]
            elif payload.fields:
                record = self._free_name(record_name(name))
                self._building.add(record)  # reserved until the records are kept
                made.append(RecordSchema(name=record, fields=payload.fields))
                members.append(record)
            else:
                self._building.difference_update(r.name for r in made)
                return None
        self._building.difference_update(r.name for r in made)
        if len(members) < 2:
            return None
        self.records.update((r.name, r) for r in made)
        return Payload(one_of=members, discriminator=self._discriminator({}, members, at))

    def _free_name(self, name: str) -> str:
        """`name`, or `name2`, `name3`... when a record of that name exists already: two
        inline alternatives never share a record by accident."""
        candidate, number = name, 1
        while candidate in self.records or candidate in self._building:
            number += 1
            candidate = f"{name}{number}"
        return candidate

    def _discriminator(self, schema: dict[str, Any], members: list[str], at: str) -> str | None:
        """The field telling the union's records apart: named by the schema, or found."""
        named = schema.get("discriminator")
        if isinstance(named, dict):  # OpenAPI's form: {propertyName: ...}
            named = named.get("propertyName")
        if isinstance(named, str) and named:
            problem = discriminator_problem(members, named, self.records)
            if problem is None:
                return named
            self.note(at, f"{problem}: the alternatives are tried in turn instead")
            return None
        if not self.infer_discriminators or not all(m in self.records for m in members):
            return None
        first = self.records[members[0]]
        for candidate in (f.name for f in first.fields if f.enum):
            if discriminator_problem(members, candidate, self.records) is None:
                return candidate
        return None

    def component_record(self, key: str, declared: Any, at: str) -> str | None:
        """The record `components/schemas/<key>` (`declared`, as written there) when it is
        an object and no payload read it: msgflow's exports list every record, even one no
        message reads yet. (Followed from what is written, not by a `$ref` built from the
        key: a key holding `/` or `~` is no pointer as it stands.)"""
        schema, _ = self.deref(declared, at)
        name = record_name(key)
        # An empty record is an object without properties: still a record here.
        if name in self.records or not isinstance(schema, dict) or schema.get("type") != "object":
            return None
        return self._record(name, schema, at)

    def _record(self, name: str, schema: dict[str, Any], at: str) -> str:
        existing = self.records.get(name)
        if existing is not None or name in self._building:
            return name
        self._building.add(name)
        fields = self._object_fields(self._merge_all_of(schema, at), at, name)
        self._building.discard(name)
        self.records[name] = RecordSchema(
            name=name, fields=fields, description=text_of(schema.get("description"))
        )
        return name


# A hand-edited schema may hold anything where JSON Schema says a list of names, a mapping
# or a list of schemas (`required: [[a]]` crashed the import with "unhashable type"): what
# is not of that shape contributes nothing.


def _name_list(value: Any) -> list[str]:
    """`required`: the names listed (texts only), in order."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _names(value: Any) -> set[str]:
    return set(_name_list(value))


def _mapping(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
