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
from collections.abc import Iterable, Sequence

from .model import PARAMETER_NAME as _PARAMETER_NAME
from .model import ChannelParameter

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# What a broker puts where a parameter was: any one segment.
WILDCARD = "*"
PARAMETER_NAME = re.compile(_PARAMETER_NAME.strip("^$"))
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


def named_pattern(channel: str) -> re.Pattern[str]:
    """What `channel` is with a value in place of each `{name}` segment, as a pattern
    (`streetlights.7.turn.on` for `streetlights.{id}.turn.on`): checked per observed
    message, so compiled once."""
    return re.compile(
        r"\.".join(
            "[^.]+" if PLACEHOLDER.fullmatch(segment) else re.escape(segment)
            for segment in channel.split(".")
        )
    )


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


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a parameter's name (None when it can), worded to follow
    "the parameter {name} "."""
    if not name:
        return "has no name: write one between the braces, such as {streetlightId}"
    if PARAMETER_NAME.fullmatch(name):
        return None
    bad = next(c for c in name if not PARAMETER_NAME.fullmatch(c))
    if not bad.isascii():
        what = f"the non-ASCII character '{bad}' (U+{ord(bad):04X})"
    elif bad == " ":
        what = "a space"
    elif not bad.isprintable():
        what = f"the character U+{ord(bad):04X}"
    else:
        what = f"'{bad}'"
    return f"holds {what}: a parameter name is ASCII letters, digits, '_' and '-'"


def following(channel: str, declared: Sequence[ChannelParameter]) -> list[ChannelParameter]:
    """The parameters a flow has once its channel is `channel`: each `{name}` it names, in
    order, keeping what was declared about a name already there (a typed `{name}` adds a
    parameter, a removed one goes). Names must pass `name_problem` first."""
    known = {p.name: p for p in declared}
    return [
        known.get(name) or ChannelParameter(name=name) for name in dict.fromkeys(names_in(channel))
    ]


def renamed(channel: str, old: str, new: str) -> str:
    """`a.{old}.b` -> `a.{new}.b`: every whole placeholder of `old`, nothing else."""
    return PLACEHOLDER.sub(lambda m: f"{{{new}}}" if m.group(1) == old else m.group(0), channel)
