"""AsyncAPI 2.6 / 3.0 documents -> one design.

Each document describes one service (its `x-service` or title), unless its operations
name their own service with `x-service` (a whole-system document). Operations become
flows: on each channel address every sender is linked to every receiver, across
documents, which is how several services' documents meet in one system design.
Message kinds come from `x-msgflow-kind` when present, else from heuristics:
an operation with a `reply` -> query; a past-tense or `...Event` name -> event; an
imperative or `...Command` name -> command. AsyncAPI 2.x `publish` means the
application receives, `subscribe` means it sends (the 2.x spec's own perspective).

Whatever cannot be mapped is written to the report; nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from designer.core.channels import METADATA_HEADERS, ChannelNames, slug
from designer.core.errors import one_line
from designer.core.io import json_path, natural_key
from designer.core.layout import auto_layout
from designer.core.model import (
    Design,
    Flow,
    Message,
    MessageField,
    MessageKind,
    Node,
    NodeKind,
    Transport,
)

from .schema_fields import SchemaMapper
from .spec_loading import Spec, SpecLoadError, SpecProblem

EXTERNAL_ACTOR = "external"

# Matched against the name in PascalCase (`get_customer` -> `GetCustomer`), case-sensitively
# at the start so `ReadingTaken` is not read as the verb `Read`.
_QUERY = re.compile(
    r"^(Get|Find|Fetch|List|Query|Search|Lookup|Check|Read|Count)[A-Z0-9]|(Query|Request)$"
)
_EVENT = re.compile(r"(ed|Event|Happened|Changed|Sent|Done|Lost|Paid|Shipped|Raised)$")
_COMMAND = re.compile(
    r"Command$|^(Create|Submit|Add|Update|Delete|Remove|Cancel|Send|Reserve|Process|Register"
    r"|Place|Ship|Charge|Refund|Approve|Reject|Start|Stop|Set|Assign|Book|Pay|Notify|Do|Make"
    r"|Archive|Store|Save|Import|Export|Publish|Schedule|Issue)[A-Z0-9]"
)


@dataclass(frozen=True)
class ImportNote:
    source: str
    path: str
    message: str

    def __str__(self) -> str:
        # Notes about the built design have no document: `path` is then a message or flow id.
        where = f"{self.source}: {self.path}" if self.source else f"in the design, {self.path}"
        return one_line(f"{where}: {self.message}")  # names may hold a newline


@dataclass
class ImportResult:
    design: Design
    notes: list[ImportNote]


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
    return ImportResult(design, builder.notes)


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

    # ------------------------------------------------------------------ reading

    def read(self, spec: Spec) -> None:
        self.spec = spec
        self._mapper = SchemaMapper(spec.deref, self._note)
        info = spec.data.get("info") or {}
        title = str(info.get("title") or spec.source)
        design_info = info.get("x-msgflow-design")
        if isinstance(design_info, dict):  # written by msgflow: the whole design's name
            self.design_name = self.design_name or design_info.get("name")
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
        protocols = self._protocols(spec)
        if spec.major >= 3:
            self._read_v3(spec, protocols)
        else:
            self._read_v2(spec, protocols)
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
        known = {
            "amqp",
            "amqps",
            "nats",
            "kafka",
            "kafka-secure",
            "redis",
            "http",
            "https",
            "ws",
            "wss",
        }
        for key, protocol in result.items():
            if protocol not in known:
                self._note(
                    json_path(("servers", key)),
                    f"protocol '{protocol}' has no msgflow transport: its channels are mapped by message kind",
                )
        return result

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
            broker = [p for p in values if p not in ("http", "https", "ws", "wss")]
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
            op, _ = spec.deref(raw, at)
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
            if "{" in str(address):
                self._note(f"{at}.channel", f"address '{address}' has parameters: kept literally")
            refs = op.get("messages")
            if not refs:  # every message of the channel; their keys name inline ones
                channel_ref = str((op.get("channel") or {}).get("$ref", ""))
                refs = [
                    {"$ref": f"{channel_ref}/messages/{k}"} if channel_ref.startswith("#") else v
                    for k, v in (channel.get("messages") or {}).items()
                ]
            reply = op.get("reply")
            reply_address, reply_messages = self._v3_reply(spec, reply, f"{at}.reply")
            node = self._operation_node(op)
            protocol = self._protocol_of(channel.get("servers"), protocols, at)
            transport = _transport(channel, protocol)
            for index, ref in enumerate(refs):
                message_id = self._message(
                    ref, f"{at}.messages[{index}]", has_reply=reply is not None
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
            if item.get("parameters") or "{" in str(address):
                self._note(at, f"address '{address}' has parameters: kept literally")
            protocol = self._protocol_of(item.get("servers"), protocols, at)
            for verb, action in (("subscribe", "send"), ("publish", "receive")):
                op = item.get(verb)
                if not isinstance(op, dict):
                    continue
                where = f"{at}.{verb}"
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
                for index, ref in enumerate(refs):
                    message_id = self._message(ref, f"{where}.message", has_reply=False)
                    if message_id is not None:
                        self.operations.append(
                            _Operation(
                                node,
                                action,
                                str(address),
                                protocol,
                                _transport(item, protocol),
                                message_id,
                                False,
                                None,
                                _extras(op),
                                f"{where}.message[{index}]",
                                spec.source,
                            )
                        )
                if op.get("bindings"):
                    self._note_bindings(op["bindings"], f"{where}.bindings")

    def _unused_messages(self, spec: Spec) -> None:
        """Messages declared in components but used by no operation: kept, without flows."""
        declared = (spec.data.get("components") or {}).get("messages") or {}
        if not isinstance(declared, dict):
            return
        for key in declared:
            at = json_path(("components", "messages", key))
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
        # Bindings the convention derives anyway (amqp/nats/kafka/http); others are lost.
        if isinstance(bindings, dict):
            for protocol in bindings:
                if protocol not in ("amqp", "nats", "kafka", "http", "redis"):
                    self._note(at, f"'{protocol}' bindings are not kept")

    def _operation_node(self, op: dict[str, Any]) -> str:
        service = op.get("x-service")
        if not service:
            return self.default_node
        return self._node(str(service), None, actor=bool(op.get("x-msgflow-actor")))

    def _message(self, ref: Any, at: str, *, has_reply: bool) -> str | None:
        assert self._mapper is not None
        target, last = self.spec.deref(ref, at)
        if not isinstance(target, dict):
            self._note(at, "not a message: skipped")
            return None
        if target.get("x-msgflow-kind") == "reply":
            return None
        key = last.rsplit("/", 1)[-1] if last else None
        name = str(target.get("name") or key or target.get("title") or "Message")
        message_id = str(
            target.get("x-msgflow-id") or slug(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name))
        )
        if message_id in self.messages:
            return message_id
        schema_format = str(target.get("schemaFormat", ""))
        if schema_format and "json" not in schema_format and "asyncapi" not in schema_format:
            self._note(
                f"{at}.payload",
                f"payload in {schema_format} is not read: the message has no fields",
            )
            fields: list[MessageField] = []
        else:
            fields = self._mapper.fields(target.get("payload"), f"{at}.payload", owner=name)
        if target.get("headers") and not _only_metadata(target["headers"]):
            self._note(f"{at}.headers", f"headers of {name} are not part of a design: not kept")
        kind_text = target.get("x-msgflow-kind")
        kind = MessageKind(kind_text) if kind_text in ("command", "query", "event") else None
        if kind is None and has_reply:
            kind = MessageKind.QUERY
        self.messages[message_id] = _Message(
            message_id,
            name,
            kind,
            fields,
            target.get("summary") or target.get("description"),
            target.get("x-msgflow-owner"),
            int(target.get("x-msgflow-version", 1)),
        )
        return message_id

    def _response(self, message_id: str, refs: list[Any], at: str) -> None:
        assert self._mapper is not None
        message = self.messages[message_id]
        message.kind = MessageKind.QUERY
        if message.response is not None:
            return
        fields: list[MessageField] = []
        for index, ref in enumerate(refs):
            target, _ = self.spec.deref(ref, f"{at}.messages[{index}]")
            if isinstance(target, dict):
                fields.extend(
                    self._mapper.fields(
                        target.get("payload"),
                        f"{at}.messages[{index}].payload",
                        owner=f"{message.name}Reply",
                    )
                )
        if len(refs) > 1:
            self._note(at, f"{len(refs)} reply messages: their fields are merged into one response")
        message.response = fields

    # ------------------------------------------------------------------ building

    def build(self, name: str | None) -> Design:
        if self.description is None and len(self._descriptions) == 1:
            # One service's document: its description describes the design; several
            # services' descriptions stay on their nodes.
            self.description = self._descriptions[0]
        self._finish_kinds()
        flows = self._flows()
        messages = [
            Message(
                id=m.id,
                name=m.name,
                kind=m.kind or MessageKind.EVENT,
                description=m.description,
                owner=m.owner if m.owner in self.nodes else self._derived_owner(m, flows),
                version=m.version,
                fields=m.fields,
                response=(m.response if m.response is not None else [])
                if m.kind is MessageKind.QUERY
                else None,
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
        )
        design = self._explicit_channels(design)
        return auto_layout(design)

    def _finish_kinds(self) -> None:
        senders: dict[str, set[str]] = defaultdict(set)
        for op in self.operations:
            if op.action == "send":
                senders[op.message].add(op.node)
        for message in self.messages.values():
            if message.kind is not None:
                continue
            word = "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", message.name))
            if _QUERY.search(word):
                message.kind = MessageKind.QUERY
                message.response = []
                self.notes.append(
                    ImportNote(
                        "",
                        message.id,
                        f"{message.name}: named like a query but no reply is described: its response is empty",
                    )
                )
            elif _EVENT.search(word):
                message.kind = MessageKind.EVENT
            elif _COMMAND.search(word):
                message.kind = MessageKind.COMMAND
            else:
                message.kind = MessageKind.EVENT
                self.notes.append(
                    ImportNote(
                        "",
                        message.id,
                        f"{message.name}: kind not recognisable from its name: taken as an event",
                    )
                )

    def _flows(self) -> list[Flow]:
        by_channel: dict[tuple[str, str], dict[str, list[_Operation]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for op in self.operations:
            by_channel[(op.address, op.message)][op.action].append(op)
        pairs: dict[tuple[str, str, str], tuple[_Operation, _Operation]] = {}
        for (address, message_id), ops in sorted(by_channel.items()):
            sends, receives = ops["send"], ops["receive"]
            if not receives:
                receives, unknown = self._peer_operations(sends, "receive")
                for op in unknown:
                    name = self.messages[message_id].name
                    self.notes.append(
                        ImportNote(
                            op.source,
                            op.where,
                            f"nobody receives {name} on '{address}' in these documents: no flow drawn",
                        )
                    )
            if not sends:
                sends, unknown = self._peer_operations(receives, "send")
                if unknown:
                    self._node(
                        EXTERNAL_ACTOR,
                        "External",
                        "senders outside the imported documents",
                        actor=True,
                    )
                for op in unknown:
                    name = self.messages[message_id].name
                    self.notes.append(
                        ImportNote(
                            op.source,
                            op.where,
                            f"no imported document sends {name} on '{address}': drawn from the actor 'external'",
                        )
                    )
                    sends.append(
                        _Operation(
                            EXTERNAL_ACTOR,
                            "send",
                            address,
                            op.protocol,
                            op.transport,
                            message_id,
                            op.has_reply,
                            op.reply_address,
                        )
                    )
            for send in sends:
                for receive in receives:
                    if send.node != receive.node:
                        pairs.setdefault((message_id, send.node, receive.node), (send, receive))
        flows = []
        ids = self._flow_ids(pairs)
        for key, (send, receive) in sorted(pairs.items()):
            message_id, source, target = key
            kind = self.messages[message_id].kind
            transport = (
                send.transport
                or receive.transport
                or (Transport.TOPIC if kind is MessageKind.EVENT else Transport.QUEUE)
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
                        "idempotent": bool(receive.extras.get("x-msgflow-idempotent")),
                        "dead_letter": bool(receive.extras.get("x-msgflow-dead-letter")),
                    }
                )
            )
        known = set(self.messages)
        for flow in flows:
            if flow.caused_by and flow.caused_by not in known:
                self.notes.append(
                    ImportNote(
                        "",
                        flow.id,
                        f"caused_by '{flow.caused_by}' names no imported message: dropped from the flow",
                    )
                )
                flow.caused_by = None
        return flows

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
        self, pairs: dict[tuple[str, str, str], tuple[_Operation, _Operation]]
    ) -> dict[tuple[str, str, str], str]:
        """Flow ids kept from `x-msgflow-flows` (a msgflow export), else f1, f2... in order."""
        ids: dict[tuple[str, str, str], str] = {}
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
        """The publisher of an event, the handler of a command or query, when there is one."""
        action = "send" if message.kind is MessageKind.EVENT else "receive"
        ends = {
            op.node for op in self.operations if op.message == message.id and op.action == action
        }
        return ends.pop() if len(ends) == 1 else None

    def _explicit_channels(self, design: Design) -> Design:
        """Keep a flow's `channel` only where the naming convention would not give its address."""
        flows = []
        protocols = {(op.address, op.message): op.protocol for op in self.operations}
        for flow in design.flows:
            address = flow.channel or ""
            protocol = protocols.get((address, flow.message), "")
            chosen = _channel_value(design, flow, address, protocol)
            if chosen is None:
                self.notes.append(
                    ImportNote(
                        "",
                        flow.id,
                        f"address '{address}' does not fit the naming convention on {protocol or 'this broker'}: kept as the flow's channel",
                    )
                )
                chosen = address
            reply = flow.reply
            message = design.message(flow.message)
            if reply is None and message is not None and message.kind is MessageKind.QUERY:
                # Written out even when it is the default: the reader sees where answers go.
                reply = ChannelNames(design).reply_queue(flow)
            flows.append(flow.model_copy(update={"channel": chosen or None, "reply": reply}))
        return design.model_copy(update={"flows": flows})


