"""Canvas gestures: small state machines and the commands they end with.

Each gesture ends by building exactly one core command (one undo step); building it is
plain Python here, so the rules of a gesture (names, ids, rule-friendly defaults) are
testable without driving the mouse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QMimeData, QPointF, Qt, SignalInstance
from PySide6.QtGui import QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsSceneMouseEvent

from designer.core.commands import AddFlow, AddNode, Command, Macro, RemoveFlows, RemoveNodes
from designer.core.document import Document
from designer.core.errors import EditError
from designer.core.model import Flow, Message, MessageKind, Node, NodeKind, Point, Transport
from designer.core.unique_names import numbered_name

from .node_item import H, W
from .routing import border_point

if TYPE_CHECKING:
    from .node_item import NodeItem
    from .theme import Theme

NODE_KIND_MIME = "application/x-msgflow-node-kind"
MIN_ARROW = 30.0  # a release closer than this to its own card is a slip, not an arrow


# ---------------------------------------------------------------- commands of gestures


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
    message = None
    if existing is None:
        message = Message(
            id=document.new_id("messages", _kebab(name)),
            name=name,
            kind=kind,
            owner=source if kind is MessageKind.EVENT else target,
        )
    extra: dict[str, object] = {}
    if kind is MessageKind.QUERY and transport is not Transport.HTTP:
        extra = {"reply": f"{source}.replies", "timeout_ms": 5000}
    flow = Flow.model_validate(
        {
            "id": document.new_flow_id(),
            "message": existing.id if existing is not None else message.id,  # type: ignore[union-attr]
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


# ---------------------------------------------------------------- state machines


class InteractionHost(Protocol):
    """What a gesture needs from the scene it runs on (and nothing else of it)."""

    newFlowRequested: SignalInstance
    newTargetRequested: SignalInstance

    @property
    def theme(self) -> Theme: ...
    def node_item(self, node_id: str) -> NodeItem | None: ...
    def node_at(self, scene_pos: QPointF) -> NodeItem | None: ...
    def thing_at(self, scene_pos: QPointF) -> tuple[str, list[str]]: ...
    def keep_pending_line(self, line: QGraphicsPathItem) -> None: ...
    def end_interaction(self) -> None: ...
    def addItem(self, item: QGraphicsItem) -> None: ...
    def removeItem(self, item: QGraphicsItem) -> None: ...


class Interaction:
    """A gesture in progress; the scene routes mouse events here until it ends."""

    def __init__(self, scene: InteractionHost) -> None:
        self.scene = scene

    def mouse_press(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()

    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()
        self.finish()

    def cancel(self) -> None:
        self.finish()

    def finish(self) -> None:
        self.scene.end_interaction()


class NewFlowInteraction(Interaction):
    """Drag from a card's edge to another card: a rubber arrow, then the flow popup.

    States: dragging (arrow follows the cursor, the card under it is highlighted) ->
    released on another card (ask the view for kind and name) | released on empty canvas
    (offer to create the target card there) | released on the card itself or Escape
    (nothing happens).
    """

    def __init__(self, scene: InteractionHost, source_id: str, start: QPointF) -> None:
        super().__init__(scene)
        self.source_id = source_id
        self.target: NodeItem | None = None
        self.line = QGraphicsPathItem()
        pen = QPen(scene.theme.selection, 1.8, Qt.PenStyle.DashLine)
        self.line.setPen(pen)
        self.line.setZValue(100)
        scene.addItem(self.line)
        self._update(start)

    def _update(self, pos: QPointF) -> None:
        source = self.scene.node_item(self.source_id)
        if source is None:
            return
        target = self.scene.node_at(pos)
        if target is not None and target.node_id == self.source_id:
            target = None
        if target is not self.target:
            if self.target is not None:
                self.target.drop_target = False
                self.target.update()
            if target is not None:
                target.drop_target = True
                target.update()
            self.target = target
        path = QPainterPath(border_point(source.card_rect(), pos))
        path.lineTo(pos)
        self.line.setPath(path)

    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> None:
        self._update(event.scenePos())
        event.accept()

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> None:
        self._update(event.scenePos())
        target = self.target
        event.accept()
        if target is None:
            pos = event.scenePos()
            source = self.scene.node_item(self.source_id)
            far = source is not None and not source.sceneBoundingRect().adjusted(
                -MIN_ARROW, -MIN_ARROW, MIN_ARROW, MIN_ARROW
            ).contains(pos)
            if far and self.scene.thing_at(pos)[0] in ("canvas", "boundary"):
                # Released on empty canvas: offer to create the target there (draw.io does);
                # the rubber arrow stays until the offer is answered.
                self.scene.keep_pending_line(self.line)
                self.finish(keep_line=True)
                self.scene.newTargetRequested.emit(self.source_id, pos)
                return
            self.finish()
            return
        # The rubber arrow stays, pointing at the target, while the popup asks about it.
        source = self.scene.node_item(self.source_id)
        if source is not None:
            path = QPainterPath(border_point(source.card_rect(), target.card_rect().center()))
            path.lineTo(border_point(target.card_rect(), source.card_rect().center()))
            self.line.setPath(path)
        self.scene.keep_pending_line(self.line)
        self.finish(keep_line=True)
        self.scene.newFlowRequested.emit(self.source_id, target.node_id, event.scenePos())

    def finish(self, keep_line: bool = False) -> None:
        if self.target is not None:
            self.target.drop_target = False
            self.target.update()
        if not keep_line and self.line.scene() is not None:
            self.scene.removeItem(self.line)
        super().finish()
