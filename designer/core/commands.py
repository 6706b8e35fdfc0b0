"""Undoable edits as plain Python: one user gesture = one command, working by ids.

A command's first `redo` runs `perform`, which edits the document through an `_Edit`
recorder; every primitive it applies is recorded with the list position it touched.
Undo replays the inverse operations in reverse order, so list order is restored exactly
(removing a node removes its flows, and undo puts them back where they were). Later
redos replay the recorded operations. Commands never push other commands.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .document import Collection, Document, item_key
from .document import Item as _Item
from .errors import EditError, did_you_mean
from .generate_settings import generate_settings_problems
from .json_limits import limit_problems
from .model import (
    MAX_BENDS,
    MAX_COORDINATE,
    Design,
    Flow,
    FlowLayout,
    Message,
    MessageField,
    MessageKind,
    Node,
    Point,
    RecordSchema,
    Settings,
    field_problems,
    one_of_problem,
    type_names,
)

# ---------------------------------------------------------------- recorded operations


@dataclass
class _Insert:
    collection: Collection
    item: _Item
    index: int

    def do(self, doc: Document) -> None:
        doc.insert(self.collection, self.item, self.index)

    def undo(self, doc: Document) -> None:
        doc.remove(self.collection, item_key(self.item))


@dataclass
class _Remove:
    collection: Collection
    item: _Item
    index: int

    def do(self, doc: Document) -> None:
        doc.remove(self.collection, item_key(self.item))

    def undo(self, doc: Document) -> None:
        doc.insert(self.collection, self.item, self.index)


@dataclass
class _Replace:
    collection: Collection
    old: _Item
    new: _Item

    def do(self, doc: Document) -> None:
        if self.collection == "schemas" and item_key(self.old) != item_key(self.new):
            assert isinstance(self.new, RecordSchema)
            doc.rekey_schema(item_key(self.old), self.new)
        else:
            doc.replace(self.collection, self.new)

    def undo(self, doc: Document) -> None:
        if self.collection == "schemas" and item_key(self.old) != item_key(self.new):
            assert isinstance(self.old, RecordSchema)
            doc.rekey_schema(item_key(self.new), self.old)
        else:
            doc.replace(self.collection, self.old)


@dataclass
class _Position:
    node_id: str
    old: Point | None
    new: Point | None

    def do(self, doc: Document) -> None:
        doc.set_position(self.node_id, self.new)

    def undo(self, doc: Document) -> None:
        doc.set_position(self.node_id, self.old)


@dataclass
class _Shape:
    flow_id: str
    old: FlowLayout | None
    new: FlowLayout | None

    def do(self, doc: Document) -> None:
        doc.set_flow_layout(self.flow_id, self.new)

    def undo(self, doc: Document) -> None:
        doc.set_flow_layout(self.flow_id, self.old)


@dataclass
class _Settings:
    old: Settings
    new: Settings

    def do(self, doc: Document) -> None:
        doc.set_settings(self.new)

    def undo(self, doc: Document) -> None:
        doc.set_settings(self.old)


@dataclass
class _Meta:
    old: tuple[str, str | None]
    new: tuple[str, str | None]

    def do(self, doc: Document) -> None:
        doc.set_meta(*self.new)

    def undo(self, doc: Document) -> None:
        doc.set_meta(*self.old)


_Op = _Insert | _Remove | _Replace | _Position | _Shape | _Settings | _Meta


class _Edit:
    """Applies primitives to the document and records how to replay or revert them."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.ops: list[_Op] = []

    def insert(self, collection: Collection, item: _Item, index: int | None = None) -> None:
        _refuse_unstorable(item.model_dump(by_alias=True))
        position = self.doc.insert(collection, item, index)
        self.ops.append(_Insert(collection, item, position))

    def remove(self, collection: Collection, key: str) -> _Item:
        if collection == "flows" and key in self.doc.design.layout.flows:
            self.flow_layout(key, None)  # a removed arrow's shape would dangle in the file
        item, position = self.doc.remove(collection, key)
        self.ops.append(_Remove(collection, item, position))
        return item

    def replace(self, collection: Collection, new: _Item, old_key: str | None = None) -> None:
        _refuse_unstorable(new.model_dump(by_alias=True))
        if collection == "schemas" and old_key is not None and old_key != item_key(new):
            assert isinstance(new, RecordSchema)
            old: _Item = self.doc.rekey_schema(old_key, new)
        else:
            old = self.doc.replace(collection, new)
        self.ops.append(_Replace(collection, old, new))

    def position(self, node_id: str, point: Point | None) -> None:
        if point is not None and not all(
            math.isfinite(v) and abs(v) <= MAX_COORDINATE for v in (point.x, point.y)
        ):
            raise EditError(f"position of '{node_id}' is outside the drawing area")
        old = self.doc.set_position(node_id, point)
        self.ops.append(_Position(node_id, old, point))

    def flow_layout(self, flow_id: str, shape: FlowLayout | None) -> None:
        """Store the shape the user chose for an arrow (None: drawn automatically)."""
        if shape is not None:
            points = [*shape.bends, *([shape.label] if shape.label is not None else [])]
            if not all(
                math.isfinite(v) and abs(v) <= MAX_COORDINATE for p in points for v in (p.x, p.y)
            ):
                raise EditError(f"a point of arrow '{flow_id}' is outside the drawing area")
            if len(shape.bends) > MAX_BENDS:
                raise EditError(f"arrow '{flow_id}' would have more than {MAX_BENDS} bends")
        old = self.doc.set_flow_layout(flow_id, shape)
        self.ops.append(_Shape(flow_id, old, shape))

    def settings(self, settings: Settings) -> None:
        # Checked again from plain values: settings built without validation (a script,
        # a paste) would save, then the loader would refuse the file (issue #10).
        _refuse_unstorable(settings.model_dump(warnings=False), "settings.")
        _validated(Settings, settings, {})
        unusable = generate_settings_problems(settings.generate)
        if unusable:
            raise EditError(f"{unusable[0].path.removeprefix('$.')}: {unusable[0].message}")
        self.ops.append(_Settings(self.doc.set_settings(settings), settings))

    def meta(self, name: str, description: str | None) -> None:
        _refuse_unstorable({"name": name, "description": description})
        self.ops.append(_Meta(self.doc.set_meta(name, description), (name, description)))


