"""The design model: exactly the `*.msgflow.json` file format (docs/file-format.md §1).

Semantics (nodes, messages, flows, settings) live apart from `layout`, so moving a
box never touches a semantic line of the file. Cross-reference checks that need the
whole design (dangling ids, duplicates) live in `references.py`; this module only
describes shapes.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

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


# A value an `enum` lists: what a JSON payload holds in a string, integer, number or boolean
# field. Strict, so a file's `1` stays an integer, `1.5` a float and `true` a boolean (never
# `"1"` or `1`); a number is finite, as JSON's are.
EnumValue = StrictStr | StrictInt | StrictBool | Annotated[StrictFloat, Field(allow_inf_nan=False)]

# The field types whose values an `enum` may list, and the Python types of their values:
# a boolean is no integer here (`type(v) is`, not isinstance: JSON tells them apart), and a
# number is an integer or a float (JSON's `1` and `1.0` are one number).
ENUM_VALUE_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


def enum_value_fits(value: object, field_type: str) -> bool:
    """Whether `value` is a value of `field_type` an `enum` may list."""
    return type(value) in ENUM_VALUE_TYPES.get(field_type, ())


class MessageField(_Model):
    name: str = Field(min_length=1)
    type: str = Field(min_length=1)
    required: bool = True
    # The only values a `string`, `integer`, `number` or `boolean` field may take (an enum;
    # one value is a constant, which is what tells the alternatives of a discriminated union
    # apart). Version 2; values of the other types since session 4 (still version 2).
    enum: list[EnumValue] | None = None
    # For a union type (`Circle | Square`): the field of every alternative record whose
    # value says which alternative a message holds. Version 2.
    discriminator: str | None = None
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
    # A message whose body is one of these records (a union payload), instead of `fields`;
    # `discriminator` as on a union field. Version 2.
    one_of: list[str] | None = None
    discriminator: str | None = None
    response: list[MessageField] | None = None
    # A query's answer that is one of these records (instead of `response` fields), and
    # what tells them apart. Version 2.
    response_one_of: list[str] | None = None
    response_discriminator: str | None = None
    # Queries answered by several responders on purpose (EIP scatter-gather).
    scatter_gather: bool = False
    # Commands that take long: an actor should not wait for them over http.
    long_running: bool = False
    suppress: list[Suppression] = Field(default_factory=list)


# AsyncAPI's rule for parameter names: they appear as `{name}` in channel addresses.
PARAMETER_NAME = r"^[A-Za-z0-9_-]+$"


class ChannelParameter(_Model):
    """A part of a flow's channel known only when a message is sent (format version 2).

    `streetlights.{streetlight_id}.lighting.measured`: subscribers listen to every value
    (a wildcard), a sender names one. Written `{name}` as a whole segment of the channel.
    """

    name: str = Field(pattern=PARAMETER_NAME)
    type: Literal["string", "integer"] = "string"
    description: str | None = None
    # The values it may take, when the design knows them (AsyncAPI `enum`).
    enum: list[str] | None = None


class AmqpQueue(_Model):
    """How the receiver's RabbitMQ queue is declared (format version 2), where a design says
    otherwise than the default durable, shared queue: a temporary or private inbox.

    `exchange_type: fanout` (format version 2, absent by default): the flow's messages go
    through an exchange of their own that gives every queue bound to it every message,
    whatever the routing key (docs/file-format.md). Only a topic flow can ask for one."""

    durable: bool = True
    exclusive: bool = False
    auto_delete: bool = False
    exchange_type: Literal["fanout"] | None = None


# What a Kafka record key can be made of: one value written as text. A list, map or
# record has no single text form a partitioner could hash the same way everywhere.
KEY_FIELD_TYPES: tuple[str, ...] = (
    "string",
    "integer",
    "decimal",
    "boolean",
    "datetime",
    "date",
    "uuid",
)


class KafkaTopic(_Model):
    """The size of the flow's Kafka topic (format version 2). The record key is the value
    of the channel's parameters, when it has some (`channel_parameters.py`), else the
    value of the message field `key_field` names (format version 2, absent by default):
    records of one entity then land in one partition, in order."""

    partitions: int | None = Field(default=None, ge=1, le=1_000_000)
    replicas: int | None = Field(default=None, ge=1, le=1_000)
    key_field: str | None = Field(default=None, min_length=1)


class FlowBindings(_Model):
    """Broker settings of one flow the design holds (AsyncAPI bindings it can express)."""

    amqp: AmqpQueue | None = None
    kafka: KafkaTopic | None = None


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
    bindings: FlowBindings | None = None
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
    # Mutable, like Layout: the Document's container. Only the Document's primitives
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

    def detached(self, layout: Layout | None = None) -> Design:
        """A copy whose lists (and layout, or `layout` when given) are its own, so edits of
        one Design never reach the other. Items are frozen values, so they are shared, not
        copied: a deep copy per candidate drawing took a third of auto-layout's time."""
        return self.model_copy(
            update={
                "nodes": list(self.nodes),
                "schemas": list(self.schemas),
                "messages": list(self.messages),
                "flows": list(self.flows),
                "layout": layout
                if layout is not None
                else Layout(nodes=dict(self.layout.nodes), flows=dict(self.layout.flows)),
            }
        )

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


