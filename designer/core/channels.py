"""The one channel-naming convention, shared by code generation and broker configuration.

Every broker name is derived here, so generated services and the broker topology they
run on can never disagree. The rules, by message kind:

- **command** -> the handler's (owner's) queue `<owner>.<command>`; on RabbitMQ via the
  direct exchange `msgflow.commands` with that queue name as routing key.
- **event** -> the publisher's topic exchange `<publisher>.events`, routing key `<event>`,
  and one durable queue per subscribing service `<subscriber>.<event>`.
- **async query** -> the responder's request queue `<responder>.<query>` plus the
  requester's reply queue (the flow's `reply`, default `<requester>.replies`).
- **http** -> `POST /commands/<command>`, `POST /queries/<query>` (or the flow's `channel`
  when it is a path).

An explicit `channel` on a flow overrides the derived queue (commands, queries) or routing
key/subject (events). On NATS the same names become subjects (`<owner>.cmd.<command>`,
`<publisher>.evt.<event>`, `<responder>.qry.<query>`), with one stream per publisher
and durable consumers named `<subscriber>__<event>`; on Kafka, topics named like the
queues above and one consumer group per service.

A channel with `{name}` segments (a flow's `parameters`) is one channel for every value:
subscribers bind or subscribe with `*` in its place, queues, durables, Kafka topics and
Redis streams leave it out, and senders put the value in (the Kafka key, a Redis header:
`channel_parameters.py`).

Names are slugs: lowercase ASCII letters, digits and `-`, made from ids (never from display
names, so renaming a box does not rename a queue). Two ids that slug alike get stable
numeric suffixes, in id order.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from . import channel_parameters
from .model import Design, Flow, MessageKind, Transport
from .unique_names import unique_name

COMMAND_EXCHANGE = "msgflow.commands"
# Commands and queries on a parameterised channel: a direct exchange matches routing keys
# exactly, so their `*` bindings need a topic exchange of their own.
ROUTED_EXCHANGE = "msgflow.routed"
DEAD_LETTER_EXCHANGE = "msgflow.dlx"
# RabbitMQ: a failed message waits out its pause here (per-message TTL), not in its
# consumer, then goes back to its queue (dead-lettered to the default exchange with the
# routing key it came with: the queue's name).
RETRY_EXCHANGE = "msgflow.retry"  # topic, bound to the queue with `#`
RETRY_QUEUE = "msgflow.retry"

# A message is delivered at most this many times (a first try and retries with backoff)
# before it goes to its dead-letter place: a poison message cannot loop forever, and a
# passing failure (a database restarting) gets a few more chances.
DELIVERY_ATTEMPTS = 5

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def dead_letter_subject(service: str, subject: str) -> str:
    """NATS: where service `service` (a node slug) puts a message of `subject` it could not
    handle; `>` gives the wildcard its dead-letter stream listens on."""
    return f"{service}.dead.{subject}"


def dead_letter_stream(service: str) -> str:
    """NATS: the stream keeping what service `service` (a node slug) could not handle."""
    return f"{service}-dead-letters".upper().replace("-", "_")


# The ids generated services send beside a message's body, as broker headers (the body
# is exactly the message's fields): exported in AsyncAPI, recognised on import.
METADATA_HEADERS = (
    "message_id",
    "correlation_id",
    "causation_id",
    "message_type",
    "reply_instance",
)


def slug(text: str) -> str:
    """`Order Service` -> `order-service`; `ünïcode` -> `unicode`; `名前` -> `x-<hash>`."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    result = _NOT_SLUG.sub("-", folded.lower()).strip("-")
    if not result:
        # Nothing ASCII survives (e.g. CJK): a short stable hash keeps names distinct.
        result = "x-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return result[:60]


def _unique_slugs(ids: list[str]) -> dict[str, str]:
    """Slugs for ids, suffixed `-2`, `-3`... where two ids collide; stable in id order."""
    taken: set[str] = set()
    result: dict[str, str] = {}
    for item_id in sorted(ids):
        candidate = unique_name(slug(item_id), taken)
        taken.add(candidate)
        result[item_id] = candidate
    return result


