"""The one place that changes a Design; views and validators listen to it.

Only commands (commands.py) call the mutation primitives here. Each primitive records a
`Change`; when a command finishes, listeners get all its changes at once, so a canvas
updates the items involved and the incremental validator re-checks only what they touch.

Listeners hear a change in explicit phases, never in the order they subscribed:
`prepare` (views note what they hold, e.g. the selection), `derived` (state computed from
the model, such as validation), `views` (canvas and panels redraw, reading derived state)
and `settle` (put back what the views' rebuild disturbed, e.g. the selection).
Items are values (frozen pydantic models, model.py): an edit replaces an item with a new one
(`model_copy(update=...)`), it never mutates it; only the Design container changes here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, TypeVar

from .errors import EditError
from .model import Design, Flow, FlowLayout, Message, Node, Point, RecordSchema, Settings
from .unique_names import numbered_name, unique_name

Collection = Literal["nodes", "messages", "flows", "schemas"]
# "layout": a card's position (id: the node's); "arrows": the shape the user chose for an
# arrow (id: the flow's): bends, label place, route style.
ChangeCollection = Literal[
    "nodes", "messages", "flows", "schemas", "settings", "layout", "arrows", "design"
]
Action = Literal["added", "removed", "changed"]
Item = Node | Message | Flow | RecordSchema
T = TypeVar("T", Node, Message, Flow, RecordSchema)


@dataclass(frozen=True)
class Change:
    collection: ChangeCollection
    action: Action
    id: str | None = None


Listener = Callable[[tuple[Change, ...]], None]
Phase = Literal["prepare", "derived", "views", "settle"]
PHASES: tuple[Phase, ...] = ("prepare", "derived", "views", "settle")


def item_key(item: Item) -> str:
    return item.name if isinstance(item, RecordSchema) else item.id


class Document:
    """A design being edited: id indexes, change notifications and a revision counter."""

    def __init__(self, design: Design | None = None) -> None:
        self._listeners: dict[Phase, list[Listener]] = {phase: [] for phase in PHASES}
        self._pending: list[Change] = []
        self._depth = 0
        self.revision = 0
        self.design = design if design is not None else Design()
        self._reindex()

    # ------------------------------------------------------------------ reading
    def _reindex(self) -> None:
        self._index: dict[Collection, dict[str, Item]] = {
            "nodes": {n.id: n for n in self.design.nodes},
            "messages": {m.id: m for m in self.design.messages},
            "flows": {f.id: f for f in self.design.flows},
            "schemas": {s.name: s for s in self.design.schemas},
        }

    def get(self, collection: Collection, key: str) -> Item | None:
        return self._index[collection].get(key)

    def node(self, node_id: str) -> Node:
        return self._require(Node, "nodes", node_id)

    def message(self, message_id: str) -> Message:
        return self._require(Message, "messages", message_id)

    def flow(self, flow_id: str) -> Flow:
        return self._require(Flow, "flows", flow_id)

    def schema(self, name: str) -> RecordSchema:
        return self._require(RecordSchema, "schemas", name)

    def has(self, collection: Collection, key: str) -> bool:
        return key in self._index[collection]

    def _require(self, kind: type[T], collection: Collection, key: str) -> T:
        item = self._index[collection].get(key)
        if not isinstance(item, kind):
            raise EditError(f"no {collection[:-1]} with id '{key}'")
        return item

    def flows_of_node(self, node_id: str) -> list[Flow]:
        return [f for f in self.design.flows if node_id in (f.source, f.target)]

    def flows_of_message(self, message_id: str) -> list[Flow]:
        return [f for f in self.design.flows if f.message == message_id]

    def new_id(self, collection: Collection, base: str) -> str:
        """A fresh id derived from `base` (`orders`, `orders-2`, ...)."""
        from .channels import slug

        return unique_name(slug(base) if base else collection[0], self._index[collection])

    def snapshot(self) -> Design:
        """The design as it is now, untouched by later edits (which change this document's
        Design in place). Items are values, so copying the containers is enough."""
        return self.design.detached()

    def new_flow_id(self) -> str:
        return numbered_name("f", self._index["flows"], start=len(self.design.flows) + 1)

    # ------------------------------------------------------------------ listening
    def subscribe(self, listener: Listener, phase: Phase = "views") -> Callable[[], None]:
        """Call `listener` with each batch of changes, in `phase`; returns the unsubscribe."""
        listeners = self._listeners[phase]
        listeners.append(listener)
        return lambda: listeners.remove(listener) if listener in listeners else None

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group primitives: listeners hear once, when the outermost batch ends."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0 and self._pending:
                changes, self._pending = tuple(self._pending), []
                self.revision += 1
                for phase in PHASES:
                    for listener in list(self._listeners[phase]):
                        listener(changes)

    def _record(self, change: Change) -> None:
        self._pending.append(change)
        if self._depth == 0:  # a primitive called outside a batch still notifies
            with self.batch():
                pass

    # ------------------------------------------------------------------ primitives
    def _list(self, collection: Collection) -> list[Item]:
        items: list[Item] = getattr(self.design, collection)
        return items

    def insert(self, collection: Collection, item: Item, index: int | None = None) -> int:
        key = item_key(item)
        if key in self._index[collection]:
            raise EditError(f"a {collection[:-1]} with id '{key}' already exists")
        items = self._list(collection)
        position = len(items) if index is None else max(0, min(index, len(items)))
        items.insert(position, item)
        self._index[collection][key] = item
        self._record(Change(collection, "added", key))
        return position

    def remove(self, collection: Collection, key: str) -> tuple[Item, int]:
        item = self._index[collection].get(key)
        if item is None:
            raise EditError(f"no {collection[:-1]} with id '{key}'")
        items = self._list(collection)
        position = next(i for i, candidate in enumerate(items) if candidate is item)
        del items[position]
        del self._index[collection][key]
        self._record(Change(collection, "removed", key))
        return item, position

    def replace(self, collection: Collection, new: Item) -> Item:
        """Swap the item with the same key for `new`, in place (list order is kept)."""
        key = item_key(new)
        old = self._index[collection].get(key)
        if old is None:
            raise EditError(f"no {collection[:-1]} with id '{key}'")
        items = self._list(collection)
        position = next(i for i, candidate in enumerate(items) if candidate is old)
        items[position] = new
        self._index[collection][key] = new
        self._record(Change(collection, "changed", key))
        return old

    def rekey_schema(self, old_name: str, new: RecordSchema) -> RecordSchema:
        """Replace a record schema under a new name (renaming a schema)."""
        old = self._index["schemas"].get(old_name)
        if old is None:
            raise EditError(f"no schema named '{old_name}'")
        if new.name != old_name and new.name in self._index["schemas"]:
            raise EditError(f"a schema named '{new.name}' already exists")
        items = self._list("schemas")
        position = next(i for i, candidate in enumerate(items) if candidate is old)
        items[position] = new
        del self._index["schemas"][old_name]
        self._index["schemas"][new.name] = new
        self._record(Change("schemas", "removed", old_name))
        self._record(Change("schemas", "added", new.name))
        assert isinstance(old, RecordSchema)
        return old

    def set_position(self, node_id: str, point: Point | None) -> Point | None:
        old = self.design.layout.nodes.get(node_id)
        if point is None:
            self.design.layout.nodes.pop(node_id, None)
        else:
            self.design.layout.nodes[node_id] = point
        self._record(Change("layout", "changed", node_id))
        return old

    def set_flow_layout(self, flow_id: str, shape: FlowLayout | None) -> FlowLayout | None:
        """The arrow's chosen shape (None, or one choosing nothing: drawn automatically)."""
        flows = self.design.layout.flows
        old = flows.get(flow_id)
        if shape is None or shape.is_default:
            flows.pop(flow_id, None)
        else:
            flows[flow_id] = shape
        self._record(Change("arrows", "changed", flow_id))
        return old

    def set_settings(self, settings: Settings) -> Settings:
        old = self.design.settings
        self.design.settings = settings
        self._record(Change("settings", "changed"))
        return old

    def set_meta(self, name: str, description: str | None) -> tuple[str, str | None]:
        old = (self.design.name, self.design.description)
        self.design.name, self.design.description = name, description
        self._record(Change("design", "changed"))
        return old

    def reset(self, design: Design) -> None:
        """Replace the whole design (open file, revert): listeners rebuild everything."""
        self.design = design
        self._reindex()
        self._record(Change("design", "changed", None))