def _refuse_unstorable(data: object, prefix: str = "") -> None:
    """EditError for what the loader would refuse to read back (issue #10: an edit that
    saves but never reopens): a lone surrogate, a non-finite or 64-bit-overflowing number,
    nesting beyond the limit."""
    problems = limit_problems(data, limit=1)
    if problems:
        where = prefix + problems[0].path.removeprefix("$").removeprefix(".")
        raise EditError(f"{where or 'value'}: {problems[0].message}")


# ---------------------------------------------------------------- the command protocol


class Command:
    """Base of every undoable edit. Subclasses implement `perform` and set `text`."""

    text = "Edit"
    merge_key: object = None  # commands with equal, non-None keys merge (drag steps)

    def __init__(self) -> None:
        self._ops: list[_Op] | None = None

    def perform(self, edit: _Edit) -> None:
        raise NotImplementedError

    def redo(self, doc: Document) -> None:
        with doc.batch():
            if self._ops is None:
                edit = _Edit(doc)
                try:
                    self.perform(edit)
                except BaseException:
                    # Leave the document as it was: revert the part that was applied.
                    for op in reversed(edit.ops):
                        op.undo(doc)
                    raise
                self._ops = edit.ops
            else:
                for op in self._ops:
                    op.do(doc)

    def undo(self, doc: Document) -> None:
        if self._ops is None:
            raise EditError("cannot undo a command that was never applied")
        with doc.batch():
            for op in reversed(self._ops):
                op.undo(doc)

    def merge_with(self, other: Command) -> bool:
        """Absorb `other` (applied right after self). Only drag moves merge."""
        return False


def _validated(model: type[Any], old: Any, changes: Mapping[str, Any]) -> Any:
    data = old.model_dump(warnings=False)
    data.update(changes)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise EditError(f"{where}: {first['msg']}") from None


def _check_fields(doc: Document, fields: Iterable[MessageField], what: str) -> None:
    records = {s.name: s for s in doc.design.schemas}
    names: set[str] = set()
    for field in fields:
        if field.name in names:
            raise EditError(f"{what}: duplicate field '{field.name}'")
        names.add(field.name)
        for key, problem in field_problems(field, records):
            hint = did_you_mean(field.type, set(records)) if key == "type" else ""
            raise EditError(f"{what}: field '{field.name}': {problem}{hint}")


def _check_unions(doc: Document) -> None:
    """A record edit must not break a discriminated union that names the record."""
    records = {s.name: s for s in doc.design.schemas}
    for schema in doc.design.schemas:
        _check_fields(doc, [f for f in schema.fields if f.discriminator], f"record '{schema.name}'")
    for message in doc.design.messages:
        if (
            message.discriminator
            or message.response_discriminator
            or any(f.discriminator for f in [*message.fields, *(message.response or [])])
        ):
            _check_fields(doc, message.fields, f"message '{message.name}'")
            if union := one_of_problem(message, records):
                raise EditError(f"message '{message.name}' {union[0]}: {union[1]}")


