"""What live mode draws over the canvas: its own items, never the design's.

- a rate badge under each observed arrow's label (`12.3/s`, query latency p95, bad payloads);
- arrows that carried nothing during the window dimmed;
- undeclared traffic as dashed ghost arrows from the node the address names to a `?`
  (the end the traffic cannot tell); a click adds it as a real flow, a drag of its `?`
  onto a card picks that end (ghost_gesture.py).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from designer.core.observe.analysis import FlowSummary, ObservationReport
from designer.core.observe.proposals import Proposal
from designer.qt.canvas.node_item import Z_BADGE, NodeItem
from designer.qt.canvas.scene import DesignScene

DIMMED = 0.25
GHOST = QColor(140, 90, 200)
BADGE_BG = QColor(255, 255, 255, 230)
BADGE_FG = QColor(20, 90, 160)
BAD = QColor(200, 40, 40)


def rate_text(summary: FlowSummary) -> str:
    parts = [f"{summary.rate:.1f}/s" if summary.rate >= 0.1 else f"{summary.messages} msg"]
    if summary.latency_ms:
        parts.append(f"p95 {summary.latency_ms['p95']:.0f} ms")
    if summary.violations:
        parts.append(f"{summary.violations} bad")
    return " · ".join(parts)


class RateBadge(QGraphicsSimpleTextItem):
    """The small counter under an arrow's label."""

    def __init__(self, flow_id: str) -> None:
        super().__init__()
        self.flow_id = flow_id
        font = QFont()
        font.setPointSizeF(8.0)
        font.setBold(True)
        self.setFont(font)
        self.setZValue(Z_BADGE)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def show_summary(self, summary: FlowSummary) -> None:
        self.setText(rate_text(summary))
        self.setBrush(QBrush(BAD if summary.violations else BADGE_FG))

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BADGE_BG)
        painter.drawRoundedRect(self.boundingRect().adjusted(-3, -1, 3, 1), 4, 4)
        # Qt passes and accepts a null widget; PySide6's stubs for this base do not admit None.
        super().paint(painter, option, widget)  # type: ignore[arg-type]


class GhostArrow(QGraphicsPathItem):
    """Undeclared traffic, drawn dashed; a press starts accepting it (ghost_gesture.py)."""

    def __init__(self, proposal: Proposal, on_press: Callable[[GhostArrow, QPointF], None]) -> None:
        super().__init__()
        self.proposal = proposal
        self.on_press = on_press
        self.start = self.end = QPointF()
        pen = QPen(GHOST, 2.0, Qt.PenStyle.DashLine)
        self.setPen(pen)
        self.setZValue(Z_BADGE - 1)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.label = QGraphicsSimpleTextItem(self)
        self.label.setBrush(QBrush(GHOST))
        # The end the traffic does not name: a `?` to drag onto the card that is that end.
        self.mark = QGraphicsSimpleTextItem("?", self)
        mark_font = QFont()
        mark_font.setBold(True)
        mark_font.setPointSizeF(11.0)
        self.mark.setFont(mark_font)
        self.mark.setBrush(QBrush(GHOST))
        self.setToolTip(
            f"Undeclared traffic on {proposal.key}: {proposal.messages} message(s).<br>"
            + (
                "Click to add it to the design as a flow (the end the traffic does not "
                "name becomes a placeholder), or drag its ? onto the card that is that end."
                if self.open_end()
                else "Click to add it to the design as a flow."
            )
            + "<br>"
            + "<br>".join(proposal.guesses)
        )

    def open_end(self) -> str | None:
        """ "from" or "to": the end the traffic cannot name (None: it names both)."""
        if self.proposal.source is None:
            return "from"
        return "to" if self.proposal.target is None else None

    @property
    def open_point(self) -> QPointF:
        """Where the `?` end is drawn."""
        return self.start if self.proposal.source is None else self.end

    def place(self, start: QPointF, end: QPointF) -> None:
        self.start, self.end = QPointF(start), QPointF(end)
        self._draw(start, end)

    def stretch_to(self, pos: QPointF) -> None:
        """Move the open end to `pos` (while it is dragged to a card)."""
        if self.proposal.source is None:
            self._draw(pos, self.end)
        else:
            self._draw(self.start, pos)

    def restore(self) -> None:
        self._draw(self.start, self.end)

    def _draw(self, start: QPointF, end: QPointF) -> None:
        path = QPainterPath(start)
        path.lineTo(end)
        # The head, and a `?` where the end the traffic does not name would be.
        direction = end - start
        length = max((direction.x() ** 2 + direction.y() ** 2) ** 0.5, 1.0)
        ux, uy = direction.x() / length, direction.y() / length
        left = QPointF(end.x() - 10 * ux + 5 * uy, end.y() - 10 * uy - 5 * ux)
        right = QPointF(end.x() - 10 * ux - 5 * uy, end.y() - 10 * uy + 5 * ux)
        path.moveTo(left)
        path.lineTo(end)
        path.lineTo(right)
        self.setPath(path)
        self.label.setText(f"{self.proposal.message.name} ×{self.proposal.messages}")
        # Beside the `?` end, not mid-arrow: near the card, the arrows' own labels and
        # rate badges crowd.
        tip = start if self.proposal.source is None else end
        self.label.setPos(tip + QPointF(12, -self.label.boundingRect().height() - 4))
        self.mark.setVisible(self.open_end() is not None)
        at = start if self.proposal.source is None else end
        box = self.mark.boundingRect()
        # Beyond the open end, away from the known one, so the `?` never sits on the head.
        self.mark.setPos(
            at
            + QPointF(ux, uy) * (-12 if self.proposal.source is None else 12)
            - QPointF(box.width() / 2, box.height() / 2)
        )

    def shape(self) -> QPainterPath:
        # A generous hit area: a dashed 2 px line is hard to click.
        stroke = QPainterPath(self.path())
        stroke.addRect(self.label.mapRectToParent(self.label.boundingRect()))
        if self.mark.isVisible():
            stroke.addRect(
                self.mark.mapRectToParent(self.mark.boundingRect()).adjusted(-6, -6, 6, 6)
            )
        from PySide6.QtGui import QPainterPathStroker

        stroker = QPainterPathStroker()
        stroker.setWidth(12)
        return stroker.createStroke(self.path()).united(stroke)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.on_press(self, event.scenePos())
            event.accept()
            return
        super().mousePressEvent(event)


