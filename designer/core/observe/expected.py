"""What the design expects on each broker address, from the shared naming convention.

Every address comes from `designer/core/channels.py` (the names generated services and
`broker apply` use), so the observer judges traffic by exactly the names the system was
built with. Per broker an address is:

- RabbitMQ: `(exchange, routing key)`. A command or query goes through `msgflow.commands`
  with the queue name as key; a sender publishing straight to the queue (the default
  exchange, `""`) is the same flow. Answers come back through the default exchange with the
  reply queue as key.
- NATS: the subject (answers: the reply subject).
- Answers may also arrive on `<reply address>.<instance>`: generated services give each
  running instance its own reply address under the design's one.
- Redis: the stream or pub/sub channel, named like the Kafka topics (answers: the reply
  stream).

Several flows can share one address: an event published once reaches every subscriber,
so one record counts for each of their flows. A parameterised channel's address has `*`
where the value goes (`streetlights.*.lighting.measured`): a record on
`streetlights.42.lighting.measured` is that flow's. A Redis stream leaves the parameter
out (the value travels in the entry's `channel` header), so its name is exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..channel_parameters import WILDCARD
from ..channels import COMMAND_EXCHANGE, DEAD_LETTER_EXCHANGE, RETRY_EXCHANGE, ChannelNames, slug
from ..io import natural_key
from ..model import Design, MessageKind, Transport
from ..topology import broker_channels, build_amqp
from .record import Record

Address = tuple[str, str]  # (exchange or "", channel); exchange is "" off RabbitMQ
# Exchanges of the services' failure handling, not of the design's flows: a message there
# is one already seen on its flow, waiting for another attempt or dead-lettered.
INFRASTRUCTURE_EXCHANGES = frozenset({DEAD_LETTER_EXCHANGE, RETRY_EXCHANGE})


@dataclass
class AddressUse:
    """The flows travelling on one address, and the queries answered on it."""

    flows: list[str] = field(default_factory=list)  # flow ids, natural order
    messages: set[str] = field(default_factory=set)  # message ids expected here
    replies_for: list[str] = field(default_factory=list)  # query flows answered here


class Expectations:
    """The design seen from the brokers: address -> use, per broker; messages by name."""

    def __init__(self, design: Design) -> None:
        self.design = design
        self.names = ChannelNames(design)
        self.messages = {m.id: m for m in design.messages}
        self.flows = {f.id: f for f in design.flows}
        self.flow_index = {
            f.id: i for i, f in enumerate(sorted(design.flows, key=lambda f: natural_key(f.id)))
        }
        self.by_broker: dict[str, dict[Address, AddressUse]] = {
            "rabbitmq": {},
            "nats": {},
            "redis": {},
        }
        # Addresses with a `*` segment, by (broker, exchange, segment count): the uses a
        # record's channel may match segment by segment when no address is exactly it.
        self._wildcards: dict[tuple[str, str, int], list[tuple[list[str], AddressUse]]] = {}
        for channel, _source, _target in broker_channels(design):
            flow = self.flows[channel.flow_id]
            amqp = [(channel.exchange, channel.routing_key)]
            if channel.exchange == COMMAND_EXCHANGE:
                amqp.append(("", channel.queue))
            self._add("rabbitmq", amqp, flow.id, flow.message)
            self._add("nats", [("", channel.subject)], flow.id, flow.message)
            self._add("redis", [("", channel.topic)], flow.id, flow.message)
            if channel.reply and not channel.reply.startswith("/"):
                for broker, where in (
                    ("rabbitmq", ("", channel.reply)),
                    ("nats", ("", channel.reply_subject or channel.reply)),
                    ("redis", ("", channel.reply)),
                ):
                    use = self.by_broker[broker].setdefault(where, AddressUse())
                    use.replies_for.append(flow.id)
        self._type_names = self._message_names()
        self._resolved: dict[str, str | None] = {}

    def _add(self, broker: str, addresses: Iterable[Address], flow_id: str, message: str) -> None:
        for address in addresses:
            known = address in self.by_broker[broker]
            use = self.by_broker[broker].setdefault(address, AddressUse())
            use.flows.append(flow_id)
            use.messages.add(message)
            exchange, channel = address
            segments = channel.split(".")
            if not known and WILDCARD in segments:
                key = (broker, exchange, len(segments))
                self._wildcards.setdefault(key, []).append((segments, use))

    def _message_names(self) -> dict[str, str]:
        """Every spelling a sender may use for a message type -> its id."""
        names: dict[str, str] = {}
        for message in self.design.messages:
            for spelling in (message.id, message.name, self.names.message(message.id)):
                names.setdefault(_fold(spelling), message.id)
        return names

    def use(self, record: Record) -> AddressUse | None:
        uses = self.by_broker[record.broker]
        found = uses.get((record.exchange or "", record.channel))
        if found is None and self._wildcards:
            found = self._matching_wildcard(record)
        if found is None and "." in record.channel:
            # Generated services make reply addresses per instance: `<reply>.<instance>`.
            head = record.channel.rpartition(".")[0]
            candidate = uses.get((record.exchange or "", head))
            if candidate is not None and candidate.replies_for and not candidate.flows:
                return candidate
        return found

    def _matching_wildcard(self, record: Record) -> AddressUse | None:
        """The use of a parameterised channel whose `*` segments the record's values fill."""
        segments = record.channel.split(".")
        key = (record.broker, record.exchange or "", len(segments))
        for pattern, use in self._wildcards.get(key, ()):
            if all(p in (WILDCARD, s) for p, s in zip(pattern, segments, strict=True)):
                return use
        return None

    def resolve_type(self, declared: str) -> str | None:
        """The message id a declared type names (`SubmitOrder`, `submit-order`...), or None."""
        if declared in self._resolved:
            return self._resolved[declared]
        found = self._type_names.get(_fold(declared))
        if len(self._resolved) < 10_000:  # a sender inventing a type per message stays bounded
            self._resolved[declared] = found
        return found

    def is_request(self, message_id: str) -> bool:
        message = self.messages.get(message_id)
        return message is not None and message.kind is MessageKind.QUERY

    def observable_flows(self) -> list[str]:
        """Flows that travel through a broker (http calls never pass a tap)."""
        return [
            f.id
            for f in sorted(self.design.flows, key=lambda f: natural_key(f.id))
            if f.transport is not Transport.HTTP and f.message in self.messages
        ]

    def rabbit_taps(self) -> tuple[list[str], list[tuple[str, str]]]:
        """RabbitMQ: topic and fanout exchanges to tap whole (`#`), and (direct exchange,
        key) bindings."""
        topology = build_amqp(self.design)
        topics = [
            e.name
            for e in topology.exchanges
            if e.type in ("topic", "fanout") and e.name not in INFRASTRUCTURE_EXCHANGES
        ]
        direct = sorted(
            {
                (b.exchange, b.routing_key)
                for b in topology.bindings
                if b.exchange not in topics and b.exchange not in INFRASTRUCTURE_EXCHANGES
            }
        )
        return topics, direct

    def redis_streams(self) -> list[str]:
        return sorted(address[1] for address in self.by_broker["redis"])


def address_of(record: Record) -> Address:
    return (record.exchange or "", record.channel)


def _fold(text: str) -> str:
    """`Submit Order`, `submit-order`, `SubmitOrder`, `submit_order` fold alike."""
    return slug(text).replace("-", "")
