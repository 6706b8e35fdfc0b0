"""What `broker apply` refuses before it connects: a design whose names the broker refuses.

Declaring goes object by object. A name the broker refuses halfway (a channel with a
space, a NATS wildcard or non-ASCII text; RabbitMQ's reserved `amq.` prefix) used to leave
the objects before it created and the rest reported as errors: a half-declared topology,
and a dry run that promised it would work. Such a design is refused whole, each problem at
its place in the file, and nothing is declared.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from designer.core.broker_names import (
    BROKER_TITLES,
    JETSTREAM_NAME_RULE,
    MAX_JETSTREAM_NAME,
    RESERVED_AMQP_PREFIX,
    channel_refusals,
    jetstream_name_ok,
    refusal_for,
)
from designer.core.channels import ChannelNames
from designer.core.io import natural_key
from designer.core.model import Design, Flow, Severity, Transport
from designer.core.topology import AmqpTopology, JetStreamTopology


class Problem(NamedTuple):
    line: str  # `$.path: message`
    own: bool  # the target broker itself refuses (or misreads) the name; False: only others do


def problems(
    design: Design,
    broker: str,
    topology: AmqpTopology | None,
    jetstream: JetStreamTopology | None = None,
) -> list[Problem]:
    """One problem for each name the broker would refuse; empty when none.

    A channel the rule `channel-name-invalid` refuses as an error is refused even where
    this broker would take it (the design is meant for every broker), said so; a channel
    this broker refuses is refused even where the rule is switched off or suppressed.
    """
    found = list(_channel_names(design, broker))
    if broker == "rabbitmq" and topology is not None and not found:
        found = [Problem(line, True) for line in _reserved(design, topology)]
    if broker == "nats" and jetstream is not None and not found:
        found = [Problem(line, True) for line in _jetstream_names(design, jetstream)]
    return found


def _names(flow: Flow) -> Iterator[tuple[str, str, Transport]]:
    if flow.channel is not None:
        yield "channel", flow.channel, flow.transport
    if flow.reply is not None and not flow.reply.startswith("/"):  # not an http callback
        yield "reply", flow.reply, Transport.QUEUE


def _channel_names(design: Design, broker: str) -> Iterator[Problem]:
    from designer.core.rules import validate

    errors = {
        d.path: d.message
        for d in validate(design)
        if d.rule == "channel-name-invalid" and d.severity is Severity.ERROR
    }
    title = BROKER_TITLES.get(broker, broker)
    flows = sorted(design.flows, key=lambda f: natural_key(f.id))
    for index, flow in enumerate(flows):
        for field, value, transport in _names(flow):
            path = f"$.flows[{index}].{field}"
            message = errors.pop(path, None)
            own = refusal_for(value, transport, broker)
            if message is None:
                if own is not None:  # the rule is off or suppressed here: the broker is not
                    label = "Channel" if field == "channel" else "Reply"
                    yield Problem(f"{path}: {label} {value!r} of flow '{flow.id}' {own.text}", True)
                continue
            first = next(channel_refusals(value, transport), None)
            if first is None or not message.endswith(first.text):
                yield Problem(f"{path}: {message}", True)  # a channel parameter's problem
            elif own is not None:
                # Worded for this broker: the rule names the first broker refusing it.
                yield Problem(f"{path}: {message[: -len(first.text)]}{own.text}", True)
            else:
                others = " and ".join(sorted(BROKER_TITLES.get(b, b) for b in first.brokers))
                yield Problem(
                    f"{path}: {message} ({title} takes it, {others} does not: rule "
                    "channel-name-invalid holds a design to names every broker takes)",
                    False,
                )
    for path, message in errors.items():  # parameters declared without a channel
        yield Problem(f"{path}: {message}", True)


def _jetstream_names(design: Design, jetstream: JetStreamTopology) -> list[str]:
    """Durables are made from a flow's channel (`<subscriber>__<channel>`): a channel fine
    as a subject (`a/b`, 255 bytes) can still make a consumer name JetStream refuses,
    after its stream was created."""
    names = [s.name for s in jetstream.streams] + [c.durable for c in jetstream.consumers]
    found: list[str] = []
    for name in sorted(set(names)):
        if jetstream_name_ok(name):
            continue
        flows = [i for i, f in enumerate(design.flows) if f.channel and f.channel in name]
        where = f"$.flows[{flows[0]}].channel" if flows else "$"
        why = (
            f"{len(name)} characters (at most {MAX_JETSTREAM_NAME})"
            if len(name) > MAX_JETSTREAM_NAME
            else JETSTREAM_NAME_RULE
        )
        found.append(f"{where}: makes the JetStream name '{name[:60]}': {why}")
    return found


# AMQP short strings: a queue or exchange name holds at most 255 bytes. A channel within
# the limit can still make a longer name (`<subscriber>.<channel>`, `<queue>.dlq`).
MAX_AMQP_NAME_BYTES = 255


def _reserved(design: Design, topology: AmqpTopology) -> list[str]:
    names = [e.name for e in topology.exchanges] + [q.name for q in topology.queues]
    reserved = sorted({n for n in names if n.startswith(RESERVED_AMQP_PREFIX)})
    too_long = sorted({n for n in names if len(n.encode("utf-8")) > MAX_AMQP_NAME_BYTES})
    if not reserved and not too_long:
        return []
    why = f"RabbitMQ reserves names starting with '{RESERVED_AMQP_PREFIX}' for itself"
    found: list[str] = []
    slugs = ChannelNames(design)
    for index, node in enumerate(design.nodes):
        prefix = slugs.node(node.id) + "."
        made = [n for n in reserved if n.startswith(prefix)]
        if made and prefix == RESERVED_AMQP_PREFIX:
            found.append(
                f"$.nodes[{index}].id: node '{node.id}' makes the names "
                f"{', '.join(made[:3])}{' ...' if len(made) > 3 else ''}: {why}; rename the node"
            )
    for name in too_long:
        size = len(name.encode("utf-8"))
        flows = [i for i, f in enumerate(design.flows) if f.channel and f.channel in name]
        nodes = [i for i, n in enumerate(design.nodes) if name.startswith(slugs.node(n.id) + ".")]
        if flows:
            where, what = f"$.flows[{flows[0]}].channel", "shorten the channel"
        elif nodes:
            where, what = f"$.nodes[{nodes[0]}].id", "shorten the node's id"
        else:
            where, what = "$", "shorten the names it is made of"
        found.append(
            f"{where}: makes the RabbitMQ name '{name[:60]}...' of {size} bytes "
            f"(at most {MAX_AMQP_NAME_BYTES}): {what}"
        )
    return found or [f"$: the names {', '.join(reserved)}: {why}"]