@dataclass(frozen=True)
class FlowChannel:
    """Where one flow travels, in every broker's terms."""

    flow_id: str
    kind: MessageKind
    transport: Transport
    # RabbitMQ: publish to `exchange` with `routing_key`; the consumer reads `queue`.
    exchange: str
    exchange_type: str  # "direct" | "topic" | "fanout" | "" (http)
    routing_key: str
    queue: str
    # NATS: publish to `subject`; JetStream `stream` holds it; consumer `durable`.
    subject: str
    stream: str
    durable: str
    # Kafka: `topic`, consumer group `group`. Redis streams use `queue`/`topic` names too.
    topic: str
    group: str
    # Async queries: where the answer goes (a queue name or an HTTP callback path).
    reply: str | None
    reply_subject: str | None
    # http flows: the route on the target.
    http_method: str | None
    http_path: str | None
    # A parameterised channel (`{name}` segments): the parameters' names in order, and
    # where a sender publishes, with `{name}` standing for the value it gives. Without
    # parameters these equal `routing_key` and `subject`, and `key` is "".
    parameters: tuple[str, ...] = ()
    publish_routing_key: str = ""
    publish_subject: str = ""
    key: str = ""  # Kafka: the record key, e.g. `{streetlight_id}`


def _fanout(flow: Flow) -> bool:
    """A topic flow whose RabbitMQ exchange is a fanout (`bindings.amqp.exchange_type`)."""
    amqp = flow.bindings.amqp if flow.bindings else None
    return flow.transport is Transport.TOPIC and amqp is not None and amqp.exchange_type == "fanout"


