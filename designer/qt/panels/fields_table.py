"""Editable tables of the inspector: message fields (with a type picker) and suppressions.

A table never changes the model itself: every add, remove, reorder or cell edit emits
the whole new list once (`edited`), and the inspector turns it into one undoable
command. `load` writes the model's list back with signals blocked.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer.core.model import (
    PRIMITIVE_TYPES,
    MessageField,
    Suppression,
    enum_value_text,
    read_enum_value,
)
from designer.core.unique_names import unique_name
from designer.qt.icons import icon
from designer.qt.panels.column_fit import Column, ColumnFitter
from designer.qt.panels.widgets import signals_blocked, suggesting_line


class _RowsEditor(QWidget):
    """A table with add / remove / up / down buttons; subclasses map rows to values."""

    edited = Signal(list)
    headers: tuple[str, ...] = ()
    max_table_height = 120

    def __init__(self, noun: str) -> None:
        super().__init__()
        self.noun = noun
        self._values: list[object] | None = None  # what was last loaded or emitted
        self.table = QTableWidget(0, len(self.headers))
        self.table.setHorizontalHeaderLabels(list(self.headers))
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # Tall enough for a few rows, never stretched over the rest of the inspector.
        self.table.setMinimumHeight(84)
        self.table.setMaximumHeight(self.max_table_height)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.table.itemChanged.connect(lambda _item: self._emit())
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(2)
        for name, tip, slot in (
            ("add", f"Add a {noun}", self.add_row),
            ("remove", f"Remove the selected {noun}", self.remove_row),
            ("up", f"Move the selected {noun} up", lambda: self.move_row(-1)),
            ("down", f"Move the selected {noun} down", lambda: self.move_row(1)),
        ):
            button = QToolButton()
            button.setIcon(icon(name))
            button.setToolTip(tip)
            button.setAutoRaise(True)
            button.setObjectName(f"{noun}-{name}")
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    # ----------------------------------------------------------------- for subclasses
    def _write_row(self, row: int, value: object) -> None:
        raise NotImplementedError

    def _read_row(self, row: int) -> object | None:
        raise NotImplementedError

    def _new_value(self) -> object:
        raise NotImplementedError

    # ----------------------------------------------------------------- behaviour
    def load(self, values: Sequence[object]) -> None:
        # Reloading after each edit must not lose the keyboard's place (Tab, next cell).
        row_at, column_at = self.table.currentRow(), self.table.currentColumn()
        with signals_blocked(self.table):
            self.table.setRowCount(0)
            for value in values:
                self.table.insertRow(self.table.rowCount())
                self._write_row(self.table.rowCount() - 1, value)
            if 0 <= row_at < len(values) and column_at >= 0:
                self.table.setCurrentCell(row_at, column_at)
        self._values = list(values)

    def values(self) -> list[object]:
        found = [self._read_row(row) for row in range(self.table.rowCount())]
        return [value for value in found if value is not None]

    def _emit(self) -> None:
        values = self.values()
        if values != self._values:
            self._values = values
            self.edited.emit(values)

    def add_row(self) -> None:
        values = self.values()
        values.append(self._new_value())
        self.load(values)
        self._values = None  # force the emit
        self._emit()
        self.table.setCurrentCell(len(values) - 1, 0)

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        values = self.values()
        del values[row]
        self.load(values)
        self._values = None
        self._emit()

    def move_row(self, step: int) -> None:
        row = self.table.currentRow()
        values = self.values()
        target = row + step
        if row < 0 or not 0 <= target < len(values):
            return
        values[row], values[target] = values[target], values[row]
        self.load(values)
        self._values = None
        self._emit()
        self.table.setCurrentCell(target, 0)


def _text(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text().strip() if item is not None else ""


_TAG = "tag:"


def values_text(field: MessageField) -> str:
    """The Values cell: a field's enum (`a, b`; `1, 2`), or a union's `tag: <discriminator>`."""
    if field.discriminator:
        return f"{_TAG} {field.discriminator}"
    return ", ".join(enum_value_text(v) for v in field.enum or [])


def _read_values(
    text: str, shown: str, field: MessageField | None, type_text: str
) -> dict[str, object]:
    """`enum` and `discriminator` of a row from its Values cell. An unchanged cell keeps the
    field's own (a value holding a comma would not survive a split and join)."""
    if field is not None and text == shown:
        return {"enum": field.enum, "discriminator": field.discriminator}
    if text.startswith(_TAG):
        return {"enum": None, "discriminator": text[len(_TAG) :].strip() or None}
    values = [read_enum_value(v.strip(), type_text) for v in text.split(",") if v.strip()]
    return {"enum": values or None, "discriminator": None}


