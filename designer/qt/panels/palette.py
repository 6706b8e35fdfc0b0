"""The palette: Service and Actor entries to drag onto the canvas.

A drag carries the mime type `application/x-msgflow-node-kind` with the text `service`
or `actor`; the canvas accepts the drop and adds the node where it lands. Double-click
(or Enter) adds one in the middle of the view, for keyboard users.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem

from designer.core.model import NodeKind
from designer.qt.icons import icon

NODE_KIND_MIME = "application/x-msgflow-node-kind"

_ENTRIES = (
    (NodeKind.SERVICE, "Service", "service", "A service that owns data and handles messages"),
    (
        NodeKind.ACTOR,
        "Actor",
        "actor",
        "Someone or something outside: a browser, a device, a partner",
    ),
)


def node_kind_mime(kind: NodeKind) -> QMimeData:
    data = QMimeData()
    data.setData(NODE_KIND_MIME, kind.value.encode("ascii"))
    data.setText(kind.value)
    return data


class PalettePanel(QListWidget):
    """Drag an entry onto the canvas, or double-click it to add one at the view centre."""

    addRequested = Signal(str)  # the NodeKind value

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("palette")
        # Two tiles side by side, like a toolbox: icon above the label.
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListWidget.Movement.Static)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setIconSize(QSize(30, 30))
        self.setGridSize(QSize(88, 62))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for kind, label, icon_name, tip in _ENTRIES:
            item = QListWidgetItem(icon(icon_name), label)
            item.setData(Qt.ItemDataRole.UserRole, kind.value)
            item.setToolTip(f"{tip}.\nDrag onto the canvas, or double-click to add.")
            item.setSizeHint(QSize(84, 58))
            self.addItem(item)
        self.itemActivated.connect(
            lambda item: self.addRequested.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        self.setFixedHeight(70)

    def startDrag(self, supported: Qt.DropAction) -> None:
        item = self.currentItem()
        if item is None:
            return
        drag = QDrag(self)
        drag.setMimeData(node_kind_mime(NodeKind(item.data(Qt.ItemDataRole.UserRole))))
        drag.setPixmap(item.icon().pixmap(32, 32))
        drag.exec(Qt.DropAction.CopyAction)
