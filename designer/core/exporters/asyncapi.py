"""AsyncAPI 3.0 documents from a design: one per service and one for the whole system.

Channel addresses come from the shared naming convention (`channels.py`), so the
documents describe exactly the queues, exchanges, subjects and topics that generated code
and `broker apply` use. Each service's document is its own view: the operations it
sends and receives. Request/reply queries carry a `reply` object naming the reply channel.

`x-msgflow-*` extensions keep what AsyncAPI has no word for (message kind and id, the
flow's transport, caused_by, timeouts), so a document imports back into the same design.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from designer.core.broker_registry import BROKERS, Broker, broker_named
from designer.core.channel_parameters import REDIS_HEADER
from designer.core.channels import ChannelNames, FlowChannel
from designer.core.gc_pause import collector_paused
from designer.core.io import natural_key
from designer.core.model import (
    ChannelParameter,
    Design,
    Flow,
    Message,
    MessageKind,
    Node,
    NodeKind,
    Transport,
)
from designer.core.unique_names import unique_name

from .file_names import file_name
from .json_schema import (
    field_schema,
    object_schema,
    payload_records,
    payload_schema,
    record_names,
    response_records,
    response_schema,
)

ASYNCAPI_VERSION = "3.0.0"
SYSTEM_FILE = "system.asyncapi.yaml"

_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_RECORDS = "#/components/schemas/"


# Where a question carries the asking instance's own reply address (`<reply>.<instance>`),
# by broker; Kafka has none (one reply topic, answers picked by `reply_instance`).
_REPLY_ADDRESS = {
    "rabbitmq": "The asking instance's own queue, in the AMQP `reply_to` message property.",
    "nats": "The asking instance's own subject, the NATS message's reply subject.",
    "redis": (
        "The asking instance's own pub/sub channel, in the question's entry field `reply_to`; "
        "the answer arrives there in FastStream's binary frame (BinaryMessageFormatV1: the "
        "payload and the headers in one value)."
    ),
}


class AsyncApiExportError(ValueError):
    """The design cannot be exported (an unknown broker)."""


# A Redis stream entry is a set of fields: the generated services write the payload in
# this one (where FastStream reads it) and each header in a field of its own.
REDIS_PAYLOAD_FIELD = "__data__"
REDIS_STREAM_ENTRY = (
    "A Redis stream (consumer groups). Each entry carries the message's JSON payload, "
    f"exactly as its schema says, in the field `{REDIS_PAYLOAD_FIELD}`, and each of its "
    "headers (message_id, correlation_id, causation_id, message_type, ...) in a field of "
    f"the same name: XADD <address> * {REDIS_PAYLOAD_FIELD} '<payload JSON>' "
    "message_id <id> ... The headers may be left out; FastStream's binary frame "
    "(BinaryMessageFormatV1) in the payload field is read too."
)
REDIS_PARAMETERS = (
    "The stream is the same for every value of the channel's parameters: each entry "
    f"carries the channel with the values in (x-msgflow-channel with each {{name}} "
    f"replaced) in the header `{REDIS_HEADER}`."
)


@dataclass
class _Channel:
    key: str
    address: str | None
    transport: Transport
    servers: list[str]
    bindings: dict[str, Any] | None = None
    messages: set[str] = field(default_factory=set)  # component message keys
    description: str | None = None
    extensions: dict[str, Any] = field(default_factory=dict)  # `x-` keys of the channel
    # A parameterised channel: its `{name}` parameters (in the address, or for Kafka only
    # in `x-msgflow-channel`, the design's channel, since the topic leaves them out).
    parameters: list[ChannelParameter] = field(default_factory=list)
    design_channel: str | None = None


@dataclass
class _Operation:
    key: str
    node: str
    action: str  # "send" | "receive"
    channel: str
    message: str
    flows: list[Flow] = field(default_factory=list)
    reply_channel: str | None = None
    reply_message: str | None = None
    bindings: dict[str, Any] | None = None


@collector_paused()  # a dict per operation, message and channel, all kept: no cycles to find
def export_asyncapi(design: Design, broker: str = "rabbitmq") -> dict[str, dict[str, Any]]:
    """File name -> AsyncAPI 3.0 document: `system.asyncapi.yaml` and `services/<id>.asyncapi.yaml`."""
    if broker not in BROKERS:
        raise AsyncApiExportError(f"unknown broker '{broker}' (known: {', '.join(BROKERS)})")
    model = _SystemModel(design, broker)
    documents = {SYSTEM_FILE: model.document(None)}
    for node in sorted(design.nodes, key=lambda n: natural_key(n.id)):
        if node.kind is NodeKind.SERVICE:
            name = f"services/{file_name(model.names.node(node.id))}.asyncapi.yaml"
            documents[name] = model.document(node)
    return documents


def _key(text: str) -> str:
    return _KEY_UNSAFE.sub("-", text).strip("-") or "channel"


class _SystemModel:
    """Channels, messages and operations of the whole design, then cut per document."""

    def __init__(self, design: Design, broker: str) -> None:
        self.design = design
        self.broker = broker
        self.protocol = broker_named(broker).protocol
        self.names = ChannelNames(design)
        self.messages = {m.id: m for m in design.messages}
        self.nodes = {n.id: n for n in design.nodes}
        self.message_keys = _message_keys(design.messages)
        self.channels: dict[str, _Channel] = {}
        self.operations: dict[tuple[str, str, str, str], _Operation] = {}
        self.http_servers: set[str] = set()
        self._operation_keys: set[str] = set()
        # Once, not per operation: a set of every query per operation was quadratic.
        self._queries = {m.id for m in design.messages if m.kind is MessageKind.QUERY}
        self._record_keys = self._kafka_record_keys()
        for flow in sorted(design.flows, key=lambda f: natural_key(f.id)):
            if (
                flow.message in self.messages
                and flow.source in self.nodes
                and flow.target in self.nodes
            ):
                self._add_flow(flow)
        # Indexes for cutting one document per service: without them each document
        # scanned every operation and message of the design (quadratic in its size).
        self._operations_of: dict[str, list[_Operation]] = {}
        for operation in self.operations.values():
            self._operations_of.setdefault(operation.node, []).append(operation)
        # Server key of each node serving http -> (reading order, node id).
        self._http_keys: dict[str, tuple[int, str]] = {
            f"{self.names.node(node_id)}-http": (position, node_id)
            for position, node_id in enumerate(sorted(self.http_servers, key=natural_key))
        }
        # Component key (a message's, or its reply's) -> (reading order, message, reply?).
        self._components: dict[str, tuple[tuple[int, bool], Message, bool]] = {}
        ordered = sorted(design.messages, key=lambda m: natural_key(m.id))
        for position, message in enumerate(ordered):
            key = self.message_keys[message.id]
            self._components[key] = ((position, False), message, False)
            self._components[key + "Reply"] = ((position, True), message, True)

    # ------------------------------------------------------------------ building

    def _add_flow(self, flow: Flow) -> None:
        message = self.messages[flow.message]
        names = self.names.channel(flow)
        channel = self._channel_for(flow, names)
        message_key = self.message_keys[message.id]
        channel.messages.add(message_key)
        reply_channel = reply_message = None
        if message.kind is MessageKind.QUERY:
            reply_channel = self._reply_channel_for(flow, names).key
            reply_message = self.message_keys[message.id] + "Reply"
            self.channels[reply_channel].messages.add(reply_message)
        for node, action in ((flow.source, "send"), (flow.target, "receive")):
            identity = (node, action, message_key, channel.key)
            operation = self.operations.get(identity)
            if operation is None:
                key = _key(f"{self.names.node(node)}-{action}-{self.names.message(message.id)}")
                if key in self._operation_keys:
                    key = _key(f"{key}-{channel.key}")  # the same message on a second channel
                self._operation_keys.add(key)
                operation = _Operation(
                    key=key,
                    node=node,
                    action=action,
                    channel=channel.key,
                    message=message_key,
                    reply_channel=reply_channel,
                    reply_message=reply_message,
                    bindings=self._operation_bindings(flow, action, names),
                )
                self.operations[identity] = operation
            operation.flows.append(flow)

    def _server_for(self, flow: Flow, node_id: str) -> str:
        if flow.transport is Transport.HTTP:
            server = f"{self.names.node(node_id)}-http"
            self.http_servers.add(node_id)
            return server
        return self.broker

    def _channel_for(self, flow: Flow, names: FlowChannel) -> _Channel:
        if flow.transport is Transport.HTTP:
            address = names.http_path or "/"
            key = _key(f"http-{self.names.node(flow.target)}{address.replace('/', '-')}")
            bindings = None
        else:
            address, key, bindings = self._broker_address(names)
        channel = self.channels.get(key)
        if channel is None:
            channel = _Channel(
                key, address, flow.transport, [self._server_for(flow, flow.target)], bindings
            )
            if self.broker == "redis" and flow.transport is not Transport.HTTP:
                # AsyncAPI has no Redis stream binding: say where the payload sits.
                channel.description = REDIS_STREAM_ENTRY
                channel.extensions["x-msgflow-redis"] = {
                    "kind": "stream",
                    "payloadField": REDIS_PAYLOAD_FIELD,
                    "headerFields": True,  # each header is an entry field of its name
                }
            topic = flow.bindings.kafka if flow.bindings else None
            if topic is not None and bindings and "kafka" in bindings:
                # AsyncAPI's Kafka channel binding holds the topic's size.
                sizes = {"partitions": topic.partitions, "replicas": topic.replicas}
                kafka = {**bindings["kafka"], **{k: v for k, v in sizes.items() if v}}
                bindings = {**bindings, "kafka": kafka}
                channel.bindings = bindings
            if names.parameters and flow.transport is not Transport.HTTP:
                channel.parameters = list(flow.parameters)
                if "{" not in (address or ""):
                    channel.design_channel = flow.channel
                if self.broker == "redis":
                    # The stream leaves the parameters out: each entry names the channel.
                    channel.description = f"{REDIS_STREAM_ENTRY} {REDIS_PARAMETERS}"
                    channel.extensions["x-msgflow-redis"]["channelHeader"] = REDIS_HEADER
            elif flow.transport is Transport.HTTP and flow.parameters:
                # A route's `{name}` path segments, described like a broker channel's.
                channel.parameters = [p for p in flow.parameters if f"{{{p.name}}}" in address]
            self.channels[key] = channel
        return channel

    def _broker_address(self, names: FlowChannel) -> tuple[str, str, dict[str, Any] | None]:
        if self.broker == "rabbitmq":
            # Where senders publish: `{name}` stands for a parameter's value.
            address = names.publish_routing_key
            exchange = {
                "name": names.exchange,
                "type": names.exchange_type,
                "durable": True,
                "autoDelete": False,
                "vhost": "/",
            }
            bindings = {
                "amqp": {"is": "routingKey", "exchange": exchange, "bindingVersion": "0.3.0"}
            }
            return address, _key(f"{names.exchange}.{address}"), bindings
        if self.broker == "nats":
            return names.publish_subject, _key(names.publish_subject), None
        if self.broker == "kafka":
            bindings = {"kafka": {"topic": names.topic, "bindingVersion": "0.5.0"}}
            return names.topic, _key(names.topic), bindings
        return names.topic, _key(names.topic), None  # redis: stream or pub/sub name

    def _reply_channel_for(self, flow: Flow, names: FlowChannel) -> _Channel:
        reply = names.reply
        if reply is None:
            # A synchronous (http) query: the answer is the HTTP response itself.
            key = _key(
                f"http-{self.names.node(flow.target)}{(names.http_path or '/').replace('/', '-')}-response"
            )
            if key not in self.channels:
                self.channels[key] = _Channel(
                    key,
                    None,
                    Transport.HTTP,
                    [self._server_for(flow, flow.target)],
                    description="The HTTP response to the request.",
                )
            return self.channels[key]
        if reply.startswith("/"):
            key = _key(f"http-{self.names.node(flow.source)}{reply.replace('/', '-')}")
            if key not in self.channels:
                self.channels[key] = _Channel(
                    key,
                    reply,
                    Transport.HTTP,
                    [self._server_for(flow, flow.source)],
                    description="Callback route on the requester where the answer is posted.",
                )
            return self.channels[key]
        key = _key(f"reply.{reply}")
        if key not in self.channels:
            bindings: dict[str, Any] | None = None
            if self.broker == "kafka":
                # One topic; every requester instance reads it all and keeps its answers.
                bindings = {"kafka": {"topic": reply, "bindingVersion": "0.5.0"}}
                description = (
                    f"Reply topic `{reply}` of the requester: every instance reads it and keeps "
                    "the answers whose `reply_instance` header names it."
                )
            else:
                description = (
                    f"Each running requester instance has its own reply address "
                    f"`{reply}.<instance>`, which every question names (`reply_to`); `{reply}` "
                    "is its stem, not a shared address."
                )
            if self.broker == "rabbitmq":
                queue = {
                    "name": f"{reply}.{{instance}}",
                    "durable": False,
                    "exclusive": True,
                    "autoDelete": True,
                    "vhost": "/",
                }
                bindings = {"amqp": {"is": "queue", "queue": queue, "bindingVersion": "0.3.0"}}
                description += " RabbitMQ: an exclusive, auto-delete queue per instance."
            self.channels[key] = _Channel(
                key, reply, flow.transport, [self.broker], bindings, description=description
            )
        return self.channels[key]

    def _per_instance_reply(self, op: _Operation) -> bool:
        """Answers go to an address of the asking instance, named by the question."""
        reply = self.channels[op.reply_channel] if op.reply_channel else None
        return (
            reply is not None
            and reply.transport is not Transport.HTTP
            and self.broker in _REPLY_ADDRESS
        )

    def _operation_bindings(
        self, flow: Flow, action: str, names: FlowChannel
    ) -> dict[str, Any] | None:
        if flow.transport is Transport.HTTP:
            return {"http": {"method": names.http_method or "POST", "bindingVersion": "0.3.0"}}
        if self.broker == "rabbitmq":
            if action == "send":
                return {"amqp": {"deliveryMode": 2, "mandatory": True, "bindingVersion": "0.3.0"}}
            return {"amqp": {"ack": True, "bindingVersion": "0.3.0"}}
        if self.broker == "nats" and action == "receive":
            return {"nats": {"queue": names.durable, "bindingVersion": "0.1.0"}}
        if self.broker == "kafka" and action == "receive":
            group = {"type": "string", "enum": [names.group]}
            return {"kafka": {"groupId": group, "bindingVersion": "0.5.0"}}
        return None

    # ------------------------------------------------------------------ rendering

    def document(self, service: Node | None) -> dict[str, Any]:
        operations = list(
            self.operations.values() if service is None else self._operations_of.get(service.id, [])
        )
        operations.sort(key=lambda op: natural_key(op.key))
        channel_keys = {op.channel for op in operations} | {
            op.reply_channel for op in operations if op.reply_channel
        }
        channels = [self.channels[k] for k in sorted(channel_keys, key=natural_key)]
        message_keys = {op.message for op in operations} | {
            op.reply_message for op in operations if op.reply_message
        }
        if service is None:
            # The system document describes every message, even one no flow carries yet.
            message_keys |= set(self.message_keys.values())
            message_keys |= {
                self.message_keys[m.id] + "Reply"
                for m in self.design.messages
                if m.kind is MessageKind.QUERY
            }
        doc: dict[str, Any] = {"asyncapi": ASYNCAPI_VERSION, "info": self._info(service)}
        servers = self._servers({s for c in channels for s in c.servers})
        if servers:
            doc["servers"] = servers
        doc["defaultContentType"] = "application/json"
        doc["channels"] = {c.key: self._render_channel(c, message_keys) for c in channels}
        doc["operations"] = {
            op.key: self._render_operation(op, service is None) for op in operations
        }
        components: dict[str, Any] = {}
        # The system document describes every record too, even one no message reads yet:
        # without it an export -> import would lose the record.
        records = self._records_used(message_keys, every=service is None)
        if records:
            components["schemas"] = records
        messages = self._render_messages(message_keys)
        if messages:
            components["messages"] = messages
        if components:
            doc["components"] = components
        return doc

    def _info(self, service: Node | None) -> dict[str, Any]:
        if service is None:
            info: dict[str, Any] = {"title": self.design.name, "version": "1.0.0"}
            if self.design.description:
                info["description"] = self.design.description
            info["x-msgflow-design"] = self._design_entry()
            # Who the `x-service` ids of the operations are, so an import restores names.
            info["x-msgflow-nodes"] = [
                _node_entry(n) for n in sorted(self.design.nodes, key=lambda n: natural_key(n.id))
            ]
            return info
        info = {"title": service.name, "version": "1.0.0"}
        if service.description:
            info["description"] = service.description
        info["x-service"] = service.id
        info["x-msgflow-design"] = self._design_entry()
        if service.boundary:
            info["x-msgflow-boundary"] = service.boundary
        # The service and everyone it talks to, so importing only some services' documents
        # still names their peers (actors have no document of their own).
        peers = {service.id} | {
            op_peer for op in self._operations_of.get(service.id, []) for op_peer in _peers(op)
        }
        info["x-msgflow-nodes"] = [
            _node_entry(self.nodes[n]) for n in sorted(peers, key=natural_key)
        ]
        return info

    def _design_entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"name": self.design.name}
        if self.design.description:
            entry["description"] = self.design.description
        settings = self.design.settings.model_dump(exclude_defaults=True)
        if settings:  # rule thresholds and the like: part of the design, not of AsyncAPI
            entry["settings"] = settings
        return entry

    def _broker_server(self, broker: Broker) -> dict[str, str]:
        """This machine's broker, or the host an imported document named for that protocol
        (kept in `settings.generate.asyncapi_servers`)."""
        kept = self.design.settings.generate.get("asyncapi_servers")
        family = broker.protocol.removesuffix("s")  # amqps is amqp, kafka-secure is kafka
        for server in kept.values() if isinstance(kept, dict) else []:
            protocol = str(server.get("protocol", "")) if isinstance(server, dict) else ""
            if protocol.split("-")[0].removesuffix("s") == family and server.get("host"):
                return {"host": str(server["host"]), "protocol": protocol}
        return _server(broker)

    def _servers(self, used: set[str]) -> dict[str, Any]:
        servers: dict[str, Any] = {}
        if self.broker in used:
            servers[self.broker] = self._broker_server(broker_named(self.broker))
        wanted = sorted((self._http_keys[key], key) for key in used if key in self._http_keys)
        for (_position, node_id), key in wanted:
            servers[key] = {
                "host": f"{self.names.node(node_id)}:8000",
                "protocol": "http",
                "description": f"HTTP routes of {self.nodes[node_id].name}",
            }
        return servers

    def _render_channel(self, channel: _Channel, wanted: set[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"address": channel.address}
        if channel.description:
            out["description"] = channel.description
        out["messages"] = {
            m: {"$ref": f"#/components/messages/{m}"} for m in sorted(channel.messages & wanted)
        }
        out["servers"] = [{"$ref": f"#/servers/{s}"} for s in channel.servers]
        if channel.parameters and channel.design_channel is None:
            out["parameters"] = {p.name: _parameter_object(p) for p in channel.parameters}
        out["x-msgflow-transport"] = channel.transport.value
        out.update(channel.extensions)
        if channel.design_channel is not None:
            out["x-msgflow-channel"] = channel.design_channel
            out["x-msgflow-parameters"] = [
                p.model_dump(exclude_defaults=True) for p in channel.parameters
            ]
        if channel.bindings:
            out["bindings"] = channel.bindings
        return out

    def _render_operation(self, op: _Operation, system: bool) -> dict[str, Any]:
        message = self.messages[op.flows[0].message]
        verb = "Sends" if op.action == "send" else "Receives"
        peers = sorted({f.target if op.action == "send" else f.source for f in op.flows})
        peer_names = ", ".join(self.nodes[p].name for p in peers)
        out: dict[str, Any] = {
            "action": op.action,
            "channel": {"$ref": f"#/channels/{op.channel}"},
            "summary": f"{verb} {message.kind.value} {message.name} {'to' if op.action == 'send' else 'from'} {peer_names}",
            "messages": [{"$ref": f"#/channels/{op.channel}/messages/{op.message}"}],
        }
        if op.reply_channel and op.reply_message:
            out["reply"] = {
                "channel": {"$ref": f"#/channels/{op.reply_channel}"},
                "messages": [
                    {"$ref": f"#/channels/{op.reply_channel}/messages/{op.reply_message}"}
                ],
            }
            if self._per_instance_reply(op):
                # The answer goes where the question says: the asking instance's own address.
                out["reply"]["address"] = {
                    "location": "$message.header#/reply_to",
                    "description": _REPLY_ADDRESS[self.broker],
                }
        if op.bindings:
            out["bindings"] = op.bindings
        node = self.nodes[op.node]
        if system:
            out["x-service"] = node.id
        if node.kind is NodeKind.ACTOR:
            out["x-msgflow-actor"] = True
        out["x-msgflow-peers"] = peers
        extras = _flow_extras(op.flows, op.action, self._queries)
        out.update(extras)
        return out

    def _records_used(self, message_keys: set[str], *, every: bool = False) -> dict[str, Any]:
        pending: list[str] = [s.name for s in self.design.schemas] if every else []
        for key in message_keys:
            if key not in self._components:
                continue
            _order, message, reply = self._components[key]
            if reply:
                pending.extend(response_records(message))
            else:
                pending.extend(payload_records(message))
        schemas = {s.name: s for s in self.design.schemas}
        used: set[str] = set()
        while pending:
            name = pending.pop()
            if name in used or name not in schemas:
                continue
            used.add(name)
            pending.extend(record_names([f.type for f in schemas[name].fields]))
        return {
            name: object_schema(
                schemas[name].fields, _RECORDS, title=name, description=schemas[name].description
            )
            for name in sorted(used)
        }

    def _render_messages(self, message_keys: set[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        wanted = sorted(
            (self._components[key] for key in message_keys if key in self._components),
            key=lambda entry: entry[0],
        )
        for _order, message, reply in wanted:
            key = self.message_keys[message.id] + ("Reply" if reply else "")
            out[key] = _message_object(message, key, reply=reply)
            record_key = None if reply else self._record_keys.get(message.id)
            if record_key is not None:
                out[key]["bindings"] = {"kafka": record_key}
        return out

    def _kafka_record_keys(self) -> dict[str, dict[str, Any]]:
        """Message id -> its AsyncAPI Kafka message binding, where the message's record key
        is one of its fields (`bindings.kafka.key_field`) and every flow that names a key
        names the same one: the key's schema is the field's, and `x-msgflow-field` says
        which field it is (JSON Schema cannot point into the payload)."""
        if self.broker != "kafka":
            return {}
        named: dict[str, set[str]] = {}
        for flow in self.design.flows:
            topic = flow.bindings.kafka if flow.bindings else None
            if topic is not None and topic.key_field and flow.is_async and not flow.parameters:
                named.setdefault(flow.message, set()).add(topic.key_field)
        out: dict[str, dict[str, Any]] = {}
        for message_id, fields in named.items():
            message = self.messages.get(message_id)
            field = (
                next((f for f in message.fields if f.name in fields), None)
                if message is not None and len(fields) == 1
                else None
            )
            if field is not None:
                schema = {
                    **field_schema(field, _RECORDS),
                    "description": f"The value of the payload's `{field.name}` field: "
                    "records of one entity share a partition, in order.",
                    "x-msgflow-field": field.name,
                }
                out[message_id] = {"key": schema, "bindingVersion": "0.5.0"}
        return out


def _message_keys(messages: list[Message]) -> dict[str, str]:
    """Component key per message id: its name, made unique and safe."""
    keys: dict[str, str] = {}
    taken: set[str] = set()  # every key and its reply's key
    stems: set[str] = set()  # `X` for every taken `XReply`: `X` would reuse that reply key
    for message in sorted(messages, key=lambda m: natural_key(m.id)):
        key = unique_name(_key(message.name), taken, stems, sep="")
        for used in (key, key + "Reply"):
            taken.add(used)
            if used.endswith("Reply"):
                stems.add(used.removesuffix("Reply"))
        keys[message.id] = key
    return keys


def _message_object(message: Message, key: str, *, reply: bool) -> dict[str, Any]:
    title = f"{message.name} reply" if reply else message.name
    out: dict[str, Any] = {"name": key, "title": title}
    if message.description and not reply:
        out["summary"] = message.description
    out["contentType"] = "application/json"
    out["payload"] = (
        response_schema(message, _RECORDS) if reply else payload_schema(message, _RECORDS)
    )
    out["headers"] = _metadata_headers(message, reply=reply)
    out["correlationId"] = {"location": "$message.header#/correlation_id"}
    out["x-msgflow-kind"] = "reply" if reply else message.kind.value
    out["x-msgflow-id"] = message.id
    if message.version != 1:
        out["x-msgflow-version"] = message.version
    if message.owner and not reply:
        out["x-msgflow-owner"] = message.owner
    if not reply:
        if message.long_running:
            out["x-msgflow-long-running"] = True
        if message.scatter_gather:
            out["x-msgflow-scatter-gather"] = True
        if message.suppress:
            out["x-msgflow-suppress"] = [s.model_dump() for s in message.suppress]
    return out


def _metadata_headers(message: Message, *, reply: bool) -> dict[str, Any]:
    """The ids generated services send beside the body (which is exactly the payload).

    Brokers carry them as headers (AMQP also repeats message_id, correlation_id, type and
    reply_to in its message properties); over http they are `X-Message-Id` and so on.
    """

    def text(description: str) -> dict[str, Any]:
        return {"type": "string", "description": description}

    # Names as in channels.METADATA_HEADERS (the importer recognises them).
    properties: dict[str, Any] = {
        "message_id": text("Unique per message; a resend of the same message keeps it."),
        "correlation_id": text("Shared by every message of one conversation."),
        "causation_id": text("The message_id of the message that caused this one."),
        "message_type": {
            "type": "string",
            "const": f"{message.name}Response" if reply else message.name,
        },
    }
    if message.kind is MessageKind.QUERY and not reply:
        properties["reply_instance"] = text(
            "The asking instance; its answer repeats it (the reply address is the broker's "
            "reply_to property or header)."
        )
    if reply:
        properties["reply_instance"] = text("Repeated from the question.")
    return {"type": "object", "properties": properties}


def _flow_extras(flows: list[Flow], action: str, queries: set[str]) -> dict[str, Any]:
    """Per-flow settings shared by every flow of an operation (others are left out)."""
    out: dict[str, Any] = {}

    def common(values: list[Any]) -> Any:
        return values[0] if len(set(map(repr, values))) == 1 else None

    if action == "send":
        caused_by = common([f.caused_by for f in flows])
        if caused_by:
            out["x-msgflow-caused-by"] = caused_by
        timeout = common([f.timeout_ms for f in flows])
        if timeout:
            out["x-msgflow-timeout-ms"] = timeout
    else:
        if common([f.idempotent for f in flows]):
            out["x-msgflow-idempotent"] = True
        if common([f.dead_letter for f in flows]):
            out["x-msgflow-dead-letter"] = True
    # Flow id -> the node at the other end: flow ids survive an import, and a peer whose
    # document is not imported (an actor) is still known.
    out["x-msgflow-flows"] = {f.id: f.target if action == "send" else f.source for f in flows}
    # What a reader of the design wrote on single flows (notes, silenced rules), by flow id.
    details = {
        f.id: {
            **({"description": f.description} if f.description else {}),
            **({"suppress": [s.model_dump() for s in f.suppress]} if f.suppress else {}),
            # The receiver's queue and the topic's size, as the design holds them.
            **({"bindings": _bindings_entry(f)} if f.bindings else {}),
            # An asynchronous query with no reply queue (an error the design shows) stays so.
            **({"reply": None} if _no_reply(f, queries) else {}),
        }
        for f in flows
        if action == "send" and (f.description or f.suppress or f.bindings or _no_reply(f, queries))
    }
    if details:
        out["x-msgflow-flow-details"] = details
    return out


def _bindings_entry(flow: Flow) -> dict[str, Any]:
    assert flow.bindings is not None
    return flow.bindings.model_dump(exclude_defaults=True, exclude_none=True)


def _no_reply(flow: Flow, queries: set[str]) -> bool:
    return flow.reply is None and flow.is_async and flow.message in queries


def _peers(op: _Operation) -> set[str]:
    return {f.target if op.action == "send" else f.source for f in op.flows}


def _node_entry(node: Node) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": node.id, "name": node.name, "kind": node.kind.value}
    if node.description:
        entry["description"] = node.description
    if node.boundary:
        entry["boundary"] = node.boundary
    if node.suppress:
        entry["suppress"] = [s.model_dump() for s in node.suppress]
    return entry


def _parameter_object(parameter: ChannelParameter) -> dict[str, Any]:
    """An AsyncAPI 3 parameter: its values are strings; msgflow notes an integer's type."""
    out: dict[str, Any] = {}
    if parameter.description:
        out["description"] = parameter.description
    if parameter.enum is not None:
        out["enum"] = list(parameter.enum)
    if parameter.type != "string":
        out["x-msgflow-type"] = parameter.type
    return out


def _server(broker: Broker) -> dict[str, str]:
    """The AsyncAPI server object of a broker on this machine."""
    server = {"host": broker.local_address, "protocol": broker.protocol}
    if broker.protocol_version is not None:
        server["protocolVersion"] = broker.protocol_version
    return server
