"""Propose a design from recorded traffic, for a system that has none (`import traffic`).

Read backwards through msgflow's naming convention (channels.py) wherever an address
follows it: a NATS subject `<node>.evt|cmd|qry|inbox.<message>`, a RabbitMQ exchange
`<node>.events` or a key `<node>.<message>` on `msgflow.commands`, a Redis stream
`<node>.<message>`. Senders are named by AMQP `app_id`/`user_id` when present. A message
that carries a `reply_to` is a query; answers found by correlation give its response
fields. Fields come from the payloads: a field missing from some payloads is optional,
and a field seen with two JSON types becomes a string. Addresses that differ in one
segment only (`lights.1.measured`, `lights.2.measured`, ...) fold into one channel with a
parameter there (address_folding.py); a Redis stream leaves the parameter out of its name,
so there the channels its entries name in their `channel` header fold the same way. What
traffic cannot tell (who subscribes to an
event, who sends a command) becomes a placeholder node. Every guess is returned as a
note, so nothing is invented silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..channel_parameters import REDIS_HEADER
from ..channels import COMMAND_EXCHANGE, slug
from ..model import (
    ChannelParameter,
    Design,
    Flow,
    Message,
    MessageField,
    MessageKind,
    Node,
    NodeKind,
    Transport,
)
from .address_folding import Addressed, find_folds
from .proposals import UNKNOWN_SENDER, UNKNOWN_SUBSCRIBER, infer_type
from .record import Record

MAX_SAMPLES = 50  # payloads per message used to infer fields
MAX_NAMED_CHANNELS = 1_000  # Redis: distinct channel headers kept per stream and type
_MARKERS = {
    "evt": MessageKind.EVENT,
    "cmd": MessageKind.COMMAND,
    "qry": MessageKind.QUERY,
    "inbox": MessageKind.EVENT,
}


@dataclass
class _Seen:
    """What one (address, type) carried."""

    address: str
    channel: str  # the address without its exchange (the design's `channel`)
    exchange: str | None
    kind: MessageKind | None = None
    publisher: str | None = None  # node slug
    handler: str | None = None  # node slug
    name: str | None = None
    key: str = ""
    count: int = 0
    has_reply_to: bool = False
    samples: list[dict[str, Any]] = field(default_factory=list)
    replies: list[dict[str, Any]] = field(default_factory=list)
    senders: set[str] = field(default_factory=set)
    message_ids: set[str] = field(default_factory=set)
    correlations: set[str] = field(default_factory=set)
    # The `{name}` segments of `channel` once addresses were folded into it.
    parameters: list[ChannelParameter] = field(default_factory=list)
    # Redis: the channels the entries named in their `channel` header (the values in).
    named_channels: set[str] = field(default_factory=set)

    def absorb(self, other: _Seen) -> None:
        """Take in what another address of the same message carried."""
        self.count += other.count
        self.has_reply_to = self.has_reply_to or other.has_reply_to
        self.samples.extend(other.samples[: MAX_SAMPLES - len(self.samples)])
        self.replies.extend(other.replies[: MAX_SAMPLES - len(self.replies)])
        self.senders |= other.senders
        self.message_ids |= other.message_ids
        self.correlations |= other.correlations
        self.named_channels |= other.named_channels


@dataclass
class InferredDesign:
    design: Design
    notes: list[str]


def _read_address(record: Record) -> tuple[str | None, str | None, str, MessageKind | None]:
    """(publisher slug, handler slug, message key, kind) by the naming convention."""
    channel = record.channel
    if record.broker == "nats":
        parts = channel.split(".")
        if len(parts) >= 3 and parts[1] in _MARKERS:
            kind = _MARKERS[parts[1]]
            key = ".".join(parts[2:])
            return (parts[0], None, key, kind) if parts[1] == "evt" else (None, parts[0], key, kind)
        return None, None, channel, None
    if record.broker == "rabbitmq":
        exchange = record.exchange or ""
        if exchange.endswith(".events"):
            return exchange[: -len(".events")], None, channel, MessageKind.EVENT
        if exchange in (COMMAND_EXCHANGE, "") and "." in channel:
            node, key = channel.split(".", 1)
            return None, node, key, MessageKind.COMMAND
        return None, None, channel, None
    if "." in channel:
        node, key = channel.split(".", 1)
        return node, None, key, None
    return None, None, channel, None


def _fields(samples: list[dict[str, Any]], notes: list[str], where: str) -> list[MessageField]:
    names: dict[str, set[str]] = {}
    present: dict[str, int] = {}
    for sample in samples:
        for name, value in sample.items():
            present[name] = present.get(name, 0) + 1
            if value is not None:
                names.setdefault(name, set()).add(infer_type(value))
    result = []
    for name in present:
        types = names.get(name, {"string"})
        chosen = next(iter(types)) if len(types) == 1 else "string"
        if len(types) > 1:
            notes.append(f"{where}.{name}: seen as {' and '.join(sorted(types))}, made a string")
        elif chosen.startswith("map[") or any(
            isinstance(s.get(name), list) and any(isinstance(v, dict) for v in s[name])
            for s in samples
        ):
            notes.append(
                f"{where}.{name}: holds objects, typed {chosen}; a record schema would say more"
            )
        optional = present[name] < len(samples) or name not in names
        result.append(MessageField(name=name, type=chosen, required=not optional))
    return result


def _message_id(entry: _Seen) -> str:
    """`order-created` for type `OrderCreated` (or the address's key when they agree)."""
    if entry.name is None:
        return slug(entry.key)
    kebab = slug(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", entry.name))
    return kebab


def _pascal(text: str) -> str:
    return (
        "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", text) if p) or "Message"
    )


