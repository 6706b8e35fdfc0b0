"""Random edit commands with hostile values, as the window's panels could push them.

The inspector, the canvas and paste build commands from what the user typed or dragged;
nothing stops a user typing `\\ud83d`, `class` or a 400-digit timeout. Whatever a
command is given, it must either apply, leaving a design the loader reads back (and
whose canonical text is a fixed point), or raise EditError with a reason for the status
bar. Anything else escapes the window's undo bridge (designer/qt/undo.py) as a crash.
"""

from __future__ import annotations

import random
from typing import Any

from pydantic import ValidationError

from designer.core.arrow_commands import (
    AddBend,
    DropPlaces,
    MoveBend,
    MoveLabel,
    ReattachFlow,
    RemoveBend,
    ResetLabel,
    SetRouteStyle,
    ShapeArrow,
    Straighten,
)
from designer.core.channel_commands import EditBindings, EditChannel, EditParameter
from designer.core.commands import (
    AddFlow,
    AddMessage,
    AddNode,
    AddSchema,
    Command,
    EditDesign,
    EditFlow,
    EditMessage,
    EditNode,
    EditSchema,
    EditSettings,
    Macro,
    MoveNodes,
    RemoveFlows,
    RemoveMessages,
    RemoveNodes,
    RemoveSchema,
)
from designer.core.model import (
    AmqpQueue,
    Design,
    Flow,
    FlowLayout,
    KafkaTopic,
    Message,
    MessageField,
    Node,
    Point,
    RecordSchema,
    RouteStyle,
    Settings,
)
from tests.fuzz.mutations import HOSTILE_NUMBERS, HOSTILE_TEXT, Raw

_KINDS = ["command", "query", "event"]
_TYPES = [
    "string", "integer", "number", "decimal", "boolean", "datetime", "uuid", "bytes",
    "list[string]", "map[string,integer]", "list[list[string]]", "string | integer",
    "Nope", "list[", "map[integer,string]", "",
]  # fmt: skip


def _text(rng: random.Random, ids: list[str]) -> Any:
    roll = rng.random()
    if roll < 0.5:
        return rng.choice(HOSTILE_TEXT[:-1])  # the 70,000-character one only now and then
    if roll < 0.55:
        return HOSTILE_TEXT[-1]
    if roll < 0.85 and ids:
        return rng.choice(ids)
    return rng.choice(["ok", "Orders", "orders.placed", "a.{id}", "{id}", "{x}.{y}", "x{"])


def _number(rng: random.Random) -> Any:
    value = rng.choice(HOSTILE_NUMBERS)
    if isinstance(value, Raw):
        return rng.choice([float("inf"), float("-inf"), float("nan"), 10**400, -(10**400)])
    return value


def _point(rng: random.Random) -> Point:
    if rng.random() < 0.7:
        return Point(x=rng.uniform(-2000, 2000), y=rng.uniform(-2000, 2000))
    # model_construct: what a drag computes is not validated on the way; Qt's arithmetic
    # gives floats, possibly far out, infinite or NaN.
    far = [float("inf"), float("-inf"), float("nan"), 1e300, -1e12, 1e9, 1_000_000_000.01]
    return Point.model_construct(x=rng.choice(far), y=rng.uniform(-10, 10))


def _fields(rng: random.Random, ids: list[str], records: list[str]) -> list[Any]:
    out: list[Any] = []
    for _ in range(rng.choice([0, 1, 2, 3])):
        field: dict[str, Any] = {
            "name": _text(rng, ids),
            "type": rng.choice([*_TYPES, *records, _text(rng, ids)]),
        }
        if rng.random() < 0.2:
            field["enum"] = rng.choice([["a", "a"], [1, 2], [_text(rng, ids)], [], [None]])
        if rng.random() < 0.1:
            field["discriminator"] = _text(rng, ids)
        if rng.random() < 0.2:
            field["required"] = rng.choice([True, False, None, "yes"])
        out.append(field)
    if rng.random() < 0.1 and out:
        out.append(dict(out[0]))  # a duplicate field name
    return out


