"""C. Transport: events go async to topics, commands to their owner's queue, async queries need a reply."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from .. import channel_parameters
from ..broker_names import (
    MAX_CHANNEL_BYTES,
    RESERVED_AMQP_PREFIX,
    channel_problem,
)
from ..channels import slug
from ..model import Flow, MessageKind, Severity, Transport
from .engine import Context, Report, rule
from .subjects import at_flow, describe_flow, flow_subjects, names

FAMILY = "transport"


@rule(
    "event-must-be-async",
    Severity.ERROR,
    family=FAMILY,
    kinds=[MessageKind.EVENT],
    transports=[Transport.HTTP],
    scope="flow",
    summary="Events are published asynchronously; the publisher awaits nobody.",
    doc="An event over http makes the publisher wait for each subscriber and fail with "
    "them, which is a command in disguise. Source: EIP Event Message, MS, .NET guide.",
)
def event_must_be_async(ctx: Context, flow_id: str) -> Iterable[Report]:
    return _event_belongs_on_a_topic(ctx, flow_id, "goes over http")


@rule(
    "event-point-to-point",
    Severity.WARNING,
    family=FAMILY,
    kinds=[MessageKind.EVENT],
    transports=[Transport.QUEUE],
    scope="flow",
    summary="Publish events to a topic so a new subscriber never changes the publisher.",
    doc="An event on a queue reaches one consumer; adding a subscriber then means changing "
    "the publisher. NServiceBus throws on it. Source: NSB, EIP Publish-Subscribe Channel.",
)
def event_point_to_point(ctx: Context, flow_id: str) -> Iterable[Report]:
    return _event_belongs_on_a_topic(ctx, flow_id, "goes over a point-to-point queue")


def _event_belongs_on_a_topic(ctx: Context, flow_id: str, how: str) -> Iterable[Report]:
    # The rule's filter (kind and transport) already chose the flow: only the wording differs.
    flow = ctx.facts.flows[flow_id]
    return (
        Report(
            message=f"Event {describe_flow(ctx.facts, flow)} {how}",
            hint=f"Publish {ctx.facts.message_name(flow.message)} to a topic (transport: topic)",
            subjects=flow_subjects(ctx.facts, flow),
            at=at_flow(flow_id, ".transport"),
        ),
    )


@rule(
    "command-on-topic",
    Severity.WARNING,
    family=FAMILY,
    kinds=[MessageKind.COMMAND],
    scope="message",
    summary="Commands go to their owner's queue, not a broadcast topic (error with ≥2 subscribers).",
    doc="A command has one owner; broadcasting it lets several services act on one order. "
    'NServiceBus refuses it ("Pub/Sub is not supported for Commands"), MassTransit allows '
    "it with one consumer: a warning, an error once the topic has two subscribers.",
)
def command_on_topic(ctx: Context, message_id: str) -> Iterator[Report]:
    facts = ctx.facts
    delivered = facts.flows_of_message.get(message_id, {}).values()
    if all(f.transport is not Transport.TOPIC for f in delivered):
        return
    on_topic = [f for f in facts.sorted_flows(delivered) if f.transport is Transport.TOPIC]
    subscribers = {f.target for f in on_topic}
    escalated = Severity.ERROR if len(subscribers) >= 2 else None
    for flow in on_topic:
        extra = (
            f" with {len(subscribers)} subscribers ({names(facts, subscribers)})"
            if escalated
            else ""
        )
        yield Report(
            message=f"Command {describe_flow(facts, flow)} is published on a topic{extra}",
            hint=(
                f"Send {facts.message_name(flow.message)} over a queue to its one handler "
                f"(transport: queue)"
            ),
            subjects=flow_subjects(facts, flow),
            at=at_flow(flow.id, ".transport"),
            severity=escalated,
        )


@rule(
    "async-query-needs-reply",
    Severity.ERROR,
    family=FAMILY,
    kinds=[MessageKind.QUERY],
    transports=[Transport.QUEUE, Transport.TOPIC],
    scope="flow",
    summary="An async query needs a reply channel owned by the requester and a correlation id.",
    doc="Over a queue or topic the answer cannot come back on the same connection: the "
    "requester names where it listens (a reply queue, or an HTTP callback path) and "
    "matches answers by correlation id. Source: EIP Request-Reply, Return Address, "
    "Correlation Identifier; SEED (callback queue).",
)
def async_query_needs_reply(ctx: Context, flow_id: str) -> Iterable[Report]:
    flow = ctx.facts.flows[flow_id]  # an async query: the engine only calls it there
    if not flow.reply:
        requester = ctx.facts.node_name(flow.source)
        return (
            Report(
                message=f"Query {describe_flow(ctx.facts, flow)} goes over a {flow.transport.value} with no reply channel",
                hint=(
                    f"Set reply to a queue owned by {requester} (e.g. '{flow.source}.replies') "
                    f"or an HTTP callback path on {requester}, or make the query http"
                ),
                subjects=flow_subjects(ctx.facts, flow),
                at=at_flow(flow_id),
            ),
        )
    return ()


@rule(
    "async-request-timeout",
    Severity.WARNING,
    family=FAMILY,
    kinds=[MessageKind.QUERY],
    transports=[Transport.QUEUE, Transport.TOPIC],
    scope="flow",
    summary="Every async request has a timeout.",
    doc="An asynchronous request may never be answered; without a timeout the requester "
    'waits forever. Source: MT ("there is always a relevant timeout").',
)
def async_request_timeout(ctx: Context, flow_id: str) -> Iterable[Report]:
    flow = ctx.facts.flows[flow_id]  # an async query: the engine only calls it there
    if flow.timeout_ms is None:
        return (
            Report(
                message=f"Async query {describe_flow(ctx.facts, flow)} has no timeout",
                hint=f"Set timeout_ms on this flow (e.g. 2000) and decide what {ctx.facts.node_name(flow.source)} does when it expires",
                subjects=flow_subjects(ctx.facts, flow),
                at=at_flow(flow_id),
            ),
        )
    return ()


@rule(
    "consumer-safety",
    Severity.INFO,
    family=FAMILY,
    kinds=[MessageKind.COMMAND, MessageKind.EVENT],
    transports=[Transport.QUEUE, Transport.TOPIC],
    scope="flow",
    summary="Async consumers should be idempotent and have a dead-letter path.",
    doc="Brokers deliver at least once, and a message that always fails must go somewhere: "
    "mark the consumer idempotent or give it dead-lettering. Source: EIP Idempotent "
    "Receiver, Dead Letter Channel.",
)
def consumer_safety(ctx: Context, flow_id: str) -> Iterable[Report]:
    facts = ctx.facts
    flow = facts.flows[flow_id]
    kind = facts.kind_of(flow.message)  # a command or event, sent async (the rule's filter)
    if not (flow.idempotent or flow.dead_letter):
        return (
            Report(
                message=(
                    f"{facts.node_name(flow.target)} consumes {kind.value if kind else ''} "
                    f"{facts.message_name(flow.message)} asynchronously, neither idempotent nor dead-lettered"
                ),
                hint=f"Make {facts.node_name(flow.target)}'s handler idempotent (idempotent: true) or add a dead-letter path (dead_letter: true)",
                subjects=flow_subjects(facts, flow),
                at=at_flow(flow_id),
            ),
        )
    return ()


# Where a channel is cut into pieces when suggesting a clean one: dots, wildcards, slashes.
_PIECE_BREAKS = re.compile(r"[.*>/\\]+")


def cleaned_channel(channel: str, transport: Transport) -> str | None:
    """A usable name made of the channel's slugged pieces, or None when nothing is left."""
    pieces = [slug(p) for p in _PIECE_BREAKS.split(channel) if any(c.isalnum() for c in p)]
    if not pieces:
        return None
    if transport is Transport.HTTP:
        return "/" + "/".join(pieces)
    cleaned = ".".join(pieces)[:MAX_CHANNEL_BYTES].strip(".-")
    if cleaned.startswith(RESERVED_AMQP_PREFIX):
        cleaned = "amq-" + cleaned.removeprefix(RESERVED_AMQP_PREFIX)
    return cleaned or None


