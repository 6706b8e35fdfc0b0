"""H. Bindings: the broker settings a flow keeps (`bindings`) must be ones its targets can render.

A Kafka record key taken from a message field needs that field, holding one value; a
fanout exchange broadcasts, so only a broadcast (topic) flow can ask for one.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import KEY_FIELD_TYPES, Flow, Severity, Transport
from .engine import Context, Report, rule
from .facts import Facts
from .subjects import at_flow, describe_flow, flow_subjects

FAMILY = "bindings"


@rule(
    "kafka-key-field-invalid",
    Severity.ERROR,
    family=FAMILY,
    transports=[Transport.QUEUE, Transport.TOPIC],
    scope="flow",
    summary="A Kafka record key taken from a message field needs that field, holding one value.",
    doc="`bindings.kafka.key_field` makes the publisher send the field's value as the record "
    "key, so every record of one entity lands in one partition and stays in order. A key "
    "naming no field of the message, a field holding a list, map or record, or a channel "
    "whose parameters already make the key cannot be rendered. Source: Apache Kafka "
    "documentation (producer partitioner, message ordering).",
)
def kafka_key_field_invalid(ctx: Context, flow_id: str) -> Iterable[Report]:
    facts = ctx.facts
    flow = facts.flows[flow_id]
    topic = flow.bindings.kafka if flow.bindings else None
    if topic is None or topic.key_field is None:
        return ()
    problem = _key_problem(facts, flow, topic.key_field)
    if problem is None:
        return ()
    message, hint = problem
    return (
        Report(
            message=f"Kafka key of {describe_flow(facts, flow)}: {message}",
            hint=hint,
            subjects=flow_subjects(facts, flow),
            at=at_flow(flow_id, ".bindings"),
        ),
    )


def _key_problem(facts: Facts, flow: Flow, key_field: str) -> tuple[str, str] | None:
    """(what is wrong, how to fix it), or None when the key can be rendered."""
    message = facts.messages.get(flow.message)
    if message is None:
        return None  # a dangling message is reported by the loader's reference checks
    if flow.parameters:
        names = ", ".join(p.name for p in flow.parameters)
        return (
            f"the channel's parameters ({names}) already make the record key",
            "Remove bindings.kafka.key_field, or the parameters from the channel",
        )
    field = next((f for f in message.fields if f.name == key_field), None)
    if field is None:
        known = ", ".join(f.name for f in message.fields if f.type in KEY_FIELD_TYPES)
        choose = f"one of: {known}" if known else "a field to add to the message first"
        return (
            f"{message.name} has no field '{key_field}'",
            f"Set bindings.kafka.key_field to {choose}",
        )
    if field.type not in KEY_FIELD_TYPES:
        return (
            f"field '{key_field}' is a {field.type}, not one value",
            f"Key by a field of type {', '.join(KEY_FIELD_TYPES)} (an id, usually)",
        )
    return None


@rule(
    "amqp-fanout-not-broadcast",
    Severity.ERROR,
    family=FAMILY,
    transports=[Transport.QUEUE, Transport.HTTP],
    scope="flow",
    summary="A fanout exchange broadcasts: only a topic flow can go through one.",
    doc="`bindings.amqp.exchange_type: fanout` gives every queue bound to the flow's exchange "
    "every message. A point-to-point queue has one consumer and an http call no exchange "
    "at all, so the setting would mean nothing there. Source: RabbitMQ documentation "
    "(exchange types), EIP Publish-Subscribe Channel.",
)
def amqp_fanout_not_broadcast(ctx: Context, flow_id: str) -> Iterable[Report]:
    facts = ctx.facts
    flow = facts.flows[flow_id]
    queue = flow.bindings.amqp if flow.bindings else None
    if queue is None or queue.exchange_type != "fanout":
        return ()
    return (
        Report(
            message=f"{describe_flow(facts, flow)} goes over {flow.transport.value} yet asks "
            "for a fanout exchange",
            hint="Send it on a topic (transport: topic), or remove bindings.amqp.exchange_type",
            subjects=flow_subjects(facts, flow),
            at=at_flow(flow_id, ".bindings"),
        ),
    )
