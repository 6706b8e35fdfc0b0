"""A plain-Python undo stack over commands, for headless use and tests.

The window uses QUndoStack instead (designer/qt/undo.py wraps the same commands);
both follow the same contract: push applies, undo/redo step, drag moves merge.
"""

from __future__ import annotations

from .commands import Command
from .document import Document


class History:
    def __init__(self, document: Document) -> None:
        self.document = document
        self._done: list[Command] = []
        self._undone: list[Command] = []
        self._clean_depth: int | None = 0

    def push(self, command: Command) -> None:
        """Apply `command`; an EditError leaves document and history unchanged."""
        command.redo(self.document)
        self._undone.clear()
        if self._clean_depth is not None and self._clean_depth > len(self._done):
            self._clean_depth = None  # the clean state was in the discarded redo branch
        if self._done and self._done[-1].merge_with(command):
            if self._clean_depth == len(self._done):
                self._clean_depth = None
            return
        self._done.append(command)

    def undo(self) -> bool:
        if not self._done:
            return False
        command = self._done.pop()
        command.undo(self.document)
        self._undone.append(command)
        return True

    def redo(self) -> bool:
        if not self._undone:
            return False
        command = self._undone.pop()
        command.redo(self.document)
        self._done.append(command)
        return True

    @property
    def undo_text(self) -> str | None:
        return self._done[-1].text if self._done else None

    @property
    def redo_text(self) -> str | None:
        return self._undone[-1].text if self._undone else None

    def set_clean(self) -> None:
        self._clean_depth = len(self._done)

    @property
    def is_clean(self) -> bool:
        return self._clean_depth == len(self._done)