@rule(
    "channel-name-invalid",
    Severity.ERROR,
    family=FAMILY,
    scope="flow",
    summary="An explicit `channel` must be a name every broker accepts.",
    doc="The channel becomes a RabbitMQ queue or routing key, a NATS subject and Kafka "
    "topic, or an http route: no whitespace or control characters, no wildcards (NATS's "
    "`*` and `>`, and `#` or `*` as a whole word, which a RabbitMQ topic binding reads as "
    "any words: a channel `#` would subscribe to every event), no empty tokens (leading, "
    "trailing or double dots), no subject NATS reserves (a first token starting with `$`, "
    "such as `$SYS`, `$JS`, `$KV`, or `_INBOX`, its clients' reply inboxes), only ASCII "
    "letters, digits and `-_.` (RabbitMQ's client refuses anything else but `:@#,/+`, and "
    "a Kafka topic name those too), at most 249 characters (Kafka's limit for a topic; "
    "RabbitMQ's is 255 bytes), not starting with `amq.` (RabbitMQ keeps those names for "
    "itself); over http a path starting with `/`. Each message names the broker that "
    "refuses the name. Caught here, and by `broker apply` before it declares anything. "
    "Source: NATS subject naming, RabbitMQ topic exchanges, AMQP 0-9-1 short strings, Kafka "
    "topic naming. A broker `reply` (the requester's "
    "reply queue or subject) is held to the same names. A `{name}` segment is a channel "
    "parameter: it must be a whole segment between dots and declared once in the flow's "
    "`parameters` (and each declared one used).",
)
def channel_name_invalid(ctx: Context, flow_id: str) -> Iterable[Report]:
    return (*_channel_reports(ctx, flow_id), *_reply_reports(ctx, flow_id))


