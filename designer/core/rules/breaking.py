"""Breaking changes against a baseline: one definition for the rule and for `msgflow diff`.

What breaks whom:
- request `fields` are read by the handler/subscriber: a field removed, renamed or
  retyped breaks it, and so does a field newly required (old senders don't send it);
- a query's `response` is read by the requester: removed, renamed or retyped breaks it,
  and so does a field no longer required (the requester counted on it).
A change only breaks when the message has consumers (a flow delivers it) and its
`version` was not raised.

Records (top-level `schemas`) are part of every message that reads them: a field of
`OrderLine` removed breaks each consumed, unversioned message whose fields (or response)
reach `OrderLine`, directly or through other records, lists and maps. Only the structure
old consumers already read is followed — fields present on both sides with the same type —
since a field that was removed, retyped or newly added is reported on its own.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ..model import (
    PRIMITIVE_TYPES,
    Message,
    MessageField,
    RecordSchema,
    Severity,
    enum_value_text,
    type_names,
)
from .engine import Context, Report, rule
from .subjects import at_message, names, subjects

Part = Literal["fields", "response"]
ChangeKind = Literal[
    "added",
    "removed",
    "renamed",
    "retyped",
    "now required",
    "now optional",
    "described",
    "values narrowed",
    "values widened",
    "discriminator changed",
    "alternative removed",
    "alternative added",
]


@dataclass(frozen=True)
class FieldChange:
    part: Part
    kind: ChangeKind
    name: str  # the field's (old) name
    old: MessageField | None
    new: MessageField | None
    breaks: bool  # whether this kind of change breaks the part's readers

    def describe(self) -> str:
        where = "response field" if self.part == "response" else "field"
        if self.kind == "renamed" and self.new is not None:
            return f"{where} '{self.name}' renamed to '{self.new.name}'"
        if self.kind == "retyped" and self.old is not None and self.new is not None:
            return f"{where} '{self.name}' retyped {self.old.type} → {self.new.type}"
        if self.kind == "added" and self.new is not None:
            required = "required" if self.new.required else "optional"
            return f"{required} {where} '{self.name}' ({self.new.type}) added"
        if self.kind in ("values narrowed", "values widened") and self.new is not None:
            values = (
                ", ".join(enum_value_text(v) for v in self.new.enum)
                if self.new.enum is not None
                else "any value"
            )
            return f"{where} '{self.name}' {self.kind} to {values}"
        if self.kind in ("alternative removed", "alternative added"):
            what = "answer alternative" if self.part == "response" else "alternative"
            return f"{what} '{self.name}' {self.kind.split()[1]}"
        if self.kind == "discriminator changed" and self.new is not None:
            return f"{where} '{self.name}' discriminator now {self.new.discriminator or 'none'}"
        return f"{where} '{self.name}' {self.kind}"


def compare_fields(
    old: Sequence[MessageField], new: Sequence[MessageField], part: Part = "fields"
) -> list[FieldChange]:
    """Every field difference, in the order of the old then the new field list."""
    response = part == "response"
    old_by, new_by = {f.name: f for f in old}, {f.name: f for f in new}
    removed = [f for f in old if f.name not in new_by]
    added = [f for f in new if f.name not in old_by]
    changes: list[FieldChange] = []
    for before in old:
        after = new_by.get(before.name)
        if after is None:
            continue
        if after.type != before.type:
            changes.append(FieldChange(part, "retyped", before.name, before, after, True))
        if after.required and not before.required:
            changes.append(
                FieldChange(part, "now required", before.name, before, after, not response)
            )
        if before.required and not after.required:
            changes.append(FieldChange(part, "now optional", before.name, before, after, response))
        if after.description != before.description:
            changes.append(FieldChange(part, "described", before.name, before, after, False))
        changes.extend(_enum_changes(part, before, after))
        if after.discriminator != before.discriminator:
            # The alternatives' own fields carry the values it reads: no message that was
            # valid before is refused, and none is accepted that was not.
            changes.append(
                FieldChange(part, "discriminator changed", before.name, before, after, False)
            )
    # One removed and one added field of the same type in the same place read as a rename.
    for before in removed:
        twin = next((a for a in added if a.type == before.type), None)
        if twin is not None:
            added.remove(twin)
            changes.append(FieldChange(part, "renamed", before.name, before, twin, True))
        else:
            changes.append(FieldChange(part, "removed", before.name, before, None, True))
    for after in added:
        changes.append(
            FieldChange(part, "added", after.name, None, after, after.required and not response)
        )
    return changes


def _enum_changes(part: Part, before: MessageField, after: MessageField) -> list[FieldChange]:
    """A value no longer allowed breaks a request (old senders send it); a value newly
    allowed breaks a response (old requesters do not expect it). `None` allows any."""
    old = None if before.enum is None else set(before.enum)
    new = None if after.enum is None else set(after.enum)
    if old == new:
        return []
    response = part == "response"
    changes = []
    if new is not None and (old is None or old - new):
        changes.append(
            FieldChange(part, "values narrowed", before.name, before, after, not response)
        )
    if old is not None and (new is None or new - old):
        changes.append(FieldChange(part, "values widened", before.name, before, after, response))
    return changes


def _alternative_changes(old: Message, new: Message) -> list[FieldChange]:
    """Records leaving a union body break its handlers (old senders still send them);
    records joining it break nobody who reads it. For a query's union answer it is the
    other way round: a new alternative breaks requesters that do not know it."""
    found = []
    sides: tuple[tuple[Part, list[str], list[str]], ...] = (
        ("fields", old.one_of or [], new.one_of or []),
        ("response", old.response_one_of or [], new.response_one_of or []),
    )
    for part, before, after in sides:
        response = part == "response"
        found += [
            FieldChange(part, "alternative removed", r, None, None, not response)
            for r in before
            if r not in after
        ]
        found += [
            FieldChange(part, "alternative added", r, None, None, response)
            for r in after
            if r not in before
        ]
    return found


def message_field_changes(old: Message, new: Message) -> list[FieldChange]:
    return [
        *_alternative_changes(old, new),
        *compare_fields(old.fields, new.fields, "fields"),
        *compare_fields(old.response or [], new.response or [], "response"),
    ]


def breaking_changes(old: Message, new: Message, *, has_consumers: bool) -> list[FieldChange]:
    """The changes of `new` against `old` that break its consumers (see the module doc)."""
    if not has_consumers or new.version > old.version:
        return []
    return [c for c in message_field_changes(old, new) if c.breaks]


@dataclass(frozen=True)
class RecordFieldChange:
    """A breaking change inside a record, as one message's consumers see it."""

    record: str
    change: FieldChange  # its `part` is where the message reads the record
    path: str  # how the message reaches the record: `SubmitOrder.lines`

    def describe(self) -> str:
        change, where = self.change, f"{self.record}.{self.change.name}"
        if change.kind == "renamed" and change.new is not None:
            text = f"{where} renamed to '{change.new.name}'"
        elif change.kind == "retyped" and change.old is not None and change.new is not None:
            text = f"{where} retyped {change.old.type} → {change.new.type}"
        elif change.kind == "added" and change.new is not None:
            text = f"required {where} ({change.new.type}) added"
        else:
            text = f"{where} {change.kind}"
        return f"{text} (read through {self.path})"


