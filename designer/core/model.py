"""The design model: exactly the `*.msgflow.json` file format (docs/file-format.md §1).

Semantics (nodes, messages, flows, settings) live apart from `layout`, so moving a
box never touches a semantic line of the file. Cross-reference checks that need the
whole design (dangling ids, duplicates) live in `references.py`; this module only
describes shapes.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
)

FORMAT_NAME: Literal["msgflow"] = "msgflow"
CURRENT_VERSION = 2

PRIMITIVE_TYPES: tuple[str, ...] = (
    "string",
    "integer",
    "number",
    "decimal",
    "boolean",
    "datetime",
    "date",
    "uuid",
    "bytes",
)


# Far beyond any drawing (a canvas of a billion pixels) yet small enough that a position
# is always written as a plain number, never in exponent form or as a 300-digit integer.
MAX_COORDINATE = 1e9
# The longest timer most runtimes accept (2**31 - 1 ms, about 24.8 days).
MAX_TIMEOUT_MS = 2**31 - 1
MAX_MESSAGE_VERSION = 2**31 - 1


class NodeKind(StrEnum):
    SERVICE = "service"
    ACTOR = "actor"


class MessageKind(StrEnum):
    COMMAND = "command"
    QUERY = "query"
    EVENT = "event"


class Transport(StrEnum):
    HTTP = "http"
    QUEUE = "queue"
    TOPIC = "topic"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class _Model(BaseModel):
    # Unknown keys are refused rather than dropped: dropping them would lose data on save.
    # Frozen: items are values. An edit makes a new item (`model_copy(update=...)`) and
    # the Document swaps it in, so an item a view, the undo history or the validator
    # still holds never changes under it.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Suppression(_Model):
    """Silences one rule on one item, with the reason recorded (like `# noqa`)."""

    rule: str
    reason: str


class MessageField(_Model):
    name: str = Field(min_length=1)
    type: str = Field(min_length=1)
    required: bool = True
    description: str | None = None


class RecordSchema(_Model):
    """A named record type usable as a field type (top-level `schemas`)."""

    name: str = Field(min_length=1)
    fields: list[MessageField] = Field(default_factory=list)
    description: str | None = None


class Node(_Model):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    kind: NodeKind = NodeKind.SERVICE
    description: str | None = None
    boundary: str | None = None
    suppress: list[Suppression] = Field(default_factory=list)

    @property
    def is_service(self) -> bool:
        return self.kind is NodeKind.SERVICE


class Message(_Model):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    kind: MessageKind
    description: str | None = None
    owner: str | None = None
    version: int = Field(default=1, ge=1, le=MAX_MESSAGE_VERSION)
    fields: list[MessageField] = Field(default_factory=list)
    response: list[MessageField] | None = None
    # Queries answered by several responders on purpose (EIP scatter-gather).
    scatter_gather: bool = False
    # Commands that take long: an actor should not wait for them over http.
    long_running: bool = False
    suppress: list[Suppression] = Field(default_factory=list)


class ChannelParameter(_Model):
    """A part of a flow's channel known only when a message is sent (format version 2).

    `streetlights.{streetlight_id}.lighting.measured`: subscribers listen to every value
    (a wildcard), a sender names one. Written `{name}` as a whole segment of the channel.
    """

    # AsyncAPI's rule for parameter names: they appear as `{name}` in channel addresses.
    name: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    type: Literal["string", "integer"] = "string"
    description: str | None = None
    # The values it may take, when the design knows them (AsyncAPI `enum`).
    enum: list[str] | None = None


class Flow(_Model):
    id: str = Field(min_length=1)
    message: str = Field(min_length=1)
    source: str = Field(alias="from", min_length=1)
    target: str = Field(alias="to", min_length=1)
    transport: Transport
    caused_by: str | None = None
    reply: str | None = None
    timeout_ms: int | None = Field(default=None, gt=0, le=MAX_TIMEOUT_MS)
    channel: str | None = None
    # The `{name}` parts of `channel`, in the order they appear there (format version 2).
    parameters: list[ChannelParameter] = Field(default_factory=list)
    idempotent: bool = False
    dead_letter: bool = False
    description: str | None = None
    suppress: list[Suppression] = Field(default_factory=list)

    @property
    def is_async(self) -> bool:
        return self.transport is not Transport.HTTP


# `{"severity": ..., "threshold": ...}`: which keys and values a rule accepts is the rules
# engine's to say (it reports them as findings); the file only has to hold plain values.
RuleOption = StrictStr | StrictBool | StrictInt | StrictFloat | None
RuleSetting = Literal["off", "error", "warning", "info"] | dict[str, RuleOption]


class Settings(_Model):
    rules: dict[str, RuleSetting] = Field(default_factory=dict)
    # Free-form settings of later features (code generation, broker defaults); the keys
    # msgflow reads are checked by `generate_settings.py` on load.
    generate: dict[str, Any] = Field(default_factory=dict)


class Point(_Model):
    x: float = Field(ge=-MAX_COORDINATE, le=MAX_COORDINATE, allow_inf_nan=False)
    y: float = Field(ge=-MAX_COORDINATE, le=MAX_COORDINATE, allow_inf_nan=False)


class RouteStyle(StrEnum):
    """How an arrow is drawn: orthogonal runs with rounded bends (the default), one
    smooth curve, or straight lines (through the user's bends, if any)."""

    ORTHOGONAL = "orthogonal"
    CURVED = "curved"
    STRAIGHT = "straight"


# More bends than anyone places by hand; a bound keeps a hostile file from making a
# drawing of millions of segments.
MAX_BENDS = 64


class FlowLayout(_Model):
    """How one arrow is drawn when the user chose it (format version 2).

    `bends`: points the route passes through, in order from its source to its target
    (none: the router finds the route). `label`: the centre of the arrow's label, where
    the user put it (none: placed automatically, clear of cards and other labels).
    """

    route: RouteStyle = RouteStyle.ORTHOGONAL
    bends: list[Point] = Field(default_factory=list, max_length=MAX_BENDS)
    label: Point | None = None

    @property
    def is_default(self) -> bool:
        """Nothing chosen: the arrow is drawn as if it had no entry."""
        return self.route is RouteStyle.ORTHOGONAL and not self.bends and self.label is None


class Layout(_Model):
    """Where things are drawn; never part of the meaning (format version 2: card
    positions under `nodes`, user-chosen arrow shapes under `flows`)."""

    # A container like Design: the Document's primitives swap whole points and shapes
    # in and out of its two tables; the points and shapes themselves are frozen values.
    model_config = ConfigDict(frozen=False)

    nodes: dict[str, Point] = Field(default_factory=dict)
    flows: dict[str, FlowLayout] = Field(default_factory=dict)

    def with_nodes(self, nodes: dict[str, Point]) -> Layout:
        """The cards at new places. Bends and label places are dropped (they were chosen
        for the old places and would now point anywhere); route styles are kept."""
        styles = {
            flow_id: FlowLayout(route=shape.route)
            for flow_id, shape in self.flows.items()
            if shape.route is not RouteStyle.ORTHOGONAL
        }
        return Layout(nodes=dict(nodes), flows=styles)


class Design(_Model):
    # The one mutable model: the Document's container. Only the Document's primitives
    # change its lists and fields (document.py), always by swapping whole items.
    model_config = ConfigDict(frozen=False)

    format: Literal["msgflow"] = FORMAT_NAME
    version: int = CURRENT_VERSION
    name: str = "Untitled"
    description: str | None = None
    nodes: list[Node] = Field(default_factory=list)
    schemas: list[RecordSchema] = Field(default_factory=list)
    messages: list[Message] = Field(default_factory=list)
    flows: list[Flow] = Field(default_factory=list)
    settings: Settings = Field(default_factory=Settings)
    layout: Layout = Field(default_factory=Layout)

    @field_validator("version")
    @classmethod
    def _known_version(cls, version: int) -> int:
        if version > CURRENT_VERSION:
            raise ValueError(
                f"this file was written by a newer msgflow (format version {version}); "
                f"this version reads up to {CURRENT_VERSION}: upgrade msgflow to open it"
            )
        if version < 0:
            raise ValueError(f"format version {version} is not a valid version")
        return version

    # Lookups are linear on purpose: the model is a plain value. Code that looks up in
    # loops builds an index (see `DesignIndex` in references.py and rules/facts.py).
    def node(self, node_id: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id), None)

    def message(self, message_id: str) -> Message | None:
        return next((m for m in self.messages if m.id == message_id), None)

    def flow(self, flow_id: str) -> Flow | None:
        return next((f for f in self.flows if f.id == flow_id), None)

    def record(self, name: str) -> RecordSchema | None:
        return next((s for s in self.schemas if s.name == name), None)


_LIST_TYPE = re.compile(r"^list\[(?P<inner>.+)\]$")
_MAP_TYPE = re.compile(r"^map\[\s*string\s*,\s*(?P<inner>.+)\]$")


def parse_field_type(type_text: str) -> tuple[str, str | None]:
    """Split a field type into (constructor, inner type).

    `list[OrderLine]` -> ("list", "OrderLine"); `map[string,integer]` -> ("map", "integer");
    `uuid` -> ("uuid", None); a record name -> (name, None).
    """
    text = type_text.strip()
    if match := _LIST_TYPE.match(text):
        return "list", match.group("inner").strip()
    if match := _MAP_TYPE.match(text):
        return "map", match.group("inner").strip()
    return text, None


def field_type_problem(type_text: str, record_names: set[str]) -> str | None:
    """Why `type_text` is not a valid field type, or None when it is."""
    constructor, inner = parse_field_type(type_text)
    if inner is not None:
        return field_type_problem(inner, record_names)
    if constructor in PRIMITIVE_TYPES or constructor in record_names:
        return None
    return f"unknown field type '{type_text}'"
