"""Inspector pages for the design, a node and a flow (messages: message_page.py).

Each page shows one item by id and turns every finished edit into one core command
through `push`; `refresh` writes the model's values back with signals blocked, so
loading a value never fires an edit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from designer.core.broker_names import channel_problem
from designer.core.channel_commands import EditBindings, EditChannel, EditParameter
from designer.core.channels import ChannelNames
from designer.core.commands import Command, EditDesign, EditFlow, EditNode
from designer.core.document import Document
from designer.core.model import (
    KEY_FIELD_TYPES,
    AmqpQueue,
    Flow,
    KafkaTopic,
    NodeKind,
    Transport,
)
from designer.qt.panels.channel_widgets import BindingsEditor, ParametersTable, SpotNote
from designer.qt.panels.fields_table import SuppressionsEditor
from designer.qt.panels.records import RecordsEditor
from designer.qt.panels.widgets import (
    CommitPlainTextEdit,
    optional_text,
    set_combo_data,
    signals_blocked,
    suggesting_line,
)

Push = Callable[[Command], bool]

CHANNEL_RULE = "rule channel-name-invalid"
_CHANNEL_TIP = (
    "The flow's broker address (empty: derived from the naming convention). A {name} "
    "segment is a parameter: subscribers listen to every value, a sender names one"
)


class InspectorPage(QWidget):
    """One kind of item; `key` is the id shown (None for the design page)."""

    title = ""

    def __init__(self, document: Document, push: Push) -> None:
        super().__init__()
        self.document, self._push = document, push
        self.key: str | None = None
        self._refusal: str | None = None  # why the last pushed edit was refused
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 4, 8, 8)
        self.form = QFormLayout()
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        outer.addLayout(self.form)
        outer.addStretch(1)  # keep the rows together at the top
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

    def show_item(self, key: str | None) -> None:
        self.key = key
        self.refresh()

    def refresh(self) -> None:
        raise NotImplementedError

    def push(self, command: Command) -> str | None:
        """Apply `command` as one undo step; the reason when it was refused."""
        self._refusal = None
        if self._push(command):
            return None
        self.refresh()  # the edit was refused: show the model's value again
        return self._refusal or "the edit was refused"

    def note_refusal(self, text: str) -> None:
        """Why the edit being pushed was refused (the undo stack says so while `push` runs)."""
        self._refusal = text

    def line(self, label: str, tip: str, on_done: Callable[[], None]) -> QLineEdit:
        edit = QLineEdit()
        edit.setToolTip(tip)
        edit.editingFinished.connect(on_done)
        self.form.addRow(label, edit)
        return edit

    def combo(self, label: str, tip: str, on_change: Callable[[], None]) -> QComboBox:
        box = QComboBox()
        box.setToolTip(tip)
        # Long message names must not widen the dock: combos shrink and elide instead.
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(8)
        box.activated.connect(lambda _index: on_change())
        self.form.addRow(label, box)
        return box

    def wide_row(self, caption: str | QLabel, widget: QWidget) -> QLabel:
        """A table under its caption, using the inspector's full width."""
        label = caption if isinstance(caption, QLabel) else QLabel(caption)
        label.setWordWrap(True)  # a long caption must not widen a narrow dock
        label.setContentsMargins(0, 6, 0, 0)
        self.form.addRow(label)
        self.form.addRow(widget)
        return label

    def text_box(self, label: str, tip: str, on_done: Callable[[], None]) -> CommitPlainTextEdit:
        box = CommitPlainTextEdit()
        box.setToolTip(tip)
        box.setFixedHeight(64)
        box.editingFinished.connect(on_done)
        self.form.addRow(label, box)
        return box


