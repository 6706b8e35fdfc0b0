"""The problems dock: live diagnostics grouped by severity, like an IDE's problem list.

Each row shows the message, the rule and the items involved; the tooltip gives the
hint. Double-click (or Enter) selects the subjects on the canvas and centres them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.core.diagnostics import Diagnostic, count_by_severity
from designer.core.document import Document
from designer.core.model import Severity
from designer.qt.icons import icon
from designer.qt.live_validation import LiveValidation

_SUBJECTS = Qt.ItemDataRole.UserRole
_HINT = Qt.ItemDataRole.UserRole + 1
_TITLES = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Info"}


def subject_names(document: Document, subjects: tuple[str, ...]) -> str:
    names = []
    for subject in subjects:
        item = document.get("nodes", subject) or document.get("messages", subject)
        if item is None and (flow := document.get("flows", subject)) is not None:
            message = document.get("messages", getattr(flow, "message", ""))
            names.append(f"flow {getattr(message, 'name', subject)}")
        else:
            names.append(getattr(item, "name", subject))
    return ", ".join(names)


class ProblemsPanel(QWidget):
    subjectsActivated = Signal(list)  # ids to select and centre

    def __init__(self, validation: LiveValidation) -> None:
        super().__init__()
        self.validation = validation
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Problem", "Rule", "Where"])
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.resizeSection(2, 260)
        self.tree.itemActivated.connect(self._activated)
        self.tree.currentItemChanged.connect(self._show_hint)
        self.status = QLabel()
        self.status.setContentsMargins(6, 2, 6, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.status)
        layout.addWidget(self.tree)
        validation.changed.connect(self.rebuild)
        self.rebuild()

    def rebuild(self) -> None:
        diagnostics = self.validation.diagnostics
        shown = (diagnostics, self.validation.unavailable)
        if shown == getattr(self, "_shown", None):
            return  # most edits change no finding: keep the list (and its scroll position)
        self._shown = shown
        document = self.validation.document
        expanded = {group.data(0, _SUBJECTS): group.isExpanded() for group in self._groups()}
        self.tree.clear()
        counts = count_by_severity(diagnostics)
        for severity, title in _TITLES.items():
            if not counts[severity]:
                continue
            group = QTreeWidgetItem(self.tree, [f"{title} ({counts[severity]})"])
            group.setIcon(0, icon(severity.value))
            group.setData(0, _SUBJECTS, severity.value)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setFirstColumnSpanned(True)
            for diagnostic in (d for d in diagnostics if d.severity is severity):
                self._row(group, diagnostic, document)
            group.setExpanded(expanded.get(severity.value, True))
        if self.validation.unavailable:
            self.status.setText(self.validation.unavailable)
        elif not diagnostics:
            self.status.setText("No problems: every rule passes.")
        else:
            self.status.setText("Double-click a problem to select what it is about.")

    def _row(self, group: QTreeWidgetItem, diagnostic: Diagnostic, document: Document) -> None:
        row = QTreeWidgetItem(
            group,
            [diagnostic.message, diagnostic.rule, subject_names(document, diagnostic.subjects)],
        )
        row.setIcon(0, icon(diagnostic.severity.value))
        row.setData(0, _SUBJECTS, list(diagnostic.subjects))
        row.setData(0, _HINT, diagnostic.hint)
        tip = f"{diagnostic.message}\n\nFix: {diagnostic.hint}\n\n{diagnostic.path}"
        for column in range(3):
            row.setToolTip(column, tip)

    def _show_hint(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        # The fix of the problem under the cursor, readable without hovering.
        hint = current.data(0, _HINT) if current is not None else None
        if hint:
            self.status.setText(f"Fix: {hint}")

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        subjects = item.data(0, _SUBJECTS)
        if isinstance(subjects, list) and subjects:
            self.subjectsActivated.emit(subjects)

    def rows(self) -> list[QTreeWidgetItem]:
        """The problem rows, in display order (for tests and keyboard navigation)."""
        return [row for group in self._groups() for row in _children(group)]

    def _groups(self) -> list[QTreeWidgetItem]:
        return _children(self.tree.invisibleRootItem())


def _children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    found = (item.child(i) for i in range(item.childCount()))
    return [child for child in found if child is not None]