def union_members(type_text: str) -> list[str]:
    """The alternatives of a union type: `Circle | Square` -> ["Circle", "Square"].

    Only a `|` outside brackets separates alternatives, so `list[A | B]` is one member
    (a list of a union). A type that is not a union gives a list of itself.
    """
    members, depth, start = [], 0, 0
    for index, char in enumerate(type_text):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "|" and depth == 0:
            members.append(type_text[start:index].strip())
            start = index + 1
    members.append(type_text[start:].strip())
    return members


def parse_field_type(type_text: str) -> tuple[str, str | None]:
    """Split a field type into (constructor, inner type).

    `list[OrderLine]` -> ("list", "OrderLine"); `map[string,integer]` -> ("map", "integer");
    `Circle | Square` -> ("union", None) (see `union_members`); `uuid` -> ("uuid", None);
    a record name -> (name, None).
    """
    text = type_text.strip()
    if len(union_members(text)) > 1:
        return "union", None
    if match := _LIST_TYPE.match(text):
        return "list", match.group("inner").strip()
    if match := _MAP_TYPE.match(text):
        return "map", match.group("inner").strip()
    return text, None


def type_names(type_text: str) -> list[str]:
    """Every primitive and record name a field type mentions, in order of appearance."""
    constructor, inner = parse_field_type(type_text)
    if constructor == "union":
        return [name for member in union_members(type_text) for name in type_names(member)]
    if inner is not None:
        return type_names(inner)
    return [constructor]


def the_union(type_text: str) -> list[str] | None:
    """The alternatives of the union a type is or holds (`list[A | B]`), else None."""
    constructor, inner = parse_field_type(type_text)
    if constructor == "union":
        return union_members(type_text)
    return the_union(inner) if inner is not None else None


def field_type_problem(type_text: str, record_names: set[str]) -> str | None:
    """Why `type_text` is not a valid field type, or None when it is."""
    constructor, inner = parse_field_type(type_text)
    if constructor == "union":
        members = union_members(type_text)
        if "" in members:
            return f"'{type_text}' has an empty alternative"
        if len(set(members)) < len(members):
            return f"'{type_text}' names an alternative twice"
        if {"integer", "number"} <= set(members):
            return f"'{type_text}': every integer is a number: write number alone"
        for member in members:
            if problem := field_type_problem(member, record_names):
                return problem
        return None
    if inner is not None:
        return field_type_problem(inner, record_names)
    if constructor in PRIMITIVE_TYPES or constructor in record_names:
        return None
    return f"unknown field type '{type_text}'"


