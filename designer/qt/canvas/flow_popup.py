"""The small popup after dragging an arrow between two cards: kind, message, transport.

Keyboard first: C, Q or E picks the kind and moves to the name (with completion from
existing messages of that kind); Enter creates the flow, Escape cancels. The transport
is pre-filled with the rule-friendly default for the kind and the two ends.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from designer.core.model import MessageKind, Transport

from .theme import TRANSPORT_LABEL

_KEYS = {
    Qt.Key.Key_C: MessageKind.COMMAND,
    Qt.Key.Key_Q: MessageKind.QUERY,
    Qt.Key.Key_E: MessageKind.EVENT,
}


class _NameEdit(QLineEdit):
    """Enter accepts and Escape cancels, even while the completer list is open."""

    def __init__(self, popup: FlowPopup) -> None:
        super().__init__(popup)
        self.popup = popup

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.popup.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.popup.cancel()
            return
        super().keyPressEvent(event)


class FlowPopup(QFrame):
    """Asks how `source` talks to `target`; emits `accepted(kind, name, transport)`."""

    accepted = Signal(object, str, object)
    cancelled = Signal()
    closing = Signal()  # after accepted or cancelled

    def __init__(
        self,
        parent: QWidget,
        names_of_kind: Callable[[MessageKind], list[str]],
        default_transport: Callable[[MessageKind], Transport],
        title: str,
        problem: Callable[[MessageKind, str], str | None] = lambda kind, name: None,
        colours: Mapping[MessageKind, QColor] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("flowPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._names_of_kind = names_of_kind
        self._default_transport = default_transport
        self._problem = problem
        self.kind: MessageKind | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setSpacing(6)
        heading = QLabel(title)
        heading.setStyleSheet("font-weight: 600")
        layout.addWidget(heading)
        kinds = QHBoxLayout()
        self.kind_buttons: dict[MessageKind, QPushButton] = {}
        group = QButtonGroup(self)
        for kind, label in (
            (MessageKind.COMMAND, "&Command"),
            (MessageKind.QUERY, "&Query"),
            (MessageKind.EVENT, "&Event"),
        ):
            button = QPushButton(label)
            button.setCheckable(True)
            button.setToolTip(f"{kind.value.title()} (press {label[1]})")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, k=kind: self.choose_kind(k))
            if colours is not None:  # in the colour its arrows are drawn in
                hex_colour = colours[kind].name()
                button.setStyleSheet(
                    f"QPushButton {{ color: {hex_colour}; font-weight: 600; }}"
                    f"QPushButton:checked {{ background-color: {hex_colour}; color: white; }}"
                )
            group.addButton(button)
            kinds.addWidget(button)
            self.kind_buttons[kind] = button
        layout.addLayout(kinds)
        self.hint = QLabel("Press C, Q or E")
        self.hint.setEnabled(False)
        layout.addWidget(self.hint)
        row = QHBoxLayout()
        self.name_edit = _NameEdit(self)
        self.name_edit.setPlaceholderText("Message name, e.g. OrderPlaced")
        self.completions = QStringListModel(self)
        completer = QCompleter(self.completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.name_edit.setCompleter(completer)
        self.name_edit.setEnabled(False)
        row.addWidget(self.name_edit, 1)
        self.transport = QComboBox()
        for transport in Transport:
            self.transport.addItem(TRANSPORT_LABEL[transport], transport.value)
        self.transport.setToolTip("Transport: HTTP (synchronous), queue or topic")
        row.addWidget(self.transport)
        layout.addLayout(row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.cancel)
        self.ok = QPushButton("Add flow")
        self.ok.setDefault(True)
        self.ok.setEnabled(False)
        self.ok.clicked.connect(self.accept)
        buttons.addWidget(cancel)
        buttons.addWidget(self.ok)
        layout.addLayout(buttons)
        self.name_edit.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        self.adjustSize()

    def choose_kind(self, kind: MessageKind) -> None:
        self.kind = kind
        self.kind_buttons[kind].setChecked(True)
        self.completions.setStringList(self._names_of_kind(kind))
        index = self.transport.findData(self._default_transport(kind).value)
        self.transport.setCurrentIndex(index)
        self.hint.setText(f"{kind.value.title()}: name a new or existing message")
        self.name_edit.setEnabled(True)
        self.name_edit.setFocus()

    def current_transport(self) -> Transport:
        return Transport(self.transport.currentData())

    def accept(self) -> None:
        name = self.name_edit.text().strip()
        if self.kind is None or not name:
            return
        problem = self._problem(self.kind, name)
        if problem is not None:  # say why and let the user fix the name
            self.hint.setText(problem)
            self.hint.setEnabled(True)
            self.name_edit.setFocus()
            self.name_edit.selectAll()
            return
        self.accepted.emit(self.kind, name, self.current_transport())
        self.close_popup()

    def cancel(self) -> None:
        self.cancelled.emit()
        self.close_popup()

    def close_popup(self) -> None:
        self.closing.emit()
        self.hide()
        self.deleteLater()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        kind = _KEYS.get(Qt.Key(event.key()))
        if kind is not None and not self.name_edit.hasFocus():
            self.choose_kind(kind)
            return
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept()
            return
        super().keyPressEvent(event)
