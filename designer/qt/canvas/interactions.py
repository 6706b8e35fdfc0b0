"""Canvas gestures as small interaction objects the scene hands its events to.

The scene always has one current interaction (`IdleInteraction` between gestures) and
passes it every mouse and key event. An interaction gets the scene only through
`InteractionHost` (what a gesture may use of it), decides what the event means, and ends
itself with `finish`, which gives the scene back its idle interaction. A gesture that
changes the design ends with one command (one undo step) through `host.edits`.

Adding a gesture: subclass `Interaction`, and let `IdleInteraction.mouse_press` (idle.py)
start it when a press lands on what the gesture drags.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QPointF, Qt, SignalInstance
from PySide6.QtGui import QKeyEvent, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsSceneMouseEvent

from designer.core.commands import MoveNodes
from designer.core.model import FlowLayout, Point

from .routing import border_point

if TYPE_CHECKING:
    from .arrow_handles import ArrowHandles
    from .context import CanvasContext
    from .edits import SceneEdits
    from .flow_item import FlowItem
    from .node_item import NodeItem

MIN_ARROW = 30.0  # a release closer than this to its own card is a slip, not an arrow

# Ids of card drags: the steps of one drag merge into one undo step, two drags do not.
_drag_ids = itertools.count(1)


class InteractionHost(Protocol):
    """What a gesture needs from the scene it runs on (and nothing else of it)."""

    newFlowRequested: SignalInstance
    newTargetRequested: SignalInstance
    renameRequested: SignalInstance
    ctx: CanvasContext
    edits: SceneEdits
    arrow_handles: ArrowHandles  # of the one selected arrow (arrow_interactions.py)

    def node_item(self, node_id: str) -> NodeItem | None: ...
    def flow_item(self, flow_id: str) -> FlowItem | None: ...
    def flow_label_at(self, scene_pos: QPointF) -> str | None: ...
    def arrow_route(self, flow_id: str) -> list[tuple[float, float]]: ...
    def arrow_bends(self, flow_id: str) -> list[tuple[float, float]]: ...
    def preview_arrow(self, flow_id: str, shape: FlowLayout | None) -> None: ...
    def node_at(self, scene_pos: QPointF) -> NodeItem | None: ...
    def thing_at(self, scene_pos: QPointF) -> tuple[str, list[str]]: ...
    def is_bare_canvas(self, scene_pos: QPointF) -> bool: ...
    def selected_cards(self) -> list[NodeItem]: ...
    def select_ids(self, ids: list[str]) -> None: ...
    def begin_move(self) -> None: ...
    def node_moved(self, node_id: str) -> None: ...
    def end_move(self) -> None: ...
    def keep_pending_line(self, line: QGraphicsPathItem) -> None: ...
    def start_interaction(self, interaction: Interaction) -> None: ...
    def end_interaction(self) -> None: ...
    def gesture_in_progress(self) -> bool: ...
    def default_mouse(self, event: QGraphicsSceneMouseEvent) -> None: ...
    def addItem(self, item: QGraphicsItem) -> None: ...
    def removeItem(self, item: QGraphicsItem) -> None: ...


class Interaction:
    """A gesture in progress: the scene routes mouse and key events here until it ends.

    The defaults swallow mouse events and take no keys; a release ends the gesture.
    """

    # A gesture that only draws something temporary until its release ends on Escape and
    # leaves nothing behind (the rest of the drag and its release go to the idle one).
    escape_cancels = False

    def __init__(self, host: InteractionHost) -> None:
        self.host = host

    def mouse_press(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()

    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()
        self.finish()

    def mouse_double_click(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()

    def key_press(self, event: QKeyEvent) -> bool:
        """Whether the gesture took the key (the view's shortcuts get the others)."""
        if self.escape_cancels and event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return True
        return False

    def cancel(self) -> None:
        """Another gesture starts, or the scene is rebuilt: leave nothing behind."""
        self.finish()

    def finish(self) -> None:
        self.host.end_interaction()


class MoveCardsInteraction(Interaction):
    """The selected cards follow the mouse (Qt moves them), snapped to the grid when snap
    is on; their arrows follow on every step; the release is one MoveNodes (one undo step).
    """

    def __init__(self, host: InteractionHost, cards: list[NodeItem]) -> None:
        super().__init__(host)
        self.start = {card.node_id: card.pos() for card in cards}
        self.last = dict(self.start)
        self.drag_id = ("canvas-drag", next(_drag_ids))
        host.begin_move()

    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> None:
        host = self.host
        host.default_mouse(event)  # Qt moves the selected cards
        ctx = host.ctx
        for node_id, last in list(self.last.items()):
            item = host.node_item(node_id)
            if item is None:
                continue
            if ctx.snap:
                grid, pos = ctx.grid, item.pos()
                item.setPos(round(pos.x() / grid) * grid, round(pos.y() / grid) * grid)
            if item.pos() != last:
                self.last[node_id] = item.pos()
                host.node_moved(node_id)

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> None:
        host = self.host
        host.default_mouse(event)
        self.finish()
        moved = {
            node_id: Point(x=round(item.pos().x()), y=round(item.pos().y()))
            for node_id, start in self.start.items()
            if (item := host.node_item(node_id)) is not None and item.pos() != start
        }
        if moved:
            host.edits.push(MoveNodes(moved, drag_id=self.drag_id))

    def cancel(self) -> None:
        """The cards go back where the drag found them; the design never saw the drag."""
        for node_id, start in self.start.items():
            item = self.host.node_item(node_id)
            if item is not None and item.pos() != start:
                item.setPos(start)
                self.host.node_moved(node_id)
        self.finish()

    def finish(self) -> None:
        self.host.end_move()
        super().finish()


class DropTarget:
    """The card a drag would land on, highlighted; one card at a time."""

    def __init__(self) -> None:
        self.card: NodeItem | None = None

    def show(self, card: NodeItem | None) -> None:
        if card is self.card:
            return
        for item, on in ((self.card, False), (card, True)):
            if item is not None:
                item.drop_target = on
                item.update()
        self.card = card


def rubber_line(host: InteractionHost) -> QGraphicsPathItem:
    """The dashed line a drag draws until its release, in the selection colour."""
    line = QGraphicsPathItem()
    line.setPen(QPen(host.ctx.theme.selection, 1.8, Qt.PenStyle.DashLine))
    line.setZValue(100)
    host.addItem(line)
    return line


class NewFlowInteraction(Interaction):
    """Drag from a card's edge to another card: a rubber arrow, then the flow popup.

    States: dragging (arrow follows the cursor, the card under it is highlighted) ->
    released on another card (ask the view for kind and name) | released on empty canvas
    (offer to create the target card there) | released on the card itself or Escape
    (nothing happens).
    """

    escape_cancels = True

    def __init__(self, host: InteractionHost, source_id: str, start: QPointF) -> None:
        super().__init__(host)
        self.source_id = source_id
        self.drop = DropTarget()
        self.line = rubber_line(host)
        self._update(start)

    def _update(self, pos: QPointF) -> None:
        source = self.host.node_item(self.source_id)
        if source is None:
            return
        target = self.host.node_at(pos)
        if target is not None and target.node_id == self.source_id:
            target = None
        self.drop.show(target)
        path = QPainterPath(border_point(source.card_rect(), pos))
        path.lineTo(pos)
        self.line.setPath(path)

    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> None:
        self._update(event.scenePos())
        event.accept()

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> None:
        self._update(event.scenePos())
        target = self.drop.card
        event.accept()
        host = self.host
        if target is None:
            pos = event.scenePos()
            source = host.node_item(self.source_id)
            far = source is not None and not source.sceneBoundingRect().adjusted(
                -MIN_ARROW, -MIN_ARROW, MIN_ARROW, MIN_ARROW
            ).contains(pos)
            if far and host.thing_at(pos)[0] in ("canvas", "boundary"):
                # Released on empty canvas: offer to create the target there (draw.io does);
                # the rubber arrow stays until the offer is answered.
                host.keep_pending_line(self.line)
                self.finish(keep_line=True)
                host.newTargetRequested.emit(self.source_id, pos)
                return
            self.finish()
            return
        # The rubber arrow stays, pointing at the target, while the popup asks about it.
        source = host.node_item(self.source_id)
        if source is not None:
            path = QPainterPath(border_point(source.card_rect(), target.card_rect().center()))
            path.lineTo(border_point(target.card_rect(), source.card_rect().center()))
            self.line.setPath(path)
        host.keep_pending_line(self.line)
        self.finish(keep_line=True)
        host.newFlowRequested.emit(self.source_id, target.node_id, event.scenePos())

    def finish(self, keep_line: bool = False) -> None:
        self.drop.show(None)
        if not keep_line and self.line.scene() is not None:
            self.host.removeItem(self.line)
        super().finish()