def enum_value_text(value: EnumValue) -> str:
    """A listed value as a person writes it: `small`, `3`, `0.5`, `true` (JSON's spelling)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def read_enum_value(text: str, field_type: str) -> EnumValue:
    """The value `text` stands for in a field of `field_type` (`enum_value_text` reversed):
    `3` in an integer field is 3, `true` in a boolean one is True. Text that is no such
    value stays text, so `enum_problem` names it rather than it being dropped."""
    if field_type in ("integer", "number") and re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    if field_type == "number" and re.fullmatch(r"-?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?", text):
        return float(text)
    if field_type == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


def enum_problem(field: MessageField) -> str | None:
    """Why a field's `enum` (the values it may take) cannot be, or None."""
    if field.enum is None:
        return None
    if field.type not in ENUM_VALUE_TYPES:
        return (
            f"only a string, integer, number or boolean field lists its values; "
            f"'{field.name}' is {field.type}"
        )
    if not field.enum:
        return f"field '{field.name}' lists no values: leave `enum` out instead"
    wrong = next((v for v in field.enum if not enum_value_fits(v, field.type)), None)
    if wrong is not None:
        return f"field '{field.name}' is {field.type}: its value {json.dumps(wrong)} is not one"
    if len(set(field.enum)) < len(field.enum):
        return f"field '{field.name}' lists a value twice"
    return None


def discriminator_problem(
    alternatives: list[str] | None, discriminator: str, records: dict[str, RecordSchema]
) -> str | None:
    """Why `discriminator` cannot tell the `alternatives` apart, or None when it can.

    Each alternative must be a record with a required string field of that name listing
    its values, and no value may belong to two alternatives (pydantic's discriminated
    union, and JSON Schema readers, rely on exactly that).
    """
    if not alternatives:
        return f"discriminator '{discriminator}' needs a union of records to tell apart"
    owner_of: dict[EnumValue, str] = {}
    for name in alternatives:
        record = records.get(name)
        if record is None:
            return f"discriminator '{discriminator}': alternative '{name}' is not a record"
        field = next((f for f in record.fields if f.name == discriminator), None)
        if field is None or not field.required or not field.enum or field.type != "string":
            return (
                f"discriminator '{discriminator}': record '{name}' needs a required string "
                f"field '{discriminator}' listing its values"
            )
        for value in field.enum:
            if value in owner_of:
                return (
                    f"discriminator '{discriminator}': value '{value}' belongs to both "
                    f"'{owner_of[value]}' and '{name}'"
                )
            owner_of[value] = name
    return None


def one_of_problem(message: Message, records: dict[str, RecordSchema]) -> tuple[str, str] | None:
    """(key, why) when a message's union payload (`one_of`) or its query's union answer
    (`response_one_of`) cannot be, else None."""
    if message.response_one_of is not None and message.kind is not MessageKind.QUERY:
        return "response_one_of", f"only queries have a response; '{message.name}' is not one"
    body = _union_body_problem(
        message.one_of,
        message.discriminator,
        bool(message.fields),
        ("one_of", "discriminator", "fields"),
        records,
    )
    return body or _union_body_problem(
        message.response_one_of,
        message.response_discriminator,
        bool(message.response),
        ("response_one_of", "response_discriminator", "response"),
        records,
    )


def _union_body_problem(
    one_of: list[str] | None,
    discriminator: str | None,
    has_fields: bool,
    keys: tuple[str, str, str],
    records: dict[str, RecordSchema],
) -> tuple[str, str] | None:
    union_key, tag_key, fields_key = keys
    if one_of is None:
        if discriminator is not None:
            return tag_key, f"a discriminator needs `{union_key}` (the alternatives)"
        return None
    if len(one_of) < 2:
        return union_key, "a union payload needs at least two records"
    if len(set(one_of)) < len(one_of):
        return union_key, "a union payload names a record twice"
    if has_fields:
        return fields_key, f"a union payload (`{union_key}`) has no fields of its own"
    for name in one_of:
        if name not in records:
            return union_key, f"unknown record '{name}'"
    if discriminator is not None:
        problem = discriminator_problem(one_of, discriminator, records)
        if problem:
            return tag_key, problem
    return None


def field_problems(field: MessageField, records: dict[str, RecordSchema]) -> list[tuple[str, str]]:
    """(key, why) for each part of one field that cannot be: its type, values, discriminator."""
    if problem := field_type_problem(field.type, set(records)):
        return [("type", problem)]
    found = []
    if problem := enum_problem(field):
        found.append(("enum", problem))
    if field.discriminator is not None and (
        problem := discriminator_problem(the_union(field.type), field.discriminator, records)
    ):
        found.append(("discriminator", problem))
    return found