class DesignPage(InspectorPage):
    title = "Design"

    def __init__(self, document: Document, push: Push) -> None:
        super().__init__(document, push)
        self.name = self.line("Name", "The design's name", self._commit)
        self.description = self.text_box("Description", "What this system is", self._commit)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.form.addRow(self.summary)
        self.records = RecordsEditor(document, push)
        self.wide_row("Record types (usable as field types)", self.records)

    def refresh(self) -> None:
        design = self.document.design
        self.records.refresh()
        with signals_blocked(self.name):
            self.name.setText(design.name)
        self.description.set_text(design.description or "")
        self.summary.setText(
            f"{len(design.nodes)} nodes, {len(design.messages)} messages, "
            f"{len(design.flows)} flows.\nSelect a card, an arrow or a message to edit it."
        )

    def _commit(self) -> None:
        design = self.document.design
        name = self.name.text().strip()
        description = optional_text(self.description.toPlainText())
        if name and (name, description) != (design.name, design.description):
            self.push(EditDesign(name, description))


class NodePage(InspectorPage):
    title = "Node"

    def __init__(self, document: Document, push: Push) -> None:
        super().__init__(document, push)
        self.ident = QLabel()
        self.ident.setToolTip("The node's id: flows and generated code refer to it")
        self.form.addRow("Id", self.ident)
        self.name = self.line("Name", "Name shown on the card (F2 on the canvas)", self._name)
        self.kind = self.combo("Kind", "Service (inside) or actor (outside)", self._kind)
        self.kind.addItem("Service", NodeKind.SERVICE.value)
        self.kind.addItem("Actor", NodeKind.ACTOR.value)
        self.boundary = QComboBox()
        boundary_line = suggesting_line(self.boundary)
        self.boundary.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.boundary.setToolTip("Bounded context: cards with the same boundary are grouped")
        boundary_line.setPlaceholderText("none")
        boundary_line.editingFinished.connect(self._boundary)
        self.boundary.activated.connect(lambda _i: self._boundary())
        self.form.addRow("Boundary", self.boundary)
        self.description = self.text_box("Description", "What this node does", self._description)
        self.suppressions = SuppressionsEditor()
        self.suppressions.edited.connect(self._suppressions)
        self.wide_row("Suppressed rules", self.suppressions)

    def _node(self) -> Any:
        return self.document.get("nodes", self.key or "")

    def refresh(self) -> None:
        node = self._node()
        if node is None:
            return
        self.ident.setText(node.id)
        with signals_blocked(self.name, self.boundary):
            self.name.setText(node.name)
            self.boundary.clear()
            self.boundary.addItems(
                sorted({n.boundary for n in self.document.design.nodes if n.boundary})
            )
            self.boundary.setCurrentText(node.boundary or "")
        set_combo_data(self.kind, node.kind.value)
        self.description.set_text(node.description or "")
        self.suppressions.load(node.suppress)

    def _edit(self, **changes: Any) -> None:
        node = self._node()
        if node is not None and any(getattr(node, k) != v for k, v in changes.items()):
            self.push(EditNode(node.id, **changes))

    def _name(self) -> None:
        if self.name.text().strip():
            self._edit(name=self.name.text().strip())
        else:
            self.refresh()

    def _kind(self) -> None:
        self._edit(kind=NodeKind(self.kind.currentData()))

    def _boundary(self) -> None:
        self._edit(boundary=optional_text(self.boundary.currentText()))

    def _description(self) -> None:
        self._edit(description=optional_text(self.description.toPlainText()))

    def _suppressions(self, values: list[object]) -> None:
        self._edit(suppress=values)


