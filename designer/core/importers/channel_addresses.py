"""Channel addresses of AsyncAPI documents as a design holds them.

An address is kept where every broker takes it, or where the naming convention gives it
back (`channel_value`); one no broker would take (`/`, `{parameter}`, spaces) becomes a
clean name made of its pieces, the same cleaning the `channel-name-invalid` rule suggests.
"""

from __future__ import annotations

import re
from typing import Any

from designer.core import channel_parameters
from designer.core.broker_names import MAX_CHANNEL_BYTES, channel_problem
from designer.core.channels import ChannelNames
from designer.core.model import Design, Flow, Transport
from designer.core.rules.transport import cleaned_channel

PARAMETER = re.compile(r"\{[^{}]*\}")
BROKER_SAFE = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*")


def usable_channel(address: str, transport: Transport) -> str:
    """`address`, or a name made of its pieces where some broker would refuse it.

    Over http a path with `{param}` is a route; on a broker a `/` is not a Kafka topic's
    character and `{param}` would be taken literally (or as a FastStream path parameter)."""
    if transport is Transport.HTTP:
        if address.startswith("/") and channel_problem(address, transport) is None:
            return address
    elif BROKER_SAFE.fullmatch(address) and channel_problem(address, transport) is None:
        return address
    return cleaned_channel(address, transport) or ""  # nothing left: the derived name


_PIECES = re.compile(r"[./\\]+")
_AROUND_PARAMETERS = re.compile(r"(\{[^{}]*\})")


def parameterised_channel(address: str, parameters: set[str]) -> str | None:
    """A broker channel keeping the address's declared `{name}` parameters as whole segments.

    `smartylighting/streetlights/1/0/event/{streetlightId}/lighting/measured` ->
    `smartylighting.streetlights.1.0.event.{streetlightId}.lighting.measured`; a parameter
    inside a piece (`light-{id}`) becomes a segment of its own (`light.{id}`). None when no
    declared parameter is in the address, or nothing else is (one queue per value is not
    a channel a broker can bind)."""
    segments: list[str] = []
    for piece in _PIECES.split(address):
        for part in _AROUND_PARAMETERS.split(piece):
            if PARAMETER.fullmatch(part) and part[1:-1] in parameters:
                segments.append(part)
            elif any(c.isalnum() for c in part):
                cleaned = cleaned_channel(part, Transport.QUEUE)
                if cleaned:
                    segments.append(cleaned)
    channel = ".".join(segments)
    fixed = channel_parameters.without_parameters(channel)
    if channel == fixed or not fixed or len(channel.encode("utf-8")) > MAX_CHANNEL_BYTES:
        return None
    if channel_problem(channel_parameters.wildcard(channel).replace("*", "x"), Transport.QUEUE):
        return None
    return channel


_WHOLE_PARAMETER = re.compile(r"\{[^{}]+\}")


def runtime_address(address: str, channel: dict[str, Any]) -> bool:
    """An address known only at run time: a whole `{queue}` or an exclusive AMQP queue
    (where an RPC server answers, by the AMQP convention of AsyncAPI's rpc examples)."""
    queue = _mapping(_mapping(_mapping(channel.get("bindings")).get("amqp")).get("queue"))
    return bool(_WHOLE_PARAMETER.fullmatch(address)) or queue.get("exclusive") is True


def transport_of(channel: dict[str, Any], protocol: str) -> Transport | None:
    explicit = channel.get("x-msgflow-transport")
    if explicit in ("http", "queue", "topic"):
        return Transport(explicit)
    if protocol in ("http", "https"):
        return Transport.HTTP
    amqp = _mapping(_mapping(channel.get("bindings")).get("amqp"))
    if amqp.get("is") == "queue":
        return Transport.QUEUE
    exchange_type = _mapping(amqp.get("exchange")).get("type")
    if exchange_type in ("topic", "fanout"):
        return Transport.TOPIC
    if exchange_type == "direct":
        return Transport.QUEUE
    return None


def _mapping(value: Any) -> dict[str, Any]:
    """A bindings object as written, or nothing for a hand-edited value of another kind
    (`bindings: {amqp: queue}` crashed the import)."""
    return value if isinstance(value, dict) else {}


def convention_address(names: ChannelNames, flow: Flow, protocol: str) -> str:
    channel = names.channel(flow)
    if flow.transport is Transport.HTTP:
        return channel.http_path or ""
    # Where a sender publishes (`{name}` for a parameter), as the AsyncAPI export writes it.
    if protocol.startswith("nats"):
        return channel.publish_subject
    if protocol.startswith("kafka"):
        return channel.topic
    if protocol == "redis":
        return channel.topic
    return channel.publish_routing_key if channel.exchange_type != "direct" else channel.queue


def channel_value(design: Design, flow: Flow, address: str, protocol: str) -> str | None:
    """The `channel` value ("" for none) under which the convention gives `address`."""
    names = ChannelNames(design)
    parts = address.split(".")
    candidates = ["", *(".".join(parts[i:]) for i in range(len(parts)))]
    for candidate in candidates:
        trial = flow.model_copy(update={"channel": candidate or None})
        if convention_address(names, trial, protocol) == address:
            return candidate
    return None