def _extras(op: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in op.items() if k.startswith("x-")}


def _transport(channel: dict[str, Any], protocol: str) -> Transport | None:
    explicit = channel.get("x-msgflow-transport")
    if explicit in ("http", "queue", "topic"):
        return Transport(explicit)
    if protocol in ("http", "https", "ws", "wss"):
        return Transport.HTTP
    amqp = (channel.get("bindings") or {}).get("amqp") or {}
    if amqp.get("is") == "queue":
        return Transport.QUEUE
    exchange_type = (amqp.get("exchange") or {}).get("type")
    if exchange_type in ("topic", "fanout"):
        return Transport.TOPIC
    if exchange_type == "direct":
        return Transport.QUEUE
    return None


def _address(names: ChannelNames, flow: Flow, protocol: str) -> str:
    channel = names.channel(flow)
    if flow.transport is Transport.HTTP:
        return channel.http_path or ""
    if protocol.startswith("nats"):
        return channel.subject
    if protocol.startswith("kafka"):
        return channel.topic
    if protocol == "redis":
        return channel.topic
    return channel.routing_key if channel.exchange_type == "topic" else channel.queue


def _channel_value(design: Design, flow: Flow, address: str, protocol: str) -> str | None:
    """The `channel` value ("" for none) under which the convention gives `address`."""
    names = ChannelNames(design)
    parts = address.split(".")
    candidates = ["", *(".".join(parts[i:]) for i in range(len(parts)))]
    for candidate in candidates:
        trial = flow.model_copy(update={"channel": candidate or None})
        if _address(names, trial, protocol) == address:
            return candidate
    return None


def _only_metadata(headers: Any) -> bool:
    """Headers that only describe the ids msgflow's services send (nothing to keep)."""
    properties = headers.get("properties") if isinstance(headers, dict) else None
    return isinstance(properties, dict) and set(properties) <= set(METADATA_HEADERS)
