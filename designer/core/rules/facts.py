"""Graph facts every rule needs, derived once per validation and updated item by item.

Rules never scan the whole design: they ask these indexes (flows per message, per cause,
per node, per service pair, names by normalised spelling, owners). The incremental
validator keeps one `Facts` alive and feeds it the items an edit replaced, so the indexes
always equal what a fresh build over the current design would give.

Items are values: the document replaces an item on every edit and never mutates one, so
the indexes hold the items themselves and the previous version of an edited item is
still the one found here.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Literal, TypeGuard, TypeVar

from ..io import natural_key
from ..model import Design, Flow, Message, MessageKind, Node, RecordSchema, Transport
from .name_reading import normalised

ItemCollection = Literal["nodes", "messages", "flows"]
ITEM_COLLECTIONS: frozenset[str] = frozenset(("nodes", "messages", "flows"))


def is_item_collection(collection: str) -> TypeGuard[ItemCollection]:
    """Whether a location's or change's collection names one of the item lists."""
    return collection in ITEM_COLLECTIONS


Key = tuple[tuple[int, int | str], ...]
_T = TypeVar("_T")


_ONE_NUMBER = re.compile(r"(\D*)(\d+)")


def fast_natural_key(text: str) -> Key:
    """Exactly `io.natural_key(text)`, several times faster for the usual `f12`/`orders` ids."""
    match = _ONE_NUMBER.fullmatch(text)
    if match is not None:
        return ((1, match.group(1)), (0, int(match.group(2))), (1, ""), (1, text))
    if not any(c.isdigit() for c in text):
        return ((1, text), (1, text))
    return natural_key(text)


class SortedIds:
    """Ids in the order of the canonical file, so a diagnostic can name `$.flows[2]`."""

    def __init__(self, ids: Iterable[str] = ()) -> None:
        self.key_of: dict[str, Key] = {i: fast_natural_key(i) for i in ids}
        self._keys: list[Key] = sorted(self.key_of.values())

    def add(self, item_id: str) -> None:
        if item_id not in self.key_of:
            key = fast_natural_key(item_id)
            self.key_of[item_id] = key
            insort(self._keys, key)

    def discard(self, item_id: str) -> None:
        key = self.key_of.pop(item_id, None)
        if key is not None:
            del self._keys[bisect_left(self._keys, key)]

    def index(self, item_id: str) -> int:
        return bisect_left(self._keys, self.key_of[item_id])


def pair_key(a: str, b: str) -> str:
    """One key for the unordered pair of nodes {a, b}."""
    return f"{a}\x00{b}" if a <= b else f"{b}\x00{a}"


def _bucket_add(index: defaultdict[str, dict[str, _T]], key: str, item_id: str, item: _T) -> None:
    index[key][item_id] = item


def _bucket_remove(index: defaultdict[str, dict[str, _T]], key: str, item_id: str) -> None:
    bucket = index.get(key)
    if bucket is not None:
        bucket.pop(item_id, None)
        if not bucket:
            del index[key]


class Facts:
    """Indexes over one design (and its baseline), kept equal to a fresh build."""

    def __init__(self, design: Design, baseline: Design | None = None) -> None:
        self.design = design
        self.baseline_messages: dict[str, Message] | None = (
            {m.id: m for m in baseline.messages} if baseline is not None else None
        )
        # Records by name. Not kept item by item: a schema edit makes the incremental
        # validator rebuild everything (any message may read the record).
        self.records: dict[str, RecordSchema] = {s.name: s for s in design.schemas}
        self.baseline_records: dict[str, RecordSchema] | None = (
            {s.name: s for s in baseline.schemas} if baseline is not None else None
        )
        self.nodes: dict[str, Node] = {}
        self.messages: dict[str, Message] = {}
        self.flows: dict[str, Flow] = {}
        # Built in bulk (one sort) rather than by insertion: the full run must stay fast.
        self.order: dict[ItemCollection, SortedIds] = {
            "nodes": SortedIds(n.id for n in design.nodes),
            "messages": SortedIds(m.id for m in design.messages),
            "flows": SortedIds(f.id for f in design.flows),
        }
        self.flows_of_message: defaultdict[str, dict[str, Flow]] = defaultdict(dict)
        self.flows_caused_by: defaultdict[str, dict[str, Flow]] = defaultdict(dict)
        self.flows_of_node: defaultdict[str, dict[str, Flow]] = defaultdict(dict)
        self.flows_of_pair: defaultdict[str, dict[str, Flow]] = defaultdict(dict)
        self.messages_owned_by: defaultdict[str, dict[str, Message]] = defaultdict(dict)
        self.names: defaultdict[str, dict[str, Node | Message]] = defaultdict(dict)
        self.http_flows: dict[str, Flow] = {}
        for node in design.nodes:
            self.add_node(node)
        for message in design.messages:
            self.add_message(message)
        for flow in design.flows:
            self.add_flow(flow)

    # ------------------------------------------------------------------ upkeep
    def add_node(self, node: Node) -> None:
        self.nodes[node.id] = node
        self.order["nodes"].add(node.id)
        _bucket_add(self.names, "n:" + normalised(node.name), node.id, node)

    def remove_node(self, node: Node) -> None:
        self.nodes.pop(node.id, None)
        self.order["nodes"].discard(node.id)
        _bucket_remove(self.names, "n:" + normalised(node.name), node.id)

    def add_message(self, message: Message) -> None:
        self.messages[message.id] = message
        self.order["messages"].add(message.id)
        _bucket_add(self.names, "m:" + normalised(message.name), message.id, message)
        if message.owner is not None:
            _bucket_add(self.messages_owned_by, message.owner, message.id, message)

    def remove_message(self, message: Message) -> None:
        self.messages.pop(message.id, None)
        self.order["messages"].discard(message.id)
        _bucket_remove(self.names, "m:" + normalised(message.name), message.id)
        if message.owner is not None:
            _bucket_remove(self.messages_owned_by, message.owner, message.id)

    def add_flow(self, flow: Flow) -> None:
        # Inlined bucket updates: this runs for every flow of every full validation.
        flow_id, source, target = flow.id, flow.source, flow.target
        self.flows[flow_id] = flow
        self.order["flows"].add(flow_id)
        self.flows_of_message[flow.message][flow_id] = flow
        if flow.caused_by is not None:
            self.flows_caused_by[flow.caused_by][flow_id] = flow
        self.flows_of_node[source][flow_id] = flow
        self.flows_of_node[target][flow_id] = flow
        self.flows_of_pair[
            f"{source}\x00{target}" if source <= target else f"{target}\x00{source}"
        ][flow_id] = flow
        if flow.transport is Transport.HTTP:
            self.http_flows[flow.id] = flow

    def remove_flow(self, flow: Flow) -> None:
        self.flows.pop(flow.id, None)
        self.order["flows"].discard(flow.id)
        _bucket_remove(self.flows_of_message, flow.message, flow.id)
        if flow.caused_by is not None:
            _bucket_remove(self.flows_caused_by, flow.caused_by, flow.id)
        _bucket_remove(self.flows_of_node, flow.source, flow.id)
        _bucket_remove(self.flows_of_node, flow.target, flow.id)
        _bucket_remove(self.flows_of_pair, pair_key(flow.source, flow.target), flow.id)
        self.http_flows.pop(flow.id, None)

    # ------------------------------------------------------------------ questions
    def key(self, collection: ItemCollection, item_id: str) -> Key:
        return self.order[collection].key_of.get(item_id) or fast_natural_key(item_id)

    def sorted_flows(self, flows: Iterable[Flow]) -> list[Flow]:
        """Flows in file order: rules list items in a stable order, whatever the edit order."""
        key_of = self.order["flows"].key_of
        return sorted(flows, key=lambda f: key_of.get(f.id) or fast_natural_key(f.id))

    def sorted_node_ids(self, node_ids: Iterable[str]) -> list[str]:
        return sorted(node_ids, key=lambda n: self.key("nodes", n))

    def flows_of(self, message_id: str) -> list[Flow]:
        return self.sorted_flows(self.flows_of_message.get(message_id, {}).values())

    def caused_by(self, message_id: str) -> list[Flow]:
        return self.sorted_flows(self.flows_caused_by.get(message_id, {}).values())

    def node_name(self, node_id: str) -> str:
        node = self.nodes.get(node_id)
        return node.name if node is not None else node_id

    def message_name(self, message_id: str) -> str:
        message = self.messages.get(message_id)
        return message.name if message is not None else message_id

    def is_service(self, node_id: str) -> bool:
        node = self.nodes.get(node_id)
        return node is not None and node.is_service

    def is_actor(self, node_id: str) -> bool:
        node = self.nodes.get(node_id)
        return node is not None and not node.is_service

    def kind_of(self, message_id: str | None) -> MessageKind | None:
        message = self.messages.get(message_id) if message_id is not None else None
        return message.kind if message is not None else None

    def owner(self, message: Message) -> str | None:
        """The declared owner, or the one derived from the flows when it is unambiguous."""
        if message.owner is not None:
            return message.owner
        flows = self.flows_of_message.get(message.id, {}).values()
        ends = (
            {f.source for f in flows}
            if message.kind is MessageKind.EVENT
            else {f.target for f in flows}
        )
        return next(iter(ends)) if len(ends) == 1 else None

    def units(self, scope: str) -> Iterator[str]:
        """Every unit a rule of `scope` can report on (see engine.SCOPES).

        Name buckets with one member and node pairs without an http flow cannot have a
        finding, so a full run skips them (a re-run of such a unit simply finds nothing).
        """
        if scope == "node":
            yield from self.nodes
        elif scope == "message":
            yield from self.messages
        elif scope == "flow":
            yield from self.flows
        elif scope == "name":
            yield from (bucket for bucket, members in self.names.items() if len(members) > 1)
        elif scope == "pair":
            http = self.http_flows
            for pair, flows in self.flows_of_pair.items():
                if any(flow_id in http for flow_id in flows):
                    yield pair
        else:  # "sync", "settings": one unit for the whole design
            yield ""

    def has_unit(self, scope: str, unit: str) -> bool:
        if scope == "node":
            return unit in self.nodes
        if scope == "message":
            return unit in self.messages
        if scope == "flow":
            return unit in self.flows
        if scope == "name":
            return unit in self.names
        if scope == "pair":
            return unit in self.flows_of_pair
        return True