class FieldsEditor(_RowsEditor):
    """Message or response fields: name, type (with a picker), required, values, description.

    Values: the values a string, integer, number or boolean field may take (`small, medium, large`;
    `1, 2, 3`), or for a union of
    records the field that tells its alternatives apart (`tag: shape`)."""

    headers = ("Name", "Type", "Req.", "Values", "Description")
    max_table_height = 240

    def __init__(self, noun: str = "field") -> None:
        super().__init__(noun)
        self.record_names: list[str] = []
        # Name and type read whole; values and description share what is left.
        self.columns = ColumnFitter(
            self.table,
            (
                Column(leading=True),
                Column(leading=True),
                Column(leading=False, floor=36, weight=0),  # a check box: never wider
                Column(leading=False, weight=1),
                Column(leading=False, weight=2),
            ),
        )
        required_header = QTableWidgetItem("Req.")
        required_header.setToolTip("Required")
        self.table.setHorizontalHeaderItem(2, required_header)

    def load(self, values: Sequence[object]) -> None:
        super().load(values)
        self.columns.fit()

    def type_choices(self) -> list[str]:
        names = [*PRIMITIVE_TYPES, *self.record_names]
        return [*names, *(f"list[{n}]" for n in names), "map[string,string]"]

    def _write_row(self, row: int, value: object) -> None:
        assert isinstance(value, MessageField)
        self.table.setItem(row, 0, QTableWidgetItem(value.name))
        picker = QComboBox()
        line = suggesting_line(picker)
        picker.addItems(self.type_choices())
        picker.setCurrentText(value.type)
        # A narrow column shows the start of a long type (`Card | Vou…`), not its end.
        line.setCursorPosition(0)
        picker.setToolTip(
            f"{value.type}\n\nField type: a primitive, list[T], map[string,T], a record, "
            "or alternatives A | B"
        )
        picker.setFrame(False)
        picker.activated.connect(lambda _index: self._emit())
        line.editingFinished.connect(self._emit)
        self.table.setCellWidget(row, 1, picker)
        required = QTableWidgetItem()
        required.setFlags(
            Qt.ItemFlag.ItemIsUserCheckable
            | Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
        )
        required.setCheckState(Qt.CheckState.Checked if value.required else Qt.CheckState.Unchecked)
        self.table.setItem(row, 2, required)
        values = QTableWidgetItem(values_text(value))
        values.setToolTip(
            "The values a string field may take, comma separated (small, medium, large); "
            "for a union of records, the field telling them apart (tag: shape)"
        )
        # The loaded field rides along, so an edit of another cell keeps what it had.
        values.setData(Qt.ItemDataRole.UserRole, value)
        self.table.setItem(row, 3, values)
        self.table.setItem(row, 4, QTableWidgetItem(value.description or ""))

    def _read_row(self, row: int) -> MessageField | None:
        name = _text(self.table, row, 0)
        picker = self.table.cellWidget(row, 1)
        type_text = picker.currentText().strip() if isinstance(picker, QComboBox) else ""
        required_item = self.table.item(row, 2)
        if not name or not type_text:
            return None
        values_item = self.table.item(row, 3)
        loaded = values_item.data(Qt.ItemDataRole.UserRole) if values_item is not None else None
        loaded = loaded if isinstance(loaded, MessageField) else None
        shown = values_text(loaded) if loaded is not None else ""
        return MessageField.model_validate(
            {
                "name": name,
                "type": type_text,
                "required": required_item is None
                or required_item.checkState() == Qt.CheckState.Checked,
                **_read_values(_text(self.table, row, 3), shown, loaded, type_text),
                "description": _text(self.table, row, 4) or None,
            }
        )

    def _new_value(self) -> MessageField:
        taken = {f.name for f in self.values() if isinstance(f, MessageField)}
        return MessageField(name=unique_name("field", taken, sep=""), type="string")

    def set_type_picker_text(self, row: int, text: str) -> None:
        """Choose a type in row `row` as a user would (used by tests and shortcuts)."""
        picker = self.table.cellWidget(row, 1)
        assert isinstance(picker, QComboBox)
        picker.setCurrentText(text)
        self._emit()


class SuppressionsEditor(_RowsEditor):
    """Rules silenced on one item, each with the reason written down."""

    headers = ("Rule", "Reason")

    def __init__(self) -> None:
        super().__init__("suppression")

    def _write_row(self, row: int, value: object) -> None:
        assert isinstance(value, Suppression)
        self.table.setItem(row, 0, QTableWidgetItem(value.rule))
        self.table.setItem(row, 1, QTableWidgetItem(value.reason))

    def _read_row(self, row: int) -> Suppression | None:
        rule = _text(self.table, row, 0)
        if not rule:
            return None
        return Suppression(rule=rule, reason=_text(self.table, row, 1) or "accepted")

    def _new_value(self) -> Suppression:
        return Suppression(rule="rule-id", reason="why this is fine here")
