"""The commands canvas gestures end with, built without driving the mouse.

Each gesture ends by building exactly one core command (one undo step); building it is
plain Python here, so the rules of a gesture (names, ids, rule-friendly defaults) are
testable on their own. The gestures themselves are in interactions.py.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPointF

from designer.core.commands import AddFlow, AddNode, Command, Macro, RemoveFlows, RemoveNodes
from designer.core.document import Document
from designer.core.errors import EditError
from designer.core.model import Flow, Message, MessageKind, Node, NodeKind, Point, Transport
from designer.core.unique_names import numbered_name

from .node_item import H, W

NODE_KIND_MIME = "application/x-msgflow-node-kind"


def dropped_kind(mime: QMimeData) -> NodeKind | None:
    """The node kind a palette drag carries (text "service" or "actor"), if any."""
    if not mime.hasFormat(NODE_KIND_MIME):
        return None
    text = bytes(mime.data(NODE_KIND_MIME).data()).decode("utf-8", "replace").strip().lower()
    try:
        return NodeKind(text)
    except ValueError:
        return None


def add_node_command(
    document: Document, kind: NodeKind, centre: QPointF, grid: float | None = None
) -> AddNode:
    """A new "Service N" / "Actor N" centred on `centre` (snapped when `grid` is given)."""
    label = "Service" if kind is NodeKind.SERVICE else "Actor"
    names = {n.name for n in document.design.nodes}
    number = sum(1 for n in document.design.nodes if n.kind is kind) + 1
    name = numbered_name(f"{label} ", names, start=number)
    x, y = centre.x() - W / 2, centre.y() - H / 2
    if grid:
        x, y = round(x / grid) * grid, round(y / grid) * grid
    node = Node(id=document.new_id("nodes", name), name=name, kind=kind)
    return AddNode(node, Point(x=round(x), y=round(y)))


def default_transport(document: Document, source: str, target: str, kind: MessageKind) -> Transport:
    """The transport the messaging rules are happy with: events -> topic; commands and
    queries from an actor -> http; between services, commands and queries -> queue."""
    if kind is MessageKind.EVENT:
        return Transport.TOPIC
    if document.node(source).kind is NodeKind.ACTOR:
        return Transport.HTTP
    return Transport.QUEUE


def messages_of_kind(document: Document, kind: MessageKind) -> list[Message]:
    return sorted(
        (m for m in document.design.messages if m.kind is kind), key=lambda m: m.name.lower()
    )


def name_problem(document: Document, kind: MessageKind, name: str) -> str | None:
    """Why a new flow cannot carry a message called `name` of `kind`, or None.

    Reusing a name for another kind would make two messages that read the same.
    """
    other = next(
        (m for m in document.design.messages if m.name == name.strip() and m.kind is not kind),
        None,
    )
    if other is None:
        return None
    return f"{other.name} is already a {other.kind.value}: pick {other.kind.value} or another name"


def flow_command(
    document: Document, source: str, target: str, kind: MessageKind, name: str, transport: Transport
) -> AddFlow:
    """Add a flow of message `name`: reuses the message of that kind and name, or adds it.

    An async query gets a reply queue owned by the requester and a timeout, because the
    rules require both (async-query-needs-reply, async-request-timeout).
    """
    name = name.strip()
    problem = name_problem(document, kind, name)
    if problem is not None:
        raise EditError(problem)
    existing = next(
        (m for m in document.design.messages if m.name == name and m.kind is kind), None
    )
    message: Message | None = None  # a new message to add with the flow, if any
    if existing is not None:
        message_id = existing.id
    else:
        message = Message(
            id=document.new_id("messages", _kebab(name)),
            name=name,
            kind=kind,
            owner=source if kind is MessageKind.EVENT else target,
        )
        message_id = message.id
    extra: dict[str, object] = {}
    if kind is MessageKind.QUERY and transport is not Transport.HTTP:
        extra = {"reply": f"{source}.replies", "timeout_ms": 5000}
    flow = Flow.model_validate(
        {
            "id": document.new_flow_id(),
            "message": message_id,
            "from": source,
            "to": target,
            "transport": transport,
            **extra,
        }
    )
    return AddFlow(flow, message)


def delete_command(node_ids: list[str], flow_ids: list[str]) -> Command | None:
    """Delete/Backspace: the selected nodes (with their flows) and the selected flows."""
    if node_ids and flow_ids:
        return Macro("Delete selection", [RemoveFlows(flow_ids), RemoveNodes(node_ids)])
    if node_ids:
        return RemoveNodes(node_ids)
    if flow_ids:
        return RemoveFlows(flow_ids)
    return None


def _kebab(name: str) -> str:
    out: list[str] = []
    for i, char in enumerate(name):
        if char.isupper() and i and (name[i - 1].islower() or name[i - 1].isdigit()):
            out.append("-")
        out.append(char.lower())
    return "".join(out)
