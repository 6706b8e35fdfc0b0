"""The broker-neutral topology of a design: what must exist on a broker before it runs.

Everything is derived from the shared naming convention (`designer/core/channels.py`),
so the generated services and the configuration they run on can never disagree. The
broker-specific writers (brokers/rabbitmq.py, nats.py, kafka.py) and the live `broker apply`
only translate this structure; none of them invents a name.

The AMQP side, per non-http flow:

- an event (or anything sent on a topic) -> the publisher's durable topic exchange, one
  durable queue per subscribing service, bound with the routing key of the event;
- a command or async query -> the direct exchange `msgflow.commands` and the handler's
  queue, bound with the queue name as routing key (an async query's answers go to an
  exclusive queue each running requester declares for itself, `<reply>.<instance>`,
  through the default exchange: nothing to declare here);
- every consuming queue dead-letters into `msgflow.dlx` with its own name as routing
  key, where a `<queue>.dlq` queue keeps what could not be handled;
- a failed message waits for its next attempt in the classic queue `msgflow.retry` (behind
  the topic exchange of the same name, bound with `#`) with a per-message TTL, then goes back to its
  queue: the pause holds no consumer and no prefetch slot.

The JetStream side: one stream per publisher of events (limits retention) and one per
handler of commands (work-queue retention: a command is handled once, then gone); one
durable consumer per (subscriber, subject); per service with durable consumers a
dead-letter stream `<SERVICE>_DEAD_LETTERS` on `<service>.dead.>` (limits retention), where
its failure policy puts what it could not handle (the NATS counterpart of `<queue>.dlq`). Queries stay on core NATS request/reply: a
stream listening on a request subject would answer the request with its own publish ack.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .channels import (
    DEAD_LETTER_EXCHANGE,
    DELIVERY_ATTEMPTS,
    RETRY_EXCHANGE,
    RETRY_QUEUE,
    ChannelNames,
    FlowChannel,
    dead_letter_stream,
    dead_letter_subject,
)
from .gc_pause import collector_paused
from .generate_settings import CLASSIC, QUEUE_TYPES
from .generate_settings import QUORUM as QUORUM
from .model import AmqpQueue, Design, MessageKind, Transport

DLQ_SUFFIX = ".dlq"


def _frozen(mapping: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(sorted(mapping.items())))


@dataclass(frozen=True)
class Exchange:
    name: str
    type: str  # "direct" | "topic" | "fanout"
    durable: bool = True


@dataclass(frozen=True)
class Queue:
    name: str
    # What the queue is for: "consume" (a service's inbox), "dead-letter" (what its
    # consuming queue could not deliver) or "retry" (failed messages waiting out their
    # pause). Reply queues are the services' own (per instance).
    role: str
    # The node that reads it (for a dead-letter queue: the node of the queue it serves).
    consumer: str
    arguments: Mapping[str, object] = field(default_factory=lambda: _frozen({}))
    durable: bool = True
    # A flow's `bindings.amqp`: a private (exclusive) or temporary inbox. An exclusive queue
    # belongs to the connection that declares it: the service declares it, never a config.
    exclusive: bool = False
    auto_delete: bool = False


@dataclass(frozen=True)
class Binding:
    exchange: str
    queue: str
    routing_key: str


@dataclass(frozen=True)
class AmqpTopology:
    exchanges: tuple[Exchange, ...]
    queues: tuple[Queue, ...]
    bindings: tuple[Binding, ...]


@dataclass(frozen=True)
class Stream:
    name: str
    subjects: tuple[str, ...]
    retention: str  # "limits" (events, dead letters) | "workqueue" (commands)
    owner: str  # the publisher (events) or the handler (commands, dead letters)
    dead_letters: bool = False  # what `owner` could not handle after its retries


@dataclass(frozen=True)
class Consumer:
    stream: str
    durable: str
    filter_subject: str
    service: str


@dataclass(frozen=True)
class JetStreamTopology:
    streams: tuple[Stream, ...]
    consumers: tuple[Consumer, ...]
    # Subjects served by core NATS request/reply (queries): not captured by any stream.
    request_subjects: tuple[str, ...]


@dataclass(frozen=True)
class TopicUse:
    """Kafka: one topic and who writes and reads it."""

    topic: str
    producers: tuple[str, ...]
    consumers: tuple[str, ...]


@dataclass(frozen=True)
class Topology:
    """Everything `broker apply` and the configuration targets need from one design."""

    name: str
    amqp: AmqpTopology
    jetstream: JetStreamTopology
    topics: tuple[TopicUse, ...]
    # Node slug -> (node id, display name) for every node that publishes or consumes.
    services: Mapping[str, tuple[str, str]]


def broker_channels(design: Design) -> list[tuple[FlowChannel, str, str]]:
    """(channel, source id, target id) of every flow that goes through a broker."""
    names = ChannelNames(design)
    known = {m.id for m in design.messages}
    result = []
    for flow in sorted(design.flows, key=lambda f: f.id):
        if flow.transport is Transport.HTTP or flow.message not in known:
            continue
        result.append((names.channel(flow), flow.source, flow.target))
    return result


def consuming_queue_arguments(queue: str, queue_type: str = QUORUM) -> dict[str, object]:
    """Arguments of a service's inbox: its type, where its dead letters go and (quorum
    queues) after how many deliveries: RabbitMQ dead-letters a message once it has been
    returned `x-delivery-limit` times."""
    arguments: dict[str, object] = {
        "x-queue-type": queue_type,
        "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
        "x-dead-letter-routing-key": queue,
    }
    if queue_type == QUORUM:
        arguments["x-delivery-limit"] = DELIVERY_ATTEMPTS - 1
    return arguments


def dead_letter_queue_arguments(queue_type: str = QUORUM) -> dict[str, object]:
    return {"x-queue-type": queue_type}


def retry_queue_arguments() -> dict[str, object]:
    """The retry queue: classic (per-message TTL on every RabbitMQ version) and, when a
    message's pause is over, dead-lettered to the default exchange with its own routing
    key, the name of the queue it failed in. Services declare it with exactly these."""
    return {"x-queue-type": CLASSIC, "x-dead-letter-exchange": ""}


def inbox_type(settings: AmqpQueue | None, queue_type: str = QUORUM) -> str:
    """A consuming queue's type: quorum queues are durable and shared, so a flow asking for
    a temporary or exclusive inbox (`bindings.amqp`) gets a classic queue."""
    if settings is not None and (not settings.durable or settings.exclusive):
        return CLASSIC
    return queue_type


@collector_paused()  # thousands of small objects that all stay: nothing for the collector
def build_amqp(design: Design, queue_type: str = QUORUM) -> AmqpTopology:
    if queue_type not in QUEUE_TYPES:
        raise ValueError(f"queue type must be one of {', '.join(QUEUE_TYPES)}, not '{queue_type}'")
    names = ChannelNames(design)
    settings = {f.id: f.bindings.amqp for f in design.flows if f.bindings and f.bindings.amqp}
    exchanges: dict[str, Exchange] = {}
    queues: dict[str, Queue] = {}
    bindings: set[Binding] = set()
    for channel, _source, target in broker_channels(design):
        exchanges.setdefault(channel.exchange, Exchange(channel.exchange, channel.exchange_type))
        inbox = settings.get(channel.flow_id) or AmqpQueue()
        kind = inbox_type(inbox, queue_type)
        queues.setdefault(
            channel.queue,
            Queue(
                channel.queue,
                "consume",
                names.node(target),
                _frozen(consuming_queue_arguments(channel.queue, kind)),
                durable=inbox.durable,
                exclusive=inbox.exclusive,
                auto_delete=inbox.auto_delete,
            ),
        )
        bindings.add(Binding(channel.exchange, channel.queue, channel.routing_key))
        # No queue for answers: every running requester declares its own exclusive,
        # auto-deleted reply queue `<reply>.<instance>`, gone with the process.
    consuming = [q for q in queues.values() if q.role == "consume"]
    if consuming:
        exchanges[DEAD_LETTER_EXCHANGE] = Exchange(DEAD_LETTER_EXCHANGE, "direct")
    for queue in consuming:
        dlq = queue.name + DLQ_SUFFIX
        queues.setdefault(
            dlq,
            Queue(
                dlq, "dead-letter", queue.consumer, _frozen(dead_letter_queue_arguments(queue_type))
            ),
        )
        bindings.add(Binding(DEAD_LETTER_EXCHANGE, dlq, queue.name))
    if consuming:
        # Where a failed message waits out its pause without holding a consumer.
        exchanges[RETRY_EXCHANGE] = Exchange(RETRY_EXCHANGE, "topic")
        queues[RETRY_QUEUE] = Queue(RETRY_QUEUE, "retry", "", _frozen(retry_queue_arguments()))
        bindings.add(Binding(RETRY_EXCHANGE, RETRY_QUEUE, "#"))  # every routing key
    return AmqpTopology(
        exchanges=tuple(sorted(exchanges.values(), key=lambda e: e.name)),
        queues=tuple(sorted(queues.values(), key=lambda q: q.name)),
        bindings=tuple(sorted(bindings, key=lambda b: (b.exchange, b.queue, b.routing_key))),
    )


def shared_part(topology: AmqpTopology) -> AmqpTopology:
    """What a broker configuration declares: all but the exclusive queues (and their
    bindings), which only the service's own connection can declare and use."""
    private = {q.name for q in topology.queues if q.exclusive}
    if not private:
        return topology
    return AmqpTopology(
        exchanges=topology.exchanges,
        queues=tuple(q for q in topology.queues if q.name not in private),
        bindings=tuple(b for b in topology.bindings if b.queue not in private),
    )


