"""A design whose names try everything that breaks naive code generation."""

from __future__ import annotations

import json
from typing import Any

from designer.core import io
from designer.core.model import Design


def hostile_dict() -> dict[str, Any]:
    fields = [
        {"name": "class", "type": "string"},
        {"name": "model_config", "type": "integer"},
        {"name": "date", "type": "date", "required": False},
        {"name": "2x", "type": "decimal"},
        {"name": "from", "type": "uuid"},
        {"name": "json", "type": "list[Rec ord]"},
        {"name": "名前", "type": "map[string,datetime]"},
        {"name": "Order Service", "type": "boolean", "required": False},
    ]
    nodes = [
        {"id": "class", "name": "class", "kind": "service"},
        {"id": "2fast", "name": "2fast", "kind": "service"},
        {"id": "Order Service", "name": "Order Service", "kind": "service"},
        {"id": "order_service", "name": "order_service", "kind": "service"},
        {"id": "ünïcode", "name": "ünïcode", "kind": "service"},
        {"id": "../../etc", "name": "../../etc", "kind": "service"},
        {"id": "名前", "name": "名前", "kind": "service"},
        {"id": "json", "name": "json", "kind": "service"},
        {"id": "user", "name": 'A "quoted" \\ user', "kind": "actor"},
    ]
    messages = [
        {"id": "class", "name": "class", "kind": "command", "fields": fields},
        {"id": "2fast", "name": "2Fast", "kind": "event", "fields": fields[:4]},
        {"id": "order-created", "name": "Order Created", "kind": "event", "fields": fields},
        {"id": "order_created", "name": "order created", "kind": "event", "fields": fields[2:5]},
        {
            "id": "ünïcode",
            "name": "ünïcode",
            "kind": "query",
            "fields": fields[:2],
            "response": fields,
            "description": 'asks """quoted""" things \\ with backslashes',
        },
        {
            "id": "名前",
            "name": "名前",
            "kind": "query",
            "fields": fields[4:],
            "response": fields[:3],
        },
        {"id": "../../etc", "name": "../../etc", "kind": "command", "fields": []},
        {"id": "service", "name": "Service", "kind": "event", "fields": fields[:1]},
        {"id": "SERVICE", "name": "SERVICE", "kind": "event", "fields": fields[1:2]},
        {"id": "handlers", "name": "Class Service Handlers", "kind": "event", "fields": []},
    ]
    flows = [
        {"id": "f1", "message": "class", "from": "user", "to": "class", "transport": "http"},
        {
            "id": "f2",
            "message": "2fast",
            "from": "class",
            "to": "2fast",
            "transport": "topic",
            "caused_by": "class",
        },
        {
            "id": "f3",
            "message": "2fast",
            "from": "class",
            "to": "../../etc",
            "transport": "topic",
            "caused_by": "class",
        },
        {
            "id": "f4",
            "message": "order-created",
            "from": "Order Service",
            "to": "order_service",
            "transport": "topic",
        },
        {
            "id": "f5",
            "message": "order_created",
            "from": "order_service",
            "to": "Order Service",
            "transport": "topic",
        },
        {
            "id": "f6",
            "message": "ünïcode",
            "from": "class",
            "to": "ünïcode",
            "transport": "queue",
            "caused_by": "class",
            "reply": "class.replies",
            "timeout_ms": 500,
        },
        {
            "id": "f7",
            "message": "名前",
            "from": "2fast",
            "to": "名前",
            "transport": "queue",
            "caused_by": "2fast",
            "reply": "/callbacks/名前",
            "timeout_ms": 500,
        },
        {
            "id": "f8",
            "message": "../../etc",
            "from": "json",
            "to": "../../etc",
            "transport": "queue",
        },
        {"id": "f9", "message": "名前", "from": "json", "to": "名前", "transport": "http"},
        {"id": "f10", "message": "class", "from": "json", "to": "class", "transport": "queue"},
        {
            "id": "f11",
            "message": "service",
            "from": "class",
            "to": "json",
            "transport": "topic",
            "caused_by": "class",
        },
        {"id": "f12", "message": "SERVICE", "from": "json", "to": "class", "transport": "topic"},
        {"id": "f13", "message": "handlers", "from": "json", "to": "class", "transport": "topic"},
        {
            "id": "f14",
            "message": "2fast",
            "from": "class",
            "to": "user",
            "transport": "http",
            "caused_by": "class",
        },
    ]
    return {
        "format": "msgflow",
        "version": 1,
        "name": '../../Hostile "design"',
        "nodes": nodes,
        "schemas": [{"name": "Rec ord", "fields": fields[:5]}],
        "messages": messages,
        "flows": flows,
    }


