"""Record types (`schemas`) editor on the inspector's design page.

Records are the named field types messages use (`OrderLine`, `list[OrderLine]`). Pick
one, rename it, edit its fields, add or remove records; each change is one undo step
and a record still used by a field cannot be removed or renamed (the core refuses it,
the status bar says why).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QToolButton, QVBoxLayout, QWidget

from designer.core.commands import AddSchema, Command, EditSchema, RemoveSchema
from designer.core.document import Document
from designer.core.model import MessageField, RecordSchema
from designer.core.unique_names import unique_name
from designer.qt.icons import icon
from designer.qt.panels.fields_table import FieldsEditor
from designer.qt.panels.widgets import signals_blocked


class RecordsEditor(QWidget):
    def __init__(self, document: Document, push: Callable[[Command], bool]) -> None:
        super().__init__()
        self.document, self._push = document, push
        self.picker = QComboBox()
        self.picker.setToolTip("The record whose fields are shown below")
        self.picker.currentIndexChanged.connect(lambda _i: self.refresh())
        self.name = QLineEdit()
        self.name.setPlaceholderText("Record name")
        self.name.setToolTip("Rename the record (PascalCase)")
        self.name.editingFinished.connect(self._rename)
        add, remove = QToolButton(), QToolButton()
        for button, name, tip, slot in (
            (add, "add", "Add a record type", self._add),
            (remove, "remove", "Remove this record type", self._remove),
        ):
            button.setIcon(icon(name))
            button.setToolTip(tip)
            button.setAutoRaise(True)
            button.setObjectName(f"record-{name}")
            button.clicked.connect(slot)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.picker, 1)
        row.addWidget(add)
        row.addWidget(remove)
        self.fields = FieldsEditor("record field")
        self.fields.edited.connect(self._fields)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.name)
        layout.addWidget(self.fields)

    def current(self) -> RecordSchema | None:
        name = self.picker.currentText()
        item = self.document.get("schemas", name) if name else None
        return item if isinstance(item, RecordSchema) else None

    def refresh(self, select: str | None = None) -> None:
        names = [s.name for s in self.document.design.schemas]
        wanted = select or self.picker.currentText()
        with signals_blocked(self.picker, self.name):
            self.picker.clear()
            self.picker.addItems(names)
            if wanted in names:
                self.picker.setCurrentText(wanted)
        record = self.current()
        self.name.setEnabled(record is not None)
        self.fields.setEnabled(record is not None)
        with signals_blocked(self.name):
            self.name.setText(record.name if record else "")
        self.fields.record_names = names
        self.fields.load(record.fields if record else [])

    def _push_and_show(self, command: Command, select: str | None) -> None:
        """Push; then show `select` if the edit was made, else what was shown before."""
        before = self.picker.currentText()
        self.refresh(select if self._push(command) else before)

    def _add(self) -> None:
        name = unique_name("NewRecord", {s.name for s in self.document.design.schemas}, sep="")
        field = MessageField(name="value", type="string")
        self._push_and_show(AddSchema(RecordSchema(name=name, fields=[field])), name)

    def _remove(self) -> None:
        record = self.current()
        if record is not None:
            self._push_and_show(RemoveSchema(record.name), None)

    def _rename(self) -> None:
        record, name = self.current(), self.name.text().strip()
        if record is not None and name and name != record.name:
            self._push_and_show(EditSchema(record.name, name=name), name)

    def _fields(self, values: list[MessageField]) -> None:
        record = self.current()
        if record is not None and values != record.fields:
            self._push_and_show(EditSchema(record.name, fields=values), record.name)