def build_jetstream(design: Design) -> JetStreamTopology:
    names = ChannelNames(design)
    subjects: dict[str, set[str]] = {}
    retention: dict[str, str] = {}
    owners: dict[str, str] = {}
    consumers: dict[tuple[str, str], Consumer] = {}
    requests: set[str] = set()
    for channel, source, target in broker_channels(design):
        if channel.kind is MessageKind.QUERY and channel.transport is Transport.QUEUE:
            requests.add(channel.subject)
            continue
        broadcast = channel.transport is Transport.TOPIC
        subjects.setdefault(channel.stream, set()).add(channel.subject)
        retention[channel.stream] = "limits" if broadcast else "workqueue"
        owners[channel.stream] = names.node(source if broadcast else target)
        consumers.setdefault(
            (channel.stream, channel.durable),
            Consumer(channel.stream, channel.durable, channel.subject, names.node(target)),
        )
    streams = [
        Stream(name, tuple(sorted(subjects[name])), retention[name], owners[name])
        for name in sorted(subjects)
    ]
    consuming = sorted({c.service for c in consumers.values()})
    streams += [
        Stream(
            dead_letter_stream(service),
            (dead_letter_subject(service, ">"),),
            "limits",
            service,
            dead_letters=True,
        )
        for service in consuming
    ]
    return JetStreamTopology(
        streams=tuple(sorted(streams, key=lambda st: st.name)),
        consumers=tuple(sorted(consumers.values(), key=lambda c: (c.stream, c.durable))),
        request_subjects=tuple(sorted(requests)),
    )