def _folded(seen: dict[tuple[str, str], _Seen], notes: list[str]) -> dict[tuple[str, str], _Seen]:
    """`seen` with the addresses of one message that differ in one segment folded into a
    parameterised channel, each fold one note; repeated for a second segment."""
    while True:
        items = {
            key: Addressed(
                entry.channel,
                (entry.exchange, entry.name, entry.kind, entry.publisher, entry.handler),
                entry.name is not None,
            )
            for key, entry in seen.items()
        }
        folds = find_folds(items)
        if not folds:
            return seen
        for fold in folds:
            first, *rest = (seen.pop(key) for key in fold.members)
            for other in rest:
                first.absorb(other)
            first.key = _folded_key(first, fold.channel)
            first.channel = fold.channel
            if first.exchange is not None:
                first.address = f"{first.exchange or '(default exchange)'}/{fold.channel}"
            else:
                first.address = fold.channel
            first.parameters = sorted(
                [*first.parameters, fold.parameter],
                key=lambda p: fold.channel.index(f"{{{p.name}}}"),
            )
            seen[(first.address, first.name or first.key)] = first
            what = f"all {first.name}" if first.name else "no declared type, ids in the address"
            notes.append(
                f"{first.address}: {len(fold.members)} addresses folded into one channel, "
                f"{{{fold.parameter.name}}} ({fold.parameter.type}) seen as "
                f"{_listing(fold.values)} ({what})"
            )


def _fold_named_channels(entry: _Seen, notes: list[str]) -> None:
    """Redis: the channels one stream's entries named (`streetlights.42.lighting.measured`,
    `streetlights.7.lighting.measured`, ...) folded, round after round, into the one
    parameterised channel of the stream's flow. Kept only when every channel folds into
    one (else the stream stays a channel without parameters, as before)."""
    channels = {c: Addressed(c, None, True) for c in entry.named_channels}
    parameters: list[ChannelParameter] = []
    while len(channels) > 1:
        folds = find_folds(channels)
        if len(folds) != 1 or len(folds[0].members) != len(channels):
            notes.append(
                f"{entry.address}: its entries name {len(entry.named_channels)} channels "
                "(header channel) that do not fold into one parameterised channel (3 or more "
                "values in one segment): no parameters kept"
            )
            return
        (fold,) = folds
        parameters.append(fold.parameter)
        channels = {fold.channel: Addressed(fold.channel, None, True)}
    if not parameters:
        return  # one channel named: nothing says which of its segments would vary
    (channel,) = channels
    entry.channel = channel
    entry.parameters = sorted(parameters, key=lambda p: channel.index(f"{{{p.name}}}"))
    names = ", ".join(f"{{{p.name}}} ({p.type})" for p in entry.parameters)
    notes.append(
        f"{entry.address}: its entries name {len(entry.named_channels)} channels "
        f"(header channel), folded into {channel}: {names}"
    )


def _folded_key(entry: _Seen, channel: str) -> str:
    """The message key of a folded address: its segments without the parameters (the
    address is the only name of a message without a declared type)."""
    size = len(entry.key.split("."))
    if not entry.channel.endswith(entry.key):
        return entry.key
    segments = channel.split(".")[-size:]
    return ".".join(s for s in segments if not s.startswith("{")) or entry.key


def _listing(values: tuple[str, ...], shown: int = 5) -> str:
    more = f" and {len(values) - shown} more" if len(values) > shown else ""
    return ", ".join(values[:shown]) + more


