"""Inspector page of a message: name, kind, owner, flags, fields and query response."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QLabel, QSpinBox

from designer.core.commands import EditMessage
from designer.core.document import Document
from designer.core.model import MessageKind
from designer.qt.panels.fields_table import FieldsEditor, SuppressionsEditor
from designer.qt.panels.inspector_pages import InspectorPage, Push
from designer.qt.panels.widgets import optional_text, set_combo_data, signals_blocked


class MessagePage(InspectorPage):
    title = "Message"

    def __init__(self, document: Document, push: Push) -> None:
        super().__init__(document, push)
        self.name = self.line("Name", "PascalCase: SubmitOrder, GetOrder, OrderPlaced", self._name)
        self.kind = self.combo(
            "Kind",
            "Command: do this (one receiver) · Query: tell me · Event: this happened",
            lambda: self._edit(kind=MessageKind(self.kind.currentData())),
        )
        for kind in MessageKind:
            self.kind.addItem(kind.value.capitalize(), kind.value)
        self.owner = self.combo(
            "Owner",
            "The service that owns the message's contract (derived from flows when unset)",
            lambda: self._edit(owner=self.owner.currentData()),
        )
        self.version = QSpinBox()
        self.version.setRange(1, 999)
        self.version.setToolTip("Contract version: bump it on a breaking change")
        self.version.editingFinished.connect(lambda: self._edit(version=self.version.value()))
        self.form.addRow("Version", self.version)
        self.long_running = QCheckBox("Long running")
        self.long_running.setToolTip("Takes long: an actor should not wait for it over HTTP")
        self.long_running.toggled.connect(lambda on: self._edit(long_running=on))
        self.form.addRow("", self.long_running)
        self.scatter_gather = QCheckBox("Scatter-gather")
        self.scatter_gather.setToolTip("Several responders answer on purpose")
        self.scatter_gather.toggled.connect(lambda on: self._edit(scatter_gather=on))
        self.form.addRow("", self.scatter_gather)
        self.description = self.text_box(
            "Description",
            "What the message means",
            lambda: self._edit(description=optional_text(self.description.toPlainText())),
        )
        self.one_of = self.line(
            "One of",
            "A body that is one of several records, e.g. Circle | Square (instead of fields); "
            "empty: the message has fields",
            self._one_of,
        )
        self.one_of.setObjectName("message-one-of")
        self.one_of.setPlaceholderText("(fields below)")
        self.discriminator = self.line(
            "Told apart by",
            "The field of every alternative whose value says which one a message is",
            self._discriminator,
        )
        self.discriminator.setObjectName("message-discriminator")
        self.discriminator_label = self.form.labelForField(self.discriminator)
        self.fields = FieldsEditor("field")
        self.fields.setObjectName("message-fields")
        self.fields.edited.connect(lambda values: self._edit(fields=values))
        self.fields_label = self.wide_row("Fields", self.fields)
        self.response_one_of = self.line(
            "Answer one of",
            "An answer that is one of several records, e.g. Found | NotFound (instead of "
            "response fields); empty: the answer has fields",
            self._response_one_of,
        )
        self.response_one_of.setObjectName("response-one-of")
        self.response_one_of.setPlaceholderText("(response fields below)")
        self.response_one_of_label = self.form.labelForField(self.response_one_of)
        self.response_discriminator = self.line(
            "Answer told apart by",
            "The field of every answer alternative whose value says which one it is",
            lambda: self._edit(
                response_discriminator=self.response_discriminator.text().strip() or None
            ),
        )
        self.response_discriminator.setObjectName("response-discriminator")
        self.response_discriminator_label = self.form.labelForField(self.response_discriminator)
        self.response = FieldsEditor("response field")
        self.response.setObjectName("response-fields")
        self.response.edited.connect(lambda values: self._edit(response=values))
        self.response_label = QLabel("Response")
        self.wide_row(self.response_label, self.response)
        self.usage = QLabel()
        self.usage.setWordWrap(True)
        self.form.addRow("Used by", self.usage)
        self.suppressions = SuppressionsEditor()
        self.suppressions.edited.connect(lambda values: self._edit(suppress=values))
        self.wide_row("Suppressed rules", self.suppressions)

    def _message(self) -> Any:
        return self.document.get("messages", self.key or "")

    def refresh(self) -> None:
        message = self._message()
        if message is None:
            return
        design = self.document.design
        records = [s.name for s in design.schemas]
        self.fields.record_names = self.response.record_names = records
        with signals_blocked(
            self.name, self.owner, self.version, self.long_running, self.scatter_gather
        ):
            self.name.setText(message.name)
            self.one_of.setText(" | ".join(message.one_of or []))
            self.discriminator.setText(message.discriminator or "")
            self.response_one_of.setText(" | ".join(message.response_one_of or []))
            self.response_discriminator.setText(message.response_discriminator or "")
            self.owner.clear()
            self.owner.addItem("(derived from flows)", None)
            for node in sorted(design.nodes, key=lambda n: n.name.lower()):
                self.owner.addItem(node.name, node.id)
            self.version.setValue(message.version)
            self.long_running.setChecked(message.long_running)
            self.scatter_gather.setChecked(message.scatter_gather)
        set_combo_data(self.kind, message.kind.value)
        set_combo_data(self.owner, message.owner)
        is_query = message.kind is MessageKind.QUERY
        self.long_running.setVisible(message.kind is MessageKind.COMMAND)
        self.scatter_gather.setVisible(is_query)
        answer_union = bool(message.response_one_of)
        self.response.setVisible(is_query and not answer_union)
        self.response_label.setVisible(is_query and not answer_union)
        for widget in (self.response_one_of, self.response_one_of_label):
            if widget is not None:
                widget.setVisible(is_query)
        for widget in (self.response_discriminator, self.response_discriminator_label):
            if widget is not None:
                widget.setVisible(is_query and answer_union)
        self.description.set_text(message.description or "")
        union = bool(message.one_of)
        self.discriminator.setVisible(union)
        if self.discriminator_label is not None:
            self.discriminator_label.setVisible(union)
        self.fields.setVisible(not union)
        self.fields_label.setVisible(not union)
        self.fields.load(message.fields)
        self.response.load(message.response or [])
        self.suppressions.load(message.suppress)
        self.usage.setText(self._usage(message.id))

    def _usage(self, message_id: str) -> str:
        names = {n.id: n.name for n in self.document.design.nodes}
        flows = self.document.flows_of_message(message_id)
        if not flows:
            return "no flow carries it yet"
        return "\n".join(
            f"{names.get(f.source, f.source)} → {names.get(f.target, f.target)} ({f.transport.value})"
            for f in flows
        )

    def _one_of(self) -> None:
        names = [n.strip() for n in self.one_of.text().split("|") if n.strip()]
        if names:
            self._edit(one_of=names)
        else:  # back to fields: a discriminator needs alternatives
            self._edit(one_of=None, discriminator=None)

    def _response_one_of(self) -> None:
        names = [n.strip() for n in self.response_one_of.text().split("|") if n.strip()]
        if names:
            self._edit(response_one_of=names)
        else:
            self._edit(response_one_of=None, response_discriminator=None)

    def _discriminator(self) -> None:
        self._edit(discriminator=self.discriminator.text().strip() or None)

    def _name(self) -> None:
        if self.name.text().strip():
            self._edit(name=self.name.text().strip())
        else:
            self.refresh()

    def _edit(self, **changes: Any) -> None:
        message = self._message()
        if message is None:
            return
        if "response" in changes and not changes["response"] and message.response is None:
            return
        if any(getattr(message, k) != v for k, v in changes.items()):
            self.push(EditMessage(message.id, **changes))