def records_of(type_text: str) -> list[str]:
    """The records a field type names, through lists, maps and unions:
    `list[OrderLine]` -> [OrderLine], `Card | Voucher` -> [Card, Voucher]."""
    return [name for name in type_names(type_text) if name not in PRIMITIVE_TYPES]


def _kept_records(
    old: Sequence[MessageField], new: Sequence[MessageField]
) -> Iterator[tuple[str, str]]:
    """(field name, record) for the record-typed fields both sides share unchanged in type."""
    old_types = {f.name: f.type for f in old}
    for field in new:
        if old_types.get(field.name) == field.type:
            for record in records_of(field.type):
                yield field.name, record


def record_breaking_changes(
    old: Message,
    new: Message,
    old_records: Mapping[str, RecordSchema],
    new_records: Mapping[str, RecordSchema],
    *,
    has_consumers: bool,
) -> list[RecordFieldChange]:
    """The changes inside the records `new` reads that break its consumers (module doc)."""
    if not has_consumers or new.version > old.version or not new_records:
        return []
    found: list[RecordFieldChange] = []
    seen: set[tuple[str, str, str]] = set()  # (record, kind, field): one line even if read twice
    parts: tuple[tuple[Part, Sequence[MessageField], Sequence[MessageField], str], ...] = (
        ("fields", old.fields, new.fields, new.name),
        ("response", old.response or [], new.response or [], f"{new.name} response"),
    )
    for part, old_fields, new_fields, prefix in parts:
        # Breadth first, so each record is named with its shortest path from the message.
        pending = deque(
            (record, f"{prefix}.{name}") for name, record in _kept_records(old_fields, new_fields)
        )
        # A union body's (or union answer's) records, kept on both sides.
        was, now = (
            (old.one_of, new.one_of)
            if part == "fields"
            else (old.response_one_of, new.response_one_of)
        )
        kept = set(was or []) & set(now or [])
        pending.extend((r, f"{prefix} ({r})") for r in now or [] if r in kept)
        visited: set[str] = set()
        while pending:
            record, path = pending.popleft()
            before, after = old_records.get(record), new_records.get(record)
            if record in visited or before is None or after is None:
                continue
            visited.add(record)
            if before == after:
                changes: list[FieldChange] = []
            else:
                changes = compare_fields(before.fields, after.fields, part)
            for change in changes:
                key = (record, change.kind, change.name)
                if change.breaks and key not in seen:
                    seen.add(key)
                    found.append(RecordFieldChange(record, change, path))
            pending.extend(
                (inner, f"{path}.{name}")
                for name, inner in _kept_records(before.fields, after.fields)
            )
    return found