def _check_node_ref(doc: Document, node_id: str, what: str) -> None:
    if not doc.has("nodes", node_id):
        raise EditError(
            f"{what}: unknown node '{node_id}'" + did_you_mean(node_id, doc._index["nodes"])
        )


def _check_message(doc: Document, message: Message) -> None:
    if message.owner is not None:
        _check_node_ref(doc, message.owner, f"message '{message.name}' owner")
    if message.response is not None and message.kind is not MessageKind.QUERY:
        raise EditError(f"only queries have a response; '{message.name}' is a {message.kind.value}")
    if message.scatter_gather and message.kind is not MessageKind.QUERY:
        raise EditError(
            f"only queries can be scatter-gather; '{message.name}' is a {message.kind.value}"
        )
    _check_fields(doc, message.fields, f"message '{message.name}'")
    _check_fields(doc, message.response or [], f"response of '{message.name}'")
    if union := one_of_problem(message, {s.name: s for s in doc.design.schemas}):
        raise EditError(f"message '{message.name}' {union[0]}: {union[1]}")


def _check_flow(doc: Document, flow: Flow) -> None:
    if not doc.has("messages", flow.message):
        raise EditError(f"flow {flow.id}: unknown message '{flow.message}'")
    _check_node_ref(doc, flow.source, f"flow {flow.id} from")
    _check_node_ref(doc, flow.target, f"flow {flow.id} to")
    if flow.caused_by is not None and not doc.has("messages", flow.caused_by):
        raise EditError(f"flow {flow.id}: caused_by names unknown message '{flow.caused_by}'")


def _message_label(doc: Document, message_id: str) -> str:
    item = doc.get("messages", message_id)
    return item.name if isinstance(item, Message) else message_id


# ---------------------------------------------------------------- nodes


class AddNode(Command):
    def __init__(self, node: Node, position: Point | None = None) -> None:
        super().__init__()
        self.node, self.point = node, position
        self.text = f"Add {node.kind.value} {node.name}"

    def perform(self, edit: _Edit) -> None:
        edit.insert("nodes", self.node)
        if self.point is not None:
            edit.position(self.node.id, self.point)


class EditNode(Command):
    def __init__(self, node_id: str, /, **changes: Any) -> None:
        super().__init__()
        self.node_id, self.changes = node_id, changes
        self.text = f"Rename {changes['name']}" if set(changes) == {"name"} else "Edit node"

    def perform(self, edit: _Edit) -> None:
        old = edit.doc.node(self.node_id)
        if "id" in self.changes and self.changes["id"] != self.node_id:
            raise EditError("a node's id cannot change (flows refer to it)")
        edit.replace("nodes", _validated(Node, old, self.changes))
        if set(self.changes) != {"name"}:
            self.text = f"Edit {old.name}"


class RemoveNodes(Command):
    """Removes nodes with their flows and layout; clears messages' ownership of them."""

    def __init__(self, node_ids: Iterable[str]) -> None:
        super().__init__()
        self.node_ids = list(dict.fromkeys(node_ids))
        self.text = (
            f"Remove {len(self.node_ids)} nodes" if len(self.node_ids) != 1 else "Remove node"
        )

    def perform(self, edit: _Edit) -> None:
        doc, gone = edit.doc, set(self.node_ids)
        for node_id in self.node_ids:
            doc.node(node_id)  # raises for an unknown id before anything changes
        if len(self.node_ids) == 1:
            self.text = f"Remove {doc.node(self.node_ids[0]).name}"
        for flow in [f for f in doc.design.flows if f.source in gone or f.target in gone]:
            edit.remove("flows", flow.id)
        for message in [m for m in doc.design.messages if m.owner in gone]:
            edit.replace("messages", message.model_copy(update={"owner": None}))
        for node_id in self.node_ids:
            if node_id in doc.design.layout.nodes:
                edit.position(node_id, None)
            edit.remove("nodes", node_id)