def hostile_design() -> Design:
    return io.loads(json.dumps(hostile_dict()), "hostile.msgflow.json")


_PIECES = [
    "a",
    "Z",
    "1",
    " ",
    "\\",
    '"',
    "'",
    "\n",
    "\t",
    "ü",
    "名",
    "😀",
    "(",
    ")",
    "{",
    "}",
    "%",
    "#",
    "_",
    "-",
    ".",
    "/",
    "class",
    "def",
    "None",
    "model_x",
    "json",
    "date",
    "2",
]


def scrambled_design(seed: int) -> Design:
    """A synthetic design whose every name is a random mix of troublesome pieces."""
    import random

    from designer.core.synthetic import synthetic_design

    rng = random.Random(seed)

    def name() -> str:
        return "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 6)))

    def unique_names(count: int) -> list[str]:
        names: list[str] = []
        while len(names) < count:
            candidate = name()
            if candidate not in names:
                names.append(candidate)
        return names

    design = synthetic_design(5, seed=seed)
    design.name, design.description = name(), name()
    # Items are frozen: each is replaced by a renamed copy (names drawn in a fixed order,
    # so a seed always gives the same design).
    design.nodes = [
        n.model_copy(update={"name": name(), "description": name()}) for n in design.nodes
    ]
    messages = []
    for message in design.messages:
        update: dict[str, object] = {"name": name(), "description": name()}
        update["fields"] = [
            field.model_copy(update={"name": new, "description": name()})
            for field, new in zip(message.fields, unique_names(len(message.fields)), strict=True)
        ]
        if message.response is not None:
            update["response"] = [
                field.model_copy(update={"name": new})
                for field, new in zip(
                    message.response, unique_names(len(message.response)), strict=True
                )
            ]
        messages.append(message.model_copy(update=update))
    design.messages = messages
    return design


def hostile_unions_dict() -> dict[str, Any]:
    """Unions and enums at their worst: long record names, quotes, newlines and backslashes
    in tags, a tag field named `class`, unions inside maps and lists, 32 enum values, long
    number and integer enums."""
    long = "Extraordinarily" * 5
    circle, square = f"{long}Circle", f"{long}Square"
    tags = ['c"ircle', "new\nline", "back\\slash", "x" * 120]
    return {
        "format": "msgflow",
        "version": 2,
        "name": 'Hostile "unions" \\ design',
        "nodes": [{"id": "a", "name": "A", "kind": "service"}, {"id": "b", "name": "B"}],
        "schemas": [
            {
                "name": circle,
                "fields": [
                    {"name": "class", "type": "string", "enum": tags},
                    {"name": "model_config", "type": "integer"},
                ],
            },
            {
                "name": square,
                "fields": [
                    {"name": "class", "type": "string", "enum": ["sq'uare"]},
                    {"name": "émoji 🎉", "type": "list[string | integer]", "required": False},
                ],
            },
        ],
        "messages": [
            {
                "id": "m1",
                "name": "ShapeDrawn",
                "kind": "event",
                "owner": "a",
                "one_of": [circle, square],
                "discriminator": "class",
            },
            {
                "id": "m2",
                "name": "Paint",
                "kind": "command",
                "owner": "b",
                "fields": [
                    {"name": "1st", "type": f"{circle} | {square}", "discriminator": "class"},
                    {"name": "model_config", "type": f"map[string,{circle} | {square}]"},
                    {
                        "name": "Colour",
                        "type": "string",
                        "enum": ["red", "blue", *(f"shade-{i}" for i in range(30))],
                    },
                    {"name": "colour", "type": "string", "enum": ["red"]},
                    # Numbers `Literal` cannot hold (a check function instead), one named
                    # like that function; integers of every size.
                    {
                        "name": "listed_number",
                        "type": "number",
                        "enum": [1e-7, -123456789.125, *(i / 4 for i in range(30))],
                        "required": False,
                    },
                    {"name": "level", "type": "integer", "enum": [-1, 2**40, *range(40)]},
                ],
            },
        ],
        "flows": [
            {"id": "f1", "message": "m1", "from": "a", "to": "b", "transport": "topic"},
            {
                "id": "f2",
                "message": "m2",
                "from": "a",
                "to": "b",
                "transport": "queue",
                "caused_by": "m1",
            },
            {"id": "f3", "message": "m2", "from": "b", "to": "a", "transport": "http"},
        ],
    }
