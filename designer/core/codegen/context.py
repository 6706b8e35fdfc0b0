"""The template context: what templates see of a design, documented and versioned.

Templates never read the design model directly: they read this structure, built once per
generation. It only grows within a `CONTEXT_VERSION`; a renamed or removed key bumps the
version, so a shared template pack can check `context_version` and refuse politely.
The README section "Writing templates" documents every key.

Everything here is plain frozen dataclasses, tuples and strings: the sandbox lets
templates read public attributes and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from designer.core.channels import FlowChannel
from designer.core.model import EnumValue

from . import pyformat

CONTEXT_VERSION = 1


@dataclass(frozen=True)
class FieldInfo:
    name: str  # the name on the wire (from the design)
    ident: str  # the Python attribute; differs from `name` only when `name` is not usable
    type: str  # the design type text, e.g. "list[OrderLine]"
    annotation: str  # the Python annotation, e.g. "list[OrderLine] | None"
    required: bool
    description: str  # one line, safe in a docstring; "" when none
    # The values a string, integer, number or boolean field may take (design `enum`).
    enum: tuple[EnumValue, ...] = ()

    @property
    def aliased(self) -> bool:
        return self.ident != self.name


@dataclass(frozen=True)
class ModelInfo:
    """One pydantic model of the contracts package: a record, a message or a response."""

    class_name: str
    kind: str  # "record" | "command" | "query" | "event" | "response"
    title: str  # the design's name of it
    description: str
    fields: tuple[FieldInfo, ...]
    # A message whose body is one of several records (design `one_of`): the annotation of
    # its `RootModel` and the records; "" and () for every other model.
    root: str = ""
    one_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class TypeAliasInfo:
    """A type alias of the contracts module: a field's `Literal[...]` or a union's type."""

    name: str
    source: str  # the whole statement, laid out for ruff format (may span lines)
    stage: str  # "enum" (before the records) | "union" (after them: it names records)


@dataclass(frozen=True)
class MessageInfo:
    id: str
    name: str
    kind: str  # "command" | "query" | "event"
    class_name: str
    snake: str  # base for method names: "submit_order"
    response_class: str  # "" unless a query
    description: str
    version: int


@dataclass(frozen=True)
class ParameterInfo:
    """A channel parameter (`{streetlightId}`): a keyword argument of the Outbound method."""

    name: str  # as in the channel
    ident: str  # the Python keyword argument, e.g. `streetlight_id`
    annotation: str  # "str" | "int"
    example: str  # a placeholder value (an expression) for default handlers and tests


@dataclass(frozen=True)
class Action:
    """One step of a handler's default body: ask a query, send a command, publish an event."""

    verb: str  # "ask" | "send" | "publish"
    method: str  # the Outbound method, e.g. "publish_order_created"
    message: MessageInfo
    target: str  # display name of who receives it ("" for events)
    build: pyformat.Call  # the expression that builds the outgoing message
    # Values of the channel parameters the Outbound method takes: (ident, expression).
    arguments: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Handler:
    method: str  # "on_submit_order"
    message: MessageInfo
    returns: str  # response class, or "None"
    sources: str  # who sends it, for the docstring
    actions: tuple[Action, ...]
    response: pyformat.Call | None  # default answer of a query
    expects: str  # the TODO comment: what the design says this handler leads to


@dataclass(frozen=True)
class Subscriber:
    """A broker subscription feeding a handler."""

    function: str  # name of the subscriber function in _generated.py
    handler: str
    message: MessageInfo
    flow_id: str
    channel: FlowChannel
    queue_arguments: tuple[tuple[str, str], ...]  # RabbitMQ: declare the queue with these
    jetstream: bool  # NATS: a durable pull consumer (else core NATS, for requests)
    replies: bool  # an async query: answer to the question's reply address
    # The design says the flow is idempotent: a second copy (same message id) is skipped.
    idempotent: bool = False
    # The design's `dead_letter`: a message failing every attempt is kept (True) or
    # dropped with a logged line (False).
    dead_letter: bool = False
    # RabbitMQ: the inbox as the flow's `bindings.amqp` declares it (default: a durable
    # shared quorum queue; a temporary or exclusive one is a classic queue, which keeps no
    # delivery count: retried copies carry theirs in `x-msgflow-attempts`).
    queue_type: str = "quorum"
    durable: bool = True
    exclusive: bool = False
    auto_delete: bool = False


@dataclass(frozen=True)
class Route:
    """An http route this service serves."""

    function: str
    handler: str
    message: MessageInfo
    flow_id: str
    method: str
    path: str
    returns: str  # response class, or "Accepted"


@dataclass(frozen=True)
class Outbound:
    """A method of the service's `Outbound` object: everything it sends."""

    method: str
    verb: str  # "publish" | "send" | "ask"
    message: MessageInfo
    transport: str  # "broker" | "http"
    target: str  # package of the receiving service (http) or "" (broker)
    target_name: str
    path: str  # http path
    channels: tuple[FlowChannel, ...]  # broker channels it goes to (one per distinct address)
    timeout_s: float  # queries: how long to wait for the answer
    reply: str  # queries over a broker: the reply queue/subject, or the callback path
    # Channel parameters of its channels: keyword-only arguments giving their values.
    parameters: tuple[ParameterInfo, ...] = ()
    # Kafka: (topic, attribute of the message) whose value is the record key of what goes
    # to that topic (`bindings.kafka.key_field`); topics not named here get no key.
    record_keys: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Callback:
    """An http callback the design declares: where a query's answer may be POSTed."""

    package: str  # the asking service
    port: int
    path: str


@dataclass(frozen=True)
class StreamInfo:
    name: str
    subjects: tuple[str, ...]
    retention: str


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    description: str
    package: str
    slug: str  # the node's slug of the naming convention
    port: int
    handlers: tuple[Handler, ...]
    subscribers: tuple[Subscriber, ...]
    routes: tuple[Route, ...]
    outbound: tuple[Outbound, ...]
    reply_channel: str  # broker reply queue/subject this service reads, "" when none
    reply_channels: tuple[str, ...]  # all of them (flows may name different reply queues)
    callbacks: tuple[str, ...]  # http callback paths this service serves for its queries
    streams: tuple[StreamInfo, ...]  # NATS: JetStream streams it reads or writes
    uses_broker: bool
    serves_http: bool
    calls_http: bool
    contract_classes: tuple[str, ...]  # what _generated.py imports from contracts
    handler_imports: tuple[str, ...]  # "module:name" that handlers.py needs
    # Answering queries: the only URLs an answer may go to (never one from a message).
    answer_callbacks: tuple[Callback, ...] = ()


@dataclass(frozen=True)
class GenerationContext:
    context_version: int
    generator: str
    design_name: str
    design_description: str
    project: str  # distribution name of the generated project
    broker: str
    records: tuple[ModelInfo, ...]
    models: tuple[ModelInfo, ...]  # records first (in dependency-free order), then messages
    messages: tuple[MessageInfo, ...]
    services: tuple[Service, ...]
    identifiers: Mapping[str, str]  # namespace:key -> identifier (kept in the manifest)
    ports: Mapping[str, int]
    contract_imports: tuple[str, ...]  # "module:name" that contracts/messages.py needs
    type_aliases: tuple[TypeAliasInfo, ...] = ()  # of contracts/messages.py

    @property
    def first_party(self) -> tuple[str, ...]:
        """Top-level packages of the generated project (for import sorting)."""
        return ("contracts", "msgflow_runtime", "tests", *(s.package for s in self.services))

    @property
    def uses_http(self) -> bool:
        return any(s.serves_http or s.calls_http for s in self.services)
