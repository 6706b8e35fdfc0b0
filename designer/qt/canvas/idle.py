"""Between gestures: the interaction that starts the others (interactions.py,
arrow_interactions.py). It imports every gesture it starts; none of them imports it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsSceneMouseEvent

from designer.core.model import NodeKind

from .arrow_interactions import add_bend_at, arrow_gesture_at
from .interactions import Interaction, MoveCardsInteraction, NewFlowInteraction


class IdleInteraction(Interaction):
    """Between gestures: Qt's own clicks, rubber band and hover, and what starts a gesture.

    A press on a handle of the selected arrow or on a label starts an arrow gesture
    (arrow_interactions.py); a press on a card's edge handle starts a new arrow; a press
    that leaves cards selected starts moving them (Qt selects first, so a press on an
    unselected card drags that card alone); a double click renames a card, adds a bend
    to an arrow or adds a card on empty canvas.
    """

    def mouse_press(self, event: QGraphicsSceneMouseEvent) -> None:
        host, pos = self.host, event.scenePos()
        arrow = arrow_gesture_at(host, event)
        if arrow is not None:
            host.start_interaction(arrow)
            event.accept()
            return
        node = host.node_at(pos)
        if (
            node is not None
            and event.button() == Qt.MouseButton.LeftButton
            and node.on_handle(node.mapFromScene(pos))
        ):
            host.start_interaction(NewFlowInteraction(host, node.node_id, pos))
            event.accept()
            return
        host.default_mouse(event)
        if host.gesture_in_progress():
            return  # the item pressed started its own gesture (live mode's ghost arrows)
        cards = host.selected_cards()
        if cards:
            host.start_interaction(MoveCardsInteraction(host, cards))

    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> None:
        self.host.default_mouse(event)

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> None:
        self.host.default_mouse(event)

    def mouse_double_click(self, event: QGraphicsSceneMouseEvent) -> None:
        host, pos = self.host, event.scenePos()
        node = host.node_at(pos)
        if node is not None:
            host.renameRequested.emit(node.node_id)
            event.accept()
            return
        what, ids = host.thing_at(pos)
        if what == "flow" and host.flow_label_at(pos) is None:
            add_bend_at(host, ids[0], pos)  # on the line itself, not on its label
            event.accept()
            return
        if host.is_bare_canvas(pos):
            node_id = host.edits.add_node(NodeKind.SERVICE, pos)
            if node_id is not None:
                host.select_ids([node_id])
                host.renameRequested.emit(node_id)
            event.accept()
            return
        host.default_mouse(event)

    def cancel(self) -> None:
        pass  # nothing in progress

    def finish(self) -> None:
        pass  # idle never ends
