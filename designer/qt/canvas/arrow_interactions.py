"""Gestures on arrows: drag a bend, drag a label, drag an end onto another card, and a
double click on an arrow that adds a bend there.

Each gesture is an `Interaction` (interactions.py) started by `IdleInteraction` (idle.py)
when a press lands on a handle of the selected arrow (arrow_handles.py) or on a label. While a
bend or a label is dragged the scene previews the arrow in its new shape through the same
geometry engine that draws the file (`preview_arrow`), so what the user sees is what the
release stores: one command, one undo step. Escape drops the preview.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QGraphicsSceneMouseEvent

from designer.core.arrow_commands import (
    AddBend,
    End,
    MoveBend,
    MoveLabel,
    ReattachFlow,
    with_bend_moved,
)
from designer.core.diagram.shapes import bend_index
from designer.core.errors import EditError
from designer.core.model import FlowLayout, Point

from .interactions import DropTarget, Interaction, InteractionHost, rubber_line

if TYPE_CHECKING:
    pass

DRAG_START = 3.0  # a label moved less than this was clicked, not dragged


def arrow_gesture_at(host: InteractionHost, event: QGraphicsSceneMouseEvent) -> Interaction | None:
    """The arrow gesture a left press starts, if any (the caller starts it)."""
    if (
        event.button() != Qt.MouseButton.LeftButton
        or event.modifiers() != Qt.KeyboardModifier.NoModifier
    ):
        return None
    pos = event.scenePos()
    handles = host.arrow_handles
    handle = handles.handle_at(pos)
    if handle is not None and handles.flow_id is not None:
        kind, index = handle
        if kind == "bend":
            return DragBendInteraction(host, handles.flow_id, index, list(handles.bends))
        return ReattachInteraction(host, handles.flow_id, kind, pos)
    flow_id = host.flow_label_at(pos)
    # Only arrows the engine has routed show a label where the file says; while a big
    # design is still being routed (scene.routing_pending) a label stays where it is.
    if flow_id is not None and host.arrow_route(flow_id):
        host.default_mouse(event)  # the label's own press selects its arrow
        return DragLabelInteraction(host, flow_id, pos)
    return None


def add_bend_at(host: InteractionHost, flow_id: str, pos: QPointF) -> bool:
    """A new bend where the user double-clicked the arrow (one undo step)."""
    route = host.arrow_route(flow_id)
    if len(route) < 2:
        return False
    shown = host.arrow_bends(flow_id)
    at = (round(pos.x()), round(pos.y()))
    index = bend_index(route[0], route[-1], shown, at)
    return host.edits.push(AddBend(flow_id, index, _point(at), shown=[_point(p) for p in shown]))


def _point(p: tuple[float, float]) -> Point:
    return Point(x=p[0], y=p[1])


def _snapped(host: InteractionHost, pos: QPointF) -> tuple[float, float]:
    ctx = host.ctx
    if ctx.snap:
        grid = ctx.grid
        return round(pos.x() / grid) * grid, round(pos.y() / grid) * grid
    return round(pos.x()), round(pos.y())


class DragBendInteraction(Interaction):
    """A bend follows the mouse (the arrow is previewed, the file untouched); the release
    stores it, one undo step; Escape puts the arrow back as it was."""

    escape_cancels = True

    def __init__(
        self, host: InteractionHost, flow_id: str, index: int, shown: list[tuple[float, float]]
    ) -> None:
        super().__init__(host)
        self.flow_id, self.index = flow_id, index
        self.shown = [_point(p) for p in shown]
        self.stored = host.edits.document.design.layout.flows.get(flow_id) or FlowLayout()
        self.last: tuple[float, float] | None = None

    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()
        at = _snapped(self.host, event.scenePos())
        if at == self.last:
            return
        try:
            shape = with_bend_moved(self.stored, self.shown, self.index, _point(at))
        except EditError:
            self.cancel()
            return
        self.last = at
        self.host.preview_arrow(self.flow_id, shape)

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()
        self.finish()
        if self.last is not None:
            host = self.host
            host.edits.push(MoveBend(self.flow_id, self.index, _point(self.last), shown=self.shown))
            host.preview_arrow(self.flow_id, None)  # as the file says (also if refused)

    def cancel(self) -> None:
        self.host.preview_arrow(self.flow_id, None)
        self.finish()


class DragLabelInteraction(Interaction):
    """A label follows the mouse (previewed) and stays where it is dropped (one undo
    step); Escape puts it back. A press that does not move is a click: it only selected
    the arrow."""

    escape_cancels = True

    def __init__(self, host: InteractionHost, flow_id: str, start: QPointF) -> None:
        super().__init__(host)
        self.flow_id, self.start = flow_id, start
        item = host.flow_item(flow_id)
        centre = item.label.pos() if item is not None else start
        self.offset = centre - start
        self.stored = host.edits.document.design.layout.flows.get(flow_id) or FlowLayout()
        self.centre: Point | None = None

    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()
        pos = event.scenePos()
        if self.centre is None:
            moved = pos - self.start
            if math.hypot(moved.x(), moved.y()) < DRAG_START:
                return
        at = pos + self.offset
        self.centre = _point((round(at.x()), round(at.y())))
        self.host.preview_arrow(self.flow_id, self.stored.model_copy(update={"label": self.centre}))

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()
        host = self.host
        if self.centre is None:
            host.default_mouse(event)
            self.finish()
            return
        self.finish()
        host.edits.push(MoveLabel(self.flow_id, self.centre))
        host.preview_arrow(self.flow_id, None)

    def cancel(self) -> None:
        if self.centre is not None:
            self.host.preview_arrow(self.flow_id, None)
        self.finish()


class ReattachInteraction(Interaction):
    """An arrow's end dragged onto another card: a rubber line from the end that stays,
    the card under the mouse highlighted; the release re-attaches (one undo step) or,
    where the model refuses, says why in the status bar."""

    escape_cancels = True

    def __init__(self, host: InteractionHost, flow_id: str, end: End, start: QPointF) -> None:
        super().__init__(host)
        self.flow_id, self.end = flow_id, end
        handles = host.arrow_handles
        assert handles.ends is not None
        self.anchor = QPointF(*handles.ends[1 if end == "source" else 0])
        self.drop = DropTarget()
        self.line = rubber_line(host)
        self._update(start)

    def _update(self, pos: QPointF) -> None:
        self.drop.show(self.host.node_at(pos))
        path = QPainterPath(self.anchor)
        path.lineTo(pos)
        self.line.setPath(path)

    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()
        self._update(event.scenePos())

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()
        self._update(event.scenePos())
        target = self.drop.card
        self.finish()
        flow = self.host.flow_item(self.flow_id)
        if target is None or flow is None:
            return
        if target.node_id == (flow.source_id if self.end == "source" else flow.target_id):
            return  # dropped back where it was: nothing to do, nothing to explain
        self.host.edits.push(ReattachFlow(self.flow_id, self.end, target.node_id))

    def finish(self) -> None:
        self.drop.show(None)
        if self.line.scene() is not None:
            self.host.removeItem(self.line)
        super().finish()
