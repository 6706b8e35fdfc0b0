"""The window's undo stack: a QUndoStack over the core commands.

It follows the contract of the plain `designer.core.history.History`: a command is applied
first and only pushed when it succeeded (an EditError leaves document and stack unchanged),
consecutive drag moves merge into one step, and the Edit menu shows each step's text
("Undo Add flow SubmitOrder"). Commands never push other commands: a gesture builds one
core command (or a `Macro`) and hands it to `UndoBridge.push`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from designer.core.commands import Command
from designer.core.document import Document
from designer.core.errors import EditError

# Every command that may merge shares one Qt id; `mergeWith` then asks the core command,
# which compares the real merge keys (the drag a move belongs to).
_MERGEABLE_ID = 1


class UndoCommand(QUndoCommand):
    """One core command on the QUndoStack; redo/undo call the core command."""

    def __init__(self, document: Document, command: Command) -> None:
        super().__init__(command.text)
        self.document = document
        self.command = command
        # The bridge applies the command before pushing it (to catch EditError), so the
        # redo that QUndoStack.push calls must not apply it a second time.
        self._already_applied = True

    def redo(self) -> None:
        if self._already_applied:
            self._already_applied = False
            return
        self.command.redo(self.document)
        self.setText(self.command.text)

    def undo(self) -> None:
        self.command.undo(self.document)

    def id(self) -> int:
        return _MERGEABLE_ID if self.command.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, UndoCommand):
            return False
        merged = self.command.merge_with(other.command)
        if merged:
            self.setText(self.command.text)
        return merged


class UndoBridge(QObject):
    """Owns the QUndoStack of one document; `push` is what views and panels call."""

    editFailed = Signal(str)

    def __init__(self, document: Document, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.stack = QUndoStack(self)
        # Lets the window widen a command before it is applied (node_ids.IdFollower: a
        # fresh card's id follows its new name in the same step).
        self.adjust: Callable[[Command], Command] = lambda command: command

    def push(self, command: Command) -> bool:
        """Apply `command` as one undo step. False (and `editFailed`) when refused."""
        command = self.adjust(command)
        try:
            command.redo(self.document)
        except EditError as error:
            self.editFailed.emit(str(error))
            return False
        self.stack.push(UndoCommand(self.document, command))
        return True

    def clear(self) -> None:
        """Forget all steps (a new file was opened); the result counts as saved."""
        self.stack.clear()
        self.stack.setClean()