@rule(
    "breaking-change",
    Severity.ERROR,
    family="breaking",
    scope="message",
    summary="Against a baseline design: a field removed, renamed, retyped or newly required on a "
    "message that has consumers (or in a record it reads), without a new version.",
    doc="Consumers deployed against the old contract fail on the new one. Raise the message's "
    "version (and keep serving the old one while consumers migrate). A change inside a record "
    "(top-level `schemas`) breaks every consumed message that reads the record, directly or "
    "through other records, lists and maps. Runs only with a "
    "baseline (`msgflow validate --baseline OLD`). Source: MS publisher-subscriber, NSB "
    "evolving contracts.",
)
def breaking_change(ctx: Context, message_id: str) -> Iterable[Report]:
    facts = ctx.facts
    if facts.baseline_messages is None or facts.baseline_records is None:
        return ()
    old = facts.baseline_messages.get(message_id)
    new = facts.messages[message_id]
    flows = facts.flows_of(message_id)
    if old is None:
        return ()
    changes = breaking_changes(old, new, has_consumers=bool(flows))
    inside = record_breaking_changes(
        old, new, facts.baseline_records, facts.records, has_consumers=bool(flows)
    )
    if not changes and not inside:
        return ()
    consumers = {f.target for f in flows}
    described = [c.describe() for c in changes] + [c.describe() for c in inside]
    hint = (
        f"Raise the version of {new.name} to {old.version + 1} and keep the old contract "
        f"while consumers migrate, or undo the change"
    )
    if inside:
        records = ", ".join(dict.fromkeys(c.record for c in inside))
        hint += (
            f"; records are shared contracts: in {records} keep the existing fields, types and "
            f"required flags, and add new fields as optional"
        )
    return (
        Report(
            message=(
                f"{new.kind.value.capitalize()} {new.name} (version {new.version}) changed incompatibly: "
                f"{'; '.join(described)} — consumers: {names(facts, consumers)}"
            ),
            hint=hint,
            subjects=subjects(
                nodes=facts.sorted_node_ids(consumers), messages=[message_id], flows=flows
            ),
            at=at_message(message_id),
        ),
    )