class MoveNodes(Command):
    """Moves nodes; consecutive moves of one drag merge into one undo step."""

    def __init__(self, positions: Mapping[str, Point], *, drag_id: object = None) -> None:
        super().__init__()
        self.positions = dict(positions)
        self.merge_key = ("move", drag_id) if drag_id is not None else None
        self.text = "Move" if len(self.positions) != 1 else "Move node"

    def perform(self, edit: _Edit) -> None:
        for node_id in self.positions:
            edit.doc.node(node_id)
        if len(self.positions) == 1:
            self.text = f"Move {edit.doc.node(next(iter(self.positions))).name}"
        else:
            self.text = f"Move {len(self.positions)} nodes"
        for node_id, point in self.positions.items():
            edit.position(node_id, point)

    def merge_with(self, other: Command) -> bool:
        if (
            not isinstance(other, MoveNodes)
            or other.merge_key != self.merge_key
            or self.merge_key is None
        ):
            return False
        if self._ops is None or other._ops is None:
            return False
        firsts = {op.node_id: op.old for op in self._ops if isinstance(op, _Position)}
        merged: dict[str, Point | None] = {
            op.node_id: op.new for op in self._ops if isinstance(op, _Position)
        }
        for op in other._ops:
            if isinstance(op, _Position):
                firsts.setdefault(op.node_id, op.old)
                merged[op.node_id] = op.new
        self._ops = [
            _Position(node_id, firsts[node_id], point) for node_id, point in merged.items()
        ]
        self.positions = {k: v for k, v in merged.items() if v is not None}
        return True


# ---------------------------------------------------------------- messages and flows


class AddMessage(Command):
    def __init__(self, message: Message) -> None:
        super().__init__()
        self.message = message
        self.text = f"Add {message.kind.value} {message.name}"

    def perform(self, edit: _Edit) -> None:
        _check_message(edit.doc, self.message)
        edit.insert("messages", self.message)


class EditMessage(Command):
    """Any change to a message: rename, kind, fields, response, owner, flags."""

    def __init__(self, message_id: str, /, **changes: Any) -> None:
        super().__init__()
        self.message_id, self.changes = message_id, changes
        self.text = "Edit message"

    def perform(self, edit: _Edit) -> None:
        old = edit.doc.message(self.message_id)
        if "id" in self.changes and self.changes["id"] != self.message_id:
            raise EditError("a message's id cannot change (flows refer to it)")
        changes = dict(self.changes)
        if (
            changes.get("kind") not in (None, MessageKind.QUERY, "query")
            and "response" not in changes
        ):
            changes["response"] = None  # a command or event has no response
            changes.setdefault("response_one_of", None)
            changes.setdefault("response_discriminator", None)
        if (
            changes.get("kind") not in (None, MessageKind.QUERY, "query")
            and "scatter_gather" not in changes
        ):
            changes["scatter_gather"] = False  # only a query can be scatter-gather
        new = _validated(Message, old, changes)
        _check_message(edit.doc, new)
        edit.replace("messages", new)
        self.text = f"Rename {new.name}" if set(self.changes) == {"name"} else f"Edit {new.name}"


class RemoveMessages(Command):
    """Removes messages with the flows that carry them; clears `caused_by` references."""

    def __init__(self, message_ids: Iterable[str]) -> None:
        super().__init__()
        self.message_ids = list(dict.fromkeys(message_ids))
        self.text = "Remove messages"

    def perform(self, edit: _Edit) -> None:
        doc, gone = edit.doc, set(self.message_ids)
        for message_id in self.message_ids:
            doc.message(message_id)
        if len(self.message_ids) == 1:
            self.text = f"Remove {doc.message(self.message_ids[0]).name}"
        for flow in list(doc.design.flows):
            if flow.message in gone:
                edit.remove("flows", flow.id)
            elif flow.caused_by in gone:
                edit.replace("flows", flow.model_copy(update={"caused_by": None}))
        for message_id in self.message_ids:
            edit.remove("messages", message_id)


class AddFlow(Command):
    """Adds a flow, and its message too when the message is new (one gesture, one step)."""

    def __init__(self, flow: Flow, message: Message | None = None) -> None:
        super().__init__()
        self.flow, self.message = flow, message
        name = message.name if message is not None else flow.message
        self.text = f"Add flow {name}"

    def perform(self, edit: _Edit) -> None:
        if self.message is not None and not edit.doc.has("messages", self.message.id):
            _check_message(edit.doc, self.message)
            edit.insert("messages", self.message)
        self.text = f"Add flow {_message_label(edit.doc, self.flow.message)}"
        _check_flow(edit.doc, self.flow)
        edit.insert("flows", self.flow)


