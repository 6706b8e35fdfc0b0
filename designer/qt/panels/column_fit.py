"""Column widths for the inspector's tables, which live in a narrow dock.

Stretching every column equally cut the columns a user reads first (a field's name and
its type became `custo…` and `list[O`) to make room for wide, mostly empty ones. Here the
leading columns get the width their contents need (up to a cap), the trailing "note"
columns share what is left, and when the dock is too narrow for even that, the notes keep
a small width and the table scrolls sideways: the name and the type still read whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QComboBox, QHeaderView, QTableWidget

# Room a frameless type picker takes beside its text: its arrow (23 px in Fusion) and the
# margins of its line edit and the grid line.
_PICKER_ARROW = 28
# Room around a cell's text: the item's margins and the grid line.
_CELL_PADDING = 10
# Room for a check box beside a cell's text.
_CHECK_BOX = 28
_SHORT_LIST = 3


@dataclass(frozen=True)
class Column:
    """`leading`: sized to its contents; otherwise a note sharing the rest by `weight`
    (0: always `floor` wide, such as a check box)."""

    leading: bool
    floor: int = 48  # never narrower (a few letters and the header)
    cap: int = 170  # a leading column never wider (a very long name scrolls)
    weight: int = 1


def content_width(table: QTableWidget, column: int) -> int:
    """What `column` needs to show every cell and its header whole, cell widgets included
    (a type picker: its text plus its arrow)."""
    header = table.horizontalHeader()
    needed = header.sectionSizeFromContents(column).width()
    metrics = table.fontMetrics()
    for row in range(table.rowCount()):
        widget = table.cellWidget(row, column)
        if isinstance(widget, QComboBox):
            # A short fixed list (string | integer) is as wide as its widest choice, so
            # picking another does not move the columns; a long one as its current text.
            shown = (
                [widget.itemText(i) for i in range(widget.count())]
                if widget.count() <= _SHORT_LIST
                else [widget.currentText()]
            )
            text = max(shown, key=metrics.horizontalAdvance, default="")
            needed = max(needed, metrics.horizontalAdvance(text) + _PICKER_ARROW)
            continue
        item = table.item(row, column)
        if item is not None:
            checkbox = item.data(Qt.ItemDataRole.CheckStateRole) is not None
            extra = _CHECK_BOX if checkbox else _CELL_PADDING
            needed = max(needed, metrics.horizontalAdvance(item.text()) + extra)
    return needed


def widths(available: int, columns: Sequence[Column], needs: Sequence[int]) -> list[int]:
    """Each column's width in a table `available` pixels wide (may add up to more: the
    table then scrolls sideways rather than cutting a leading column). Only when the
    leading columns alone are wider than the table do they give up width, in proportion."""
    out = [
        min(max(need, c.floor), c.cap) if c.leading else c.floor
        for c, need in zip(columns, needs, strict=True)
    ]
    leading = [i for i, c in enumerate(columns) if c.leading]
    wanted = sum(out[i] for i in leading)
    if wanted > available > 0:
        for i in leading:
            out[i] = max(columns[i].floor, out[i] * available // wanted)
    spare = available - sum(out)
    notes = [i for i, c in enumerate(columns) if not c.leading]
    total_weight = sum(columns[i].weight for i in notes)
    if spare > 0 and total_weight:
        for i in notes:
            out[i] += spare * columns[i].weight // total_weight
        widest = max(notes, key=lambda i: columns[i].weight)
        out[widest] += available - sum(out)  # rounding: the widest note takes the rest
    return out


class ColumnFitter(QObject):
    """Keeps `table`'s columns fitted as the dock is resized and as rows are loaded
    (call `fit` after loading). Columns stay resizable by hand until the next fit."""

    def __init__(
        self,
        table: QTableWidget,
        columns: Sequence[Column],
        needs: Callable[[int], int] | None = None,
    ) -> None:
        super().__init__(table)
        self.table, self.columns = table, list(columns)
        self._needs = needs or (lambda column: content_width(table, column))
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        # A note column squeezed to its floor shows the start of its title (`Descri…`).
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        table.setHorizontalScrollMode(table.ScrollMode.ScrollPerPixel)
        table.viewport().installEventFilter(self)

    def fit(self) -> None:
        available = self.table.viewport().width()
        needs = [self._needs(i) for i in range(len(self.columns))]
        header = self.table.horizontalHeader()
        for column, width in enumerate(widths(available, self.columns, needs)):
            header.resizeSection(column, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False
