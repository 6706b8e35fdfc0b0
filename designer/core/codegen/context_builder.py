"""Builds the template context (context.py) from a design: names, models, services.

Everything a template needs is decided here, in Python, so templates stay simple: which
service handles what, which channels it publishes to, what a handler's default body sends,
which identifiers and ports items get (stable across runs through the previous mapping).
"""

from __future__ import annotations

from collections.abc import Mapping

from designer import __version__
from designer.core import channel_parameters
from designer.core.channels import ChannelNames, FlowChannel
from designer.core.gc_pause import collector_paused
from designer.core.model import (
    ENUM_VALUE_TYPES,
    KEY_FIELD_TYPES,
    AmqpQueue,
    ChannelParameter,
    Design,
    EnumValue,
    Flow,
    MessageField,
    MessageKind,
    Transport,
    the_union,
)
from designer.core.topology import build_jetstream, consuming_queue_arguments, inbox_type

from . import pyformat
from .context import (
    CONTEXT_VERSION,
    Action,
    Callback,
    FieldInfo,
    GenerationContext,
    Handler,
    MessageInfo,
    ModelInfo,
    Outbound,
    ParameterInfo,
    Route,
    Service,
    StreamInfo,
    Subscriber,
    TypeAliasInfo,
)
from .identifiers import (
    BUILTIN_NAMES,
    GENERATED_NAMES,
    MODEL_ATTRIBUTES,
    PACKAGE_NAMES,
    TYPE_NAMES,
    IdentifierMap,
    is_identifier,
    pascal,
    snake,
)
from .run_memo import shared
from .types import TypeMapper

FIRST_PORT = 8001
# Names contracts/messages.py imports or defines besides the models: no alias takes them.
_CONTRACT_MODULE_NAMES = frozenset(
    {"Annotated", "Any", "Contract", "Decimal", "Field", "Literal", "RootModel", "UUID"}
    | {"AfterValidator", "date", "datetime", "listed_number"}
)


def _field_wish(name: str) -> str:
    return "field_" + name if name.startswith("model_") else name