class EditFlow(Command):
    """Change transport, retarget, reply channel, timeout, caused_by, suppressions..."""

    def __init__(self, flow_id: str, /, **changes: Any) -> None:
        super().__init__()
        if "from" in changes:
            changes["source"] = changes.pop("from")
        if "to" in changes:
            changes["target"] = changes.pop("to")
        self.flow_id, self.changes = flow_id, changes
        self.text = "Edit flow"

    def perform(self, edit: _Edit) -> None:
        old = edit.doc.flow(self.flow_id)
        if "id" in self.changes and self.changes["id"] != self.flow_id:
            raise EditError("a flow's id cannot change")
        new = _validated(Flow, old, self.changes)
        _check_flow(edit.doc, new)
        edit.replace("flows", new)
        shape = edit.doc.design.layout.flows.get(self.flow_id)
        moved_ends = (new.source, new.target) != (old.source, old.target)
        if moved_ends and shape is not None and (shape.bends or shape.label is not None):
            # Bends and label place were chosen for the old ends; the style stays.
            edit.flow_layout(self.flow_id, FlowLayout(route=shape.route))
        label = _message_label(edit.doc, new.message)
        if set(self.changes) <= {"source", "target"}:
            self.text = f"Retarget flow {label}"
        elif set(self.changes) == {"transport"}:
            self.text = f"Change transport of {label}"
        else:
            self.text = f"Edit flow {label}"


class RemoveFlows(Command):
    def __init__(self, flow_ids: Iterable[str]) -> None:
        super().__init__()
        self.flow_ids = list(dict.fromkeys(flow_ids))
        self.text = "Remove flows"

    def perform(self, edit: _Edit) -> None:
        for flow_id in self.flow_ids:
            edit.doc.flow(flow_id)
        if len(self.flow_ids) == 1:
            self.text = (
                f"Remove flow {_message_label(edit.doc, edit.doc.flow(self.flow_ids[0]).message)}"
            )
        for flow_id in self.flow_ids:
            edit.remove("flows", flow_id)


# ---------------------------------------------------------------- schemas, settings, design


def _uses_record(type_text: str, name: str) -> bool:
    return name in type_names(type_text)


class AddSchema(Command):
    def __init__(self, schema: RecordSchema) -> None:
        super().__init__()
        self.schema = schema
        self.text = f"Add record {schema.name}"

    def perform(self, edit: _Edit) -> None:
        edit.insert("schemas", self.schema)
        _check_fields(edit.doc, self.schema.fields, f"record '{self.schema.name}'")


class EditSchema(Command):
    def __init__(self, name: str, /, **changes: Any) -> None:
        super().__init__()
        self.name, self.changes = name, changes
        self.text = f"Edit record {name}"

    def perform(self, edit: _Edit) -> None:
        old = edit.doc.schema(self.name)
        new = _validated(RecordSchema, old, self.changes)
        if new.name != self.name and self._in_use(edit.doc):
            raise EditError(f"record '{self.name}' is used by fields; rename those first")
        edit.replace("schemas", new, old_key=self.name)
        _check_fields(edit.doc, new.fields, f"record '{new.name}'")
        _check_unions(edit.doc)

    def _in_use(self, doc: Document) -> bool:
        return schema_in_use(doc.design, self.name)


class RemoveSchema(Command):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.text = f"Remove record {name}"

    def perform(self, edit: _Edit) -> None:
        edit.doc.schema(self.name)
        if schema_in_use(edit.doc.design, self.name):
            raise EditError(f"record '{self.name}' is still used by fields")
        edit.remove("schemas", self.name)


def schema_in_use(design: Design, name: str) -> bool:
    fields = [f for s in design.schemas if s.name != name for f in s.fields]
    fields += [f for m in design.messages for f in [*m.fields, *(m.response or [])]]
    return any(_uses_record(f.type, name) for f in fields) or any(
        name in (m.one_of or []) or name in (m.response_one_of or []) for m in design.messages
    )


class EditSettings(Command):
    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.text = "Edit rule settings"

    def perform(self, edit: _Edit) -> None:
        edit.settings(self.settings)


class EditDesign(Command):
    def __init__(self, name: str, description: str | None = None) -> None:
        super().__init__()
        self.name, self.description = name, description
        self.text = "Edit design"

    def perform(self, edit: _Edit) -> None:
        if not self.name.strip():
            raise EditError("a design needs a name")
        edit.meta(self.name, self.description)


class Macro(Command):
    """Several commands as one undo step (paste, duplicate, auto-layout)."""

    def __init__(self, text: str, commands: Iterable[Command]) -> None:
        super().__init__()
        self.text = text
        self.children = list(commands)

    def perform(self, edit: _Edit) -> None:
        for child in self.children:
            child.perform(edit)
