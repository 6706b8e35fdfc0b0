"""Parameterised channels: `streetlights.{streetlight_id}.lighting.measured`.

A `{name}` segment of a flow's channel is known only when a message is sent. Each broker
renders it its own way (docs/file-format.md §1, "Channel parameters"):

- RabbitMQ binds the queue with `*` in its place (a topic exchange) and publishes with the
  value in the routing key;
- NATS subscribes to the subject with `*` and publishes on the subject with the value;
- Kafka topics leave the parameter out: the value travels as the record's key;
- Redis streams leave the parameter out too (a stream has no wildcard subscription): the
  channel with the values in travels in the header `channel` of each entry
  (`streetlights.7.turn.on`);
- AsyncAPI keeps `{name}` in the address and describes it in `parameters`.

Brokers replace whole segments only (`a.*.b`, never `a.x*.b`), so a parameter must be a
whole dot-separated segment; `problems` says what else is wrong with a channel.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# What a broker puts where a parameter was: any one segment.
WILDCARD = "*"
# Redis: the header holding the channel with the values in (`streetlights.7.turn.on`).
REDIS_HEADER = "channel"


def names_in(channel: str) -> list[str]:
    """`a.{x}.b.{y}` -> ["x", "y"]: the parameters a channel names, in order."""
    return PLACEHOLDER.findall(channel)


def is_parameterised(channel: str | None) -> bool:
    return bool(channel) and PLACEHOLDER.search(channel or "") is not None


def wildcard(channel: str) -> str:
    """`a.{x}.b` -> `a.*.b`: what subscribers listen to (every value)."""
    return PLACEHOLDER.sub(WILDCARD, channel)


def without_parameters(channel: str) -> str:
    """`a.{x}.b` -> `a.b`: a fixed name (a queue, a Kafka topic) for every value."""
    return ".".join(s for s in channel.split(".") if not PLACEHOLDER.fullmatch(s))


def key_template(channel: str) -> str:
    """`a.{x}.b.{y}` -> `{x}.{y}`: a Kafka record's key, made of the values."""
    return ".".join(f"{{{name}}}" for name in names_in(channel))


def problems(channel: str, declared: Iterable[str]) -> list[str]:
    """What keeps the parameters of `channel` from being rendered (worded to follow
    "Channel '<name>' of <flow> ")."""
    declared = list(declared)
    found: list[str] = []
    named = names_in(channel)
    for segment in channel.split("."):
        if PLACEHOLDER.search(segment) and not PLACEHOLDER.fullmatch(segment):
            found.append(
                f"has the parameter inside the segment '{segment}': a broker wildcard "
                "stands for a whole segment between dots"
            )
    for name in dict.fromkeys(named):
        if name not in declared:
            found.append(f"names the parameter {{{name}}}, which the flow does not declare")
        elif named.count(name) > 1:
            found.append(f"names the parameter {{{name}}} twice")
    for name in declared:
        if name not in named:
            found.append(f"does not contain the declared parameter {{{name}}}")
    return found