def _value_for(key: str, rng: random.Random, ids: list[str], records: list[str]) -> Any:
    if rng.random() < 0.25:  # any type at all
        return rng.choice([_text(rng, ids), _number(rng), None, True, [], {}])
    if key in ("kind",):
        return rng.choice([*_KINDS, "service", "actor", "nope"])
    if key in ("fields", "response"):
        return _fields(rng, ids, records)
    if key in ("timeout_ms", "version"):
        return _number(rng)
    if key in ("scatter_gather", "long_running", "idempotent", "dead_letter"):
        return rng.choice([True, False])
    if key in ("one_of", "response_one_of"):
        return rng.choice([records, [*records, "Nope"], [], None, records[:1] * 2])
    if key == "transport":
        return rng.choice(["http", "queue", "topic", "grpc"])
    if key == "suppress":
        return rng.choice([[{"rule": _text(rng, ids), "reason": _text(rng, ids)}], [], [{}]])
    if key == "parameters":
        return rng.choice(
            [[{"name": _text(rng, ids)}], [{"name": "id", "type": "integer"}], [], [{"name": "x"}]]
        )
    if key == "bindings":
        return rng.choice(
            [{"amqp": {"exchange_type": "fanout"}}, {"kafka": {"partitions": _number(rng)}}, {}]
        )
    return _text(rng, ids)


