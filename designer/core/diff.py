"""Semantic diff of two designs: what was added, removed or changed, and what breaks.

Items are matched by id (schemas by name) and compared on their canonical form, so list
order and formatting never show up as changes. Message field changes use
`rules.breaking.message_field_changes`, and a change is marked breaking by
`rules.breaking.breaking_changes` — the very function the `breaking-change` rule uses.
A changed record (schema) is marked breaking by `rules.breaking.record_breaking_changes`,
the rule's other half, and names the messages whose consumers it breaks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from .errors import one_line
from .io import canonical_dict, natural_key
from .model import Design, Message, MessageField, RecordSchema
from .rules.breaking import (
    FieldChange,
    RecordFieldChange,
    breaking_changes,
    compare_fields,
    message_field_changes,
    record_breaking_changes,
)

Collection = Literal["nodes", "messages", "flows", "schemas", "settings", "design"]
Action = Literal["added", "removed", "changed"]
_COLLECTIONS: tuple[Collection, ...] = ("nodes", "schemas", "messages", "flows")
_FIELD_KEYS = ("fields", "response")


@dataclass(frozen=True)
class AttributeChange:
    key: str
    old: Any
    new: Any


class BrokenMessage(NamedTuple):
    id: str
    name: str


@dataclass(frozen=True)
class ItemChange:
    collection: Collection
    action: Action
    id: str
    name: str
    attributes: tuple[AttributeChange, ...] = ()
    fields: tuple[FieldChange, ...] = ()
    breaking: tuple[FieldChange, ...] = ()  # the field changes that break consumers
    # A changed record: the consumed, unversioned messages that read it and break.
    breaks: tuple[BrokenMessage, ...] = ()

    @property
    def is_breaking(self) -> bool:
        return bool(self.breaking)


@dataclass
class DesignDiff:
    changes: list[ItemChange] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # node ids whose position changed
    # Nodes on both sides that lost (unplaced) or gained (placed) a position: a removed
    # layout is a change a reviewer must see, not "no differences".
    unplaced: list[str] = field(default_factory=list)
    placed: list[str] = field(default_factory=list)
    # Flows on both sides whose arrow the user shaped differently (bends, label, style).
    reshaped: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not (self.changes or self.moved or self.unplaced or self.placed or self.reshaped)

    @property
    def breaking(self) -> list[ItemChange]:
        return [c for c in self.changes if c.is_breaking]

    @property
    def broken_messages(self) -> list[str]:
        """Ids of the messages whose consumers break, by their own or a record's change:
        exactly the messages `breaking-change` reports against the old design."""
        ids = {c.id for c in self.breaking if c.collection == "messages"}
        ids.update(m.id for c in self.breaking for m in c.breaks)
        return sorted(ids, key=natural_key)

    def to_json(self) -> dict[str, Any]:
        return {
            "same": self.same,
            "changes": [_change_json(c) for c in self.changes],
            "moved": list(self.moved),
            "unplaced": list(self.unplaced),
            "placed": list(self.placed),
            "reshaped": list(self.reshaped),
            "summary": self.summary_counts(),
        }

    def summary_counts(self) -> dict[str, int]:
        counts = {"added": 0, "removed": 0, "changed": 0}
        for change in self.changes:
            counts[change.action] += 1
        return {**counts, "breaking": len(self.breaking), "moved": len(self.moved)}


def _field_json(change: FieldChange, breaking: bool) -> dict[str, Any]:
    return {
        "part": change.part,
        "change": change.kind,
        "field": change.name,
        "old": change.old.model_dump(exclude_none=True) if change.old else None,
        "new": change.new.model_dump(exclude_none=True) if change.new else None,
        "breaking": breaking,
    }


def _change_json(change: ItemChange) -> dict[str, Any]:
    data = {
        "collection": change.collection,
        "action": change.action,
        "id": change.id,
        "name": change.name,
        "attributes": [{"key": a.key, "old": a.old, "new": a.new} for a in change.attributes],
        "fields": [_field_json(f, f in change.breaking) for f in change.fields],
        "breaking": change.is_breaking,
    }
    if change.collection == "schemas":
        data["breaks_messages"] = [{"id": m.id, "name": m.name} for m in change.breaks]
    return data


def _label(item: dict[str, Any], collection: str, names: dict[str, str]) -> str:
    if collection == "flows":

        def name(item_id: str) -> str:
            return names.get(item_id, item_id)

        return f"{name(item['message'])}: {name(item['from'])} → {name(item['to'])} ({item['transport']})"
    return str(item.get("name", item.get("id", "")))


def _attributes(
    old: dict[str, Any], new: dict[str, Any], skip: tuple[str, ...]
) -> tuple[AttributeChange, ...]:
    keys = [*old, *(k for k in new if k not in old)]
    return tuple(
        AttributeChange(k, old.get(k), new.get(k))
        for k in keys
        if k not in skip and old.get(k) != new.get(k)
    )


def _consumed(design: Design) -> set[str]:
    return {flow.message for flow in design.flows}


def _record_breaks(
    old: Design, new: Design, consumed: set[str]
) -> dict[str, list[tuple[Message, RecordFieldChange]]]:
    """Record name -> the breaking changes inside it, per message whose consumers read it."""
    old_records = {s.name: s for s in old.schemas}
    new_records = {s.name: s for s in new.schemas}
    if old_records == new_records:
        return {}
    old_messages = {m.id: m for m in old.messages}
    found: dict[str, list[tuple[Message, RecordFieldChange]]] = {}
    for message in sorted(new.messages, key=lambda m: natural_key(m.id)):
        before = old_messages.get(message.id)
        if before is None:
            continue
        for change in record_breaking_changes(
            before, message, old_records, new_records, has_consumers=message.id in consumed
        ):
            found.setdefault(change.record, []).append((message, change))
    return found


def diff_designs(old: Design, new: Design) -> DesignDiff:
    """Every semantic difference from `old` to `new`, in file order."""
    result = DesignDiff()
    before, after = canonical_dict(old), canonical_dict(new)
    old_models: dict[str, dict[str, Message | RecordSchema]] = {
        "messages": {m.id: m for m in old.messages},
        "schemas": {s.name: s for s in old.schemas},
    }
    new_models: dict[str, dict[str, Message | RecordSchema]] = {
        "messages": {m.id: m for m in new.messages},
        "schemas": {s.name: s for s in new.schemas},
    }
    consumed = _consumed(new)
    record_breaks = _record_breaks(old, new, consumed)
    # Flows are labelled with names; node and message ids never collide within one list.
    names: dict[str, str] = {}
    for design in (old, new):
        names.update((n.id, n.name) for n in design.nodes)
        names.update((m.id, m.name) for m in design.messages)
    for collection in _COLLECTIONS:
        key = "name" if collection == "schemas" else "id"
        olds = {item[key]: item for item in before.get(collection, [])}
        news = {item[key]: item for item in after.get(collection, [])}
        for item_id in sorted(olds.keys() | news.keys(), key=natural_key):
            was, now = olds.get(item_id), news.get(item_id)
            if was is None and now is not None:
                result.changes.append(
                    ItemChange(collection, "added", item_id, _label(now, collection, names))
                )
            elif now is None and was is not None:
                result.changes.append(
                    ItemChange(collection, "removed", item_id, _label(was, collection, names))
                )
            elif was != now and was is not None and now is not None:
                skip = _FIELD_KEYS if collection in ("messages", "schemas") else ()
                fields: list[FieldChange] = []
                breaking: list[FieldChange] = []
                breaks: dict[str, BrokenMessage] = {}
                if collection == "messages":
                    old_m, new_m = old_models["messages"][item_id], new_models["messages"][item_id]
                    assert isinstance(old_m, Message) and isinstance(new_m, Message)
                    fields = message_field_changes(old_m, new_m)
                    breaking = breaking_changes(old_m, new_m, has_consumers=item_id in consumed)
                elif collection == "schemas":
                    fields = compare_fields(
                        _fields_of(old_models["schemas"][item_id]),
                        _fields_of(new_models["schemas"][item_id]),
                    )
                    # Whether a record change breaks depends on where it is read (a field
                    # newly required breaks a request, not a response): marked when it
                    # breaks at least one message.
                    inside = record_breaks.get(item_id, [])
                    broken = {(c.change.kind, c.change.name) for _, c in inside}
                    breaking = [f for f in fields if (f.kind, f.name) in broken]
                    for message, _ in inside:
                        breaks.setdefault(message.id, BrokenMessage(message.id, message.name))
                result.changes.append(
                    ItemChange(
                        collection,
                        "changed",
                        item_id,
                        _label(now, collection, names),
                        _attributes(was, now, skip),
                        tuple(fields),
                        tuple(breaking),
                        tuple(breaks.values()),
                    )
                )
    design_keys: tuple[tuple[str, Collection], ...] = (
        ("settings", "settings"),
        ("name", "design"),
        ("description", "design"),
    )
    for key, label in design_keys:
        if before.get(key) != after.get(key):
            change = AttributeChange(key, before.get(key), after.get(key))
            existing = next((c for c in result.changes if c.collection == label), None)
            if existing is not None:
                result.changes.remove(existing)
                change_set = (*existing.attributes, change)
            else:
                change_set = (change,)
            result.changes.append(ItemChange(label, "changed", label, label, change_set))
    old_layout = before.get("layout", {}).get("nodes", {})
    new_layout = after.get("layout", {}).get("nodes", {})
    old_shapes = before.get("layout", {}).get("flows", {})
    new_shapes = after.get("layout", {}).get("flows", {})
    kept_flows = {f["id"] for f in before.get("flows", [])} & {
        f["id"] for f in after.get("flows", [])
    }
    result.reshaped = sorted(
        (f for f in kept_flows if old_shapes.get(f) != new_shapes.get(f)), key=natural_key
    )
    result.moved = sorted(
        (
            n
            # Only nodes on both sides can move; added and removed ones are changes already.
            for n in old_layout.keys() & new_layout.keys()
            if old_layout[n] != new_layout[n]
        ),
        key=natural_key,
    )
    both = {n["id"] for n in before.get("nodes", [])} & {n["id"] for n in after.get("nodes", [])}
    result.unplaced = sorted(both & (old_layout.keys() - new_layout.keys()), key=natural_key)
    result.placed = sorted(both & (new_layout.keys() - old_layout.keys()), key=natural_key)
    return result


def _fields_of(item: Message | RecordSchema) -> list[MessageField]:
    return list(item.fields)


_SIGN = {"added": "+", "removed": "-", "changed": "~"}


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else f"'{value}'"


def format_text(diff: DesignDiff, old_label: str, new_label: str) -> str:
    """The diff for people: one line per item, field changes below, BREAKING marked."""
    lines = [f"--- {old_label}", f"+++ {new_label}"]
    if diff.same:
        lines.append("no semantic differences")
        return "\n".join(lines)
    current = ""
    for change in diff.changes:
        if change.collection != current:
            current = change.collection
            lines.append(f"{current}:")
        flag = "  BREAKING" if change.is_breaking else ""
        if change.breaks:
            flag += f" (breaks {', '.join(m.name for m in change.breaks)})"
        label = "" if change.collection in ("settings", "design") else f"  {change.name}"
        lines.append(f"  {_SIGN[change.action]} {change.id}{label}{flag}")
        for attribute in change.attributes:
            lines.append(
                f"      {attribute.key}: {_value(attribute.old)} → {_value(attribute.new)}"
            )
        for field_change in change.fields:
            mark = "  BREAKING" if field_change in change.breaking else ""
            lines.append(f"      {field_change.describe()}{mark}")
    if diff.moved:
        lines.append(f"layout: {len(diff.moved)} node(s) moved ({', '.join(diff.moved)})")
    if diff.unplaced:
        lines.append(
            f"layout: {len(diff.unplaced)} node(s) lost their position ({', '.join(diff.unplaced)})"
        )
    if diff.placed:
        lines.append(f"layout: {len(diff.placed)} node(s) placed ({', '.join(diff.placed)})")
    if diff.reshaped:
        lines.append(f"layout: {len(diff.reshaped)} arrow(s) redrawn ({', '.join(diff.reshaped)})")
    counts = diff.summary_counts()
    lines.append(
        f"{counts['added']} added, {counts['removed']} removed, {counts['changed']} changed, "
        f"{counts['breaking']} breaking"
    )
    return "\n".join(one_line(line) for line in lines)  # a name may hold a newline
