"""Seeded synthetic designs of any size, valid by construction: for tests and benchmarks.

Services are grouped in boundaries of ~10 and mostly talk to neighbours, like real
systems (like the laid-out designs the canvas is tuned for, docs/architecture.md).
"""

from __future__ import annotations

import random

from .model import (
    Design,
    Flow,
    Layout,
    Message,
    MessageField,
    MessageKind,
    Node,
    NodeKind,
    Point,
    Transport,
)

_VERBS = ["Submit", "Cancel", "Reserve", "Approve", "Ship", "Charge", "Refund", "Register"]
_PAST = [
    "Submitted",
    "Cancelled",
    "Reserved",
    "Approved",
    "Shipped",
    "Charged",
    "Refunded",
    "Registered",
]
_NOUNS = ["Order", "Payment", "Invoice", "Parcel", "Account", "Booking", "Ticket", "Quote", "Stock"]
_TYPES = ["string", "integer", "decimal", "uuid", "datetime", "boolean", "list[string]"]


def synthetic_design(
    services: int, flows: int | None = None, *, seed: int = 0, actors: int | None = None
) -> Design:
    """A valid design with `services` services, about `flows` flows (default 3x services)."""
    rng = random.Random(seed)
    flows = 3 * services if flows is None else flows
    actors = max(1, services // 20) if actors is None else actors
    nodes: list[Node] = []
    layout: dict[str, Point] = {}
    for i in range(services):
        node_id = f"s{i}"
        nodes.append(
            Node(
                id=node_id,
                name=f"Service {i}",
                kind=NodeKind.SERVICE,
                boundary=f"Context {i // 10}",
            )
        )
        layout[node_id] = Point(x=(i % 40) * 320, y=(i // 40) * 200)
    for a in range(actors):
        node_id = f"a{a}"
        nodes.append(Node(id=node_id, name=f"Actor {a}", kind=NodeKind.ACTOR))
        layout[node_id] = Point(x=-400, y=a * 200)

    messages: list[Message] = []
    flow_list: list[Flow] = []

    def fields(count: int) -> list[MessageField]:
        return [MessageField(name=f"field_{k}", type=rng.choice(_TYPES)) for k in range(count)]

    def neighbour(i: int) -> int:
        return min(services - 1, max(0, i + rng.randint(-12, 12)))

    counter = 0
    while len(flow_list) < flows and services > 1:
        counter += 1
        noun = f"{rng.choice(_NOUNS)}{counter}"
        roll = rng.random()
        src = rng.randrange(services)
        if roll < 0.45:  # an event with 1-3 subscribers
            message = Message(
                id=f"m{counter}",
                name=f"{noun}{rng.choice(_PAST)}",
                kind=MessageKind.EVENT,
                owner=f"s{src}",
                fields=fields(rng.randint(1, 4)),
            )
            targets = {neighbour(src) for _ in range(rng.randint(1, 3))} - {src}
            transport = Transport.TOPIC
        elif roll < 0.8:  # a command to one handler
            dst = neighbour(src)
            if dst == src:
                continue
            message = Message(
                id=f"m{counter}",
                name=f"{rng.choice(_VERBS)}{noun}",
                kind=MessageKind.COMMAND,
                owner=f"s{dst}",
                fields=fields(rng.randint(1, 4)),
            )
            targets, transport = {dst}, Transport.QUEUE
        else:  # a query answered by one responder
            dst = neighbour(src)
            if dst == src:
                continue
            message = Message(
                id=f"m{counter}",
                name=f"Get{noun}",
                kind=MessageKind.QUERY,
                owner=f"s{dst}",
                fields=fields(1),
                response=fields(rng.randint(1, 3)),
            )
            targets, transport = {dst}, rng.choice([Transport.HTTP, Transport.QUEUE])
        if not targets:
            continue
        messages.append(message)
        for dst in sorted(targets):
            flow_id = f"f{len(flow_list) + 1}"
            is_async_query = message.kind is MessageKind.QUERY and transport is not Transport.HTTP
            flow_list.append(
                Flow.model_validate(
                    {
                        "id": flow_id,
                        "message": message.id,
                        "from": f"s{src}",
                        "to": f"s{dst}",
                        "transport": transport,
                        "reply": f"s{src}.replies" if is_async_query else None,
                        "timeout_ms": 2000 if is_async_query else None,
                    }
                )
            )
    for a in range(actors):  # actors send a command in over http
        if services == 0:
            break
        dst = rng.randrange(services)
        counter += 1
        message = Message(
            id=f"m{counter}",
            name=f"Place{rng.choice(_NOUNS)}{counter}",
            kind=MessageKind.COMMAND,
            owner=f"s{dst}",
            fields=fields(2),
        )
        messages.append(message)
        flow_list.append(
            Flow.model_validate(
                {
                    "id": f"f{len(flow_list) + 1}",
                    "message": message.id,
                    "from": f"a{a}",
                    "to": f"s{dst}",
                    "transport": "http",
                }
            )
        )
    return Design(
        name=f"Synthetic {services}",
        nodes=nodes,
        messages=messages,
        flows=flow_list,
        layout=Layout(nodes=layout),
    )