class ChannelNames:
    """The naming convention applied to one design; build once, ask per flow."""

    def __init__(self, design: Design) -> None:
        self.design = design
        self.node_slugs = _unique_slugs([n.id for n in design.nodes])
        self.message_slugs = _unique_slugs([m.id for m in design.messages])
        self._messages = {m.id: m for m in design.messages}

    def node(self, node_id: str) -> str:
        return self.node_slugs.get(node_id) or slug(node_id)

    def message(self, message_id: str) -> str:
        return self.message_slugs.get(message_id) or slug(message_id)

    def stream_name(self, node_id: str, suffix: str) -> str:
        # JetStream stream names cannot contain `.`, `*`, `>` or spaces.
        return f"{self.node(node_id)}-{suffix}".upper().replace("-", "_")

    def reply_queue(self, flow: Flow) -> str | None:
        message = self._messages.get(flow.message)
        if (
            message is None
            or message.kind is not MessageKind.QUERY
            or flow.transport is Transport.HTTP
        ):
            return None
        return flow.reply or f"{self.node(flow.source)}.replies"

    def channel(self, flow: Flow) -> FlowChannel:
        message = self._messages[flow.message]
        kind = message.kind
        src, dst, msg = self.node(flow.source), self.node(flow.target), self.message(flow.message)
        group = dst
        if flow.transport is Transport.HTTP:
            path = (
                flow.channel
                if flow.channel and flow.channel.startswith("/")
                else (
                    f"/{'commands' if kind is MessageKind.COMMAND else 'queries' if kind is MessageKind.QUERY else 'events'}/{msg}"
                )
            )
            return FlowChannel(
                flow.id,
                kind,
                flow.transport,
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                group,
                None,
                None,
                "POST",
                path,
            )
        template = flow.channel or msg
        # `key` is where subscribers listen (`*` for a parameter), `fixed` names what exists
        # once for every value (queues, durables, Kafka topics).
        key = channel_parameters.wildcard(template)
        fixed = channel_parameters.without_parameters(template) or msg
        parameters = tuple(channel_parameters.names_in(template))
        record_key = channel_parameters.key_template(template)
        # A broadcast through a fanout exchange of its own (`bindings.amqp`): every queue
        # bound to it gets every message, so it cannot be the service's shared exchange.
        fanout = _fanout(flow)
        if kind is MessageKind.EVENT and flow.transport is Transport.TOPIC:
            return FlowChannel(
                flow.id,
                kind,
                flow.transport,
                exchange=f"{src}.events.{fixed}" if fanout else f"{src}.events",
                exchange_type="fanout" if fanout else "topic",
                routing_key=key,
                queue=f"{dst}.{fixed}",
                subject=f"{src}.evt.{key}",
                stream=self.stream_name(flow.source, "events"),
                durable=f"{dst}__{fixed}".replace(".", "_"),
                topic=f"{src}.{fixed}",
                group=group,
                reply=None,
                reply_subject=None,
                http_method=None,
                http_path=None,
                parameters=parameters,
                publish_routing_key=template,
                publish_subject=f"{src}.evt.{template}",
                key=record_key,
            )
        if flow.transport is Transport.TOPIC:
            # A command or query sent to a broadcast topic (rule `command-on-topic` warns):
            # it goes out on the target's topic exchange like an event would.
            return FlowChannel(
                flow.id,
                kind,
                flow.transport,
                exchange=f"{dst}.events.{fixed}" if fanout else f"{dst}.events",
                exchange_type="fanout" if fanout else "topic",
                routing_key=key,
                queue=f"{dst}.{fixed}",
                subject=f"{dst}.evt.{key}",
                stream=self.stream_name(flow.target, "events"),
                durable=f"{dst}__{fixed}".replace(".", "_"),
                topic=f"{dst}.{fixed}",
                group=group,
                reply=self.reply_queue(flow),
                reply_subject=self._reply_subject(flow),
                http_method=None,
                http_path=None,
                parameters=parameters,
                publish_routing_key=template,
                publish_subject=f"{dst}.evt.{template}",
                key=record_key,
            )
        if parameters:
            # Point-to-point on a parameterised channel: one queue for every value, bound
            # with `*` on a topic exchange (a direct exchange matches keys exactly).
            marker = {MessageKind.COMMAND: "cmd", MessageKind.QUERY: "qry"}.get(kind, "inbox")
            stream_suffix = "commands" if kind is not MessageKind.EVENT else "inbox"
            return FlowChannel(
                flow.id,
                kind,
                flow.transport,
                exchange=ROUTED_EXCHANGE,
                exchange_type="topic",
                routing_key=key,
                queue=fixed,
                subject=f"{dst}.{marker}.{key}",
                stream=self.stream_name(flow.target, stream_suffix),
                durable=f"{dst}__{fixed}".replace(".", "_"),
                topic=fixed,
                group=group,
                reply=self.reply_queue(flow),
                reply_subject=self._reply_subject(flow),
                http_method=None,
                http_path=None,
                parameters=parameters,
                publish_routing_key=template,
                publish_subject=f"{dst}.{marker}.{template}",
                key=record_key,
            )
        # Point-to-point: the target's own queue.
        queue = flow.channel or f"{dst}.{msg}"
        # An event sent point-to-point lands in the target's inbox, not under `evt`: the
        # target may publish the same event on its own topic, and one NATS subject cannot
        # belong to two streams.
        markers = {MessageKind.COMMAND: "cmd", MessageKind.QUERY: "qry", MessageKind.EVENT: "inbox"}
        marker = markers[kind]
        stream_suffix = "commands" if kind is not MessageKind.EVENT else "inbox"
        return FlowChannel(
            flow.id,
            kind,
            flow.transport,
            exchange=COMMAND_EXCHANGE,
            exchange_type="direct",
            routing_key=queue,
            queue=queue,
            subject=f"{dst}.{marker}.{flow.channel or msg}",
            stream=self.stream_name(flow.target, stream_suffix),
            durable=f"{dst}__{flow.channel or msg}".replace(".", "_"),
            topic=queue,
            group=group,
            reply=self.reply_queue(flow),
            reply_subject=self._reply_subject(flow),
            http_method=None,
            http_path=None,
            publish_routing_key=queue,
            publish_subject=f"{dst}.{marker}.{flow.channel or msg}",
        )

    def _reply_subject(self, flow: Flow) -> str | None:
        reply = self.reply_queue(flow)
        if reply is None or reply.startswith("/"):
            return None
        return reply

    def channels(self) -> list[FlowChannel]:
        """Every flow's channel, in the canonical (id) order of the file."""
        from .io import natural_key

        return [self.channel(f) for f in sorted(self.design.flows, key=lambda f: natural_key(f.id))]
