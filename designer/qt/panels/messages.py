"""The messages dock: every message by kind, with who sends it and who receives it.

Selecting a message asks the canvas to highlight its flows (and shows it in the
inspector); double-click selects and centres those flows; selecting nothing clears the
highlight.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.core.commands import Command, RemoveMessages
from designer.core.document import Change, Document
from designer.core.model import MessageKind
from designer.qt.icons import icon

_GROUPS = (
    (MessageKind.COMMAND, "Commands"),
    (MessageKind.QUERY, "Queries"),
    (MessageKind.EVENT, "Events"),
)
_ID = Qt.ItemDataRole.UserRole
_WATCHED = {"messages", "flows", "nodes", "design"}
# Narrower than this, a producer or consumer name is cut to a few letters: the column hides.
_PARTY_COLUMN_MIN = 90


class MessagesPanel(QWidget):
    messageSelected = Signal(object)  # a message id, or None
    messageActivated = Signal(str)  # double-click / Enter: show its flows on the canvas

    def __init__(self, document: Document, push: Callable[[Command], bool]) -> None:
        super().__init__()
        self.document, self._push = document, push
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter messages…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setToolTip("Show only messages whose name contains this text")
        self.filter.textChanged.connect(lambda _text: self.rebuild())
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Message", "Producers", "Consumers"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # The name column is sized to its contents; the Producers and Consumers columns
        # share the rest and are shown only when the dock is wide enough to read them
        # (cut to "Orde" they told nothing). The name's tooltip always says who sends and
        # who receives.
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(_PARTY_COLUMN_MIN)
        header.sectionResized.connect(lambda *_args: self._fit_party_columns())
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.viewport().installEventFilter(self)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.tree.itemActivated.connect(self._activated)
        # Delete (while the list has focus) or the context menu removes a message, with
        # the flows that carry it: one undo step.
        self.remove_action = QAction(icon("delete"), "Remove Message", self.tree)
        self.remove_action.setShortcuts([QKeySequence("Del"), QKeySequence("Backspace")])
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.remove_action.setToolTip("Remove the selected message and the flows carrying it")
        self.remove_action.triggered.connect(self.remove_selected)
        self.tree.addAction(self.remove_action)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree)
        self._unsubscribe = document.subscribe(self._on_changes)
        self.rebuild()

    def _on_changes(self, changes: tuple[Change, ...]) -> None:
        if any(c.collection in _WATCHED for c in changes):
            self.rebuild()

    def rebuild(self) -> None:
        design = self.document.design
        selected = self.selected_message()
        names = {n.id: n.name for n in design.nodes}
        producers: dict[str, set[str]] = {}
        consumers: dict[str, set[str]] = {}
        for flow in design.flows:
            producers.setdefault(flow.message, set()).add(names.get(flow.source, flow.source))
            consumers.setdefault(flow.message, set()).add(names.get(flow.target, flow.target))
        wanted = self.filter.text().strip().lower()
        rows = [
            (m.kind, m.name, m.id, m.description, tuple(sorted(producers.get(m.id, ()))),
             tuple(sorted(consumers.get(m.id, ()))))
            for m in design.messages
            if wanted in m.name.lower()
        ]  # fmt: skip
        if rows == getattr(self, "_rows", None):
            return  # an edit that changes nothing shown here (the common case)
        self._rows = rows
        self.tree.blockSignals(True)
        try:
            self.tree.clear()
            for kind, title in _GROUPS:
                messages = sorted(
                    (m for m in design.messages if m.kind is kind and wanted in m.name.lower()),
                    key=lambda m: m.name.lower(),
                )
                group = QTreeWidgetItem(self.tree, [f"{title} ({len(messages)})"])
                group.setIcon(0, icon(kind.value))
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                for message in messages:
                    row = QTreeWidgetItem(
                        group,
                        [
                            message.name,
                            ", ".join(sorted(producers.get(message.id, ()))) or "—",
                            ", ".join(sorted(consumers.get(message.id, ()))) or "—",
                        ],
                    )
                    row.setData(0, _ID, message.id)
                    row.setIcon(0, icon(kind.value))
                    row.setToolTip(
                        0,
                        f"{message.description or message.name}\n"
                        f"Sent by {row.text(1)} · received by {row.text(2)}",
                    )
                    row.setToolTip(1, "Sent by " + row.text(1))
                    row.setToolTip(2, "Received by " + row.text(2))
                    if message.id == selected:
                        row.setSelected(True)
                group.setExpanded(True)
        finally:
            self.tree.blockSignals(False)
        self._fit_party_columns()
        if selected is not None and self.selected_message() is None:
            self.messageSelected.emit(None)  # the highlighted message is gone

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._fit_party_columns()
        return False

    def _fit_party_columns(self) -> None:
        """Show Producers and Consumers only when each gets at least `_PARTY_COLUMN_MIN`
        pixels beside the names."""
        room = self.tree.viewport().width() - self.tree.header().sectionSize(0)
        wide_enough = room >= 2 * _PARTY_COLUMN_MIN
        for column in (1, 2):
            if self.tree.isColumnHidden(column) == wide_enough:
                self.tree.setColumnHidden(column, not wide_enough)

    def selected_message(self) -> str | None:
        items = self.tree.selectedItems()
        return items[0].data(0, _ID) if items else None

    def select_message(self, message_id: str | None) -> None:
        """Select a message row as a user would (emits `messageSelected`)."""
        self.tree.clearSelection()
        for index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(index)
            assert group is not None  # index < topLevelItemCount()
            for row in range(group.childCount()):
                child = group.child(row)
                if child is not None and child.data(0, _ID) == message_id:
                    self.tree.setCurrentItem(child)
                    return

    def remove_selected(self) -> None:
        message_id = self.selected_message()
        if message_id is not None:
            self._push(RemoveMessages([message_id]))

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        message_id = item.data(0, _ID)
        if message_id:
            self.messageActivated.emit(message_id)

    def _selection_changed(self) -> None:
        self.messageSelected.emit(self.selected_message())