class ContextBuilder:
    def __init__(self, design: Design, broker: str, previous: Mapping[str, str]) -> None:
        self.design = design
        self.broker = broker
        self.previous = previous
        self.ids = IdentifierMap(previous)
        self.names = ChannelNames(design)
        self.nodes = {n.id: n for n in design.nodes}
        self.raw_messages = {m.id: m for m in design.messages}
        self.services = sorted((n for n in design.nodes if n.is_service), key=lambda n: n.id)
        self.service_ids = {n.id for n in self.services}
        self.flows = [f for f in design.flows if f.message in self.raw_messages]
        self.flows.sort(key=lambda f: f.id)
        # Each service's flows, in the same order, found once (not by a scan per service).
        self.flows_to: dict[str, list[Flow]] = {}
        self.flows_from: dict[str, list[Flow]] = {}
        for flow in self.flows:
            self.flows_to.setdefault(flow.target, []).append(flow)
            self.flows_from.setdefault(flow.source, []).append(flow)

    # -- names ------------------------------------------------------------------------
    def _assign_names(self) -> None:
        self.packages = self.ids.assign_all(
            "package",
            {n.id: snake(n.id) for n in self.services},
            reserved=PACKAGE_NAMES,
            reserved_suffix="_service",
        )
        # Each service's handlers class (handlers.py) is named after its package.
        reserved_classes = TYPE_NAMES | BUILTIN_NAMES | GENERATED_NAMES
        reserved_classes |= {pascal(p) + "Handlers" for p in self.packages.values()}
        wanted = {f"record:{s.name}": pascal(s.name) for s in self.design.schemas}
        wanted.update({f"message:{m.id}": pascal(m.name) for m in self.design.messages})
        classes = self.ids.assign_all(
            "class", wanted, reserved=reserved_classes, reserved_suffix="Message"
        )
        responses = self.ids.assign_all(
            "class",
            {
                f"response:{m.id}": classes[f"message:{m.id}"] + "Response"
                for m in self.design.messages
                if m.kind is MessageKind.QUERY
            },
            reserved=reserved_classes,
        )
        self.record_classes = {s.name: classes[f"record:{s.name}"] for s in self.design.schemas}
        self.message_classes = {m.id: classes[f"message:{m.id}"] for m in self.design.messages}
        self.response_classes = {
            m.id: responses[f"response:{m.id}"]
            for m in self.design.messages
            if m.kind is MessageKind.QUERY
        }
        self.message_snakes = self.ids.assign_all(
            "method", {m.id: snake(m.name) for m in self.design.messages}
        )
        self.ports = self._assign_ports()

    def _assign_ports(self) -> dict[str, int]:
        ports: dict[str, int] = {}
        used: set[int] = set()
        for node in self.services:
            old = self.previous.get(f"port:{node.id}", "")
            if old.isdigit() and int(old) not in used:
                ports[node.id] = int(old)
                used.add(int(old))
        candidate = FIRST_PORT
        for node in self.services:
            if node.id in ports:
                continue
            while candidate in used:
                candidate += 1
            ports[node.id] = candidate
            used.add(candidate)
        return ports

    def _field_idents(self, owner: str, fields: list[MessageField]) -> dict[str, str]:
        """Python attribute per field name of one model (assigned once, then remembered)."""
        if owner not in self._idents:
            self._idents[owner] = self.ids.assign_all(
                f"field:{owner}",
                # pydantic reserves the `model_` prefix for itself.
                {f.name: _field_wish(snake(f.name)) for f in fields},
                reserved=TYPE_NAMES | BUILTIN_NAMES | MODEL_ATTRIBUTES | {"model_config"},
            )
        return self._idents[owner]

    def _fields(
        self, owner: str, fields: list[MessageField], owner_class: str
    ) -> tuple[FieldInfo, ...]:
        idents = self._field_idents(owner, fields)
        result = []
        for f in fields:
            ident = idents[f.name]
            alias = self._alias_for(f, owner_class)
            annotation = self.types.annotation(f.type, alias)
            if not f.required:
                annotation += " | None"
            result.append(
                FieldInfo(
                    f.name,
                    ident,
                    f.type,
                    annotation,
                    f.required,
                    pyformat.doc_text(f.description),
                    tuple(f.enum or ()),
                )
            )
        return tuple(result)

    def _alias_for(self, f: MessageField, owner_class: str) -> str | None:
        """Declare the type alias a field's enum or union needs; its name, or None.

        Aliases keep field lines short (a `Literal` of many values or a discriminated
        union would not fit) and give the union a name a reader can look up."""
        members = the_union(f.type)
        if members is None and not (f.enum and f.type in ENUM_VALUE_TYPES):
            return None
        name = self._free_alias(f"{owner_class}{pascal(f.name) or 'Value'}")
        if members is None and f.type == "number":
            self._number_enum_alias(name, f.enum or [])
        elif members is None:
            values = tuple(("", pyformat.literal(v)) for v in f.enum or ())
            source = pyformat.render(pyformat.Call("Literal", values, "[]"), 0, f"{name} = ")
            self.type_aliases.append(TypeAliasInfo(name, source, "enum"))
            self._alias_imports.add("typing:Literal")
        else:
            self._union_alias(name, members, f.discriminator)
        return name

    def _number_enum_alias(self, name: str, values: list[EnumValue]) -> None:
        """`Name = Annotated[float, listed_number(0.5, 1.5)]`: `Literal` holds no float, so
        a number field's values are checked after reading (the check is declared once)."""
        if not any(alias.name == NUMBER_CHECK for alias in self.type_aliases):
            # First of the aliases: the template puts one blank line above them, and its
            # source adds the second a function needs (and two after it).
            self.type_aliases.insert(0, TypeAliasInfo(NUMBER_CHECK, _NUMBER_CHECK_SOURCE, "enum"))
            self._alias_imports |= {"typing:Annotated", "pydantic:AfterValidator"}
        check = pyformat.Call(NUMBER_CHECK, tuple(("", pyformat.literal(v)) for v in values))
        annotated = pyformat.Call("Annotated", (("", "float"), ("", check)), "[]")
        self.type_aliases.append(
            TypeAliasInfo(name, pyformat.render(annotated, 0, f"{name} = "), "enum")
        )

    def _union_alias(self, name: str, members: list[str], discriminator: str | None) -> None:
        union = " | ".join(self.types.annotation(m) for m in members)
        # pydantic names the tag by its Python attribute (`type_` for the wire's `type`).
        tags = {self._idents.get(f"record:{m}", {}).get(discriminator or "") for m in members}
        tag_ident = tags.pop() if len(tags) == 1 else None
        if discriminator and tag_ident:
            tag = pyformat.Call("Field", (("discriminator", pyformat.string(tag_ident)),))
            annotated = pyformat.Call("Annotated", (("", union), ("", tag)), "[]")
            source = pyformat.render(annotated, 0, f"{name} = ")
            self._alias_imports |= {"typing:Annotated", "pydantic:Field"}
        elif pyformat.width(f"{name} = {union}") <= pyformat.LINE_LENGTH:
            source = f"{name} = {union}"
        elif pyformat.width(f"    {union}") <= pyformat.LINE_LENGTH:
            source = f"{name} = (\n    {union}\n)"  # ruff's layout: in parentheses
        else:  # ... and one operand a line when the chain does not fit on one
            alternatives = [self.types.annotation(m) for m in members]
            source = f"{name} = (\n    " + "\n    | ".join(alternatives) + "\n)"
        self.type_aliases.append(TypeAliasInfo(name, source, "union"))

    def _free_alias(self, wish: str) -> str:
        name, number = wish, 1
        while name in self._taken_names:
            number += 1
            name = f"{wish}{number}"
        self._taken_names.add(name)
        return name

    # -- models -----------------------------------------------------------------------
    def _models(self) -> None:
        self.types = TypeMapper(self.record_classes)
        self.type_aliases: list[TypeAliasInfo] = []
        self._idents: dict[str, dict[str, str]] = {}
        schemas = sorted(self.design.schemas, key=lambda s: s.name)
        for schema in schemas:  # a union's tag is named by its records' attributes
            self._field_idents(f"record:{schema.name}", schema.fields)
        self._alias_imports: set[str] = set()
        # Alias names never shadow a class of the module or a name it imports.
        self._taken_names = {
            *self.record_classes.values(),
            *self.message_classes.values(),
            *self.response_classes.values(),
            *_CONTRACT_MODULE_NAMES,
        }
        self.records = tuple(
            ModelInfo(
                self.record_classes[s.name],
                "record",
                s.name,
                pyformat.doc_text(s.description),
                self._fields(f"record:{s.name}", s.fields, self.record_classes[s.name]),
            )
            for s in sorted(self.design.schemas, key=lambda s: s.name)
        )
        self.types.record_fields = {
            s.name: [(fi.ident, fi.type, fi.required, fi.enum) for fi in info.fields]
            for s, info in zip(
                sorted(self.design.schemas, key=lambda s: s.name), self.records, strict=True
            )
        }
        self.message_infos: dict[str, MessageInfo] = {}
        self.message_fields: dict[str, tuple[FieldInfo, ...]] = {}
        self.response_fields: dict[str, tuple[FieldInfo, ...]] = {}
        models: list[ModelInfo] = []
        for m in sorted(self.design.messages, key=lambda m: m.id):
            info = MessageInfo(
                m.id,
                m.name,
                m.kind.value,
                self.message_classes[m.id],
                self.message_snakes[m.id],
                self.response_classes.get(m.id, ""),
                pyformat.doc_text(m.description),
                m.version,
            )
            self.message_infos[m.id] = info
            self.message_fields[m.id] = self._fields(f"message:{m.id}", m.fields, info.class_name)
            root = ""
            if m.one_of:
                root = self._free_alias(f"{info.class_name}Body")
                self._union_alias(root, m.one_of, m.discriminator)
            models.append(
                ModelInfo(
                    info.class_name,
                    m.kind.value,
                    m.name,
                    info.description,
                    self.message_fields[m.id],
                    root,
                    tuple(m.one_of or ()),
                )
            )
            if m.kind is MessageKind.QUERY:
                self.response_fields[m.id] = self._fields(
                    f"response:{m.id}", m.response or [], info.response_class
                )
                answer_root = ""
                if m.response_one_of:
                    answer_root = self._free_alias(f"{info.response_class}Body")
                    self._union_alias(answer_root, m.response_one_of, m.response_discriminator)
                models.append(
                    ModelInfo(
                        info.response_class,
                        "response",
                        m.name,
                        "",
                        self.response_fields[m.id],
                        answer_root,
                        tuple(m.response_one_of or ()),
                    )
                )
        self.models = self.records + tuple(models)
        self.one_of_of_class = {m.class_name: m.one_of for m in self.models if m.one_of}

    def _fill(
        self,
        class_name: str,
        target: tuple[FieldInfo, ...],
        source: tuple[FieldInfo, ...],
        imports: set[str],
    ) -> pyformat.Call:
        """Build `target` from `source` where names and types match, defaults otherwise."""
        by_name = {f.name: f for f in source}
        arguments: list[tuple[str, pyformat.Expr]] = []
        imports.add(f"contracts:{class_name}")
        body = self.one_of_of_class.get(class_name)
        if body:  # a union body: its first alternative, with defaults
            return pyformat.Call(class_name, (("", self.types.default(body[0], imports)),))
        for f in target:
            match = by_name.get(f.name)
            if (
                match is not None
                and match.type == f.type
                and (match.required or not f.required)
                # A value of the source's enum must be one the target allows.
                and (not f.enum or (bool(match.enum) and set(match.enum) <= set(f.enum)))
            ):
                arguments.append((f.ident, f"message.{match.ident}"))
            elif f.required:
                arguments.append((f.ident, self.types.default(f.type, imports, enum=f.enum)))
        return pyformat.Call(class_name, tuple(arguments))

    # -- services ---------------------------------------------------------------------
    def build(self) -> GenerationContext:
        self._assign_names()
        self._models()
        jetstream = build_jetstream(self.design)
        self.stream_of_subject = {s: st for st in jetstream.streams for s in st.subjects}
        services = tuple(self._service(node.id) for node in self.services)
        for node in self.services:
            self.ids.assign_all("port", {node.id: str(self.ports[node.id])})
        return GenerationContext(
            context_version=CONTEXT_VERSION,
            generator=f"msgflow {__version__}",
            design_name=self.design.name,
            design_description=pyformat.doc_text(self.design.description),
            project=snake(self.design.name).replace("_", "-") or "services",
            broker=self.broker,
            records=self.records,
            models=self.models,
            messages=tuple(self.message_infos[m] for m in sorted(self.message_infos)),
            services=services,
            identifiers=self.ids.mapping(),
            ports=dict(self.ports),
            contract_imports=self._contract_imports(),
            type_aliases=tuple(self.type_aliases),
        )

    def _contract_imports(self) -> tuple[str, ...]:
        specs = {"__future__:annotations", "contracts.envelope:Contract"}
        for model in self.models:
            for f in model.fields:
                specs |= self.types.annotation_imports(f.type)
                if f.aliased:
                    specs.add("pydantic:Field")
            for name in model.one_of:
                specs |= self.types.annotation_imports(name)
            if model.root:
                specs.add("pydantic:RootModel")
        specs |= self._alias_imports
        return tuple(sorted(specs))

    def _display(self, node_id: str) -> str:
        """A node's name for docstrings and logs; falls back when nothing printable is left."""
        node = self.nodes.get(node_id)
        return (
            pyformat.doc_text(node.name if node else node_id)
            or pyformat.doc_text(node_id)
            or self.packages.get(node_id, "service")
        )

    def _service(self, node_id: str) -> Service:
        node = self.nodes[node_id]
        inbound = list(self.flows_to.get(node_id, []))
        outgoing = list(self.flows_from.get(node_id, []))
        handler_names = self.ids.assign_all(
            f"handler:{node_id}",
            {f.message: "on_" + self.message_snakes[f.message] for f in inbound},
        )
        outbound, out_by_flow = self._outbound(node_id, outgoing)
        handler_imports: set[str] = set()
        handlers = tuple(
            self._handler(
                node_id,
                message_id,
                handler_names[message_id],
                inbound,
                outgoing,
                out_by_flow,
                handler_imports,
                outbound,
            )
            for message_id in sorted(handler_names)
        )
        subscribers: list[Subscriber] = []
        routes: list[Route] = []
        seen_subscriptions: set[tuple[str, str, str]] = set()
        for flow in inbound:
            message = self.message_infos[flow.message]
            channel = self.names.channel(flow)
            handler = handler_names[flow.message]
            if flow.transport is Transport.HTTP:
                path = channel.http_path or f"/{message.snake}"
                if any(r.path == path for r in routes):
                    continue
                routes.append(
                    Route(
                        f"route_{handler[3:][:18].rstrip('_')}_{len(routes) + 1}",
                        handler,
                        message,
                        flow.id,
                        "POST",
                        path,
                        message.response_class or "Accepted",
                    )
                )
                continue
            key = _address(channel)
            if key in seen_subscriptions:
                continue
            # One subscriber serves every flow to its address: idempotent if any of them is,
            # and it keeps what fails (dead-letters) if any of them asks for it.
            sharing = [
                f
                for f in inbound
                if f.transport is not Transport.HTTP and _address(self.names.channel(f)) == key
            ]
            idempotent = any(f.idempotent for f in sharing)
            dead_letter = any(f.dead_letter for f in sharing)
            # The queue is declared as the first flow to it says (as in topology.build_amqp).
            first = min(sharing, key=lambda f: f.id)
            inbox = (first.bindings.amqp if first.bindings else None) or AmqpQueue()
            queue_type = inbox_type(inbox)
            seen_subscriptions.add(key)
            is_query = message.kind == "query"
            subscribers.append(
                Subscriber(
                    f"subscribe_{handler[3:][:18].rstrip('_')}_{len(subscribers) + 1}",
                    handler,
                    message,
                    flow.id,
                    channel,
                    tuple(
                        sorted(
                            (k, str(v))
                            for k, v in consuming_queue_arguments(channel.queue, queue_type).items()
                        )
                    ),
                    jetstream=channel.subject in self.stream_of_subject,
                    replies=is_query,
                    idempotent=idempotent,
                    dead_letter=dead_letter,
                    queue_type=queue_type,
                    durable=inbox.durable,
                    exclusive=inbox.exclusive,
                    auto_delete=inbox.auto_delete,
                )
            )
        reply_channels = sorted(
            {
                o.reply
                for o in outbound
                if o.verb == "ask" and o.transport == "broker" and not o.reply.startswith("/")
            }
        )
        callbacks = tuple(
            sorted({o.reply for o in outbound if o.verb == "ask" and o.reply.startswith("/")})
        )
        answer_callbacks = sorted(
            {
                Callback(self.packages[f.source], self.ports[f.source], f.reply)
                for f in inbound
                if f.reply
                and f.reply.startswith("/")
                and f.transport is not Transport.HTTP
                and f.source in self.packages
                and self.message_infos[f.message].kind == "query"
            },
            key=lambda c: (c.package, c.path),
        )
        subjects = {s.channel.subject for s in subscribers if s.jetstream}
        subjects |= {
            c.subject for o in outbound for c in o.channels if c.subject in self.stream_of_subject
        }
        streams = {self.stream_of_subject[s].name: self.stream_of_subject[s] for s in subjects}
        uses_broker = bool(subscribers) or any(o.transport == "broker" for o in outbound)
        serves_http = bool(routes) or bool(callbacks)
        contract_classes = {h.message.class_name for h in handlers}
        contract_classes |= {h.returns for h in handlers if h.returns != "None"}
        contract_classes |= {o.message.class_name for o in outbound}
        contract_classes |= {o.message.response_class for o in outbound if o.verb == "ask"}
        return Service(
            id=node_id,
            name=self._display(node_id),
            description=pyformat.doc_text(node.description),
            package=self.packages[node_id],
            slug=self.names.node(node_id),
            port=self.ports[node_id],
            handlers=handlers,
            subscribers=tuple(subscribers),
            routes=tuple(routes),
            outbound=outbound,
            reply_channel=reply_channels[0] if reply_channels else "",
            reply_channels=tuple(reply_channels),
            callbacks=callbacks,
            streams=tuple(
                StreamInfo(s.name, s.subjects, s.retention) for _, s in sorted(streams.items())
            ),
            uses_broker=uses_broker,
            serves_http=serves_http,
            calls_http=any(o.transport == "http" or o.reply.startswith("/") for o in outbound)
            or bool(answer_callbacks),
            contract_classes=tuple(sorted(contract_classes)),
            handler_imports=tuple(sorted(handler_imports)),
            answer_callbacks=tuple(answer_callbacks),
        )

    def _outbound(
        self, node_id: str, outgoing: list[Flow]
    ) -> tuple[tuple[Outbound, ...], dict[str, str]]:
        """Outbound methods: one per event (all its channels), one per command/query flow."""
        groups: dict[str, list[Flow]] = {}
        for flow in outgoing:
            message = self.message_infos[flow.message]
            if message.kind == "event" and flow.transport is not Transport.HTTP:
                groups.setdefault(f"event:{flow.message}", []).append(flow)
            else:
                groups.setdefault(f"flow:{flow.id}", []).append(flow)
        per_message: dict[str, int] = {}
        for flows in groups.values():
            per_message[flows[0].message] = per_message.get(flows[0].message, 0) + 1
        wanted: dict[str, str] = {}
        for key, flows in groups.items():
            flow = flows[0]
            message = self.message_infos[flow.message]
            verb = {"event": "publish", "command": "send", "query": "ask"}[message.kind]
            name = f"{verb}_{message.snake}"
            if per_message[flow.message] > 1 and key.startswith("flow:"):
                name += "_to_" + snake(flow.target)
            wanted[key] = name
        methods = self.ids.assign_all(f"outbound:{node_id}", wanted)
        result: list[Outbound] = []
        by_flow: dict[str, str] = {}
        for key in sorted(groups, key=lambda k: methods[k]):
            flows = groups[key]
            flow = flows[0]
            message = self.message_infos[flow.message]
            verb = {"event": "publish", "command": "send", "query": "ask"}[message.kind]
            for f in flows:
                by_flow[f.id] = methods[key]
            channels: dict[tuple[str, str, str], FlowChannel] = {}
            for f in flows:
                c = self.names.channel(f)
                channels.setdefault((c.exchange, c.routing_key, c.subject), c)
            first = next(iter(channels.values()))
            http = flow.transport is Transport.HTTP
            target_service = flow.target in self.service_ids
            timeout_ms = flow.timeout_ms or 5000
            result.append(
                Outbound(
                    method=methods[key],
                    verb=verb,
                    message=message,
                    transport="http" if http else "broker",
                    # http: the package (or, for an actor, the snake id) naming the
                    # `MSGFLOW_<TARGET>_URL` variable that locates the receiver.
                    target=(self.packages[flow.target] if target_service else snake(flow.target))
                    if http
                    else "",
                    target_name=self._display(flow.target) if verb != "publish" else "",
                    path=first.http_path or "" if http else "",
                    channels=() if http else tuple(channels.values()),
                    timeout_s=timeout_ms / 1000,
                    reply=(first.reply or "") if verb == "ask" and not http else "",
                    parameters=() if http else _parameters(flows),
                    record_keys=() if http else self._record_keys(flows),
                )
            )
        return tuple(result), by_flow

    def _record_keys(self, flows: list[Flow]) -> tuple[tuple[str, str], ...]:
        """(topic, message attribute) of each topic these flows go to whose record key is a
        message field: the first flow of a topic naming one decides (as for its size). A
        key the `kafka-key-field-invalid` rule refuses is left out (no key, as before)."""
        keys: dict[str, str] = {}
        if self.broker != "kafka":
            return ()
        for flow in flows:
            topic = flow.bindings.kafka if flow.bindings else None
            if topic is None or topic.key_field is None or flow.parameters:
                continue
            fields = {f.name: f for f in self.message_fields[flow.message]}
            field = fields.get(topic.key_field)
            if field is not None and field.type in KEY_FIELD_TYPES:
                keys.setdefault(self.names.channel(flow).topic, field.ident)
        return tuple(sorted(keys.items()))

    def _handler(
        self,
        node_id: str,
        message_id: str,
        method: str,
        inbound: list[Flow],
        outgoing: list[Flow],
        out_by_flow: dict[str, str],
        imports: set[str],
        outbound: tuple[Outbound, ...] = (),
    ) -> Handler:
        message = self.message_infos[message_id]
        source_fields = self.message_fields[message_id]
        senders = sorted({self._display(f.source) for f in inbound if f.message == message_id})
        caused = [f for f in outgoing if f.caused_by == message_id]
        # Parameters of the channels this message arrives on: their values are in the
        # handler's context (`context.parameters`).
        delivered = {
            name
            for f in inbound
            if f.message == message_id and f.transport is not Transport.HTTP
            for name in channel_parameters.names_in(f.channel or "")
        }
        order = {"ask": 0, "send": 1, "publish": 2}
        actions: list[Action] = []
        done: set[str] = set()
        for flow in caused:
            out_method = out_by_flow[flow.id]
            if out_method in done:
                continue
            done.add(out_method)
            out_message = self.message_infos[flow.message]
            verb = {"event": "publish", "command": "send", "query": "ask"}[out_message.kind]
            build = self._fill(
                out_message.class_name, self.message_fields[flow.message], source_fields, imports
            )
            target = self._display(flow.target) if verb != "publish" else ""
            parameters = next((o.parameters for o in outbound if o.method == out_method), ())
            arguments = tuple(
                (p.ident, _parameter_value(p, source_fields, delivered)) for p in parameters
            )
            actions.append(Action(verb, out_method, out_message, target, build, arguments))
        actions.sort(key=lambda a: (order[a.verb], a.method))
        response = None
        if message.kind == "query":
            response = self._fill(
                message.response_class, self.response_fields[message_id], source_fields, imports
            )
        imports.add(f"contracts:{message.class_name}")
        expects = "; ".join(
            f"{a.verb} {a.message.name}" + (f" to {a.target}" if a.target else "") for a in actions
        )
        if message.kind == "query":
            expects = "; ".join(filter(None, [expects, f"answer with {message.response_class}"]))
        return Handler(
            method=method,
            message=message,
            returns=message.response_class or "None",
            sources=", ".join(senders),
            actions=tuple(actions),
            response=response,
            expects=expects or "nothing else (no flow is caused by it)",
        )


