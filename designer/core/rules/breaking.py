"""Breaking changes against a baseline: one definition for the rule and for `msgflow diff`.

What breaks whom:
- request `fields` are read by the handler/subscriber: a field removed, renamed or
  retyped breaks it, and so does a field newly required (old senders don't send it);
- a query's `response` is read by the requester: removed, renamed or retyped breaks it,
  and so does a field no longer required (the requester counted on it).
A change only breaks when the message has consumers (a flow delivers it) and its
`version` was not raised.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from ..model import Message, MessageField, Severity
from .engine import Context, Report, rule
from .subjects import at_message, names, subjects

Part = Literal["fields", "response"]
ChangeKind = Literal[
    "added", "removed", "renamed", "retyped", "now required", "now optional", "described"
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


def message_field_changes(old: Message, new: Message) -> list[FieldChange]:
    return [
        *compare_fields(old.fields, new.fields, "fields"),
        *compare_fields(old.response or [], new.response or [], "response"),
    ]


def breaking_changes(old: Message, new: Message, *, has_consumers: bool) -> list[FieldChange]:
    """The changes of `new` against `old` that break its consumers (see the module doc)."""
    if not has_consumers or new.version > old.version:
        return []
    return [c for c in message_field_changes(old, new) if c.breaks]


@rule(
    "breaking-change",
    Severity.ERROR,
    family="breaking",
    scope="message",
    summary="Against a baseline design: a field removed, renamed, retyped or newly required on a "
    "message that has consumers, without a new version.",
    doc="Consumers deployed against the old contract fail on the new one. Raise the message's "
    "version (and keep serving the old one while consumers migrate). Runs only with a "
    "baseline (`msgflow validate --baseline OLD`). Source: MS publisher-subscriber, NSB "
    "evolving contracts.",
)
def breaking_change(ctx: Context, message_id: str) -> Iterable[Report]:
    facts = ctx.facts
    if facts.baseline_messages is None:
        return ()
    old = facts.baseline_messages.get(message_id)
    new = facts.messages[message_id]
    flows = facts.flows_of(message_id)
    if old is None:
        return ()
    changes = breaking_changes(old, new, has_consumers=bool(flows))
    if not changes:
        return ()
    consumers = {f.target for f in flows}
    return (
        Report(
            message=(
                f"{new.kind.value.capitalize()} {new.name} (version {new.version}) changed incompatibly: "
                f"{'; '.join(c.describe() for c in changes)} — consumers: {names(facts, consumers)}"
            ),
            hint=(
                f"Raise the version of {new.name} to {old.version + 1} and keep the old contract "
                f"while consumers migrate, or undo the change"
            ),
            subjects=subjects(
                nodes=facts.sorted_node_ids(consumers), messages=[message_id], flows=flows
            ),
            at=at_message(message_id),
        ),
    )
    return ()
