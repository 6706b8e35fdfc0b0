"""Turn undeclared traffic into proposed flows: the ghost arrows of live mode.

The naming convention (channels.py) is read backwards: `orders.evt.order-cancelled` on
NATS, `order-cancelled` on the `orders.events` exchange or the Redis stream
`orders.order-cancelled` were published by `orders` as the event `order-cancelled`;
`loyalty.cmd.x` (NATS) or key `loyalty.x` on `msgflow.commands` is the command `x`
handled by `loyalty`. The end the traffic does not name (who subscribes, who sends a
command) stays open: the person accepting the proposal picks it. A message type the design
already has is reused; otherwise a new message is proposed, its fields inferred from the
first payload seen. Every guess is listed in `guesses`, for people to check.

Accepting a proposal in one click fills the open end with a placeholder node, the same
ids `msgflow import traffic` uses: the actor `unknown-sender`, the service
`unknown-subscriber` (one each per design, shared by every proposal accepted so).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..channels import COMMAND_EXCHANGE, ChannelNames, slug
from ..model import Design, Flow, Message, MessageField, MessageKind, Node, NodeKind, Transport
from ..unique_names import unique_name
from .analysis import StrayTally
from .expected import Expectations

UNKNOWN_SENDER = "unknown-sender"
UNKNOWN_SUBSCRIBER = "unknown-subscriber"

_MARKERS = {
    "evt": (MessageKind.EVENT, "source"),
    "cmd": (MessageKind.COMMAND, "target"),
    "qry": (MessageKind.QUERY, "target"),
    "inbox": (MessageKind.EVENT, "target"),
}


@dataclass
class Proposal:
    """A flow the traffic suggests; `source` or `target` may be open (None)."""

    key: str  # the undeclared address it comes from
    message: Message  # existing (by id) or new
    new_message: bool
    source: str | None
    target: str | None
    transport: Transport
    messages: int
    guesses: list[str] = field(default_factory=list)

    def flow(self, flow_id: str, source: str | None = None, target: str | None = None) -> Flow:
        """The flow, with the open end filled in."""
        ends = {"from": source or self.source, "to": target or self.target}
        if ends["from"] is None or ends["to"] is None:
            raise ValueError("both ends of the flow are needed")
        return Flow.model_validate(
            {"id": flow_id, "message": self.message.id, **ends, "transport": self.transport}
        )


def placeholder(proposal: Proposal) -> Node | None:
    """The node standing for the end the traffic cannot name; None when it names both."""
    if proposal.source is None:
        return Node(id=UNKNOWN_SENDER, name="Unknown Sender", kind=NodeKind.ACTOR)
    if proposal.target is None:
        return Node(id=UNKNOWN_SUBSCRIBER, name="Unknown Subscriber", kind=NodeKind.SERVICE)
    return None


def _parse(stray: StrayTally) -> tuple[str, str, MessageKind, str] | None:
    """(node slug, message key, kind, which end the node is) from an address, or None."""
    if stray.broker == "nats":
        parts = stray.channel.split(".")
        if len(parts) >= 3 and parts[1] in _MARKERS:
            kind, end = _MARKERS[parts[1]]
            return parts[0], ".".join(parts[2:]), kind, end
        return None
    if stray.broker == "rabbitmq":
        if stray.exchange and stray.exchange.endswith(".events"):
            return stray.exchange[: -len(".events")], stray.channel, MessageKind.EVENT, "source"
        if stray.exchange in (COMMAND_EXCHANGE, "") and "." in stray.channel:
            node, key = stray.channel.split(".", 1)
            return node, key, MessageKind.COMMAND, "target"
        return None
    if "." in stray.channel:  # Redis: `<publisher>.<event>` or `<handler>.<command>`
        node, key = stray.channel.split(".", 1)
        return node, key, MessageKind.EVENT, "source"
    return None


_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def infer_type(value: Any) -> str:
    """The design field type a JSON value suggests."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        if _UUID.match(value):
            return "uuid"
        try:
            if "T" in value:
                datetime.fromisoformat(value.replace("Z", "+00:00"))
                return "datetime"
            date.fromisoformat(value)
            return "date"
        except ValueError:
            return "string"
    if isinstance(value, list):
        inner = {infer_type(v) for v in value if not isinstance(v, dict | list)}
        return f"list[{inner.pop()}]" if len(inner) == 1 else "list[string]"
    if isinstance(value, dict):
        return "map[string,string]"
    return "string"


def infer_fields(example: Any) -> list[MessageField]:
    if not isinstance(example, dict):
        return []
    return [
        MessageField(name=str(name), type=infer_type(value))
        for name, value in example.items()
        if str(name).strip() and value is not None
    ]


def _pascal(text: str) -> str:
    return (
        "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", text) if part) or "Message"
    )


def propose(design: Design, strays: list[StrayTally]) -> list[Proposal]:
    """A proposal per undeclared address the naming convention can read."""
    names = ChannelNames(design)
    expected = Expectations(design)
    by_slug = {names.node(n.id): n.id for n in design.nodes}
    taken = {m.id for m in design.messages}
    proposals: list[Proposal] = []
    for stray in strays:
        parsed = _parse(stray)
        if parsed is None:
            continue
        node_slug, key, kind, end = parsed
        node = by_slug.get(node_slug)
        if node is None:
            continue
        guesses = [
            f"'{stray.address}' read as {kind.value} '{key}' {'from' if end == 'source' else 'to'} '{node}'"
        ]
        declared = stray.types.most_common(1)[0][0] if stray.types else None
        existing = expected.resolve_type(declared) if declared else None
        existing = existing or expected.resolve_type(key)
        if existing is not None:
            message = design.message(existing)
            assert message is not None
            new = False
        else:
            # Numbered, not random: the same traffic proposes the same ids every run.
            message_id = unique_name(slug(key), taken)
            taken.add(message_id)
            name = declared if declared and declared != "(untyped)" else _pascal(key)
            message = Message(
                id=message_id, name=name, kind=kind, fields=infer_fields(stray.example)
            )
            new = True
            guesses.append(
                f"new {kind.value} '{name}' with fields inferred from one payload: "
                + (", ".join(f"{f.name}: {f.type}" for f in message.fields) or "none")
            )
        transport = (
            Transport.TOPIC if kind is MessageKind.EVENT and end == "source" else Transport.QUEUE
        )
        proposals.append(
            Proposal(
                stray.address,
                message,
                new,
                node if end == "source" else None,
                node if end == "target" else None,
                transport,
                stray.messages,
                guesses,
            )
        )
    return proposals
