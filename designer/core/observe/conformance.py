"""Does a payload keep a message's contract? Field presence and types, records included.

The contract is the message's fields as the design declares them (docs/file-format.md §1,
field types), or for a message whose body is a union (`one_of`) one of its records: a
payload conforms when it keeps one alternative's contract, and a discriminated union
reads the tag to say which alternative a broken payload meant. A field's `enum` is kept.
Extra fields are not a violation (adding an optional field is how contracts grow), but
they make a payload a worse match when the observer has to guess a message's type.
Checks stop at the first few problems: one example is what a person reads.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ..model import (
    Design,
    EnumValue,
    MessageField,
    enum_value_text,
    parse_field_type,
    union_members,
)

MAX_PROBLEMS = 3
Check = Callable[[Any], bool]  # value -> conforms
_DEPTH_LIMIT = 32  # records that contain themselves; a payload nested deeper is refused


class Contracts:
    """Field checks for one design's messages (its record schemas resolved once)."""

    def __init__(self, design: Design) -> None:
        self.records = {s.name: s.fields for s in design.schemas}
        self.fields = {m.id: m.fields for m in design.messages}
        self.responses = {m.id: m.response for m in design.messages if m.response is not None}
        # Messages whose body is one of several records: (records, discriminator).
        self.unions = {m.id: (list(m.one_of), m.discriminator) for m in design.messages if m.one_of}
        self.response_unions = {
            m.id: (list(m.response_one_of), m.response_discriminator)
            for m in design.messages
            if m.response_one_of
        }
        self._checks: dict[str, Check] = {}
        self._objects: dict[int, Check] = {}

    def message_problems(self, message_id: str, payload: Any) -> list[str]:
        """What breaks the contract of message `message_id` (its fields or its union)."""
        union = self.unions.get(message_id)
        if union is None:
            return self.problems(self.fields[message_id], payload)
        found: list[str] = []
        self._union(union[0], union[1], payload, "$", found, 0)
        return found

    def response_problems(self, message_id: str, payload: Any) -> list[str]:
        """What breaks the contract of the answer to query `message_id`."""
        union = self.response_unions.get(message_id)
        if union is None:
            return self.problems(self.responses.get(message_id) or [], payload)
        found: list[str] = []
        self._union(union[0], union[1], payload, "$", found, 0)
        return found

    def message_extra_keys(self, message_id: str, payload: Any) -> int:
        """Keys no field names; for a union, of the alternative the payload fits best."""
        union = self.unions.get(message_id)
        if union is None:
            return self.extra_keys(self.fields[message_id], payload)
        return min(self.extra_keys(self.records.get(r, []), payload) for r in union[0])

    def has_contract(self, message_id: str) -> bool:
        return bool(self.fields.get(message_id)) or message_id in self.unions

    def problems(self, fields: Sequence[MessageField], payload: Any) -> list[str]:
        """What breaks the contract, as `$.path: reason` lines (empty: it conforms)."""
        # Most payloads conform: a compiled yes/no check first, the located walk only after.
        try:
            if self._object_check(fields)(payload):
                return []
        except RecursionError:  # a self-containing record nested absurdly deep
            pass
        found: list[str] = []
        self._object(fields, payload, "$", found, 0)
        return found or ["$: does not conform"]

    # -- the compiled yes/no check ---------------------------------------------------------
    def _object_check(self, fields: Sequence[MessageField]) -> Check:
        key = id(fields)
        check = self._objects.get(key)
        if check is None:
            specs = [
                (f.name, f.required, self._type_check(f.type), frozenset(f.enum or ()))
                for f in fields
            ]

            def check(value: Any) -> bool:
                if not isinstance(value, dict):
                    return False
                for name, required, item_check, allowed in specs:
                    item = value.get(name)
                    if item is None:
                        if required:
                            return False
                    elif not item_check(item) or (allowed and item not in allowed):
                        return False
                return True

            self._objects[key] = check
        return check

    def _type_check(self, type_text: str) -> Check:
        found = self._checks.get(type_text)
        if found is not None:
            return found
        constructor, inner = parse_field_type(type_text)
        check: Check
        if constructor == "union":
            members = union_members(type_text)

            def check(value: Any) -> bool:
                # Any alternative will do: with a discriminator, only the tagged one can
                # (each requires the tag field with its own values).
                return any(self._type_check(m)(value) for m in members)

        elif constructor == "list" and inner is not None:
            inner_text = inner

            def check(value: Any) -> bool:
                item_check = self._type_check(inner_text)
                return isinstance(value, list) and all(item_check(item) for item in value)

        elif constructor == "map" and inner is not None:
            map_inner = inner

            def check(value: Any) -> bool:
                item_check = self._type_check(map_inner)
                return isinstance(value, dict) and all(item_check(v) for v in value.values())

        elif constructor in self.records:
            record = self.records[constructor]

            def check(value: Any) -> bool:
                # Looked up when called: a record may contain itself.
                return self._object_check(record)(value)

        else:
            check = _PRIMITIVES.get(constructor, _anything)
        self._checks[type_text] = check
        return check

    def extra_keys(self, fields: Sequence[MessageField], payload: Any) -> int:
        if not isinstance(payload, dict):
            return 0
        names = {f.name for f in fields}
        return sum(1 for key in payload if key not in names)

    def _object(
        self, fields: Sequence[MessageField], value: Any, path: str, found: list[str], depth: int
    ) -> None:
        if not isinstance(value, dict):
            found.append(f"{path}: expected an object, got {_kind(value)}")
            return
        for spec in fields:
            if len(found) >= MAX_PROBLEMS:
                return
            where = f"{path}.{spec.name}"
            if spec.name not in value:
                if spec.required:
                    found.append(f"{where}: required field missing")
                continue
            item = value[spec.name]
            if item is None:
                if spec.required:
                    found.append(f"{where}: required field is null")
                continue
            # Only a value of the field's type is held against its list (a wrong type is
            # reported as such below); `True in [1]` must not pass for an integer field.
            if (
                spec.enum is not None
                and _PRIMITIVES.get(spec.type, _anything)(item)
                and item not in spec.enum
            ):
                listed = ", ".join(enum_value_text(v) for v in spec.enum)
                found.append(f"{where}: {_short(item)} is not one of {listed}")
                continue
            self._value(spec.type, item, where, found, depth + 1, spec.discriminator)

    def _union(
        self,
        members: list[str],
        discriminator: str | None,
        value: Any,
        path: str,
        found: list[str],
        depth: int,
    ) -> None:
        if any(self._type_check(m)(value) for m in members):
            return
        if discriminator and isinstance(value, dict):
            tag = value.get(discriminator)
            tagged = [m for m in members if tag in self._tags(m, discriminator)]
            if tagged:  # the tag says which alternative was meant: its problems
                self._value(tagged[0], value, path, found, depth)
                return
            found.append(
                f"{path}.{discriminator}: {_short(tag)} names none of {', '.join(members)}"
            )
            return
        found.append(f"{path}: matches none of {', '.join(members)}, got {_kind(value)}")

    def _tags(self, record: str, discriminator: str) -> list[EnumValue]:
        field = next((f for f in self.records.get(record, []) if f.name == discriminator), None)
        return list(field.enum or []) if field is not None else []

    def _value(
        self,
        type_text: str,
        value: Any,
        path: str,
        found: list[str],
        depth: int,
        discriminator: str | None = None,
    ) -> None:
        if depth > _DEPTH_LIMIT:
            found.append(f"{path}: nested deeper than {_DEPTH_LIMIT} levels")
            return
        constructor, inner = parse_field_type(type_text)
        if constructor == "union":
            self._union(union_members(type_text), discriminator, value, path, found, depth)
            return
        if constructor == "list" and inner is not None:
            if not isinstance(value, list):
                found.append(f"{path}: expected a list, got {_kind(value)}")
                return
            for i, item in enumerate(value):
                if len(found) >= MAX_PROBLEMS:
                    return
                self._value(inner, item, f"{path}[{i}]", found, depth + 1, discriminator)
            return
        if constructor == "map" and inner is not None:
            if not isinstance(value, dict):
                found.append(f"{path}: expected an object (map), got {_kind(value)}")
                return
            for key, item in value.items():
                if len(found) >= MAX_PROBLEMS:
                    return
                self._value(inner, item, f"{path}.{key}", found, depth + 1, discriminator)
            return
        record = self.records.get(constructor)
        if record is not None:
            self._object(record, value, path, found, depth)
            return
        check = _PRIMITIVES.get(constructor)
        if check is not None and not check(value):
            found.append(f"{path}: expected {constructor}, got {_kind(value)} {_short(value)}")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _short(value: Any) -> str:
    # A payload is JSON: its booleans are `true`/`false`, as the design's enums show them.
    text = enum_value_text(value) if isinstance(value, bool) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_decimal(value: Any) -> bool:
    # Decimals travel as numbers or, to keep precision, as numeric strings.
    if _is_number(value):
        return True
    if not isinstance(value, str):
        return False
    try:
        return Decimal(value).is_finite()
    except InvalidOperation:
        return False


_CANONICAL_UUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    if _CANONICAL_UUID.fullmatch(value):
        return True
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _is_datetime(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value or " " in value


def _is_date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


_BASE64 = re.compile(r"^[A-Za-z0-9+/_-]*={0,2}$")


def _anything(value: Any) -> bool:
    return True


def _is_string(value: Any) -> bool:
    return isinstance(value, str)


def _is_boolean(value: Any) -> bool:
    return isinstance(value, bool)


def _is_bytes(value: Any) -> bool:
    return isinstance(value, str) and _BASE64.match(value) is not None


_PRIMITIVES: dict[str, Callable[[Any], bool]] = {
    "string": _is_string,
    "integer": _is_int,
    "number": _is_number,
    "decimal": _is_decimal,
    "boolean": _is_boolean,
    "datetime": _is_datetime,
    "date": _is_date,
    "uuid": _is_uuid,
    "bytes": _is_bytes,
}
