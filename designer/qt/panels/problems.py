"""The problems dock: live diagnostics grouped by severity, like an IDE's problem list.

Each row shows the whole message (wrapped), the rule, the items involved and the fix;
every column can be resized. Buttons above the list filter by severity. Double-click
(or Enter) selects the subjects on the canvas and centres them.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
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


WRAPPED = (0, 3)  # the problem and its fix wrap; rule and items stay one line


class _WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text in the current column widths.

    Qt wraps text when asked but sizes rows for one line, so a long finding was cut
    off; the height here follows the width each column has right now.
    """

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self.tree = tree

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        base = super().sizeHint(option, index)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if index.column() not in WRAPPED or not isinstance(text, str) or not text:
            return base
        # Room left after the indentation and the icon of the first column.
        width = self.tree.header().sectionSize(index.column()) - (
            2 * self.tree.indentation() + 24 if index.column() == 0 else 12
        )
        bound = option.fontMetrics.boundingRect(
            QRect(0, 0, max(width, 40), 10_000), Qt.TextFlag.TextWordWrap, text
        )
        return QSize(base.width(), max(base.height(), bound.height() + 6))


class ProblemsPanel(QWidget):
    subjectsActivated = Signal(list)  # ids to select and centre

    def __init__(self, validation: LiveValidation) -> None:
        super().__init__()
        self.validation = validation
        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["Problem", "Rule", "Where", "Fix"])
        # Whole messages, wrapped: a cut-off finding has to be hovered to be read.
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        for column, width in enumerate((330, 150, 140)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setStretchLastSection(True)  # the fix takes what is left
        self.tree.setItemDelegate(_WrappingDelegate(self.tree))
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        header.sectionResized.connect(lambda *_: self.tree.doItemsLayout())  # re-wrap
        self.tree.itemActivated.connect(self._activated)
        self.tree.currentItemChanged.connect(self._show_hint)
        self.status = QLabel()
        self.status.setContentsMargins(6, 2, 6, 2)
        self.filters: dict[Severity, QToolButton] = {}
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 4, 0)
        bar.addWidget(self.status, 1)
        for severity, title in _TITLES.items():
            button = QToolButton()
            button.setCheckable(True)
            button.setChecked(True)
            button.setIcon(icon(severity.value))
            button.setText(title)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setToolTip(f"Show or hide {title.lower()}")
            button.toggled.connect(self._apply_filter)
            bar.addWidget(button)
            self.filters[severity] = button
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
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
        self._apply_filter()
        if self.validation.unavailable:
            self.status.setText(self.validation.unavailable)
        elif not diagnostics:
            self.status.setText("No problems: every rule passes.")
        else:
            self.status.setText("Double-click a problem to select what it is about.")

    def _row(self, group: QTreeWidgetItem, diagnostic: Diagnostic, document: Document) -> None:
        where = subject_names(document, diagnostic.subjects)
        row = QTreeWidgetItem(group, [diagnostic.message, diagnostic.rule, where, diagnostic.hint])
        row.setIcon(0, icon(diagnostic.severity.value))
        row.setData(0, _SUBJECTS, list(diagnostic.subjects))
        row.setData(0, _HINT, diagnostic.hint)
        tip = f"{diagnostic.message}\n\nFix: {diagnostic.hint}\n\n{diagnostic.path}"
        for column in range(4):
            row.setToolTip(column, tip)

    def _apply_filter(self, _checked: bool = True) -> None:
        """Show only the severities whose filter button is down."""
        for group in self._groups():
            severity = Severity(group.data(0, _SUBJECTS))
            group.setHidden(not self.filters[severity].isChecked())

    def visible_rows(self) -> list[QTreeWidgetItem]:
        """The problem rows the filter lets through."""
        return [r for g in self._groups() if not g.isHidden() for r in _children(g)]

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