class FlowPage(InspectorPage):
    title = "Flow"
    messageRequested = Signal(str)  # "edit this message's fields": the inspector shows it

    def __init__(self, document: Document, push: Push) -> None:
        super().__init__(document, push)
        self.message = self.combo("Message", "The message this flow carries", self._message)
        # A message made by drawing an arrow has no fields yet (payload-empty): one click
        # from the arrow to its fields.
        self.fields_button = QPushButton()
        self.fields_button.setToolTip("Show the message in the inspector to edit its fields")
        self.fields_button.clicked.connect(self._show_message)
        self.form.addRow("", self.fields_button)
        self.source = self.combo(
            "From", "The sender", lambda: self._edit(source=self.source.currentData())
        )
        self.target = self.combo(
            "To", "The receiver", lambda: self._edit(target=self.target.currentData())
        )
        self.transport = self.combo(
            "Transport",
            "http: synchronous call · queue: one consumer · topic: publish to many",
            lambda: self._edit(transport=Transport(self.transport.currentData())),
        )
        for transport in Transport:
            self.transport.addItem(transport.value, transport.value)
        self.reply = self.line(
            "Reply channel",
            "Where the answer of an asynchronous query goes (a queue or callback path)",
            lambda: self._edit(reply=optional_text(self.reply.text())),
        )
        self.timeout = QSpinBox()
        self.timeout.setRange(0, 3_600_000)
        self.timeout.setSingleStep(100)
        self.timeout.setSuffix(" ms")
        self.timeout.setSpecialValueText("none")
        self.timeout.setToolTip("How long the sender waits (0 = not set)")
        self.timeout.editingFinished.connect(
            lambda: self._edit(timeout_ms=self.timeout.value() or None)
        )
        self.form.addRow("Timeout", self.timeout)
        self.caused_by = self.combo(
            "Caused by",
            "The message the sender was handling when it sent this one",
            lambda: self._edit(caused_by=self.caused_by.currentData()),
        )
        self.idempotent = QCheckBox("Idempotent receiver")
        self.idempotent.setToolTip(
            "The receiver handles duplicates safely (at-least-once delivery repeats messages)"
        )
        self.idempotent.toggled.connect(lambda on: self._edit(idempotent=on))
        self.form.addRow("", self.idempotent)
        self.dead_letter = QCheckBox("Dead-letter failures")
        self.dead_letter.toggled.connect(lambda on: self._edit(dead_letter=on))
        self.form.addRow("", self.dead_letter)
        # The broker address: the flow's own channel (empty: the naming convention's), the
        # parameters it names and the receiver's queue / the topic's settings.
        self.channel = self.line("Channel", _CHANNEL_TIP, self._channel)
        self.channel.setObjectName("flow-channel")
        self.channel_note = SpotNote("flow-channel-note")
        self.form.addRow(self.channel_note)
        self.parameters = ParametersTable()
        self.parameters.edited.connect(self._parameter)
        self.parameters_label = self.wide_row("Channel parameters", self.parameters)
        self.parameters_note = SpotNote("flow-parameters-note")
        self.form.addRow(self.parameters_note)
        self.bindings = BindingsEditor()
        self.bindings.edited.connect(self._bindings)
        self.binding_rows = self.bindings.add_to(self.form)
        self.description = self.text_box(
            "Description",
            "Why this flow exists",
            lambda: self._edit(description=optional_text(self.description.toPlainText())),
        )
        self.suppressions = SuppressionsEditor()
        self.suppressions.edited.connect(lambda values: self._edit(suppress=values))
        self.wide_row("Suppressed rules", self.suppressions)

    def _flow(self) -> Any:
        return self.document.get("flows", self.key or "")

    def refresh(self) -> None:
        flow = self._flow()
        if flow is None:
            return
        design = self.document.design
        combos = (self.message, self.source, self.target, self.caused_by)
        with signals_blocked(
            *combos, self.reply, self.channel, self.timeout, self.idempotent, self.dead_letter
        ):
            for box in combos:
                box.clear()
            for message in sorted(design.messages, key=lambda m: m.name.lower()):
                label = f"{message.name}  ({message.kind.value})"
                self.message.addItem(label, message.id)
                self.caused_by.addItem(label, message.id)
            self.caused_by.insertItem(0, "(nothing)", None)
            for node in sorted(design.nodes, key=lambda n: n.name.lower()):
                self.source.addItem(node.name, node.id)
                self.target.addItem(node.name, node.id)
            self.reply.setText(flow.reply or "")
            self.channel.setText(flow.channel or "")
            self.channel.setCursorPosition(0)  # a long channel shows its start
            self.channel.setToolTip(
                f"{flow.channel}\n\n{_CHANNEL_TIP}" if flow.channel else _CHANNEL_TIP
            )
            self.timeout.setValue(flow.timeout_ms or 0)
            self.idempotent.setChecked(flow.idempotent)
            self.dead_letter.setChecked(flow.dead_letter)
        set_combo_data(self.message, flow.message)
        carried = self.document.get("messages", flow.message)
        count = len(getattr(carried, "fields", ()))
        name = getattr(carried, "name", "?")
        union = getattr(carried, "one_of", None)
        if union:  # a body that is one of several records has no fields of its own
            self.fields_button.setText(f"Edit {name} (one of {' | '.join(union)})…")
        else:
            self.fields_button.setText(
                f"Edit the fields of {name} ({count})…" if count else f"Add fields to {name}…"
            )
        set_combo_data(self.source, flow.source)
        set_combo_data(self.target, flow.target)
        set_combo_data(self.transport, flow.transport.value)
        set_combo_data(self.caused_by, flow.caused_by)
        self.description.set_text(flow.description or "")
        self.suppressions.load(flow.suppress)
        self._refresh_channel(flow)

    def show_item(self, key: str | None) -> None:
        if key != self.key:  # a note is about the flow it was said on
            self.channel_note.say(None)
            self.parameters_note.say(None)
        super().show_item(key)

    def _refresh_channel(self, flow: Flow) -> None:
        derived = ChannelNames(self.document.design).channel(
            flow.model_copy(update={"channel": None, "parameters": []})
        )
        self.channel.setPlaceholderText(
            derived.http_path or "" if flow.transport is Transport.HTTP else derived.routing_key
        )
        # Said where the channel is typed, as the Problems panel says it (an error).
        problem = channel_problem(flow.channel, flow.transport) if flow.channel else None
        self.channel_note.report(f"The channel {problem} ({CHANNEL_RULE})" if problem else None)
        # An http path is a route: parameters and queue settings are broker matters
        # (which broker rows a transport shows: BindingsEditor.rows_for).
        broker = flow.transport is not Transport.HTTP
        self.parameters.load(flow.parameters)
        for row in (self.parameters_label, self.parameters):
            self.form.setRowVisible(row, broker or bool(flow.parameters))
        bindings = flow.bindings
        carried = self.document.design.message(flow.message)
        self.bindings.load(
            bindings.amqp if bindings else None,
            bindings.kafka if bindings else None,
            [f.name for f in carried.fields if f.type in KEY_FIELD_TYPES] if carried else [],
            flow.transport,
        )
        shown = self.bindings.rows_for(flow.transport)
        for widget in self.binding_rows:
            self.form.setRowVisible(widget, widget in shown)

    def _channel(self) -> None:
        flow = self._flow()
        typed = self.channel.text().strip() or None
        if flow is not None and typed != flow.channel:
            self.channel_note.say(self.push(EditChannel(flow.id, typed)))

    def _parameter(self, name: str, changes: dict[str, Any]) -> None:
        flow = self._flow()
        if flow is not None:
            self.parameters_note.say(self.push(EditParameter(flow.id, name, **changes)))

    def _bindings(self, amqp: AmqpQueue, kafka: KafkaTopic) -> None:
        flow = self._flow()
        if flow is not None:
            self.parameters_note.say(self.push(EditBindings(flow.id, amqp, kafka)))

    def _message(self) -> None:
        self._edit(message=self.message.currentData())

    def _show_message(self) -> None:
        flow = self._flow()
        if flow is not None:
            self.messageRequested.emit(flow.message)

    def _edit(self, **changes: Any) -> None:
        flow = self._flow()
        if flow is not None and any(getattr(flow, k) != v for k, v in changes.items()):
            self.push(EditFlow(flow.id, **changes))
