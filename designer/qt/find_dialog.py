"""Ctrl+F: find a node or a message by name and centre it on the canvas.

Typing filters the list; Enter (or double-click) selects the match: a node is selected
and centred, a message has its flows selected and highlighted and is shown in the
inspector.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from designer.qt.icons import icon

if TYPE_CHECKING:
    from designer.qt.main_window import MainWindow

_ID = Qt.ItemDataRole.UserRole
_KIND = Qt.ItemDataRole.UserRole + 1


class FindDialog(QDialog):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("Find node or message")
        self.setObjectName("find-dialog")
        self.query = QLineEdit()
        self.query.setPlaceholderText("Name of a service, actor or message…")
        self.query.textChanged.connect(self._fill)
        self.query.installEventFilter(self)
        self.results = QListWidget()
        self.results.itemActivated.connect(self._go)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results)
        self.resize(420, 360)
        self._fill("")

    def _fill(self, text: str) -> None:
        design = self.window_.document.design
        wanted = text.strip().lower()
        self.results.clear()
        entries = [(n.name, n.kind.value, n.id, "node") for n in design.nodes]
        entries += [(m.name, m.kind.value, m.id, "message") for m in design.messages]
        # Names starting with the text first, then names containing it.
        matches = sorted(
            (e for e in entries if wanted in e[0].lower()),
            key=lambda e: (not e[0].lower().startswith(wanted), e[0].lower()),
        )
        for name, kind, key, what in matches:
            item = QListWidgetItem(icon(kind), f"{name}  —  {kind}")
            item.setData(_ID, key)
            item.setData(_KIND, what)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Arrow keys in the search box move through the results, Enter picks one.
        if (
            watched is self.query
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
        ):
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if event.key() == Qt.Key.Key_Down else -1
                row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
                self.results.setCurrentRow(row)
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.results.currentItem() is not None:
                    self._go(self.results.currentItem())
                return True
        return super().eventFilter(watched, event)

    def _go(self, item: QListWidgetItem) -> None:
        key, what = item.data(_ID), item.data(_KIND)
        window = self.window_
        if what == "message":
            window.messages_panel.select_message(key)
            window.canvas.select_and_center(
                [f.id for f in window.document.flows_of_message(key)] or [key]
            )
            window.inspector.show_message(key)
        else:
            window.select_and_center([key])
        self.accept()