# Keyword arguments every Outbound method already has.
_TAKEN_ARGUMENTS = {"self", "message", "context"}


def _parameters(flows: list[Flow]) -> tuple[ParameterInfo, ...]:
    """The channel parameters of an Outbound method's flows (by name, first seen first)."""
    found: dict[str, ChannelParameter] = {}
    for flow in flows:
        named = set(channel_parameters.names_in(flow.channel or ""))
        for parameter in flow.parameters:
            if parameter.name in named:
                found.setdefault(parameter.name, parameter)
    out: list[ParameterInfo] = []
    taken = set(_TAKEN_ARGUMENTS)
    for parameter in found.values():
        ident = snake(parameter.name)
        while ident in taken or not is_identifier(ident):
            ident += "_value"
        taken.add(ident)
        integer = parameter.type == "integer"
        first = parameter.enum[0] if parameter.enum else None
        if integer:
            example = first if first is not None and first.lstrip("-").isdigit() else "1"
        else:
            # Never empty: `a..b` is no NATS subject.
            example = pyformat.string(first or parameter.name)
        out.append(ParameterInfo(parameter.name, ident, "int" if integer else "str", example))
    return tuple(out)


def _parameter_value(
    parameter: ParameterInfo, source: tuple[FieldInfo, ...], delivered: set[str]
) -> str:
    """A default handler's value of a parameter: the value of the same parameter of the
    channel the message arrived on, else the received message's field of that name (the
    light's id that came in is the light's id that goes out), else the placeholder."""
    fallback = _field_value(parameter, source)
    if parameter.name in delivered:
        value = f"context.parameters.get({pyformat.string(parameter.name)}, {fallback})"
        return f"int({value})" if parameter.annotation == "int" else value
    return fallback


