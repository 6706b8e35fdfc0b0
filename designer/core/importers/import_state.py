"""What one AsyncAPI import has read so far, shared by its stages, and what it returns.

The import reads documents (operation_reading.py, message_reading.py, server_reading.py),
recognises requests and their replies (request_reply.py), pairs senders with receivers
into flows (flow_pairing.py) and chooses each flow's channel (flow_channels.py); every
stage reads and writes this one state and reports what it cannot map as an ImportNote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from designer.core.errors import one_line
from designer.core.model import (
    ChannelParameter,
    Design,
    FlowBindings,
    MessageField,
    MessageKind,
    Node,
    NodeKind,
    Transport,
)

from .schema_fields import SchemaMapper
from .spec_loading import Spec, SpecLoadError, SpecProblem

_M = TypeVar("_M", bound=BaseModel)

EXTERNAL_ACTOR = "external"


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


def built(model: type[_M], data: dict[str, Any], source: str, where: str, what: str) -> _M:
    """`model` made of values a document gave (msgflow's own keys, mostly), or a located
    SpecLoadError saying which value describes no valid design item: a hand-edited
    `x-msgflow-timeout-ms: -1` or flow detail `durable: ' '` used to escape as a pydantic
    ValidationError (issue #10)."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        field = ".".join(str(part) for part in first["loc"])
        message = first["msg"][:1].lower() + first["msg"][1:]
        raise SpecLoadError(
            [SpecProblem(source, where, f"describes no valid {what}: {field}: {message}")]
        ) from None


@dataclass
class MessageSeen:
    id: str
    name: str
    kind: MessageKind | None
    fields: list[MessageField]
    description: str | None
    owner: str | None
    version: int
    response: list[MessageField] | None = None
    one_of: list[str] | None = None  # a union payload's records
    discriminator: str | None = None
    response_one_of: list[str] | None = None  # a query's answer that is a union
    response_discriminator: str | None = None
    explicit_kind: str | None = None
    # Written by msgflow (`x-msgflow-id`): what it leaves out is absent, not unknown.
    from_msgflow: bool = False
    extras: dict[str, Any] = field(default_factory=dict)
    correlated: bool = False  # carries a correlationId
    has_reply: bool = False
    operation_names: list[str] = field(default_factory=list)
    descriptions: list[str | None] = field(default_factory=list)
    # The payload field its Kafka message binding's `key` is (the flows' record key).
    key_field: str | None = None
    source: str = ""  # where it was read: a problem in it is reported there
    where: str = "$"


@dataclass
class OperationSeen:
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
    # The channel's bindings a design keeps (the receiver's queue, the topic's size).
    bindings: FlowBindings | None = None


class ImportState:
    """The documents read so far: nodes, messages, operations and the report."""

    spec: Spec  # the document being read
    default_node: str  # its service, for operations naming none

    def __init__(self) -> None:
        self.notes: list[ImportNote] = []
        self.nodes: dict[str, Node] = {}
        self.messages: dict[str, MessageSeen] = {}
        self.operations: list[OperationSeen] = []
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
        # Avro payloads as JSON Schema, by the Avro schema's identity: a payload read by two
        # operations is the same schema object both times, so its records are made once.
        self._avro_read: dict[int, dict[str, Any] | None] = {}
        self._design_channels: dict[str, str] = {}  # flow id -> its `x-msgflow-channel`
        self._flow_protocols: dict[str, str] = {}  # flow id -> its documents' protocol
        self.settings: dict[str, Any] | None = None  # a msgflow design's own settings
        self.settings_at = ("", "$")  # where they were read
        self.servers: dict[str, dict[str, str]] = {}  # brokers' servers of foreign documents
        # Flows of msgflow's own exports: their channel and reply are the design's, verbatim.
        self._verbatim: set[str] = set()
        self._from_msgflow = False
        # A reply operation folded into its request's flows: (source, path) -> the request's.
        self._absorbed: dict[tuple[str, str], tuple[str, str]] = {}
        self._outcome_keys: list[tuple[str, str, str]] = []  # (source, path, name) in order

    def _note(self, path: str, message: str) -> None:
        self.notes.append(ImportNote(self.spec.source, path, message))

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


def extensions_of(op: dict[str, Any]) -> dict[str, Any]:
    """The `x-...` keys of an AsyncAPI object (msgflow keeps its own there)."""
    return {k: v for k, v in op.items() if k.startswith("x-")}
