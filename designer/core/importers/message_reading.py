"""AsyncAPI messages -> the design's messages: names, payload fields, replies' fields.

A message is read once, on first sight, whichever operation names it; an unnamed inline
one is named after its operation. Payloads become fields (schema_fields.py) once unwrapped
from a multi-format schema; an Avro schema is read as its JSON Schema equivalent
(avro_schemas.py); other schema formats are reported. Messages declared
in components but used by no operation are kept without flows.
"""

from __future__ import annotations

import re
from typing import Any

from designer.core.channels import METADATA_HEADERS, slug
from designer.core.errors import json_path
from designer.core.model import MessageField, MessageKind

from .avro_schemas import avro_as_json_schema, is_avro_format
from .binding_settings import BINDINGS_KEPT, kept_fanout, kept_value, leaves
from .import_state import ImportState, MessageSeen, extensions_of
from .schema_fields import Payload
from .schema_shapes import json_schema_format
from .spec_loading import Spec, text_of


class MessageReading(ImportState):
    def _message(
        self,
        ref: Any,
        at: str,
        *,
        has_reply: bool,
        key: str | None = None,
        operation: tuple[str, str | None] | None = None,
        unnamed: str | None = None,
    ) -> str | None:
        """The id of the message `ref` names, read on first sight; None when it is none.

        `key` is the message's key in its channel; `unnamed` names an inline message that
        has neither `name`, key nor title (after its operation)."""
        assert self._mapper is not None
        target, last = self.spec.deref(ref, at)
        if not isinstance(target, dict):
            self._note(at, "not a message: skipped")
            return None
        if target.get("x-msgflow-kind") == "reply":
            return None
        key = last.rsplit("/", 1)[-1] if last else key
        name = str(target.get("name") or key or target.get("title") or unnamed or "Message")
        message_id = str(target.get("x-msgflow-id") or _message_id(name))
        if message_id not in self.messages:
            self.messages[message_id] = self._read_message(target, name, message_id, at)
        message = self.messages[message_id]
        message.has_reply = message.has_reply or has_reply
        if operation is not None:
            message.operation_names.append(operation[0])
            message.descriptions.append(operation[1])
        return message_id

    def _with_traits(self, item: Any, at: str) -> Any:
        """An operation or message with its `traits` applied: what the item says itself
        wins (AsyncAPI 3), so a trait only fills in what is missing."""
        if not isinstance(item, dict) or not isinstance(item.get("traits"), list):
            return item
        merged = {k: v for k, v in item.items() if k != "traits"}
        for index, raw in enumerate(item["traits"]):
            trait, _ = self.spec.deref(raw, f"{at}.traits[{index}]")
            if isinstance(trait, dict):
                for key, value in trait.items():
                    merged.setdefault(key, value)
        return merged

    def _read_message(
        self, target: dict[str, Any], name: str, message_id: str, at: str
    ) -> MessageSeen:
        assert self._mapper is not None
        target = self._with_traits(target, at)
        payload = self._payload(target, name, at)
        if target.get("headers") and not _only_metadata(target["headers"]):
            self._note(f"{at}.headers", f"headers of {name} are not part of a design: not kept")
        key_field = self._record_key_field(target, payload, at)
        kept = frozenset({"kafka.key"}) if key_field is not None else frozenset()
        self._note_bindings(target.get("bindings"), f"{at}.bindings", kept=kept)
        description = text_of(target.get("summary")) or text_of(target.get("description"))
        return MessageSeen(
            message_id,
            name,
            None,
            payload.fields,
            description,
            target.get("x-msgflow-owner"),
            target.get("x-msgflow-version", 1),  # a whole number (extension_shapes.py)
            explicit_kind=target.get("x-msgflow-kind"),
            from_msgflow="x-msgflow-id" in target,
            extras=extensions_of(target),
            correlated="correlationId" in target,
            descriptions=[text_of(target.get("summary")), text_of(target.get("description"))],
            one_of=payload.one_of,
            discriminator=payload.discriminator,
            key_field=key_field,
            source=self.spec.source,
            where=at,
        )

    def _record_key_field(self, target: dict[str, Any], payload: Payload, at: str) -> str | None:
        """The payload field a Kafka message binding's `key` is, or None (then reported).

        The key schema says so itself (`x-msgflow-field`, msgflow's export), or is the very
        schema one payload property is (both `$ref` the same `OrderId`): a key that is only
        `type: string` could be any field, and a guess would reorder someone's records."""
        bindings = target.get("bindings")
        kafka = bindings.get("kafka") if isinstance(bindings, dict) else None
        if not isinstance(kafka, dict) or "key" not in kafka:
            return None
        key, _ = self.spec.deref(kafka["key"], f"{at}.bindings.kafka.key")
        if not isinstance(key, dict) or not key:
            return None  # a remote schema (not followed) or no schema
        fields = {f.name: f for f in payload.fields}
        named = key.get("x-msgflow-field")
        if isinstance(named, str):
            return named if named in fields else None
        resolved, _ = self.spec.deref(target.get("payload"), f"{at}.payload")
        if isinstance(resolved, dict) and "schemaFormat" in resolved and "schema" in resolved:
            resolved, _ = self.spec.deref(resolved.get("schema"), f"{at}.payload.schema")
        properties = resolved.get("properties") if isinstance(resolved, dict) else None
        same = [
            name
            for name, prop in (properties.items() if isinstance(properties, dict) else ())
            if name in fields and self.spec.deref(prop, f"{at}.payload")[0] is key
        ]
        return same[0] if len(same) == 1 else None

    def _payload(self, target: dict[str, Any], name: str, at: str) -> Payload:
        """A message's payload: fields, or a union of records when it is one of several."""
        assert self._mapper is not None
        payload = target.get("payload")
        schema_format = str(target.get("schemaFormat", ""))
        payload_at = f"{at}.payload"
        resolved, _ = self.spec.deref(payload, payload_at)
        if isinstance(resolved, dict) and "schemaFormat" in resolved and "schema" in resolved:
            # AsyncAPI 3 multi-format schema: {schemaFormat, schema}
            schema_format = str(resolved.get("schemaFormat") or "")
            payload, payload_at = resolved.get("schema"), f"{payload_at}.schema"
        if is_avro_format(schema_format):
            avro, _ = self.spec.deref(payload, payload_at)
            if id(avro) not in self._avro_read:
                self._avro_read[id(avro)] = avro_as_json_schema(avro, payload_at, self._note)
            converted = self._avro_read[id(avro)]
            if converted is not None:
                return self._mapper.payload(converted, payload_at, owner=name)
        if schema_format and not json_schema_format(schema_format):
            self._note(
                payload_at,
                f"payload in {schema_format} is not read: the message has no fields",
            )
            return Payload()
        return self._mapper.payload(payload, payload_at, owner=name)

    def _response(self, message_id: str, refs: list[Any], at: str) -> None:
        message = self.messages[message_id]
        message.kind = MessageKind.QUERY
        targets = []
        keys: dict[int, str] = {}  # a reply's key in its document, when it is a `$ref`
        for index, ref in enumerate(refs):
            target, last = self.spec.deref(ref, f"{at}.messages[{index}]")
            if isinstance(target, dict):
                self._replies.add(id(target))  # a reply is part of its query, not a message
                targets.append((index, target))
                if last:
                    keys[index] = last.rsplit("/", 1)[-1]
        if message.response is not None:
            return
        if len(targets) == 1:  # one reply: its payload may be one of several records
            index, target = targets[0]
            reply = self._payload(target, f"{message.name}Reply", f"{at}.messages[{index}]")
            message.response = reply.fields
            message.response_one_of = reply.one_of
            message.response_discriminator = reply.discriminator
            return
        assert self._mapper is not None
        answers = [
            (
                str(
                    target.get("name")
                    or keys.get(index)
                    or target.get("title")
                    or f"{message.name}Reply{index + 1}"
                ),
                self._payload(target, f"{message.name}Reply", f"{at}.messages[{index}]"),
            )
            for index, target in targets
        ]
        union = self._mapper.answers_union(answers, at)
        if union is not None:  # the answer is one of the reply messages
            message.response = []
            message.response_one_of = union.one_of
            message.response_discriminator = union.discriminator
            self._note(
                at,
                f"{len(targets)} reply messages: the answer is one of "
                + " | ".join(union.one_of or []),
            )
            return
        fields: list[MessageField] = []
        for _name, reply in answers:
            answer = reply.fields
            if fields:  # several replies: a field is required only where every reply has it
                names = {f.name for f in answer}
                fields = [
                    f if f.name in names else f.model_copy(update={"required": False})
                    for f in fields
                ]
                known = {f.name for f in fields}
                answer = [
                    f.model_copy(update={"required": False}) for f in answer if f.name not in known
                ]
            fields.extend(answer)
        if len(refs) > 1:
            self._note(
                at,
                f"{len(refs)} reply messages: one response with every reply's fields, "
                "optional unless all of them have it",
            )
        message.response = fields

    def _unused_messages(self, spec: Spec) -> None:
        """Messages declared in components but used by no operation: kept, without flows."""
        declared = (spec.data.get("components") or {}).get("messages") or {}
        if not isinstance(declared, dict):
            return
        for key, raw in declared.items():
            at = json_path(("components", "messages", key))
            if id(spec.deref(raw, at)[0]) in self._replies:
                continue
            before = set(self.messages)
            message_id = self._message(
                {"$ref": f"#/components/messages/{key}"}, at, has_reply=False
            )
            if message_id is not None and message_id not in before:
                self._note(
                    at,
                    f"{self.messages[message_id].name} is used by no operation: imported without flows",
                )

    def _note_bindings(self, bindings: Any, at: str, kept: frozenset[str] = frozenset()) -> None:
        """Report each binding setting the design cannot hold (once per bindings object).

        The design keeps what the naming convention and the flow say (an amqp queue or
        exchange and its type, as the transport) and a flow's `bindings` (the receiver's
        queue durability, exclusivity, auto-delete; a Kafka topic's partitions and
        replicas; a Kafka message key that is a payload field, named in `kept` as
        `protocol.path`). Other keys, QoS, methods, group ids are reported, never dropped
        silently; so is an exchange type the design only approximates. msgflow's own
        exports carry only what the design holds."""
        if not isinstance(bindings, dict) or id(bindings) in self._bindings_seen:
            return
        self._bindings_seen.add(id(bindings))
        if self._from_msgflow:
            return
        for protocol, settings in bindings.items():
            lost = [
                f"{path}={value}"
                for path, value in leaves(settings, "")
                if (
                    path not in BINDINGS_KEPT.get(str(protocol), ("bindingVersion",))
                    or not kept_value(path, value)
                )
                and f"{protocol}.{path}" not in kept
            ]
            if lost:
                self._note(
                    f"{at}.{protocol}",
                    f"{protocol} binding {', '.join(lost)} is not part of a design: not kept",
                )
            exchange = settings.get("exchange") if isinstance(settings, dict) else None
            kind = exchange.get("type") if isinstance(exchange, dict) else None
            if protocol != "amqp" or kind not in ("fanout", "headers"):
                continue
            if kind == "fanout" and kept_fanout(settings):
                continue  # the flows' `bindings.amqp.exchange_type`
            # Headers route by values of message headers, which a design does not hold:
            # every subscriber still gets every message of its event (one routing key per
            # event on the publisher's topic exchange), but not by this exchange.
            self._note(
                f"{at}.{protocol}.exchange.type",
                f"amqp exchange type {kind}: drawn as the design's topic exchange (one "
                "routing key per message); the exchange type itself is not kept"
                + (
                    ": a headers exchange routes by header values, which a design does not hold"
                    if kind == "headers"
                    else ""
                ),
            )


def _message_id(name: str) -> str:
    return slug(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name))


def _only_metadata(headers: Any) -> bool:
    """Headers that only describe the ids msgflow's services send (nothing to keep)."""
    properties = headers.get("properties") if isinstance(headers, dict) else None
    return isinstance(properties, dict) and set(properties) <= set(METADATA_HEADERS)
