"""Copy, paste and duplicate: selected nodes with the flows between them, as one Macro.

The payload is plain JSON-able data (the window puts it on the system clipboard under
PAYLOAD_MIME), so pasting into another design works: messages are reused when the
target design has the same message, added otherwise; ids and names are made unique.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from designer.core.arrow_commands import ShapeArrow
from designer.core.commands import AddFlow, AddMessage, AddNode, Command, Macro
from designer.core.document import Document
from designer.core.model import Flow, FlowLayout, Message, Node, Point
from designer.core.unique_names import numbered_name, unique_name

PAYLOAD_MIME = "application/x-msgflow-selection"
PAYLOAD_FORMAT = "msgflow-selection"


def copy_nodes(document: Document, node_ids: list[str]) -> dict[str, Any]:
    """The nodes, their positions, the flows among them (with the shapes the user gave
    their arrows) and the messages those carry."""
    chosen = set(node_ids)
    nodes = [n for n in document.design.nodes if n.id in chosen]
    flows = [f for f in document.design.flows if f.source in chosen and f.target in chosen]
    message_ids = {f.message for f in flows}
    return {
        "format": PAYLOAD_FORMAT,
        "nodes": [n.model_dump(mode="json", exclude_none=True) for n in nodes],
        "layout": {
            n.id: document.design.layout.nodes[n.id].model_dump()
            for n in nodes
            if n.id in document.design.layout.nodes
        },
        "flows": [f.model_dump(mode="json", by_alias=True, exclude_none=True) for f in flows],
        "arrows": {
            f.id: document.design.layout.flows[f.id].model_dump(mode="json")
            for f in flows
            if f.id in document.design.layout.flows
        },
        "messages": [
            m.model_dump(mode="json", exclude_none=True)
            for m in document.design.messages
            if m.id in message_ids
        ],
    }


def to_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode("utf-8")


def from_bytes(data: bytes) -> dict[str, Any] | None:
    try:
        payload = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return (
        payload if isinstance(payload, dict) and payload.get("format") == PAYLOAD_FORMAT else None
    )


def _unique(base: str, taken: set[str], sep: str = "-") -> str:
    candidate = unique_name(base, taken, sep=sep)
    taken.add(candidate)
    return candidate


def paste_command(
    document: Document, payload: dict[str, Any], delta: tuple[float, float]
) -> tuple[Command | None, list[str]]:
    """One Macro adding copies of the payload's nodes, moved by `delta`; and their new ids."""
    nodes = [Node.model_validate(n) for n in payload.get("nodes", [])]
    if not nodes:
        return None, []
    design = document.design
    node_ids = {n.id for n in design.nodes}
    names = {n.name for n in design.nodes}
    flow_ids = {f.id for f in design.flows}
    message_ids = {m.id for m in design.messages}
    renamed: dict[str, str] = {}
    commands: list[Command] = []
    for node in nodes:
        new_id = _unique(node.id, node_ids)
        renamed[node.id] = new_id
        name = node.name if node.name not in names else _unique(f"{node.name} copy", names, " ")
        names.add(name)
        point = payload.get("layout", {}).get(node.id)
        position = Point(x=point["x"] + delta[0], y=point["y"] + delta[1]) if point else None
        commands.append(AddNode(node.model_copy(update={"id": new_id, "name": name}), position))
    message_map: dict[str, str] = {}
    for raw in payload.get("messages", []):
        message = Message.model_validate(raw)
        same = document.get("messages", message.id)
        if isinstance(same, Message) and same.kind is message.kind:
            message_map[message.id] = message.id  # the design already knows this message
            continue
        new_id = _unique(message.id, message_ids)
        message_map[message.id] = new_id
        owner = renamed.get(
            message.owner or "", message.owner if message.owner in node_ids else None
        )
        commands.append(AddMessage(message.model_copy(update={"id": new_id, "owner": owner})))
    for raw in payload.get("flows", []):
        flow = Flow.model_validate(raw)
        flow_id = numbered_name("f", flow_ids, start=len(design.flows) + 1)
        flow_ids.add(flow_id)
        caused_by = flow.caused_by
        if caused_by is not None:
            caused_by = message_map.get(caused_by, caused_by if caused_by in message_ids else None)
        commands.append(
            AddFlow(
                flow.model_copy(
                    update={
                        "id": flow_id,
                        "message": message_map.get(flow.message, flow.message),
                        "source": renamed[flow.source],
                        "target": renamed[flow.target],
                        "caused_by": caused_by,
                    }
                )
            )
        )
        shape = _moved_shape(payload.get("arrows", {}).get(flow.id), delta)
        if shape is not None:
            commands.append(ShapeArrow(flow_id, shape))
    label = f"Paste {len(nodes)} nodes" if len(nodes) != 1 else f"Paste {nodes[0].name}"
    return Macro(label, commands), list(renamed.values())


def _moved_shape(raw: object, delta: tuple[float, float]) -> FlowLayout | None:
    """A copied arrow's shape, its bends and label moved with its cards (None when there
    is none, or when a payload from elsewhere holds something that is not a shape)."""
    if raw is None:
        return None
    try:
        shape = FlowLayout.model_validate(raw)
    except ValidationError:
        return None

    def moved(p: Point) -> Point:
        return Point.model_construct(x=p.x + delta[0], y=p.y + delta[1])

    return shape.model_copy(
        update={
            "bends": [moved(p) for p in shape.bends],
            "label": moved(shape.label) if shape.label is not None else None,
        }
    )
