"""AsyncAPI 2.6 / 3.0 documents -> one design.

Each document describes one service (its `x-service` or title), unless its operations
name their own service with `x-service` (a whole-system document). Operations become
flows: on each channel address every sender is linked to every receiver, across
documents, which is how several services' documents meet in one system design.
Message kinds come from the document's own signals (`kind_reading.py`). AsyncAPI 2.x
`publish` means the application receives, `subscribe` means it sends (the 2.x spec's own
perspective). A send that no imported document receives goes to the actor `external`, as
a receive that none sends comes from it: every source operation becomes a flow, and the
report lists each with the flows it became.

Whatever cannot be mapped is written to the report; nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from designer.core.channel_parameters import names_in as parameter_names
from designer.core.channels import METADATA_HEADERS, ChannelNames, slug
from designer.core.errors import one_line
from designer.core.io import json_path, natural_key
from designer.core.layout import auto_layout
from designer.core.model import (
    ChannelParameter,
    Design,
    Flow,
    Message,
    MessageField,
    MessageKind,
    Node,
    NodeKind,
    Settings,
    Transport,
)

from .binding_settings import BINDINGS_KEPT, leaves
from .channel_addresses import (
    PARAMETER,
    channel_value,
    parameterised_channel,
    runtime_address,
    transport_of,
    usable_channel,
)
from .kind_reading import read_kind
from .parameter_reading import read_parameters
from .schema_fields import SchemaMapper, record_name
from .spec_loading import Spec, SpecLoadError, SpecProblem

EXTERNAL_ACTOR = "external"
# Where a foreign document's broker servers are kept (the AsyncAPI export reads them).
SERVERS_SETTING = "asyncapi_servers"
BROKER_PROTOCOLS = frozenset({"amqp", "amqps", "nats", "kafka", "kafka-secure", "redis"})
_PairKey = tuple[str, str, str, str]  # message, sender, receiver, address


@dataclass(frozen=True)
class ImportNote:
    source: str
    path: str
    message: str

    def __str__(self) -> str:
        # Notes about the built design have no document: `path` is then a message or flow id.
        where = f"{self.source}: {self.path}" if self.source else f"in the design, {self.path}"
        return one_line(f"{where}: {self.message}")  # names may hold a newline


@dataclass(frozen=True)
class OperationOutcome:
    """What one source operation became: the ids of its flows."""

    source: str
    path: str  # the operation's JSON path in its document
    name: str
    flows: tuple[str, ...]

    def __str__(self) -> str:
        became = ", ".join(self.flows) if self.flows else "no flow"
        return one_line(f"{self.source}: {self.path} ({self.name}) -> {became}")


@dataclass
class ImportResult:
    design: Design
    notes: list[ImportNote]
    operations: list[OperationOutcome] = field(default_factory=list)


@dataclass
class _Message:
    id: str
    name: str
    kind: MessageKind | None
    fields: list[MessageField]
    description: str | None
    owner: str | None
    version: int
    response: list[MessageField] | None = None
    explicit_kind: str | None = None
    # Written by msgflow (`x-msgflow-id`): what it leaves out is absent, not unknown.
    from_msgflow: bool = False
    extras: dict[str, Any] = field(default_factory=dict)
    correlated: bool = False  # carries a correlationId
    has_reply: bool = False
    operation_names: list[str] = field(default_factory=list)
    descriptions: list[str | None] = field(default_factory=list)


@dataclass
class _Operation:
    node: str
    action: str  # send | receive
    address: str
    protocol: str
    transport: Transport | None
    message: str  # message id
    has_reply: bool
    reply_address: str | None
    extras: dict[str, Any] = field(default_factory=dict)
    where: str = "$"
    source: str = ""
    op_path: str = ""  # the source operation this came from ("" for a made-up end)
    op_name: str = ""
    # On an address only known at run time (`{queue}`, an exclusive queue): where an
    # RPC server answers, by the AMQP convention (AsyncAPI's rpc examples).
    runtime_address: bool = False
    # Object identities (within one document): the message read, and a reply's messages.
    message_object: int = 0
    reply_objects: frozenset[int] = frozenset()
    # The address's `{name}` parameters, and the design's channel a msgflow export names
    # where the address leaves them out (`x-msgflow-channel`, Kafka topics).
    parameters: tuple[ChannelParameter, ...] = ()
    design_channel: str | None = None


def import_asyncapi(specs: list[Spec], name: str | None = None) -> ImportResult:
    """Build one design from the documents; the result is laid out and valid."""
    builder = _Builder()
    for spec in specs:
        try:
            builder.read(spec)
        except RecursionError:
            # A schema containing itself through a YAML alias (not a $ref) has no end.
            raise SpecLoadError(
                [SpecProblem(spec.source, "$", "a schema contains itself through a YAML alias")]
            ) from None
    single_title = specs[0].data.get("info", {}).get("title") if len(specs) == 1 else None
    design = builder.build(name or builder.design_name or single_title)
    return ImportResult(design, builder.notes, builder.outcomes)


class _Builder:
    def __init__(self) -> None:
        self.notes: list[ImportNote] = []
        self.nodes: dict[str, Node] = {}
        self.messages: dict[str, _Message] = {}
        self.operations: list[_Operation] = []
        self.schemas: dict[str, Any] = {}
        self.description: str | None = None
        self._mapper: SchemaMapper | None = None
        self._records: dict[str, Any] = {}
        self.design_name: str | None = None
        self._descriptions: list[str | None] = []
        self.outcomes: list[OperationOutcome] = []
        self._replies: set[int] = set()  # reply message objects met (by identity)
        self._bindings_seen: set[int] = set()
        self._parameters_read: dict[int, tuple[ChannelParameter, ...]] = {}
        self._design_channels: dict[str, str] = {}  # flow id -> its `x-msgflow-channel`
        self.settings: dict[str, Any] | None = None  # a msgflow design's own settings
        self.servers: dict[str, dict[str, str]] = {}  # brokers' servers of foreign documents
        # Flows of msgflow's own exports: their channel and reply are the design's, verbatim.
        self._verbatim: set[str] = set()
        self._from_msgflow = False
        # A reply operation folded into its request's flows: (source, path) -> the request's.
        self._absorbed: dict[tuple[str, str], tuple[str, str]] = {}
        self._outcome_keys: list[tuple[str, str, str]] = []  # (source, path, name) in order

    # ------------------------------------------------------------------ reading

    def read(self, spec: Spec) -> None:
        self.spec = spec
        self._mapper = SchemaMapper(spec.deref, self._note)
        info = spec.data.get("info") or {}
        title = str(info.get("title") or spec.source)
        design_info = info.get("x-msgflow-design")
        self._from_msgflow = bool(design_info or info.get("x-msgflow-nodes"))
        if isinstance(design_info, dict):  # written by msgflow: the whole design's name
            self.design_name = self.design_name or design_info.get("name")
            if isinstance(design_info.get("settings"), dict) and self.settings is None:
                self.settings = design_info["settings"]
            self.description = self.description or design_info.get("description")
        else:
            self._descriptions.append(info.get("description"))
        for entry in info.get("x-msgflow-nodes", []) or []:
            node = Node.model_validate(entry)
            self.nodes.setdefault(node.id, node)
        default_node = str(info.get("x-service") or slug(title))
        if info.get("x-service") or not any(
            isinstance(op, dict) and op.get("x-service") for op in self._raw_operations(spec)
        ):
            self._node(default_node, title, info.get("description"), info.get("x-msgflow-boundary"))
        self.default_node = default_node
        for problem in spec.unfollowed:
            self.notes.append(ImportNote(problem.source, problem.path, problem.message))
        protocols = self._protocols(spec)
        first_operation = len(self.operations)
        if spec.major >= 3:
            self._read_v3(spec, protocols)
        else:
            self._read_v2(spec, protocols)
        self._request_reply_by_convention(first_operation)
        self._absorb_reply_operations(first_operation)
        self._unused_messages(spec)
        self._records.update(self._mapper.records)
        for key in ("security", "tags", "externalDocs"):
            if key in spec.data or key in info:
                self._note("$", f"'{key}' is not part of a design: not imported")
        if (spec.data.get("components") or {}).get("securitySchemes"):
            self._note(
                "$.components.securitySchemes",
                "security schemes are not part of a design: not imported",
            )

    def _parameters(self, channel: dict[str, Any], at: str) -> tuple[ChannelParameter, ...]:
        """A channel's parameters, read (and reported) once however many operations use it."""
        if id(channel) not in self._parameters_read:
            self._parameters_read[id(channel)] = read_parameters(
                channel, self.spec.deref, at, self._note
            )
        return self._parameters_read[id(channel)]

    def _note(self, path: str, message: str) -> None:
        self.notes.append(ImportNote(self.spec.source, path, message))

    def _raw_operations(self, spec: Spec) -> list[Any]:
        if spec.major >= 3:
            return list((spec.data.get("operations") or {}).values())
        ops: list[Any] = []
        for item in (spec.data.get("channels") or {}).values():
            if isinstance(item, dict):
                ops.extend(item.get(k) for k in ("publish", "subscribe") if item.get(k))
        return ops

    def _node(
        self,
        node_id: str,
        name: str | None,
        description: str | None = None,
        boundary: str | None = None,
        actor: bool = False,
    ) -> str:
        if node_id not in self.nodes:
            self.nodes[node_id] = Node(
                id=node_id,
                name=name or node_id,
                description=description,
                boundary=boundary,
                kind=NodeKind.ACTOR if actor else NodeKind.SERVICE,
            )
        return node_id

    def _protocols(self, spec: Spec) -> dict[str, str]:
        servers = spec.data.get("servers") or {}
        result: dict[str, str] = {}
        for key, server in servers.items() if isinstance(servers, dict) else []:
            target, _ = spec.deref(server, json_path(("servers", key)))
            if isinstance(target, dict):
                result[str(key)] = str(target.get("protocol", "")).lower()
                where = str(target.get("url") or target.get("host") or "")
                if where and not self._from_msgflow:
                    self._keep_server(str(key), result[str(key)], where)
        known = {
            "amqp",
            "amqps",
            "nats",
            "kafka",
            "kafka-secure",
            "redis",
            "http",
            "https",
        }
        for key, protocol in result.items():
            if protocol not in known:
                # WebSocket, MQTT, STOMP...: messages flow both ways without a request
                # waiting for its answer, so they are asynchronous, never http.
                self._note(
                    json_path(("servers", key)),
                    f"protocol '{protocol}' has no msgflow broker: its channels are asynchronous, "
                    "events on topics, commands and queries on queues",
                )
        return result

    def _keep_server(self, key: str, protocol: str, where: str) -> None:
        """A broker's host kept in `settings.generate.asyncapi_servers` (the AsyncAPI export
        names it instead of localhost); other servers are reported."""
        at = json_path(("servers", key))
        host = where.split("://", 1)[-1].rstrip("/")  # a 2.x url: scheme://host:port
        if protocol not in BROKER_PROTOCOLS:
            why = f"no msgflow broker speaks {protocol}" if protocol else "no protocol given"
            self._note(at, f"server {protocol} {where} is not part of a design ({why}): not kept")
            return
        if "{" in host or "/" in host:  # server variables or a path: not a plain host
            self._note(
                at, f"server {protocol} {where} has variables or a path, not a plain host: not kept"
            )
            return
        kept = self.servers.setdefault(key, {"host": host, "protocol": protocol})
        if kept != {"host": host, "protocol": protocol}:
            self._note(
                at, f"another document's server '{key}' is kept ({kept['host']}): not this one"
            )
            return
        self._note(
            at,
            f"server {protocol} {host} kept in settings.generate.asyncapi_servers: the AsyncAPI "
            "export names it; generated code connects to the broker URL it is given",
        )

    def _protocol_of(self, servers: Any, protocols: dict[str, str], at: str) -> str:
        if isinstance(servers, list) and servers:
            first = servers[0]
            name = (
                first.rsplit("/", 1)[-1]
                if isinstance(first, str)
                else str(first.get("$ref", "")).rsplit("/", 1)[-1]
            )
            if name in protocols:
                return protocols[name]
        values = sorted(set(protocols.values()))
        if len(values) > 1:
            broker = [p for p in values if p not in ("http", "https")]
            if broker:
                return broker[0]
        return values[0] if values else ""

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
            refs: list[tuple[Any, str | None]] = [(r, None) for r in op.get("messages") or []]
            if not refs:  # every message of the channel; their keys name inline ones
                refs = [(v, str(k)) for k, v in (channel.get("messages") or {}).items()]
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
                    operation=(str(key), op.get("summary") or op.get("description")),
                    unnamed=f"{key}{index + 1}" if len(refs) > 1 else str(key),
                )
                if message_id is None:
                    continue
                if reply is not None:
                    self._response(message_id, reply_messages, f"{at}.reply")
                self.operations.append(
                    _Operation(
                        node,
                        op["action"],
                        str(address),
                        protocol,
                        transport,
                        message_id,
                        reply is not None,
                        reply_address,
                        _extras(op),
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
            list((channel.get("messages") or {}).values()) if isinstance(channel, dict) else []
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
                        operation=(op_name, op.get("summary") or op.get("description")),
                        unnamed=f"{stem}{index + 1}" if len(refs) > 1 else stem,
                    )
                    if message_id is not None:
                        self.operations.append(
                            _Operation(
                                node,
                                action,
                                str(address),
                                protocol,
                                transport_of(item, protocol),
                                message_id,
                                False,
                                None,
                                _extras(op),
                                f"{where}.message[{index}]",
                                spec.source,
                                op_path=where,
                                op_name=op_name,
                                runtime_address=runtime_address(str(address), item),
                                parameters=self._parameters(item, at),
                            )
                        )
                if op.get("bindings"):
                    self._note_bindings(op["bindings"], f"{where}.bindings")

    def _absorb_reply_operations(self, first: int) -> None:
        """A document describing a query's `reply` and also, as an operation of its own,
        the same service sending (or the requester receiving) on that reply channel: the
        operation is the reply, part of the query's flow, not a second message flow."""
        ops = self.operations[first:]
        for query in [op for op in ops if op.has_reply and op.reply_address is not None]:
            for op in ops:
                if (
                    op in self.operations
                    and op is not query
                    and op.address == query.reply_address
                    and op.node == query.node
                    and op.action != query.action
                    and not op.has_reply
                    and op.message_object in query.reply_objects
                ):
                    self.operations.remove(op)
                    self._absorbed[(op.source, op.op_path)] = (query.source, query.op_path)
                    answer = self.messages[op.message]
                    if not any(o.message == answer.id for o in self.operations):
                        del self.messages[answer.id]
                    self.notes.append(
                        ImportNote(
                            op.source,
                            op.where,
                            f"{op.op_name} carries the reply of {self.messages[query.message].name} "
                            f"on '{op.address}': part of that query's flow",
                        )
                    )

    def _request_reply_by_convention(self, first: int) -> None:
        """One document's RPC by the AMQP convention, without a `reply` object: a message
        with a correlationId answered by one with a correlationId on an address known
        only at run time (`{queue}`, an exclusive queue) is a query and its response."""
        ops = [op for op in self.operations[first:] if self.messages[op.message].correlated]
        replies = [op for op in ops if op.runtime_address]
        requests = [op for op in ops if not op.runtime_address]
        if len(replies) != 1 or len(requests) != 1:
            return
        (reply,), (request,) = replies, requests
        question, answer = self.messages[request.message], self.messages[reply.message]
        if reply.action == request.action or question.kind is not None or answer is question:
            return
        if question.explicit_kind or answer.explicit_kind:
            return
        question.kind = MessageKind.QUERY
        question.response = answer.fields
        self.operations.remove(reply)
        self._absorbed[(reply.source, reply.op_path)] = (request.source, request.op_path)
        if not any(op.message == answer.id for op in self.operations):
            del self.messages[answer.id]
            self._replies.add(id(answer))
        self.notes.append(
            ImportNote(
                request.source,
                request.where,
                f"{question.name}: taken as a query whose response is {answer.name} (request/reply "
                f"by convention: both carry a correlationId, and {answer.name} goes to the "
                f"requester's own address '{reply.address}')",
            )
        )

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

    def _note_bindings(self, bindings: Any, at: str) -> None:
        """Report each binding setting the design cannot hold (once per bindings object).

        The design keeps what the naming convention and the flow say: an amqp queue or
        exchange and its type (the transport). Durability, exclusivity, partitions, keys,
        QoS, methods are the generator's choices (durable shared queues), so they are
        reported, never dropped silently. msgflow's own exports carry only those."""
        if not isinstance(bindings, dict) or id(bindings) in self._bindings_seen:
            return
        self._bindings_seen.add(id(bindings))
        if self._from_msgflow:
            return
        for protocol, settings in bindings.items():
            lost = [
                f"{path}={value}"
                for path, value in leaves(settings, "")
                if path not in BINDINGS_KEPT.get(str(protocol), ("bindingVersion",))
            ]
            if lost:
                self._note(
                    f"{at}.{protocol}",
                    f"{protocol} binding {', '.join(lost)} is not part of a design: not kept",
                )

    def _operation_node(self, op: dict[str, Any]) -> str:
        service = op.get("x-service")
        if not service:
            return self.default_node
        return self._node(str(service), None, actor=bool(op.get("x-msgflow-actor")))

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
    ) -> _Message:
        assert self._mapper is not None
        target = self._with_traits(target, at)
        fields = self._payload_fields(target, name, at)
        if target.get("headers") and not _only_metadata(target["headers"]):
            self._note(f"{at}.headers", f"headers of {name} are not part of a design: not kept")
        self._note_bindings(target.get("bindings"), f"{at}.bindings")
        description = target.get("summary") or target.get("description")
        return _Message(
            message_id,
            name,
            None,
            fields,
            description,
            target.get("x-msgflow-owner"),
            int(target.get("x-msgflow-version", 1)),
            explicit_kind=target.get("x-msgflow-kind"),
            from_msgflow="x-msgflow-id" in target,
            extras=_extras(target),
            correlated="correlationId" in target,
            descriptions=[target.get("summary"), target.get("description")],
        )

    def _payload_fields(self, target: dict[str, Any], name: str, at: str) -> list[MessageField]:
        assert self._mapper is not None
        payload = target.get("payload")
        schema_format = str(target.get("schemaFormat", ""))
        payload_at = f"{at}.payload"
        resolved, _ = self.spec.deref(payload, payload_at)
        if isinstance(resolved, dict) and "schemaFormat" in resolved and "schema" in resolved:
            # AsyncAPI 3 multi-format schema: {schemaFormat, schema}
            schema_format = str(resolved.get("schemaFormat") or "")
            payload, payload_at = resolved.get("schema"), f"{payload_at}.schema"
        if schema_format and not _json_schema_format(schema_format):
            self._note(
                payload_at,
                f"payload in {schema_format} is not read: the message has no fields",
            )
            return []
        return self._mapper.fields(payload, payload_at, owner=name)

    def _response(self, message_id: str, refs: list[Any], at: str) -> None:
        message = self.messages[message_id]
        message.kind = MessageKind.QUERY
        targets = []
        for index, ref in enumerate(refs):
            target, _ = self.spec.deref(ref, f"{at}.messages[{index}]")
            if isinstance(target, dict):
                self._replies.add(id(target))  # a reply is part of its query, not a message
                targets.append((index, target))
        if message.response is not None:
            return
        fields: list[MessageField] = []
        for index, target in targets:
            answer = self._payload_fields(target, f"{message.name}Reply", f"{at}.messages[{index}]")
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

    # ------------------------------------------------------------------ building

    def build(self, name: str | None) -> Design:
        if self.description is None and len(self._descriptions) == 1:
            # One service's document: its description describes the design; several
            # services' descriptions stay on their nodes.
            self.description = self._descriptions[0]
        self._link_by_address()
        self._finish_kinds()
        flows = self._flows()
        messages = [
            Message(
                id=m.id,
                name=m.name,
                kind=m.kind or MessageKind.EVENT,
                description=m.description,
                owner=m.owner
                if m.owner in self.nodes
                else None
                if m.from_msgflow
                else self._derived_owner(m, flows),
                version=m.version,
                fields=m.fields,
                response=(m.response if m.response is not None else [])
                if m.kind is MessageKind.QUERY
                else None,
                long_running=bool(m.extras.get("x-msgflow-long-running")),
                scatter_gather=bool(m.extras.get("x-msgflow-scatter-gather")),
                suppress=m.extras.get("x-msgflow-suppress") or [],
            )
            for m in self.messages.values()
        ]
        design = Design(
            name=name or "Imported system",
            description=self.description,
            nodes=sorted(self.nodes.values(), key=lambda n: natural_key(n.id)),
            schemas=sorted(self._records.values(), key=lambda s: natural_key(s.name)),
            messages=sorted(messages, key=lambda m: natural_key(m.id)),
            flows=flows,
            settings=self._settings(),
        )
        design = self._explicit_channels(design)
        return auto_layout(design)

    def _settings(self) -> Settings:
        settings = Settings.model_validate(self.settings or {})
        if self.servers:
            generate = {**settings.generate, SERVERS_SETTING: dict(sorted(self.servers.items()))}
            settings = settings.model_copy(update={"generate": generate})
        return settings

    def _link_by_address(self) -> None:
        """A client's and a server's documents naming one message differently: on an
        address where one message is only sent and another only received, with the
        same fields, they are one message (the receiver's name: it handles it)."""
        sides: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for op in self.operations:
            sides[op.address][op.action].add(op.message)
        for address, by_action in sorted(sides.items()):
            sent = by_action["send"] - by_action["receive"]
            received = by_action["receive"] - by_action["send"]
            if len(sent) != 1 or len(received) != 1:
                continue
            (sent_id,), (received_id,) = sent, received
            client, server = self.messages[sent_id], self.messages[received_id]
            if [f.name for f in client.fields] != [f.name for f in server.fields]:
                continue
            if (client.kind or server.kind) and client.kind != server.kind:
                continue
            if any(op.address != address for op in self.operations if op.message == sent_id):
                continue
            for op in self.operations:
                if op.message == sent_id:
                    op.message = received_id
            if server.response is None:
                server.response = client.response
            server.operation_names.extend(client.operation_names)
            del self.messages[sent_id]
            self.notes.append(
                ImportNote(
                    "",
                    received_id,
                    f"{client.name} sent on '{address}' and {server.name} received there have "
                    f"the same fields: one message, {server.name}",
                )
            )

    def _finish_kinds(self) -> None:
        for message in self.messages.values():
            if message.kind is not None:  # a reply was described: a query
                continue
            reading = read_kind(
                explicit=message.explicit_kind,
                has_reply=message.has_reply,
                name=message.name,
                operation_names=message.operation_names,
                descriptions=[*message.descriptions],
            )
            message.kind = reading.kind
            if reading.reason is not None:
                self.notes.append(
                    ImportNote(
                        "",
                        message.id,
                        f"{message.name}: taken as {_a(reading.kind)} ({reading.reason})",
                    )
                )
            if reading.kind is MessageKind.QUERY and message.response is None:
                message.response = []
                if reading.reason is not None:
                    self.notes.append(
                        ImportNote(
                            "",
                            message.id,
                            f"{message.name}: a query whose reply is not described: its response is empty",
                        )
                    )

    def _flows(self) -> list[Flow]:
        by_channel: dict[tuple[str, str], dict[str, list[_Operation]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for op in self.operations:
            by_channel[(op.address, op.message)][op.action].append(op)
        pairs: dict[_PairKey, tuple[_Operation, _Operation]] = {}
        # Every source operation behind each pair, for the report of what each became.
        behind: dict[_PairKey, list[_Operation]] = defaultdict(list)

        def pair(send: _Operation, receive: _Operation) -> None:
            # One flow per channel: `turnOn` and `turnOff` may carry one message to one service.
            key = (send.message, send.node, receive.node, send.address)
            pairs.setdefault(key, (send, receive))
            behind[key].extend(op for op in (send, receive) if op.op_path)

        for (address, message_id), ops in sorted(by_channel.items()):
            sends, receives = ops["send"], ops["receive"]
            for send in sends:
                for receive in receives:
                    if send.node != receive.node and _may_meet(send, receive):
                        pair(send, receive)
            for op in [*sends, *receives]:
                wanted = "receive" if op.action == "send" else "send"
                ends = receives if op.action == "send" else sends
                documented = {o.node for o in ends if o.node != op.node}
                # Peers a msgflow export names (actors have no document of their own).
                found, _ = self._peer_operations([op], wanted)
                missing = [f for f in found if f.node not in documented]
                for peer in missing:
                    pair(op, peer) if op.action == "send" else pair(peer, op)
                if documented or found:
                    continue
                name = self.messages[message_id].name
                if ends:  # only its own: the service both sends and receives it here
                    if op.action == "send":
                        for own in ends:
                            pair(op, own)
                        self.notes.append(
                            ImportNote(
                                op.source,
                                op.where,
                                f"{name} is sent and received on '{address}' by the same service only: kept as a flow to itself",
                            )
                        )
                    continue
                self._node(
                    EXTERNAL_ACTOR,
                    "External",
                    "what sends and receives outside the imported documents",
                    actor=True,
                )
                outside = replace(op, node=EXTERNAL_ACTOR, action=wanted, extras={}, op_path="")
                if op.action == "send":
                    pair(op, outside)
                    said = f"nobody receives {name} on '{address}' in these documents: drawn to the actor 'external'"
                else:
                    pair(outside, op)
                    said = f"no imported document sends {name} on '{address}': drawn from the actor 'external'"
                self.notes.append(ImportNote(op.source, op.where, said))
        flows = []
        ids = self._flow_ids(pairs)
        for key, (send, receive) in sorted(pairs.items()):
            message_id, source, target, _ = key
            kind = self.messages[message_id].kind
            transport = (
                send.transport
                or receive.transport
                or (Transport.TOPIC if kind is MessageKind.EVENT else Transport.QUEUE)
            )
            if send.design_channel or receive.design_channel:
                self._design_channels[ids[key]] = str(send.design_channel or receive.design_channel)
            if "x-msgflow-flows" in send.extras or "x-msgflow-flows" in receive.extras:
                self._verbatim.add(ids[key])
            elif transport is Transport.HTTP and kind is MessageKind.EVENT:
                # Server-sent events, HTTP streaming: nobody waits for an answer.
                transport = Transport.TOPIC
                self.notes.append(
                    ImportNote(
                        send.source or receive.source,
                        send.where if send.op_path else receive.where,
                        f"event {self.messages[message_id].name} is streamed over http: drawn on a topic (events are asynchronous)",
                    )
                )
            reply = None
            if kind is MessageKind.QUERY and transport is not Transport.HTTP:
                reply = send.reply_address or receive.reply_address
            flows.append(
                Flow.model_validate(
                    {
                        "id": ids[key],
                        "message": message_id,
                        "from": source,
                        "to": target,
                        "transport": transport,
                        "channel": send.address,
                        "reply": reply,
                        "caused_by": send.extras.get("x-msgflow-caused-by"),
                        "timeout_ms": send.extras.get("x-msgflow-timeout-ms"),
                        "parameters": [
                            p.model_dump() for p in (send.parameters or receive.parameters)
                        ],
                        "idempotent": bool(receive.extras.get("x-msgflow-idempotent")),
                        "dead_letter": bool(receive.extras.get("x-msgflow-dead-letter")),
                        **_flow_details(send.extras, ids[key]),
                    }
                )
            )
        became: dict[tuple[str, str], set[str]] = defaultdict(set)
        for pair_key, sources in behind.items():
            for origin in sources:
                became[(origin.source, origin.op_path)].add(ids[pair_key])
        for absorbed, request in self._absorbed.items():
            became[absorbed] = became[request]
        self.outcomes = [
            OperationOutcome(
                source, path, name, tuple(sorted(became[(source, path)], key=natural_key))
            )
            for source, path, name in self._outcome_keys
        ]
        known = set(self.messages)
        kept: list[Flow] = []
        for flow in flows:
            if flow.caused_by and flow.caused_by not in known:
                self.notes.append(
                    ImportNote(
                        "",
                        flow.id,
                        f"caused_by '{flow.caused_by}' names no imported message: dropped from the flow",
                    )
                )
                flow = flow.model_copy(update={"caused_by": None})
            kept.append(flow)
        return kept

    def _peer_operations(
        self, ops: list[_Operation], action: str
    ) -> tuple[list[_Operation], list[_Operation]]:
        """The other ends of `ops` as named by a msgflow export (`x-msgflow-flows`), for
        peers known from `x-msgflow-nodes`; and the operations whose peers are unknown."""
        found: list[_Operation] = []
        unknown: list[_Operation] = []
        for op in ops:
            flows = op.extras.get("x-msgflow-flows")
            peers = flows if isinstance(flows, dict) else {}
            known = sorted({str(p) for p in peers.values() if p in self.nodes and p != op.node})
            if not known:
                unknown.append(op)
            for peer in known:
                found.append(
                    _Operation(
                        peer,
                        action,
                        op.address,
                        op.protocol,
                        op.transport,
                        op.message,
                        op.has_reply,
                        op.reply_address,
                        {"x-msgflow-flows": {f: op.node for f, p in peers.items() if p == peer}},
                        op.where,
                        op.source,
                    )
                )
        return found, unknown

    def _flow_ids(
        self, pairs: dict[_PairKey, tuple[_Operation, _Operation]]
    ) -> dict[_PairKey, str]:
        """Flow ids kept from `x-msgflow-flows` (a msgflow export), else f1, f2... in order."""
        ids: dict[_PairKey, str] = {}
        for key, (send, receive) in pairs.items():
            sent = set(send.extras.get("x-msgflow-flows") or [])
            shared = sent & set(receive.extras.get("x-msgflow-flows") or [])
            if len(shared) == 1:
                ids[key] = str(shared.pop())
        taken = set(ids.values())
        if len(taken) < len(ids):  # ids clashing across documents: number them all afresh
            ids, taken = {}, set()
        counter = 0
        for key in sorted(pairs):
            if key in ids:
                continue
            counter += 1
            while f"f{counter}" in taken:
                counter += 1
            ids[key] = f"f{counter}"
            taken.add(ids[key])
        return ids

    def _derived_owner(self, message: _Message, flows: list[Flow]) -> str | None:
        """The publisher of an event, the handler of a command or query, when there is one
        (`external` included: a command only the outside handles is the outside's)."""
        ends = {
            (f.source if message.kind is MessageKind.EVENT else f.target)
            for f in flows
            if f.message == message.id
        }
        return ends.pop() if len(ends) == 1 else None

    def _explicit_channels(self, design: Design) -> Design:
        """Keep a flow's `channel` only where the naming convention would not give its address."""
        flows = []
        protocols = {(op.address, op.message): op.protocol for op in self.operations}
        for flow in design.flows:
            address = flow.channel or ""
            protocol = protocols.get((address, flow.message), "")
            if flow.parameters or flow.id in self._design_channels:
                flows.append(self._parameterised(design, flow, protocol))
                continue
            usable = (
                address if flow.id in self._verbatim else usable_channel(address, flow.transport)
            )
            chosen = channel_value(design, flow, address, protocol) if usable == address else None
            if usable != address:
                parameters = PARAMETER.findall(address)
                why = (
                    f"its parameters {', '.join(parameters)} are not a design notion (one channel for every value)"
                    if parameters
                    else "it is not a name every broker takes"
                )
                self.notes.append(
                    ImportNote(
                        "", flow.id, f"address '{address}': {why}: the flow's channel is '{usable}'"
                    )
                )
                chosen = usable
                if not usable:
                    self.notes[-1] = ImportNote(
                        "",
                        flow.id,
                        f"address '{address}' holds no name: the flow takes its derived channel name",
                    )
            elif chosen is None:
                self.notes.append(
                    ImportNote(
                        "",
                        flow.id,
                        f"address '{address}' does not fit the naming convention on {protocol or 'this broker'}: kept as the flow's channel",
                    )
                )
                chosen = address
            reply = self._reply(design, flow)
            flows.append(flow.model_copy(update={"channel": chosen or None, "reply": reply}))
        return design.model_copy(update={"flows": self._one_message_per_channel(design, flows)})

    def _parameterised(self, design: Design, flow: Flow, protocol: str) -> Flow:
        """A flow whose address has parameters: its channel keeps them as `{name}` segments
        (a wildcard for subscribers, the value for senders); those it cannot keep are
        reported, and the address is then cleaned like any other."""
        address = flow.channel or ""
        declared = {p.name for p in flow.parameters}
        if flow.id in self._design_channels:  # msgflow's export of a Kafka topic
            chosen: str | None = self._design_channels[flow.id]
        elif flow.transport is Transport.HTTP:
            chosen = usable_channel(address, flow.transport) or None
        elif flow.id in self._verbatim and channel_value(design, flow, address, protocol):
            chosen = channel_value(design, flow, address, protocol)
        else:
            chosen = parameterised_channel(address, declared)
            if chosen is None:
                chosen = usable_channel(address, flow.transport) or None
                self.notes.append(
                    ImportNote(
                        "",
                        flow.id,
                        f"address '{address}': its parameters cannot be whole segments of a "
                        f"broker channel: the flow's channel is '{chosen}'",
                    )
                )
            elif chosen != address:
                self.notes.append(
                    ImportNote(
                        "",
                        flow.id,
                        f"address '{address}' is the flow's channel '{chosen}' (parameters "
                        f"{', '.join(sorted(declared & set(parameter_names(chosen))))}: "
                        "a wildcard for subscribers, the value for senders)",
                    )
                )
        named = set(parameter_names(chosen or ""))
        parameters = [p for p in flow.parameters if p.name in named]
        for parameter in flow.parameters:
            if parameter.name not in named:
                self.notes.append(
                    ImportNote(
                        "",
                        flow.id,
                        f"parameter {parameter.name} is not in the flow's channel '{chosen}': not kept",
                    )
                )
        return flow.model_copy(
            update={
                "channel": chosen or None,
                "parameters": parameters,
                "reply": self._reply(design, flow),
            }
        )

    def _reply(self, design: Design, flow: Flow) -> str | None:
        """The flow's reply queue, made a usable name; a query without one gets the default,
        written out so the reader sees where answers go (not for addresses kept verbatim)."""
        reply = flow.reply
        if reply and flow.id not in self._verbatim:
            reply = usable_channel(reply, Transport.QUEUE) or None
        message = design.message(flow.message)
        if (
            reply is None
            and message is not None
            and message.kind is MessageKind.QUERY
            and flow.id not in self._verbatim
        ):
            reply = ChannelNames(design).reply_queue(flow)
        return reply

    def _one_message_per_channel(self, design: Design, flows: list[Flow]) -> list[Flow]:
        """Several messages a service receives on one address (a WebSocket's `/`, a
        stream) each get their derived channel: a generated service subscribes one
        handler per channel, so a shared one would leave all but one handler dead."""
        services = {n.id for n in design.nodes if n.kind is NodeKind.SERVICE}
        sharing: dict[tuple[str, str], set[str]] = defaultdict(set)
        for flow in flows:
            if flow.channel and flow.target in services and flow.id not in self._verbatim:
                sharing[(flow.channel, flow.target)].add(flow.message)
        crowded = {key for key, messages in sharing.items() if len(messages) > 1}
        out = []
        for flow in flows:
            key = (flow.channel or "", flow.target)
            if key in crowded:
                names = sorted(self.messages[m].name for m in sharing[key] if m in self.messages)
                self.notes.append(
                    ImportNote(
                        "",
                        flow.id,
                        f"'{flow.channel}' carries {len(names)} messages to {flow.target} "
                        f"({', '.join(names)}): this flow takes its own derived channel",
                    )
                )
                flow = flow.model_copy(update={"channel": None, "parameters": []})
            out.append(flow)
        return out


def _a(kind: MessageKind) -> str:
    return f"{'an' if kind is MessageKind.EVENT else 'a'} {kind.value}"


def _message_id(name: str) -> str:
    return slug(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name))


def _json_schema_format(schema_format: str) -> bool:
    """AsyncAPI's own schema and JSON Schema, in JSON or YAML media types."""
    media = schema_format.split(";", 1)[0].strip().lower()
    return media in (
        "application/vnd.aai.asyncapi",
        "application/vnd.aai.asyncapi+json",
        "application/vnd.aai.asyncapi+yaml",
        "application/schema+json",
        "application/schema+yaml",
        "application/json",
        "application/x-yaml",
        "application/yaml",
    )


def _may_meet(send: _Operation, receive: _Operation) -> bool:
    """Ends on one address are one flow, unless msgflow's export says which flows each
    end belongs to and they share none (RabbitMQ: one routing key on two exchanges)."""
    sent, received = send.extras.get("x-msgflow-flows"), receive.extras.get("x-msgflow-flows")
    if isinstance(sent, dict) and isinstance(received, dict):
        return bool(set(sent) & set(received))
    return True


def _flow_details(extras: dict[str, Any], flow_id: str) -> dict[str, Any]:
    """A flow's description and silenced rules, as msgflow's export keeps them."""
    details = (extras.get("x-msgflow-flow-details") or {}).get(flow_id)
    if not isinstance(details, dict):
        return {}
    return {k: v for k, v in details.items() if k in ("description", "suppress", "reply")}


def _design_channel(channel: dict[str, Any]) -> str | None:
    kept = channel.get("x-msgflow-channel")
    return kept if isinstance(kept, str) and kept else None


def _extras(op: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in op.items() if k.startswith("x-")}


def _only_metadata(headers: Any) -> bool:
    """Headers that only describe the ids msgflow's services send (nothing to keep)."""
    properties = headers.get("properties") if isinstance(headers, dict) else None
    return isinstance(properties, dict) and set(properties) <= set(METADATA_HEADERS)