class LiveOverlay:
    """The live items of one scene; `show` replaces what the previous report drew."""

    def __init__(self, scene: DesignScene, on_ghost: Callable[[GhostArrow, QPointF], None]) -> None:
        self.scene = scene
        self.on_ghost = on_ghost
        self.badges: dict[str, RateBadge] = {}
        self.ghosts: dict[str, GhostArrow] = {}
        self.dimmed: set[str] = set()

    def _card(self, node_id: str) -> NodeItem | None:
        return next((n for n in self.scene.node_items() if n.node_id == node_id), None)

    def show(self, report: ObservationReport, proposals: list[Proposal]) -> None:
        seen_flows = set()
        for summary in report.flows:
            item = self.scene.flow_item(summary.flow_id)
            if item is None:
                continue
            seen_flows.add(summary.flow_id)
            badge = self.badges.get(summary.flow_id)
            if badge is None:
                badge = self.badges[summary.flow_id] = RateBadge(summary.flow_id)
                self.scene.addItem(badge)
            badge.show_summary(summary)
            label = item.label_rect()
            badge.setPos(label.center().x() - badge.boundingRect().width() / 2, label.bottom() + 2)
            silent = summary.messages == 0 and summary.replies == 0
            self._dim(summary.flow_id, silent)
        for flow_id in list(self.badges):
            if flow_id not in seen_flows:
                self._drop_badge(flow_id)
        self._show_ghosts(proposals)

    def _dim(self, flow_id: str, on: bool) -> None:
        item = self.scene.flow_item(flow_id)
        if item is None:
            return
        opacity = DIMMED if on else 1.0
        item.setOpacity(opacity)
        item.label.setOpacity(opacity)
        if on:
            self.dimmed.add(flow_id)
        else:
            self.dimmed.discard(flow_id)

    def _drop_badge(self, flow_id: str) -> None:
        badge = self.badges.pop(flow_id)
        self.scene.removeItem(badge)
        self._dim(flow_id, False)

    def _show_ghosts(self, proposals: list[Proposal]) -> None:
        wanted = {p.key: p for p in proposals}
        for key in list(self.ghosts):
            if key not in wanted:
                self.scene.removeItem(self.ghosts.pop(key))
        for index, (key, proposal) in enumerate(sorted(wanted.items())):
            known = proposal.source or proposal.target
            card = self._card(known) if known else None
            if card is None:
                continue
            ghost = self.ghosts.get(key)
            if ghost is None:
                ghost = self.ghosts[key] = GhostArrow(proposal, self.on_ghost)
                self.scene.addItem(ghost)
            ghost.proposal = proposal
            rect: QRectF = card.card_rect()
            # Below the card, fanned out so several ghosts of one node do not overlap.
            offset = QPointF(40 + 30 * index, 110 + 24 * index)
            if proposal.source is not None:  # the node published it: arrow out of the card
                start = QPointF(rect.center().x(), rect.bottom())
                ghost.place(start, start + offset)
            else:  # the node is its target: arrow into the card
                end = QPointF(rect.center().x(), rect.bottom())
                ghost.place(end + offset, end)

    def clear(self) -> None:
        for flow_id in list(self.badges):
            self._drop_badge(flow_id)
        for flow_id in list(self.dimmed):
            self._dim(flow_id, False)
        for key in list(self.ghosts):
            self.scene.removeItem(self.ghosts.pop(key))

    def items(self) -> list[QGraphicsItem]:
        return [*self.badges.values(), *self.ghosts.values()]


def scene_of(scene: QGraphicsScene) -> DesignScene:
    assert isinstance(scene, DesignScene)
    return scene