def infer(records: Iterable[Record], name: str = "Observed system") -> InferredDesign:
    notes: list[str] = []
    seen: dict[tuple[str, str], _Seen] = {}
    by_correlation: dict[str, _Seen] = {}
    for record in records:
        payload = record.payload()
        publisher, handler, key, kind = _read_address(record)
        type_name = record.message_type or key
        entry = seen.get((record.address, type_name))
        if entry is None and record.correlation_id in by_correlation and record.reply_to is None:
            asked = by_correlation[record.correlation_id]
            if asked.has_reply_to and record.address != asked.address:  # an answer
                if isinstance(payload, dict) and len(asked.replies) < MAX_SAMPLES:
                    asked.replies.append(payload)
                continue
        if entry is None:
            entry = seen[(record.address, type_name)] = _Seen(
                record.address,
                record.channel,
                record.exchange,
                kind,
                publisher,
                handler,
                record.message_type,
                key,
            )
        entry.count += 1
        if record.reply_to:
            entry.has_reply_to = True
            if record.reply_to.endswith(".replies") and entry.publisher is None:
                # `<requester>.replies` is the convention's reply address: it names the asker.
                entry.publisher = record.reply_to[: -len(".replies")]
                notes.append(
                    f"{record.address}: asker read from its reply address {record.reply_to}"
                )
        sender = record.headers.get("app_id") or record.headers.get("user_id")
        if sender:
            entry.senders.add(slug(sender))
        if isinstance(payload, dict) and len(entry.samples) < MAX_SAMPLES:
            entry.samples.append(payload)
        named = record.headers.get(REDIS_HEADER) if record.broker == "redis" else None
        if named and len(entry.named_channels) < MAX_NAMED_CHANNELS:
            entry.named_channels.add(named)
        if record.correlation_id and len(by_correlation) < 100_000:
            by_correlation[record.correlation_id] = entry
    seen = _folded(seen, notes)
    for entry in seen.values():
        if entry.named_channels:
            _fold_named_channels(entry, notes)
    nodes: dict[str, Node] = {}
    messages: dict[str, Message] = {}
    flows: list[Flow] = []

    def node(node_id: str, kind: NodeKind = NodeKind.SERVICE) -> str:
        if node_id not in nodes:
            nodes[node_id] = Node(id=node_id, name=_pascal(node_id), kind=kind)
        return node_id

    for (address, _type_name), entry in sorted(seen.items()):
        kind = entry.kind
        if entry.has_reply_to:
            if kind is not MessageKind.QUERY:
                notes.append(f"{address}: carries reply_to, so taken as a query")
            kind = MessageKind.QUERY
        if kind is None:
            kind = MessageKind.EVENT
            notes.append(f"{address}: its name follows no msgflow convention; taken as an event")
        message_id = _message_id(entry)
        base, n = message_id, 1
        while message_id in messages and messages[message_id].kind is not kind:
            n += 1
            message_id = f"{base}-{n}"
        where = f"message '{message_id}'"
        if message_id not in messages:
            response = _fields(entry.replies, notes, f"{where} response") if entry.replies else None
            if kind is MessageKind.QUERY and response is None:
                notes.append(f"{where}: no answer was seen, so its response has no fields")
            messages[message_id] = Message(
                id=message_id,
                name=entry.name or _pascal(entry.key),
                kind=kind,
                fields=_fields(entry.samples, notes, where),
                response=response if kind is MessageKind.QUERY else None,
            )
            notes.append(
                f"{where}: {kind.value}, fields inferred from {len(entry.samples)} payload(s)"
            )
        senders = sorted(entry.senders) or ([entry.publisher] if entry.publisher else [])
        if not senders:
            senders = [UNKNOWN_SENDER]
            notes.append(
                f"{address}: sender not identifiable (no app_id, no publisher in the name)"
            )
        if entry.senders and entry.publisher and entry.publisher not in entry.senders:
            notes.append(
                f"{address}: app_id names {', '.join(sorted(entry.senders))}, the address names {entry.publisher}"
            )
        target = entry.handler
        if target is None:
            target = UNKNOWN_SUBSCRIBER
            notes.append(
                f"{address}: who receives it cannot be seen in traffic; placeholder '{UNKNOWN_SUBSCRIBER}'"
            )
        transport = (
            Transport.TOPIC
            if kind is MessageKind.EVENT and entry.handler is None
            else Transport.QUEUE
        )
        for sender in senders:
            source = node(sender, NodeKind.ACTOR if sender == UNKNOWN_SENDER else NodeKind.SERVICE)
            flows.append(
                Flow.model_validate(
                    {
                        "id": f"f{len(flows) + 1}",
                        "message": message_id,
                        "from": source,
                        "to": node(target),
                        "transport": transport,
                        **(
                            {"channel": entry.channel, "parameters": entry.parameters}
                            if entry.parameters
                            else {}
                        ),
                    }
                )
            )
    design = Design(
        name=name,
        nodes=sorted(nodes.values(), key=lambda n: n.id),
        messages=sorted(messages.values(), key=lambda m: m.id),
        flows=flows,
    )
    return InferredDesign(design, notes)
