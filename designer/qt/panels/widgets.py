"""Small widget helpers shared by the panels."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QPlainTextEdit


@contextmanager
def signals_blocked(*objects: QObject) -> Iterator[None]:
    """Write model values into widgets without their change signals firing edits back."""
    previous = [obj.blockSignals(True) for obj in objects]
    try:
        yield
    finally:
        for obj, was_blocked in zip(objects, previous, strict=True):
            obj.blockSignals(was_blocked)


class CommitPlainTextEdit(QPlainTextEdit):
    """A multi-line text box that reports one edit when it loses focus (or Ctrl+Enter)."""

    editingFinished = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setTabChangesFocus(True)
        self._loaded = ""

    def set_text(self, text: str) -> None:
        with signals_blocked(self):
            self.setPlainText(text)
        self._loaded = text

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._finish()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self._finish()
            return
        super().keyPressEvent(event)

    def _finish(self) -> None:
        if self.toPlainText() != self._loaded:
            self._loaded = self.toPlainText()
            self.editingFinished.emit()


def suggesting_line(combo: QComboBox) -> QLineEdit:
    """Make `combo` editable, suggesting in a popup but never completing inline (typing
    "date" must not become "datetime") nor adding what is typed; returns its line edit."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer, line = combo.completer(), combo.lineEdit()
    assert completer is not None and line is not None  # an editable combo has both
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    return line


def set_combo_data(combo: QComboBox, value: object) -> None:
    """Select the entry whose data is `value` (the first entry when none matches)."""
    index = combo.findData(value)
    with signals_blocked(combo):
        combo.setCurrentIndex(max(index, 0))


def optional_text(text: str) -> str | None:
    text = text.strip()
    return text or None