def _field_value(parameter: ParameterInfo, source: tuple[FieldInfo, ...]) -> str:
    """The received message's field named like the parameter, else its placeholder."""
    for field in source:
        if snake(field.name) != parameter.ident or not field.required:
            continue
        if parameter.annotation == "int":
            return f"message.{field.ident}" if field.type == "integer" else parameter.example
        if field.type in ("string", "uuid", "integer", "date", "datetime", "decimal"):
            return (
                f"message.{field.ident}"
                if field.type == "string"
                else f"str(message.{field.ident})"
            )
    return parameter.example


def _address(channel: FlowChannel) -> tuple[str, str, str]:
    """Where a subscriber listens: flows with the same address share one subscriber."""
    return (channel.queue, channel.exchange, channel.subject)


def build_context(
    design: Design, broker: str = "rabbitmq", previous: Mapping[str, str] | None = None
) -> GenerationContext:
    """The context of `design`; `previous` is the last run's identifier map (stable names)."""
    known = tuple(sorted((previous or {}).items()))

    def build() -> GenerationContext:
        # Tens of thousands of small objects that all stay: nothing for the collector.
        with collector_paused():
            return ContextBuilder(design, broker, previous or {}).build()

    return shared(("generation context", id(design), broker, known), build)


# The check of a number field's `enum`, declared once in contracts/messages.py before the
# aliases that use it; laid out as ruff format writes a function between statements.
NUMBER_CHECK = "listed_number"
_NUMBER_CHECK_SOURCE = '''
def listed_number(*allowed: float) -> AfterValidator:
    """A number field's check that its value is one listed (`Literal` holds no float)."""

    def check(value: float) -> float:
        if value not in allowed:
            raise ValueError(f"{value} is not one of {', '.join(map(str, allowed))}")
        return value

    return AfterValidator(check)

'''
