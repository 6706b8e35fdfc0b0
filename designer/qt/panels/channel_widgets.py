"""The flow inspector's broker address widgets: a flow's channel parameters, its queue and
topic settings, and the note that says at the spot why an edit was refused.

Like the other inspector tables, these widgets never change the model: each finished edit
is one signal the flow page turns into one command (`core/channel_commands.py`), and
`load` writes the model's values back with signals blocked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.core.diagram_style import SEVERITY_COLOURS, SEVERITY_COLOURS_DARK
from designer.core.model import AmqpQueue, ChannelParameter, KafkaTopic, Severity, Transport
from designer.qt.panels.column_fit import Column, ColumnFitter
from designer.qt.panels.widgets import signals_blocked
from designer.qt.theme import is_dark

_TYPES = ("string", "integer")

FANOUT_TIP = (
    "The messages go through an exchange of their own that gives every bound queue "
    "every message, whatever the routing key"
)
# Said on the greyed-out box of a queue flow, and beside a fanout its file already asks
# for on a flow that cannot have one (the rule amqp-fanout-not-broadcast reports it).
FANOUT_TOPIC_ONLY = "a fanout exchange broadcasts events: only topic flows can use one"


class SpotNote(QLabel):
    """A line under an edited widget: why the last edit was refused, else what the rules
    find wrong with the value it holds (hidden when there is nothing to say)."""

    def __init__(self, object_name: str) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._refusal: str | None = None
        self._finding: str | None = None
        self.hide()

    def say(self, refusal: str | None) -> None:
        """The outcome of an edit: why it was refused, or None (it was taken)."""
        self._refusal = refusal
        self._show()

    def report(self, finding: str | None) -> None:
        """What a rule says about the value shown now (None: nothing)."""
        self._finding = finding
        self._show()

    def _show(self) -> None:
        text = f"Not changed: {self._refusal}" if self._refusal else self._finding
        if not text:
            self.clear()
            self.hide()
            return
        colours = SEVERITY_COLOURS_DARK if is_dark(self.palette()) else SEVERITY_COLOURS
        self.setStyleSheet(f"color: {colours[Severity.ERROR]};")
        self.setText(text)
        self.show()


def _values_text(parameter: ChannelParameter) -> str:
    return ", ".join(parameter.enum or [])


class ParametersTable(QWidget):
    """The `{name}` parameters of a flow's channel: name, type, values, description.

    Rows follow the channel (typing `{name}` there adds one), so there is no add button;
    renaming a row renames its segment. `edited(name, changes)` carries the parameter's
    name as loaded and what changed."""

    edited = Signal(str, dict)
    headers = ("Name", "Type", "Values", "Description")

    def __init__(self) -> None:
        super().__init__()
        self._loaded: list[ChannelParameter] = []
        self.table = QTableWidget(0, len(self.headers))
        self.table.setObjectName("flow-parameters")
        self.table.setHorizontalHeaderLabels(list(self.headers))
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.columns = ColumnFitter(
            self.table,
            (
                Column(leading=True),
                Column(leading=True),
                Column(leading=False, weight=1),
                Column(leading=False, weight=2),
            ),
        )
        self.table.itemChanged.connect(self._item_changed)
        self.hint = QLabel("None: type a {name} segment in the channel to add one.")
        self.hint.setObjectName("flow-parameters-hint")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.table)
        layout.addWidget(self.hint)

    def load(self, parameters: Sequence[ChannelParameter]) -> None:
        self._loaded = list(parameters)
        # Reloading after each edit must not lose the keyboard's place (Tab, next cell).
        row_at, column_at = self.table.currentRow(), self.table.currentColumn()
        with signals_blocked(self.table):
            self.table.setRowCount(0)
            for row, parameter in enumerate(parameters):
                self.table.insertRow(row)
                self._write_row(row, parameter)
            if 0 <= row_at < len(parameters) and column_at >= 0:
                self.table.setCurrentCell(row_at, column_at)
        self.columns.fit()
        # Tall enough for every row without an inner scroll bar (a channel names a few),
        # and for the sideways scroll bar a narrow dock may need.
        rows = max(len(parameters), 1)
        height = (
            self.table.horizontalHeader().sizeHint().height()
            + rows * 26
            + 2 * self.table.frameWidth()
            + self.table.horizontalScrollBar().sizeHint().height()
        )
        self.table.setFixedHeight(height)
        self.table.setVisible(bool(parameters))
        self.hint.setVisible(not parameters)

    def _write_row(self, row: int, parameter: ChannelParameter) -> None:
        name = QTableWidgetItem(parameter.name)
        name.setToolTip("Renaming it renames its {segment} in the channel")
        self.table.setItem(row, 0, name)
        picker = QComboBox()
        picker.addItems(list(_TYPES))
        picker.setCurrentText(parameter.type)
        picker.setFrame(False)
        picker.setToolTip("What a value is: integer parameters take whole numbers")
        picker.activated.connect(lambda _i, r=row, p=picker: self._type_chosen(r, p))
        self.table.setCellWidget(row, 1, picker)
        values = QTableWidgetItem(_values_text(parameter))
        values.setToolTip(
            f"{values.text()}\n\nThe values it may take, comma separated (empty: any)"
            if parameter.enum
            else "The values it may take, comma separated (empty: any)"
        )
        self.table.setItem(row, 2, values)
        description = QTableWidgetItem(parameter.description or "")
        description.setToolTip(parameter.description or "What a value names")  # when cut
        self.table.setItem(row, 3, description)

    def _type_chosen(self, row: int, picker: QComboBox) -> None:
        if row < len(self._loaded) and picker.currentText() != self._loaded[row].type:
            self.edited.emit(self._loaded[row].name, {"type": picker.currentText()})

    def _item_changed(self, item: QTableWidgetItem) -> None:
        row, column = item.row(), item.column()
        if row >= len(self._loaded):
            return
        loaded = self._loaded[row]
        text = item.text().strip()
        changes: dict[str, Any] = {}
        if column == 0 and text != loaded.name:
            changes["name"] = text
        elif column == 2 and text != _values_text(loaded):
            changes["enum"] = text.split(",")
        elif column == 3 and text != (loaded.description or ""):
            changes["description"] = text
        if changes:
            self.edited.emit(loaded.name, changes)

    def set_cell_text(self, row: int, column: int, text: str) -> None:
        """Type `text` into a cell as a user would (tests)."""
        item = self.table.item(row, column)
        assert item is not None
        item.setText(text)

    def choose_type(self, row: int, type_name: str) -> None:
        """Pick a type in row `row` as a user would (tests)."""
        picker = self.table.cellWidget(row, 1)
        assert isinstance(picker, QComboBox)
        picker.setCurrentText(type_name)
        picker.activated.emit(picker.currentIndex())


class BindingsEditor(QObject):
    """The receiver's RabbitMQ queue (durable, exclusive, auto-delete), the flow's own fanout
    exchange, and the Kafka topic's size (partitions, replicas; 0 = the broker's default)
    and record key (a field of the message, or none) of one flow, as rows of the flow
    page's form (`add_to`). `edited(amqp, kafka)` carries both, as the flow should now
    have them."""

    edited = Signal(object, object)

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[AmqpQueue, KafkaTopic] = (AmqpQueue(), KafkaTopic())
        self.durable = QCheckBox("Durable queue")
        self.durable.setToolTip("The queue survives a broker restart (off: a temporary inbox)")
        self.exclusive = QCheckBox("Exclusive queue")
        self.exclusive.setToolTip(
            "Only the receiving service's connection uses the queue; it is declared by the "
            "service, never by `broker apply`"
        )
        self.auto_delete = QCheckBox("Auto-delete queue")
        self.auto_delete.setToolTip("The queue goes when its last consumer leaves")
        self.fanout = QCheckBox("Fanout exchange")
        self.fanout.setToolTip(FANOUT_TIP)
        for box, name in (
            (self.durable, "durable"),
            (self.exclusive, "exclusive"),
            (self.auto_delete, "auto-delete"),
            (self.fanout, "fanout"),
        ):
            box.setObjectName(f"binding-{name}")
            box.toggled.connect(lambda _on: self._emit())
        self.partitions = self._size_box("Partitions of the topic (0: the broker's default)")
        self.partitions.setObjectName("binding-partitions")
        self.replicas = self._size_box("Copies of each partition (0: the broker's default)")
        self.replicas.setRange(0, 1_000)
        self.replicas.setObjectName("binding-replicas")
        self.key_field = QComboBox()
        self.key_field.setObjectName("binding-key-field")
        self.key_field.setToolTip(
            "The message field whose value is each record's key: Kafka keeps the records "
            "of one key in one partition, in the order they were sent"
        )
        self.key_field.activated.connect(lambda _index: self._emit())

    def add_to(self, form: QFormLayout) -> list[QWidget]:
        """Put the settings on `form` under a caption per broker (short row labels keep
        the form's label column narrow); returns the rows' widgets (to show or hide them,
        see `rows_for`)."""
        queue_caption, topic_caption = QLabel("RabbitMQ"), QLabel("Kafka topic")
        self._rabbit_caption = queue_caption
        for caption in (queue_caption, topic_caption):
            caption.setContentsMargins(0, 6, 0, 0)
        form.addRow(queue_caption)
        form.addRow("", self.durable)
        form.addRow("", self.exclusive)
        form.addRow("", self.auto_delete)
        form.addRow("", self.fanout)
        form.addRow(topic_caption)
        form.addRow("Partitions", self.partitions)
        form.addRow("Replicas", self.replicas)
        form.addRow("Record key", self.key_field)
        self._kafka_rows: list[QWidget] = [
            topic_caption,
            self.partitions,
            self.replicas,
            self.key_field,
        ]
        return [
            queue_caption,
            self.durable,
            self.exclusive,
            self.auto_delete,
            self.fanout,
            topic_caption,
            self.partitions,
            self.replicas,
            self.key_field,
        ]

    def rows_for(self, transport: Transport) -> list[QWidget]:
        """The rows a flow of `transport` shows, given what `load` showed: an http call
        has no broker queue or topic, so none, except a fanout its file already asks for
        (with its caption), left checked so the user can untick what the rule reports."""
        if transport is not Transport.HTTP:
            return [
                self._rabbit_caption,
                self.durable,
                self.exclusive,
                self.auto_delete,
                self.fanout,
                *self._kafka_rows,
            ]
        return [self._rabbit_caption, self.fanout] if self.fanout.isChecked() else []

    def _fit_fanout(self, transport: Transport, asked: bool) -> None:
        # Only a topic broadcasts: elsewhere the box can only be wrong, so it is offered
        # greyed out, with why, unless the file already asks for it (then it stays
        # tickable, to untick).
        topic = transport is Transport.TOPIC
        self.fanout.setEnabled(topic or asked)
        if topic:
            self.fanout.setToolTip(FANOUT_TIP)
        elif asked:
            self.fanout.setToolTip(f"Untick: {FANOUT_TOPIC_ONLY} (rule amqp-fanout-not-broadcast)")
        else:
            self.fanout.setToolTip(f"Not for a {transport.value} flow: {FANOUT_TOPIC_ONLY}")

    def _size_box(self, tip: str) -> QSpinBox:
        box = QSpinBox()
        box.setRange(0, 1_000_000)
        box.setSpecialValueText("default")
        box.setToolTip(tip)
        box.editingFinished.connect(self._emit)
        return box

    def load(
        self,
        amqp: AmqpQueue | None,
        kafka: KafkaTopic | None,
        key_fields: Sequence[str] = (),
        transport: Transport = Transport.TOPIC,
    ) -> None:
        """Show a flow's settings; `key_fields`: the message's fields that can be a key;
        `transport`: the flow's, which decides whether a fanout exchange is offered."""
        amqp, kafka = amqp or AmqpQueue(), kafka or KafkaTopic()
        self._fit_fanout(transport, amqp.exchange_type == "fanout")
        boxes = (
            self.durable,
            self.exclusive,
            self.auto_delete,
            self.fanout,
            self.partitions,
            self.replicas,
            self.key_field,
        )
        with signals_blocked(*boxes):
            self.durable.setChecked(amqp.durable)
            self.exclusive.setChecked(amqp.exclusive)
            self.auto_delete.setChecked(amqp.auto_delete)
            self.fanout.setChecked(amqp.exchange_type == "fanout")
            self.partitions.setValue(kafka.partitions or 0)
            self.replicas.setValue(kafka.replicas or 0)
            self.key_field.clear()
            self.key_field.addItem("none (any partition)", None)
            # A key naming no such field stays shown as it is: the rule says what is wrong.
            for name in [*key_fields, *([kafka.key_field] if kafka.key_field else [])]:
                if self.key_field.findData(name) < 0:
                    self.key_field.addItem(name, name)
            self.key_field.setCurrentIndex(max(self.key_field.findData(kafka.key_field), 0))
        self._shown = (amqp, kafka)

    def values(self) -> tuple[AmqpQueue, KafkaTopic]:
        """The settings as shown, on top of what was loaded: a setting this editor has
        no widget for is kept, never dropped."""
        amqp, kafka = self._shown
        return (
            amqp.model_copy(
                update={
                    "durable": self.durable.isChecked(),
                    "exclusive": self.exclusive.isChecked(),
                    "auto_delete": self.auto_delete.isChecked(),
                    "exchange_type": "fanout" if self.fanout.isChecked() else None,
                }
            ),
            kafka.model_copy(
                update={
                    "partitions": self.partitions.value() or None,
                    "replicas": self.replicas.value() or None,
                    "key_field": self.key_field.currentData(),
                }
            ),
        )

    def _emit(self) -> None:
        values = self.values()
        if values != self._shown:
            self._shown = values
            self.edited.emit(*values)