def random_command(rng: random.Random, design: Design) -> Command | None:
    """One command (None when its arguments could not even be built, as no panel would)."""
    nodes = [n.id for n in design.nodes] or ["n"]
    messages = [m.id for m in design.messages] or ["m"]
    flows = [f.id for f in design.flows] or ["f"]
    records = [s.name for s in design.schemas]
    ids = nodes + messages + flows + records
    node, message, flow = rng.choice(nodes), rng.choice(messages), rng.choice(flows)
    choice = rng.randrange(27)
    try:
        if choice == 0:
            kind = rng.choice(["service", "actor"])
            new_id = rng.choice([_text(rng, ids), f"n{rng.randrange(99)}"])
            return AddNode(Node(id=new_id, name=_text(rng, ids), kind=kind), _point(rng))
        if choice == 1:
            key = rng.choice(["name", "boundary", "description", "kind", "suppress", "id"])
            return EditNode(node, **{key: _value_for(key, rng, ids, records)})
        if choice == 2:
            return RemoveNodes(rng.sample(nodes, min(len(nodes), rng.choice([1, 2]))))
        if choice == 3:
            return MoveNodes({node: _point(rng)}, drag_id=rng.choice([None, 1]))
        if choice == 4:
            kind = rng.choice(_KINDS)
            fields = [MessageField.model_validate(f) for f in _fields(rng, ids, records)]
            extra: dict[str, Any] = {}
            if kind == "query" and rng.random() < 0.5:
                extra["scatter_gather"] = True
            return AddMessage(
                Message(id=f"m{rng.randrange(99)}", name=_text(rng, ids), kind=kind,
                        fields=fields, owner=rng.choice([None, node, "ghost"]), **extra)
            )  # fmt: skip
        if choice in (5, 6, 7):
            key = rng.choice([
                "name", "kind", "fields", "response", "scatter_gather", "long_running",
                "owner", "version", "one_of", "discriminator", "response_one_of",
                "description", "suppress", "response_discriminator",
            ])  # fmt: skip
            changes = {key: _value_for(key, rng, ids, records)}
            if rng.random() < 0.3:
                other = rng.choice(["kind", "scatter_gather", "response"])
                changes[other] = _value_for(other, rng, ids, records)
            return EditMessage(message, **changes)
        if choice == 8:
            return RemoveMessages([message])
        if choice == 9:
            new = Flow.model_validate({
                "id": rng.choice([f"f{rng.randrange(99)}", _text(rng, ids)]),
                "message": rng.choice([*messages, "ghost"]),
                "from": rng.choice(nodes), "to": rng.choice(nodes),
                "transport": rng.choice(["http", "queue", "topic"]),
                **({"channel": _text(rng, ids)} if rng.random() < 0.3 else {}),
            })  # fmt: skip
            return AddFlow(new)
        if choice in (10, 11, 12):
            key = rng.choice([
                "transport", "timeout_ms", "channel", "reply", "caused_by", "to", "from",
                "idempotent", "dead_letter", "bindings", "parameters", "suppress",
                "description", "message",
            ])  # fmt: skip
            return EditFlow(flow, **{key: _value_for(key, rng, ids, records)})
        if choice == 13:
            return RemoveFlows([flow])
        if choice == 14:
            return AddSchema(
                RecordSchema(
                    name=_text(rng, ids) or "R",
                    fields=[MessageField.model_validate(f) for f in _fields(rng, ids, records)],
                )
            )
        if choice == 15 and records:
            key = rng.choice(["name", "fields", "description"])
            return EditSchema(rng.choice(records), **{key: _value_for(key, rng, ids, records)})
        if choice == 16 and records:
            return RemoveSchema(rng.choice(records))
        if choice == 17:
            rules: dict[str, Any] = {
                rng.choice(["orphan-node", "sync-chain-depth", "nope", _text(rng, ids)]): rng.choice(
                    ["off", "error", "warning", "info", {"severity": "error", "threshold": 3},
                     {"threshold": _number(rng)}, {"severity": ["error"]}, "loud"]
                )
            }  # fmt: skip
            generate = {
                rng.choice([
                    "partitions", "replication", "retention_ms", "vhost", "user", "password",
                    "kafka_principals", "queue_type", _text(rng, ids),
                ]): rng.choice([_number(rng), _text(rng, ids), None, True, [1], {"a": 1}])
            }  # fmt: skip
            return EditSettings(Settings.model_construct(rules=rules, generate=generate))
        if choice == 18:
            return EditDesign(_text(rng, ids), rng.choice([None, _text(rng, ids)]))
        if choice == 19:
            return AddBend(flow, rng.randrange(-1, 4), _point(rng))
        if choice == 20:
            return MoveBend(flow, rng.randrange(-1, 4), _point(rng), shown=[_point(rng)])
        if choice == 21:
            return RemoveBend(flow, rng.randrange(-1, 3))
        if choice == 22:
            return rng.choice(
                [MoveLabel(flow, _point(rng)), ResetLabel([flow]), Straighten([flow]),
                 DropPlaces([flow]),
                 SetRouteStyle([flow], rng.choice(["orthogonal", "curved", "straight"]))]
            )  # fmt: skip
        if choice == 23:
            shape = FlowLayout.model_construct(
                route=rng.choice(list(RouteStyle)),
                bends=[_point(rng) for _ in range(rng.choice([0, 1, 3, 65, 200]))],
                label=rng.choice([None, _point(rng)]),
            )
            return ShapeArrow(flow, shape)
        if choice == 24:
            return ReattachFlow(flow, rng.choice(["source", "target"]), rng.choice([*nodes, "x"]))
        if choice == 25:
            which = rng.randrange(3)
            if which == 0:
                return EditChannel(flow, rng.choice([None, _text(rng, ids)]))
            if which == 1:
                parameter = rng.choice(
                    [p.name for f in design.flows for p in f.parameters] or ["id"]
                )
                key = rng.choice(["name", "type", "description", "enum"])
                value = rng.choice(
                    [_text(rng, ids), [_text(rng, ids)], "integer", "string", None, []]
                )
                return EditParameter(flow, parameter, **{key: value})
            amqp = AmqpQueue.model_construct(
                durable=rng.choice([True, False]),
                exclusive=False,
                auto_delete=False,
                exchange_type=rng.choice([None, "fanout", "direct"]),
            )
            kafka = KafkaTopic.model_construct(
                partitions=rng.choice([None, 1, 3, _number(rng)]),
                replicas=rng.choice([None, 1, _number(rng)]),
                key_field=rng.choice([None, _text(rng, ids)]),
            )
            return EditBindings(flow, rng.choice([None, amqp]), rng.choice([None, kafka]))
        if choice == 26:
            parts = [random_command(rng, design) for _ in range(rng.randint(1, 3))]
            return Macro("Paste", [p for p in parts if p is not None])
    except (ValidationError, ValueError, TypeError):
        return None  # the panel's own widgets would not have built this
    return None