def _reply_reports(ctx: Context, flow_id: str) -> tuple[Report, ...]:
    """A broker `reply` (not an http callback path) names the requester's reply queue or
    subject: the same names as a channel, refused by the same brokers."""
    flow = ctx.facts.flows[flow_id]
    if flow.reply is None or flow.reply.startswith("/"):
        return ()
    problem = channel_problem(flow.reply, Transport.QUEUE)
    if problem is None:
        return ()
    cleaned = cleaned_channel(flow.reply, Transport.QUEUE)
    hint = f"Rename the reply to '{cleaned}'" if cleaned is not None else "Rename the reply"
    return (
        Report(
            message=f"Reply {flow.reply!r} of {describe_flow(ctx.facts, flow)} {problem}",
            hint=f"{hint}, or remove it to use the derived name",
            subjects=flow_subjects(ctx.facts, flow),
            at=at_flow(flow_id, ".reply"),
        ),
    )


def _channel_reports(ctx: Context, flow_id: str) -> tuple[Report, ...]:
    flow = ctx.facts.flows[flow_id]
    declared = [p.name for p in flow.parameters]
    if flow.channel is None:
        if not declared:
            return ()
        return (
            Report(
                message=f"{describe_flow(ctx.facts, flow)} declares channel parameters "
                f"({', '.join(declared)}) but has no channel",
                hint="Give the flow a channel naming each parameter as {name}, or remove them",
                subjects=flow_subjects(ctx.facts, flow),
                at=at_flow(flow_id, ".parameters"),
            ),
        )
    if flow.transport is not Transport.HTTP:
        # `{name}` segments are parameters (a wildcard for subscribers), checked apart.
        wrong = channel_parameters.problems(flow.channel, declared)
        if wrong:
            return (
                Report(
                    message=f"Channel {flow.channel!r} of {describe_flow(ctx.facts, flow)} {wrong[0]}",
                    hint="Write each parameter as a whole segment {name} and declare it in "
                    "the flow's parameters, once",
                    subjects=flow_subjects(ctx.facts, flow),
                    at=at_flow(flow_id, ".channel"),
                ),
            )
    problem = channel_problem(flow.channel, flow.transport)
    if problem is None:
        return ()
    cleaned = cleaned_channel(flow.channel, flow.transport)
    hint = (
        f"Rename the channel to '{cleaned}'"
        if cleaned is not None
        else "Give the channel a name of ASCII letters, digits, '-' and '.'"
    )
    return (
        Report(
            message=f"Channel {flow.channel!r} of {describe_flow(ctx.facts, flow)} {problem}",
            hint=f"{hint}, or remove it to use the derived name",
            subjects=flow_subjects(ctx.facts, flow),
            at=at_flow(flow_id, ".channel"),
        ),
    )


def shared_channel_key(flow: Flow) -> tuple[str, str] | None:
    """Where a service listens for `flow`, as far as its explicit channel decides it: two
    flows with one key arrive on one queue, subject, topic or route. Parameters do not
    tell channels apart (`a.{x}.b` and `a.b.{y}` are both the queue `a.b`)."""
    if not flow.channel:
        return None  # the derived name holds the message's own id: never shared
    if flow.transport is Transport.HTTP:
        return ("http", flow.channel)
    kind = "topic" if flow.transport is Transport.TOPIC else "queue"
    return (kind, channel_parameters.without_parameters(flow.channel))


@rule(
    "channel-shared",
    Severity.ERROR,
    family=FAMILY,
    scope="node",
    summary="Two messages a service receives never arrive on one channel.",
    doc="A generated service subscribes one handler per queue, subject, topic or http route: "
    "two messages arriving on one channel (the same explicit `channel`, or channels that "
    "differ only in their parameters, such as `a.{x}.b` and `a.b.{y}`) would leave one "
    "handler never called. Give each message its own channel.",
)
def channel_shared(ctx: Context, node_id: str) -> Iterator[Report]:
    facts = ctx.facts
    node = facts.nodes[node_id]
    if not node.is_service:
        return  # nothing is generated for an actor
    groups: dict[tuple[str, str], dict[str, Flow]] = {}
    for flow in facts.sorted_flows(facts.flows_of_node.get(node_id, {}).values()):
        key = shared_channel_key(flow) if flow.target == node_id else None
        if key is not None:
            groups.setdefault(key, {}).setdefault(flow.message, flow)
    for (_kind, channel), by_message in groups.items():
        if len(by_message) < 2:
            continue
        flows = list(by_message.values())
        carried = ", ".join(facts.message_name(f.message) for f in flows)
        for flow in flows[1:]:
            yield Report(
                message=f"{node.name} receives {carried} on one channel ('{channel}'): "
                f"only one of their handlers would be subscribed",
                hint=f"Give {facts.message_name(flow.message)} on {flow.id} a channel of its "
                "own, or remove the channel to use the derived name",
                subjects=flow_subjects(facts, flow),
                at=at_flow(flow.id, ".channel"),
            )
