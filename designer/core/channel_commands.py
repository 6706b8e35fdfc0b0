"""Undoable edits of a flow's broker address: its channel, the channel's parameters and
the queue or topic settings (`bindings`), as the inspector makes them.

The channel is where parameters are named: typing a `{name}` segment adds a parameter,
deleting it removes the parameter, and renaming a parameter rewrites its segment, so a
flow edited here never declares a parameter its channel lacks (rule
`channel-name-invalid`, docs/file-format.md "Channel parameters"). What no broker could
render is refused with the rule's own words instead of being stored: a parameter name the
file format refuses (`{名前}`, `{../../x}`, `{}`), one named twice, or one that is only
part of a segment. Other channel problems (a space, a non-ASCII letter) are the file's to
hold and the rule's to report, as for a channel written in the file.
"""

from __future__ import annotations

from typing import Any

from . import channel_parameters
from .commands import Command, _Edit, _message_label, _validated
from .errors import EditError
from .model import AmqpQueue, ChannelParameter, Flow, FlowBindings, KafkaTopic, Transport


def _refusal(flow: Flow, channel: str) -> str | None:
    """Why the flow cannot have `channel` with parameters following it (None: it can)."""
    for name in channel_parameters.names_in(channel):
        problem = channel_parameters.name_problem(name)
        if problem is not None:
            return f"channel {channel!r}: the parameter {{{name}}} {problem}"
    if flow.transport is Transport.HTTP:
        return None  # an http path is a route, not a broker address: no parameters
    named = list(dict.fromkeys(channel_parameters.names_in(channel)))
    wrong = channel_parameters.problems(channel, named)
    return f"channel {channel!r} {wrong[0]}" if wrong else None


class EditChannel(Command):
    """Give a flow its own channel (None or blank: the derived name); its parameters
    follow the `{name}` segments of the new channel."""

    def __init__(self, flow_id: str, channel: str | None) -> None:
        super().__init__()
        self.flow_id = flow_id
        self.channel = channel.strip() if channel is not None and channel.strip() else None
        self.text = "Edit channel"

    def perform(self, edit: _Edit) -> None:
        old = edit.doc.flow(self.flow_id)
        changes: dict[str, Any] = {"channel": self.channel}
        if self.channel is None:
            changes["parameters"] = []  # the derived name has no parameters
        else:
            refusal = _refusal(old, self.channel)
            if refusal is not None:
                raise EditError(refusal)
            if old.transport is not Transport.HTTP:
                changes["parameters"] = channel_parameters.following(self.channel, old.parameters)
        edit.replace("flows", _validated(Flow, old, changes))
        self.text = f"Edit channel of {_message_label(edit.doc, old.message)}"


class EditParameter(Command):
    """Change one channel parameter: `name` (its `{name}` segment follows), `type`,
    `description` (blank: none) or `enum` (the values it may take; empty: any)."""

    def __init__(self, flow_id: str, name: str, /, **changes: Any) -> None:
        super().__init__()
        self.flow_id, self.name, self.changes = flow_id, name, changes
        self.text = f"Edit parameter {{{name}}}"

    def perform(self, edit: _Edit) -> None:
        flow = edit.doc.flow(self.flow_id)
        index = next((i for i, p in enumerate(flow.parameters) if p.name == self.name), None)
        if index is None:
            raise EditError(f"flow {flow.id} has no channel parameter {{{self.name}}}")
        changes = dict(self.changes)
        _check_parameter_types(changes)
        if "description" in changes:
            changes["description"] = (changes["description"] or "").strip() or None
        if "enum" in changes:
            values = [v.strip() for v in changes["enum"] or [] if v.strip()]
            changes["enum"] = list(dict.fromkeys(values)) or None
        new_name = changes.get("name", self.name)
        channel = flow.channel
        if new_name != self.name:
            problem = channel_parameters.name_problem(new_name)
            if problem is not None:
                raise EditError(f"the parameter {{{new_name}}} {problem}")
            if any(p.name == new_name for p in flow.parameters):
                raise EditError(f"the flow already has a parameter {{{new_name}}}: each name once")
            channel = channel_parameters.renamed(channel or "", self.name, new_name) or None
        parameter = _validated(ChannelParameter, flow.parameters[index], changes)
        parameters = [*flow.parameters]
        parameters[index] = parameter
        edit.replace(
            "flows", _validated(Flow, flow, {"channel": channel, "parameters": parameters})
        )
        label = _message_label(edit.doc, flow.message)
        self.text = (
            f"Rename parameter {{{self.name}}} of {label} to {{{new_name}}}"
            if new_name != self.name
            else f"Edit parameter {{{self.name}}} of {label}"
        )


def _check_parameter_types(changes: dict[str, Any]) -> None:
    """EditError for a value of the wrong type, before the text is tidied (a list given
    as the description or name crashed `.strip()` and the name check)."""
    for key in ("name", "type"):
        if key in changes and not isinstance(changes[key], str):
            raise EditError(f"a channel parameter's {key} is text")
    if "description" in changes and not isinstance(changes["description"], (str, type(None))):
        raise EditError("a channel parameter's description is text")
    enum = changes.get("enum")
    if enum is not None and not (isinstance(enum, list) and all(isinstance(v, str) for v in enum)):
        raise EditError("a channel parameter's values are a list of texts")


def normalised(amqp: AmqpQueue | None, kafka: KafkaTopic | None) -> FlowBindings | None:
    """Bindings as the file keeps them: a part saying only the defaults is left out, so
    turning a setting on and off again leaves the flow's line as it was."""
    amqp = None if amqp == AmqpQueue() else amqp
    kafka = None if kafka == KafkaTopic() else kafka
    if amqp is None and kafka is None:
        return None
    return FlowBindings(amqp=amqp, kafka=kafka)


class EditBindings(Command):
    """Set the receiver's RabbitMQ queue and the Kafka topic settings of one flow."""

    def __init__(self, flow_id: str, amqp: AmqpQueue | None, kafka: KafkaTopic | None) -> None:
        super().__init__()
        self.flow_id, self.bindings = flow_id, normalised(amqp, kafka)
        self.text = "Edit broker settings"

    def perform(self, edit: _Edit) -> None:
        flow = edit.doc.flow(self.flow_id)
        # Checked again from plain values: a setting built without validation is refused too.
        bindings = None if self.bindings is None else self.bindings.model_dump(warnings=False)
        edit.replace("flows", _validated(Flow, flow, {"bindings": bindings}))
        self.text = f"Edit broker settings of {_message_label(edit.doc, flow.message)}"
