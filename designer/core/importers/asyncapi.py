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

The stages, one module each: operation_reading.py (with message_reading.py and
server_reading.py), request_reply.py, flow_pairing.py, flow_channels.py; their shared
state and the result's types are in import_state.py.
"""

from __future__ import annotations

from designer.core.channels import slug
from designer.core.errors import json_path
from designer.core.io import natural_key
from designer.core.layout import auto_layout
from designer.core.model import Design, Message, MessageKind, Node, Settings

from .flow_channels import FlowChannels
from .flow_pairing import FlowPairing
from .forwarded_events import forwarded_messages
from .import_state import ImportNote, ImportResult, OperationOutcome, built
from .kind_reading import read_kind
from .operation_reading import OperationReading
from .request_reply import RequestReply
from .schema_fields import SchemaMapper, UnreadableSchema, record_name
from .server_reading import SERVERS_SETTING
from .spec_loading import Spec, SpecLoadError, SpecProblem, text_of

__all__ = ["ImportNote", "ImportResult", "OperationOutcome", "import_asyncapi"]


def import_asyncapi(specs: list[Spec], name: str | None = None) -> ImportResult:
    """Build one design from the documents; the result is laid out and valid."""
    builder = _Builder()
    for spec in specs:
        try:
            builder.read(spec)
        except UnreadableSchema as problem:
            raise SpecLoadError([SpecProblem(spec.source, problem.at, problem.message)]) from None
        except RecursionError:
            # A schema containing itself with no end: through a YAML alias (not a $ref),
            # or through an allOf the union check above does not see.
            raise SpecLoadError(
                [
                    SpecProblem(
                        spec.source,
                        "$",
                        "a schema contains itself with no end "
                        "(through a YAML alias, or through allOf/oneOf/anyOf)",
                    )
                ]
            ) from None
    title = (specs[0].data.get("info") or {}).get("title") if len(specs) == 1 else None
    single_title = str(title) if title is not None else None  # `title: 1.0` is a number in YAML
    design = builder.build(name or builder.design_name or single_title)
    return ImportResult(design, builder.notes, builder.outcomes)


class _Builder(OperationReading, RequestReply, FlowPairing, FlowChannels):
    """Every stage of the import over one shared state (import_state.py)."""

    def read(self, spec: Spec) -> None:
        self.spec = spec
        info = spec.data.get("info") or {}
        title = str(info.get("title") or spec.source)
        design_info = info.get("x-msgflow-design")
        self._from_msgflow = bool(design_info or info.get("x-msgflow-nodes"))
        # msgflow's exports name every discriminator: a union without one stays plain.
        self._mapper = SchemaMapper(
            spec.deref, self._note, infer_discriminators=not self._from_msgflow
        )
        if isinstance(design_info, dict):  # written by msgflow: the whole design's name
            self.design_name = self.design_name or text_of(design_info.get("name"))
            if isinstance(design_info.get("settings"), dict) and self.settings is None:
                self.settings = design_info["settings"]
                self.settings_at = (spec.source, "$.info.x-msgflow-design.settings")
            self.description = self.description or text_of(design_info.get("description"))
        else:
            # `description: ''` says nothing: no description, as an export writes it.
            self._descriptions.append(text_of(info.get("description")))
        for entry in info.get("x-msgflow-nodes", []) or []:
            node = Node.model_validate(entry)
            self.nodes.setdefault(node.id, node)
        default_node = str(info.get("x-service") or slug(title))
        if info.get("x-service") or not any(
            isinstance(op, dict) and op.get("x-service") for op in self._raw_operations(spec)
        ):
            self._node(
                default_node,
                title,
                text_of(info.get("description")),
                text_of(str(info.get("x-msgflow-boundary") or "")),
            )
        self.default_node = default_node
        for problem in (*spec.unfollowed, *spec.schema_notes):
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
        if self._from_msgflow:
            self._unread_records(spec, self._mapper)
        else:
            self._unread_schemas(spec, self._mapper)
        self._records.update(self._mapper.records)
        for key in ("security", "tags", "externalDocs"):
            if key in spec.data or key in info:
                self._note("$", f"'{key}' is not part of a design: not imported")
        if (spec.data.get("components") or {}).get("securitySchemes"):
            self._note(
                "$.components.securitySchemes",
                "security schemes are not part of a design: not imported",
            )

    def _unread_records(self, spec: Spec, mapper: SchemaMapper) -> None:
        """Records msgflow exported though no message reads them: kept as records.

        Only in msgflow's own documents, where components/schemas holds records and
        nothing else; a foreign document's schemas are read where its payloads use them."""
        declared = (spec.data.get("components") or {}).get("schemas") or {}
        if isinstance(declared, dict):
            for key, schema in declared.items():
                mapper.component_record(str(key), schema, json_path(("components", "schemas", key)))

    def _unread_schemas(self, spec: Spec, mapper: SchemaMapper) -> None:
        """A foreign document's schemas that no message reads, one report line each.

        They are the API's named types, so an object becomes a design record (one a new
        message can use); what is no object has no place in a design (its named types are
        records) and is only reported. A schema some `$ref` of the document names is read
        where that reference is (a string type inside a record), not here."""
        declared = (spec.data.get("components") or {}).get("schemas") or {}
        if not isinstance(declared, dict):
            return
        referenced = _referenced_schemas(spec.data)
        for key, schema in declared.items():
            at = json_path(("components", "schemas", key))
            if record_name(str(key)) in mapper.records or str(key) in referenced:
                continue
            if mapper.component_record(str(key), schema, at) is not None:
                self._note(
                    at, "read by no message of this document: kept as a record no message uses"
                )
            else:
                self._note(
                    at,
                    "read by no message of this document and not an object: not imported "
                    "(a design names only record types)",
                )

    def build(self, name: str | None) -> Design:
        if self.description is None and len(self._descriptions) == 1:
            # One service's document: its description describes the design; several
            # services' descriptions stay on their nodes.
            self.description = self._descriptions[0]
        self._link_by_address()
        self._finish_kinds()
        flows = self._flows()
        forwarded = forwarded_messages(
            list(self.messages.values()), flows, {n.id: n.name for n in self.nodes.values()}
        )
        for message_id, suppression in forwarded.items():
            self.notes.append(
                ImportNote("", message_id, f"{suppression.rule} suppressed: {suppression.reason}")
            )
        messages = [
            built(
                Message,
                dict(
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
                    one_of=m.one_of,
                    discriminator=m.discriminator,
                    response_one_of=m.response_one_of if m.kind is MessageKind.QUERY else None,
                    response_discriminator=m.response_discriminator
                    if m.kind is MessageKind.QUERY
                    else None,
                    response=(m.response if m.response is not None else [])
                    if m.kind is MessageKind.QUERY
                    else None,
                    long_running=bool(m.extras.get("x-msgflow-long-running")),
                    scatter_gather=bool(m.extras.get("x-msgflow-scatter-gather")),
                    suppress=[
                        *(m.extras.get("x-msgflow-suppress") or []),
                        *([forwarded[m.id]] if m.id in forwarded else []),
                    ],
                ),
                m.source,
                m.where,
                "message",
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
        design = self._record_keys(design)
        return auto_layout(design)

    def _settings(self) -> Settings:
        source, where = self.settings_at
        settings = built(Settings, self.settings or {}, source, where, "settings")
        if self.servers:
            generate = {**settings.generate, SERVERS_SETTING: dict(sorted(self.servers.items()))}
            settings = settings.model_copy(update={"generate": generate})
        return settings

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


def _a(kind: MessageKind) -> str:
    return f"{'an' if kind is MessageKind.EVENT else 'a'} {kind.value}"


def _referenced_schemas(data: object) -> set[str]:
    """The keys of `components/schemas` that a `$ref` anywhere in `data` names."""
    found: set[str] = set()
    pending, seen = [data], set()
    while pending:
        node = pending.pop()
        if id(node) in seen:  # YAML aliases share nodes: each is walked once, never 2^n times
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and "/components/schemas/" in ref:
                key = ref.split("/components/schemas/", 1)[1].split("/", 1)[0]
                found.add(key.replace("~1", "/").replace("~0", "~"))
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return found
