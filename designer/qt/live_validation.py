"""Live diagnostics for the window: the rules engine re-run after every edit.

The incremental validator re-checks only what a command touched (and starts afresh by
itself when the whole design was replaced). A rule that raises must not take the window
down: the problems panel then says validation failed, and the next edit tries again.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal

from designer.core.diagnostics import SEVERITY_RANK, Diagnostic
from designer.core.document import Change, Document
from designer.core.incremental import IncrementalValidator


class LiveValidation(QObject):
    """Holds the current diagnostics of a document; `changed` fires after each update."""

    changed = Signal()

    def __init__(self, document: Document, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.diagnostics: list[Diagnostic] = []
        self.unavailable: str | None = None
        self._validator: IncrementalValidator | None = None
        # Derived state: up to date before any view redraws (views read `diagnostics`).
        self._unsubscribe = document.subscribe(self._on_changes, phase="derived")
        self.revalidate()

    def revalidate(self) -> None:
        """Check the whole design from scratch (a file was opened or reverted)."""
        self.unavailable = None
        try:
            self._validator = IncrementalValidator(self.document.design)
            found = self._validator.diagnostics
        except Exception as error:  # a broken rule must not take the window down
            self._validator = None
            found, self.unavailable = [], f"validation failed: {error}"
        self._publish(found)

    def _on_changes(self, changes: tuple[Change, ...]) -> None:
        if all(c.collection in ("layout", "arrows") for c in changes):
            # Where things are drawn: no rule reads it, the findings stay as they are (and
            # a bend's drag changes the file on every mouse move).
            return
        if self._validator is None:
            self.revalidate()
            return
        try:
            found = self._validator.update(self.document.design, changes)
        except Exception as error:
            self._validator = None
            self.unavailable = f"validation failed: {error}"
            found = []
        self._publish(found)

    def _publish(self, found: Sequence[Diagnostic]) -> None:
        # The engine lists findings in file order; a stable sort by severity keeps that
        # order inside each group (sorting by the path text would put flows[10] before flows[2]).
        self.diagnostics = sorted(found, key=lambda d: SEVERITY_RANK[d.severity])
        self.changed.emit()

    def close(self) -> None:
        self._unsubscribe()