def build_topics(design: Design) -> tuple[TopicUse, ...]:
    names = ChannelNames(design)
    producers: dict[str, set[str]] = {}
    consumers: dict[str, set[str]] = {}
    for channel, source, target in broker_channels(design):
        producers.setdefault(channel.topic, set()).add(names.node(source))
        consumers.setdefault(channel.topic, set()).add(names.node(target))
        if channel.reply and not channel.reply.startswith("/"):
            # The answer travels on the requester's reply topic, written by the responder.
            producers.setdefault(channel.reply, set()).add(names.node(target))
            consumers.setdefault(channel.reply, set()).add(names.node(source))
    return tuple(
        TopicUse(topic, tuple(sorted(producers[topic])), tuple(sorted(consumers.get(topic, set()))))
        for topic in sorted(producers)
    )


def build(design: Design, queue_type: str = QUORUM) -> Topology:
    names = ChannelNames(design)
    involved: set[str] = set()
    for _channel, source, target in broker_channels(design):
        involved.update((source, target))
    services = {
        names.node(node.id): (node.id, node.name)
        for node in sorted(design.nodes, key=lambda n: n.id)
        if node.id in involved and node.is_service
    }
    return Topology(
        name=design.name,
        amqp=build_amqp(design, queue_type),
        jetstream=build_jetstream(design),
        topics=build_topics(design),
        services=MappingProxyType(services),
    )
