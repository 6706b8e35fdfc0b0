"""AsyncAPI operations -> what each service sends and receives, on which address.

AsyncAPI 3 `operations` (action send/receive, a channel, messages, a `reply`) and 2.x
channel items (`publish` means the application receives, `subscribe` that it sends: the
2.x spec's own perspective) become OperationSeen records, with the channel's protocol,
transport, parameters and the bindings a design keeps.
"""

from __future__ import annotations

from typing import Any

from designer.core.errors import json_path
from designer.core.model import ChannelParameter

from .binding_settings import flow_bindings
from .channel_addresses import runtime_address, transport_of
from .import_state import OperationSeen, extensions_of
from .message_reading import MessageReading
from .parameter_reading import read_parameters
from .schema_fields import record_name
from .server_reading import ServerReading
from .spec_loading import Spec, text_of


class OperationReading(MessageReading, ServerReading):
    def _parameters(self, channel: dict[str, Any], at: str) -> tuple[ChannelParameter, ...]:
        """A channel's parameters, read (and reported) once however many operations use it."""
        if id(channel) not in self._parameters_read:
            self._parameters_read[id(channel)] = read_parameters(
                channel, self.spec.deref, at, self._note
            )
        return self._parameters_read[id(channel)]

    def _raw_operations(self, spec: Spec) -> list[Any]:
        if spec.major >= 3:
            return list((spec.data.get("operations") or {}).values())
        ops: list[Any] = []
        for item in (spec.data.get("channels") or {}).values():
            if isinstance(item, dict):
                ops.extend(item.get(k) for k in ("publish", "subscribe") if item.get(k))
        return ops

    def _read_v3(self, spec: Spec, protocols: dict[str, str]) -> None:
        operations = spec.data.get("operations") or {}
        if not operations:
            self._note(
                "$.operations",
                "no operations: channels alone say nothing about who sends or receives",
            )
        for key, raw in operations.items():
            at = json_path(("operations", key))
            self._outcome_keys.append((spec.source, at, str(key)))
            op, _ = spec.deref(raw, at)
            op = self._with_traits(op, at)
            if not isinstance(op, dict) or op.get("action") not in ("send", "receive"):
                self._note(at, "not an operation with action send/receive: skipped")
                continue
            channel, _ = spec.deref(op.get("channel"), f"{at}.channel")
            if not isinstance(channel, dict):
                self._note(at, "the operation names no channel: skipped")
                continue
            address = channel.get("address")
            if address is None:
                self._note(f"{at}.channel", "the channel has no address: skipped")
                continue
            listed = op.get("messages") or []
            if not isinstance(listed, list):  # AsyncAPI 3.0: a list of references
                self._note(f"{at}.messages", "not a list of messages: the channel's are taken")
                listed = []
            refs: list[tuple[Any, str | None]] = [(r, None) for r in listed]
            if not refs:  # every message of the channel; their keys name inline ones
                refs = [(v, str(k)) for k, v in _mapping(channel.get("messages")).items()]
            if not refs:  # Glee's HTTP client asks httpbin.org with no body described
                self._note(
                    at,
                    "the operation carries no message (neither it nor its channel names "
                    "one): nothing to draw a flow of",
                )
            reply = op.get("reply")
            reply_address, reply_messages = self._v3_reply(spec, reply, f"{at}.reply")
            node = self._operation_node(op)
            protocol = self._protocol_of(channel.get("servers"), protocols, at)
            transport = transport_of(channel, protocol)
            self._note_bindings(channel.get("bindings"), f"{at}.channel.bindings")
            for index, (ref, message_key) in enumerate(refs):
                message_id = self._message(
                    ref,
                    f"{at}.messages[{index}]",
                    has_reply=reply is not None,
                    key=message_key,
                    operation=(
                        str(key),
                        text_of(op.get("summary")) or text_of(op.get("description")),
                    ),
                    unnamed=f"{key}{index + 1}" if len(refs) > 1 else str(key),
                )
                if message_id is None:
                    continue
                if reply is not None:
                    self._response(message_id, reply_messages, f"{at}.reply")
                self.operations.append(
                    OperationSeen(
                        node,
                        op["action"],
                        str(address),
                        protocol,
                        transport,
                        message_id,
                        reply is not None,
                        reply_address,
                        extensions_of(op),
                        at,
                        spec.source,
                        op_path=at,
                        op_name=str(key),
                        runtime_address=runtime_address(str(address), channel),
                        message_object=id(spec.deref(ref, at)[0]),
                        reply_objects=frozenset(
                            id(spec.deref(r, f"{at}.reply")[0]) for r in reply_messages
                        ),
                        parameters=self._parameters(channel, f"{at}.channel"),
                        design_channel=_design_channel(channel),
                        bindings=flow_bindings(channel.get("bindings")),
                    )
                )
            if op.get("bindings"):
                self._note_bindings(op["bindings"], f"{at}.bindings")

    def _v3_reply(self, spec: Spec, reply: Any, at: str) -> tuple[str | None, list[Any]]:
        if reply is None:
            return None, []
        target, _ = spec.deref(reply, at)
        if not isinstance(target, dict):
            return None, []
        channel, _ = spec.deref(target.get("channel"), f"{at}.channel")
        address = channel.get("address") if isinstance(channel, dict) else None
        if address is None and isinstance(target.get("address"), dict):
            self._note(
                f"{at}.address",
                f"replies go to a runtime address ({target['address'].get('location')}): the requester's default reply queue is used",
            )
        messages = target.get("messages") or (
            list(_mapping(channel.get("messages")).values()) if isinstance(channel, dict) else []
        )
        return (str(address) if address is not None else None), messages

    def _read_v2(self, spec: Spec, protocols: dict[str, str]) -> None:
        for address, raw in (spec.data.get("channels") or {}).items():
            at = f"$.channels[{address!r}]"
            item, _ = spec.deref(raw, at)
            if not isinstance(item, dict):
                continue
            protocol = self._protocol_of(item.get("servers"), protocols, at)
            self._note_bindings(item.get("bindings"), f"{at}.bindings")
            for verb, action in (("subscribe", "send"), ("publish", "receive")):
                where = f"{at}.{verb}"
                op = self._with_traits(item.get(verb), where)
                if not isinstance(op, dict):
                    continue
                op_name = str(op.get("operationId") or f"{verb} {address}")
                self._outcome_keys.append((spec.source, where, op_name))
                refs = op.get("message")
                target, _ = spec.deref(refs, f"{where}.message")
                if isinstance(target, dict) and "oneOf" in target:
                    refs = target["oneOf"]
                elif refs is None:
                    self._note(where, "the operation has no message: skipped")
                    continue
                else:
                    refs = [refs]
                node = self._operation_node(op)
                # An unnamed inline message is named after its operation (or channel), so
                # two of them (an RPC request and its reply) never merge into one.
                stem = str(op.get("operationId") or f"{record_name(str(address))}Message")
                for index, ref in enumerate(refs):
                    message_id = self._message(
                        ref,
                        f"{where}.message",
                        has_reply=False,
                        operation=(
                            op_name,
                            text_of(op.get("summary")) or text_of(op.get("description")),
                        ),
                        unnamed=f"{stem}{index + 1}" if len(refs) > 1 else stem,
                    )
                    if message_id is not None:
                        self.operations.append(
                            OperationSeen(
                                node,
                                action,
                                str(address),
                                protocol,
                                transport_of(item, protocol),
                                message_id,
                                False,
                                None,
                                extensions_of(op),
                                f"{where}.message[{index}]",
                                spec.source,
                                op_path=where,
                                op_name=op_name,
                                runtime_address=runtime_address(str(address), item),
                                parameters=self._parameters(item, at),
                                bindings=flow_bindings(item.get("bindings")),
                            )
                        )
                if op.get("bindings"):
                    self._note_bindings(op["bindings"], f"{where}.bindings")

    def _operation_node(self, op: dict[str, Any]) -> str:
        service = op.get("x-service")
        if not service:
            return self.default_node
        return self._node(str(service), None, actor=bool(op.get("x-msgflow-actor")))


def _design_channel(channel: dict[str, Any]) -> str | None:
    kept = channel.get("x-msgflow-channel")
    return kept if isinstance(kept, str) and kept else None


def _mapping(value: Any) -> dict[Any, Any]:
    """A channel's `messages` (a mapping in AsyncAPI 3.0), or none for anything else a
    hand-edited document holds there."""
    return value if isinstance(value, dict) else {}
