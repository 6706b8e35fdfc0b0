"""What `broker apply` refuses before it connects: a design whose names the broker refuses.

Declaring goes object by object. A name the broker refuses halfway (a channel with a
space, a NATS wildcard or non-ASCII text; RabbitMQ's reserved `amq.` prefix) used to leave
the objects before it created and the rest reported as errors: a half-declared topology,
and a dry run that promised it would work. Such a design is refused whole, each problem at
its place in the file, and nothing is declared.
"""

from __future__ import annotations

import re

from designer.core.channels import ChannelNames
from designer.core.model import Design, Severity
from designer.core.rules.transport import RESERVED_AMQP_PREFIX
from designer.core.topology import AmqpTopology, JetStreamTopology


def problems(
    design: Design,
    broker: str,
    topology: AmqpTopology | None,
    jetstream: JetStreamTopology | None = None,
) -> list[str]:
    """`$.path: message` for each name the broker would refuse; empty when none."""
    from designer.core.rules import validate

    found = [
        f"{d.path}: {d.message}"
        for d in validate(design)
        if d.rule == "channel-name-invalid" and d.severity is Severity.ERROR
    ]
    if broker == "rabbitmq" and topology is not None and not found:
        found = _reserved(design, topology)
    if broker == "nats" and jetstream is not None and not found:
        found = _jetstream_names(design, jetstream)
    return found


# JetStream stream and consumer names: no whitespace, '.', '*', '>', slashes or control
# characters (they are tokens of the API subject), at most 255 characters.
_NATS_NAME = re.compile(r"[^\s.*>/\\\x00-\x1f\x7f]+")
MAX_NATS_NAME = 255


def _jetstream_names(design: Design, jetstream: JetStreamTopology) -> list[str]:
    """Durables are made from a flow's channel (`<subscriber>__<channel>`): a channel fine
    as a subject (`a/b`, 255 bytes) can still make a consumer name JetStream refuses,
    after its stream was created."""
    names = [s.name for s in jetstream.streams] + [c.durable for c in jetstream.consumers]
    found: list[str] = []
    for name in sorted(set(names)):
        if _NATS_NAME.fullmatch(name) and len(name) <= MAX_NATS_NAME:
            continue
        flows = [i for i, f in enumerate(design.flows) if f.channel and f.channel in name]
        where = f"$.flows[{flows[0]}].channel" if flows else "$"
        why = (
            f"{len(name)} characters (at most {MAX_NATS_NAME})"
            if len(name) > MAX_NATS_NAME
            else "no spaces, '.', '*', '>' or slashes allowed"
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
    for index, flow in enumerate(design.flows):
        if flow.channel and flow.channel.startswith(RESERVED_AMQP_PREFIX):
            found.append(f"$.flows[{index}].channel: channel '{flow.channel}': {why}")
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
