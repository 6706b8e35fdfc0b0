"""Accepting a ghost arrow in one gesture.

A press on a ghost starts this interaction (the canvas hands it every mouse event until
the release):

- a click adds the flow at once; the end the traffic cannot name becomes the placeholder
  node `msgflow import traffic` uses (`unknown-subscriber`, `unknown-sender`), placed where
  the ghost's `?` was — one undo step with the flow;
- a drag carries the ghost's `?` end along; released on a card, that card is the end
  (one undo step); released anywhere else, or Escape, nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication, QGraphicsSceneMouseEvent

from designer.core.observe.proposals import Proposal
from designer.qt.canvas.interactions import DropTarget, Interaction, InteractionHost
from designer.qt.canvas.node_item import NodeItem

from .overlay import GhostArrow

# (proposal, the card chosen for the open end or None, where the `?` end was)
Accept = Callable[[Proposal, str | None, QPointF], None]


class GhostInteraction(Interaction):
    escape_cancels = True

    def __init__(
        self, host: InteractionHost, ghost: GhostArrow, press: QPointF, accept: Accept
    ) -> None:
        super().__init__(host)
        self.ghost = ghost
        self.press = press
        self.accept = accept
        self.dragging = False
        self.drop = DropTarget()

    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()
        pos = event.scenePos()
        if not self.dragging:
            moved = (pos - self.press).manhattanLength()
            if moved < QApplication.startDragDistance() or not self.ghost.open_end():
                return  # a click's jitter, or nothing to drag (the traffic names both ends)
            self.dragging = True
        self.drop.show(self._card_for_open_end(pos))
        self.ghost.stretch_to(pos)

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> None:
        self.host.default_mouse(event)  # the ghost took the press: let Qt release it
        event.accept()
        ghost, target, dragging = self.ghost, self.drop.card, self.dragging
        self.finish()
        if not dragging:
            self.accept(ghost.proposal, None, ghost.open_point)
        elif target is not None:
            self.accept(ghost.proposal, target.node_id, ghost.open_point)

    def finish(self) -> None:
        self.drop.show(None)
        if self.dragging and self.ghost.scene() is not None:
            self.ghost.restore()
        super().finish()

    def _card_for_open_end(self, pos: QPointF) -> NodeItem | None:
        card = self.host.node_at(pos)
        proposal = self.ghost.proposal
        if card is None or card.node_id in (proposal.source, proposal.target):
            return None
        return card
