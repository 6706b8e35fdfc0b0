"""Live diagnostics for the window: the rules engine re-run after every edit.

The incremental validator re-checks only what a command touched; opening or reverting a
file (a `design` change) starts it afresh. The rules package is optional at import time
so the window still opens while a rule module is broken: the problems panel then says so
instead of the whole window failing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal

from designer.core.diagnostics import SEVERITY_RANK, Diagnostic
from designer.core.document import Change, Document


def _engine() -> tuple[Any, Any]:
    """(IncrementalValidator class or None, validate function or None)."""
    try:
        from designer.core.incremental import IncrementalValidator
    except ImportError:
        IncrementalValidator = None
    try:
        from designer.core.rules import validate
    except ImportError:
        validate = None
    return IncrementalValidator, validate


class LiveValidation(QObject):
    """Holds the current diagnostics of a document; `changed` fires after each update."""

    changed = Signal()

    def __init__(self, document: Document, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.diagnostics: list[Diagnostic] = []
        self.unavailable: str | None = None
        self._validator: Any = None
        self._unsubscribe = document.subscribe(self._on_changes)
        self.revalidate()

    def revalidate(self) -> None:
        """Check the whole design from scratch."""
        incremental, validate = _engine()
        self.unavailable = None
        design = self.document.design
        try:
            if incremental is not None:
                self._validator = incremental(design)
                found = getattr(self._validator, "diagnostics", None)
                if callable(found):
                    found = found()
                if found is None and validate is not None:
                    found = validate(design)
            elif validate is not None:
                found = validate(design)
            else:
                found, self.unavailable = [], "the rules engine is not available"
        except Exception as error:  # a broken rule must not take the window down
            found, self.unavailable = [], f"validation failed: {error}"
        self._publish(found or [])

    def _on_changes(self, changes: tuple[Change, ...]) -> None:
        if self._validator is None or any(c.collection == "design" for c in changes):
            self.revalidate()
            return
        try:
            found = self._validator.update(self.document.design, changes)
        except Exception as error:
            self.unavailable = f"validation failed: {error}"
            found = []
        if found is None:
            found = getattr(self._validator, "diagnostics", [])
            if callable(found):
                found = found()
        self._publish(found)

    def _publish(self, found: Sequence[Diagnostic]) -> None:
        self.diagnostics = sorted(
            found, key=lambda d: (SEVERITY_RANK[d.severity], d.rule, d.path, d.subjects)
        )
        self.changed.emit()

    def close(self) -> None:
        self._unsubscribe()
