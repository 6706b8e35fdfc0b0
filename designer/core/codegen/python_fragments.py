"""Broker-specific source fragments and import lists for the `python` target's templates.

One template serves every broker: where the code differs (a queue declaration, a publish
call, a test subscriber), the templates call these helpers, which return source text
already laid out for `ruff format` (pyformat.py). Import lists are computed from the
context, so every generated module imports exactly what it uses (ruff F401, I001).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from designer.core import channel_parameters
from designer.core.channels import FlowChannel

from . import pyformat
from .context import (
    Action,
    GenerationContext,
    Handler,
    Outbound,
    Route,
    Service,
    StreamInfo,
    Subscriber,
)
from .pyformat import Call, Expr
from .types import TypeMapper


@dataclass(frozen=True)
class BrokerFlavour:
    module: str  # faststream.<module>
    broker_class: str
    test_broker: str
    default_url: str  # (its pip extra is the broker registry's `faststream_extra`)


FLAVOURS: dict[str, BrokerFlavour] = {
    "rabbitmq": BrokerFlavour(
        "rabbit", "RabbitBroker", "TestRabbitBroker", "amqp://guest:guest@127.0.0.1:5672/"
    ),
    "nats": BrokerFlavour("nats", "NatsBroker", "TestNatsBroker", "nats://127.0.0.1:4222"),
    "redis": BrokerFlavour("redis", "RedisBroker", "TestRedisBroker", "redis://127.0.0.1:6379"),
    "kafka": BrokerFlavour("kafka", "KafkaBroker", "TestKafkaBroker", "127.0.0.1:9092"),
}


@dataclass(frozen=True)
class TestEntry:
    test: str  # the test function's name
    how: str  # "over http" / "from <queue>"
    route: Route | None
    subscriber: Subscriber | None


class Fragments:
    """Source fragments for one broker; exposed to templates as plain functions."""

    def __init__(self, context: GenerationContext) -> None:
        self.context = context
        self.broker = context.broker
        self.flavour = FLAVOURS[context.broker]
        self.types = TypeMapper({m.title: m.class_name for m in context.records})
        self.types.record_fields = {
            m.title: [(f.ident, f.type, f.required, f.enum) for f in m.fields]
            for m in context.records
        }
        self.models = {m.class_name: m for m in context.models}
        # Placeholder values of channel parameters (wiring tests publish with them).
        self._example_values = {
            p.name: str(ast.literal_eval(p.example))
            for s in context.services
            for o in s.outbound
            for p in o.parameters
        }
        self.stream_subjects = {
            subject: stream.name
            for s in context.services
            for stream in s.streams
            for subject in stream.subjects
        }

    # -- rabbitmq ---------------------------------------------------------------------
    def exchange_expr(self, channel: FlowChannel) -> Call:
        kind = f"ExchangeType.{(channel.exchange_type or 'direct').upper()}"
        return Call(
            "RabbitExchange",
            (("", pyformat.string(channel.exchange)), ("type", kind), ("durable", "True")),
        )

    def queue_expr(self, subscriber: Subscriber) -> Call:
        channel = subscriber.channel
        arguments = Call(
            "",
            tuple(
                ("", f"{pyformat.string(k)}: {v if v.isdigit() else pyformat.string(v)}")
                for k, v in subscriber.queue_arguments
                if k != "x-queue-type"
            ),
            "{}",
        )
        classic = subscriber.queue_type == "classic"
        flags: tuple[tuple[str, pyformat.Expr], ...] = (
            ("queue_type", "QueueType.CLASSIC" if classic else "QueueType.QUORUM"),
            ("durable", str(subscriber.durable)),
        )
        if subscriber.exclusive:
            flags += (("exclusive", "True"),)
        if subscriber.auto_delete:
            flags += (("auto_delete", "True"),)
        return Call(
            "RabbitQueue",
            (
                ("", pyformat.string(channel.queue)),
                *flags,
                ("arguments", arguments),
                ("routing_key", pyformat.string(channel.routing_key)),
            ),
        )

    # -- channel parameters -----------------------------------------------------------
    def outbound_arguments(self, outbound: Outbound) -> list[str]:
        """The Outbound method's arguments: a channel parameter is keyword-only (its value
        says where the message goes, so a caller names it)."""
        arguments = [
            "self",
            f"message: {outbound.message.class_name}",
            "context: MessageContext | None = None",
        ]
        if outbound.parameters:
            arguments.append("*")
            arguments += [f"{p.ident}: {p.annotation}" for p in outbound.parameters]
        return arguments

    def publish_address(
        self, channel: FlowChannel, outbound: Outbound | None, indent: int = 12
    ) -> str:
        """The publish argument naming where a parameterised channel's message goes: the
        routing key or subject with the values in (Kafka: the record key); "" when fixed.

        With `outbound`, the values are its keyword arguments (an f-string); without, the
        wiring tests' placeholder values (a plain string). A Kafka topic whose record key
        is a message field (`bindings.kafka.key_field`) gets that field's value."""
        if self.broker == "kafka" and outbound is not None and not channel.parameters:
            field = dict(outbound.record_keys).get(channel.topic)
            if field is not None:
                return pyformat.fit("key=record_key", [f"message.{field}"], ",", indent) + "\n"
        if not channel.parameters:
            return ""
        if self.broker == "rabbitmq":
            template = channel.publish_routing_key
        elif self.broker == "nats":
            template = channel.publish_subject
        elif self.broker == "kafka":
            template = channel.key
        else:
            return ""  # Redis: the values travel in a header (publish_metadata)
        if outbound is not None:
            idents = {p.name: p.ident for p in outbound.parameters}
            value = _f_string(template, idents)
            value += ".encode()" if self.broker == "kafka" else ""
        elif self.broker == "kafka":
            value = _bytes(self._with_examples(template))
        else:
            value = pyformat.string(self._with_examples(template))
        keyword = {"rabbitmq": "routing_key", "nats": "subject", "kafka": "key"}[self.broker]
        return f"{' ' * indent}{keyword}={value},\n"

    def publish_metadata(
        self, channel: FlowChannel, outbound: Outbound | None, meta: str, indent: int = 12
    ) -> str:
        """The `**<meta>.publish_kwargs(...)` argument of a publish call (see _metadata)."""
        return pyformat.render(self._metadata(channel, outbound, meta), indent, "", ",")

    def _metadata(self, channel: FlowChannel, outbound: Outbound | None, meta: str) -> Expr:
        """`**<meta>.publish_kwargs()`. On Redis a parameterised channel's values go with
        it: the stream leaves them out, so the channel with the values in travels in a
        header (`channel_parameters.REDIS_HEADER`).

        With `outbound`, the values are its keyword arguments (an f-string); without, the
        wiring tests' placeholder values (a plain string)."""
        if self.broker != "redis" or not channel.parameters:
            return f"**{meta}.publish_kwargs()"
        template = channel.publish_routing_key
        if outbound is not None:
            value = _f_string(template, {p.name: p.ident for p in outbound.parameters})
        else:
            value = pyformat.string(self._with_examples(template))
        return Call(f"**{meta}.publish_kwargs", (("channel", value),))

    def delivered_channel(self, channel: FlowChannel) -> str:
        """The channel a subscriber reads its parameters' values from (as a literal): the
        routing key, subject, Kafka record key or (Redis) the channel in the header, with
        `{name}` parts; "" when fixed."""
        if not channel.parameters:
            return ""
        template = {
            "rabbitmq": channel.publish_routing_key,
            "nats": channel.publish_subject,
            "kafka": channel.key,
            "redis": channel.publish_routing_key,
        }[self.broker]
        return pyformat.string(template)

    def _with_examples(self, template: str) -> str:
        """`a.{x}.b` with the placeholder value of each parameter (its name when unknown)."""
        return channel_parameters.PLACEHOLDER.sub(
            lambda m: self._example_values.get(m.group(1), m.group(1)), template
        )

    def channel_text(self, channel: FlowChannel) -> str:
        if self.broker == "rabbitmq":
            return f"{channel.exchange} ({channel.routing_key})"
        if self.broker == "nats":
            return channel.subject
        return channel.topic

    def stream_expr(self, stream: StreamInfo) -> Call:
        subjects = Call("", tuple(("", pyformat.string(s)) for s in stream.subjects), "[]")
        return Call(
            "",
            (
                ("", pyformat.string(stream.name)),
                ("", subjects),
                ("", pyformat.string(stream.retention)),
            ),
        )

    # -- tests ------------------------------------------------------------------------
    def example(self, class_name: str) -> Call:
        return self._example(class_name, set())

    def _example(self, class_name: str, imports: set[str]) -> Call:
        """A sample message of `class_name`: required fields filled (a union body: its
        first alternative, which the discriminator value, if any, names)."""
        model = self.models[class_name]
        if model.one_of:
            return Call(class_name, (("", self.types.default(model.one_of[0], imports)),))
        return Call(
            class_name,
            tuple(
                (f.ident, self.types.default(f.type, imports, enum=f.enum))
                for f in model.fields
                if f.required
            ),
        )

    def example_imports(self, class_name: str) -> set[str]:
        imports: set[str] = set()
        self._example(class_name, imports)
        return imports

    def spy_decorator(
        self, channel: FlowChannel | None, broker: str, name: str | None = None
    ) -> str:
        """A subscriber decorator listening where `channel` delivers (or on queue `name`).

        `no_reply`: a spy must not answer the questions it sees (FastStream would send its
        `None` result to their reply address).
        """
        quiet: tuple[tuple[str, pyformat.Expr], ...] = (("no_reply", "True"),)
        arguments: tuple[tuple[str, pyformat.Expr], ...]
        if channel is None:
            target = pyformat.string(name or "")
            # Redis: answers go to a pub/sub channel.
            arguments = (("channel" if self.broker == "redis" else "", target),)
        elif self.broker == "rabbitmq":
            queue = Call(
                "RabbitQueue",
                (
                    ("", pyformat.string(channel.queue)),
                    ("routing_key", pyformat.string(channel.routing_key)),
                ),
            )
            arguments = (("", queue), ("", self.exchange_expr(channel)))
        elif self.broker == "nats" and channel.subject in self.stream_subjects:
            stream = Call(
                "JStream",
                (
                    ("", pyformat.string(self.stream_subjects[channel.subject])),
                    ("declare", "False"),
                ),
            )
            arguments = (("", pyformat.string(channel.subject)), ("stream", stream))
        elif self.broker == "nats":
            arguments = (("", pyformat.string(channel.subject)),)
        elif self.broker == "kafka":
            arguments = (("", pyformat.string(channel.topic)),)
        else:
            arguments = (("stream", pyformat.string(channel.topic)),)
        return pyformat.render(Call(f"@{broker}.subscriber", arguments + quiet), 4)

    def publish_call(self, subscriber: Subscriber, broker: str) -> str:
        channel = subscriber.channel
        arguments: tuple[tuple[str, pyformat.Expr], ...]
        # A parameterised channel: published with placeholder values where the subscriber
        # listens with a wildcard.
        routing_key, subject = channel.routing_key, channel.subject
        if channel.parameters:
            routing_key = self._with_examples(channel.publish_routing_key)
            subject = self._with_examples(channel.publish_subject)
        if self.broker == "rabbitmq":
            arguments = (
                ("", "message"),
                ("exchange", self.exchange_expr(channel)),
                ("routing_key", pyformat.string(routing_key)),
            )
        elif self.broker == "nats":
            arguments = (("", "message"), ("", pyformat.string(subject)))
            if subscriber.jetstream:
                arguments += (("stream", pyformat.string(channel.stream)),)
        elif self.broker == "kafka":
            arguments = (("", "message"), ("", pyformat.string(channel.topic)))
            if channel.parameters:
                arguments += (("key", _bytes(self._with_examples(channel.key))),)
        else:
            arguments = (("", "message"), ("stream", pyformat.string(channel.topic)))
        arguments += (("", self._metadata(channel, None, "meta")),)
        return pyformat.render(Call(f"await {broker}.publish", arguments), 8)


def _bytes(text: str) -> str:
    """A bytes literal of `text` (ruff UP012 prefers `b"..."` to `"...".encode()`)."""
    return "b" + pyformat.string(text) if text.isascii() else f"{pyformat.string(text)}.encode()"


def _f_string(template: str, idents: dict[str, str]) -> str:
    """`a.{x}.b` with x -> `streetlight_id` as the f-string `f"a.{streetlight_id}.b"`
    (the rest of the template is literal text, its braces doubled)."""
    pieces: list[str] = []
    last = 0
    for match in channel_parameters.PLACEHOLDER.finditer(template):
        pieces.append(template[last : match.start()].replace("{", "{{").replace("}", "}}"))
        pieces.append("{" + idents[match.group(1)] + "}")
        last = match.end()
    pieces.append(template[last:].replace("{", "{{").replace("}", "}}"))
    return "f" + pyformat.string("".join(pieces))


def wiring_test_entries(service: Service, handler: Handler) -> list[TestEntry]:
    entries: list[TestEntry] = []
    for route in service.routes:
        if route.handler == handler.method:
            entries.append(TestEntry("", "over http", route, None))
    for subscriber in service.subscribers:
        if subscriber.handler == handler.method:
            entries.append(
                TestEntry(
                    "",
                    f"from {subscriber.channel.queue or subscriber.channel.subject}",
                    None,
                    subscriber,
                )
            )
    base = "test_" + handler.method[3:]
    return [
        TestEntry(base if len(entries) == 1 else f"{base}_{i}", e.how, e.route, e.subscriber)
        for i, e in enumerate(entries, 1)
    ]


def service_imports(
    context: GenerationContext, service: Service, flavour: BrokerFlavour
) -> list[str]:
    broker_module = f"faststream.{flavour.module}"
    specs = {
        "logging",
        "typing:Any",
        "typing:ClassVar",  # Handlers.dependencies
        "collections.abc:Sequence",
        f"{broker_module}:{flavour.broker_class}",
        "msgflow_runtime:failure_policy",
        "msgflow_runtime:SeenMessages",
        "msgflow_runtime:seen_messages",
        "msgflow_runtime:MessageContext",
        "msgflow_runtime:Replies",
        "msgflow_runtime:default_broker_url",
    }
    specs |= {f"contracts:{name}" for name in service.contract_classes}
    if service.handlers:
        specs.add("abc")
    if service.outbound:
        specs.add("msgflow_runtime:outgoing")
    if any(o.record_keys for o in service.outbound):
        specs.add("msgflow_runtime:record_key")
    if not (service.handlers or service.outbound or service.subscribers or service.routes):
        specs.discard("msgflow_runtime:MessageContext")
    if service.subscribers or service.reply_channel:
        specs.add("msgflow_runtime:Delivery")
    if service.reply_channel or any(
        o.reply and not o.reply.startswith("/") for o in service.outbound if o.verb == "ask"
    ):
        specs.add("msgflow_runtime:reply_address")
    if any(s.replies for s in service.subscribers):
        specs |= {"pydantic:BaseModel", "msgflow_runtime:send_answer"}
    if service.answer_callbacks:
        specs |= {
            "msgflow_runtime:declared_callback",
            "msgflow_runtime:outgoing",
            "msgflow_runtime:post_json",
            "msgflow_runtime:http_headers",
            "msgflow_runtime:service_url",
        }
    if any(o.transport == "http" for o in service.outbound):
        specs |= {
            "msgflow_runtime:service_url",
            "msgflow_runtime:post_json",
            "msgflow_runtime:http_headers",
        }
    if any(o.reply.startswith("/") for o in service.outbound):
        specs.add("msgflow_runtime:public_url")
    if context.broker == "rabbitmq" and (
        any(o.transport == "broker" for o in service.outbound) or service.subscribers
    ):
        specs |= {f"{broker_module}:RabbitExchange", f"{broker_module}:ExchangeType"}
    if context.broker == "rabbitmq" and service.subscribers:
        specs |= {
            f"{broker_module}:RabbitQueue",
            f"{broker_module}:QueueType",
            "msgflow_runtime:declare_retry_queue",
        }
    if context.broker == "rabbitmq" and service.reply_channel:
        specs.add(f"{broker_module}:RabbitQueue")
    if context.broker == "nats":
        if any(s.jetstream for s in service.subscribers):
            specs |= {f"{broker_module}:JStream", f"{broker_module}:PullSub"}
        if any(
            c.subject in {x for st in service.streams for x in st.subjects}
            for o in service.outbound
            for c in o.channels
        ):
            specs.add(f"{broker_module}:JStream")
        if service.streams:
            specs.add("msgflow_runtime:ensure_streams")
    if any(s.idempotent for s in service.subscribers):
        specs.add("msgflow_runtime:once")
    if context.broker == "kafka" and service.subscribers:
        specs.add("faststream:AckPolicy")
    if context.broker == "redis" and service.subscribers:
        specs |= {f"{broker_module}:StreamSub", "msgflow_runtime:CLAIM_IDLE_MS"}
    if context.broker == "redis":
        # Entries written as plain fields, and read back (msgflow_runtime.StreamEntries).
        specs |= {"msgflow_runtime:StreamEntries", "msgflow_runtime:stream_entry"}
    if service.serves_http:
        specs |= {
            "contextlib",
            "collections.abc:AsyncIterator",
            "fastapi:FastAPI",
            "uvicorn",
            "msgflow_runtime:http_host",
            "msgflow_runtime:http_port",
        }
        if service.routes:
            specs |= {"typing:Annotated", "fastapi:Header"}
        if any(r.returns == "Accepted" for r in service.routes):
            specs.add("contracts:Accepted")
        if service.callbacks:
            specs |= {"fastapi:Request", "msgflow_runtime:http_context"}
    # Every service is also a FastStream application (`Service.application`).
    specs |= {"faststream:FastStream", "faststream.specification:AsyncAPI"}
    return sorted(specs)


def wiring_test_imports(helpers: Fragments, service: Service) -> list[str]:
    flavour = helpers.flavour
    specs = {
        "typing:Any",
        "pytest",
        f"faststream.{flavour.module}:{flavour.test_broker}",
        f"{service.package}:_generated",
        f"{service.package}._generated:Service",
        f"{service.package}.defaults:DefaultHandlers",
    }
    classes: set[str] = set()
    for handler in service.handlers:
        classes.add(handler.message.class_name)
        entries = wiring_test_entries(service, handler)
        if any(e.route for e in entries):
            specs |= {"httpx:ASGITransport", "httpx:AsyncClient"}
            if handler.message.kind == "query":
                classes.add(handler.message.response_class)
        if any(e.subscriber for e in entries):
            specs.add("msgflow_runtime:outgoing")
            if any(e.subscriber and e.subscriber.replies for e in entries):
                specs |= {"msgflow_runtime:Delivery", "msgflow_runtime:MessageContext"}
                classes.add(handler.message.response_class)
            if helpers.broker == "rabbitmq":
                specs |= {"faststream.rabbit:RabbitExchange", "faststream.rabbit:ExchangeType"}
        for action in handler.actions:
            outbound = next(o for o in service.outbound if o.method == action.method)
            if action.verb != "ask" and outbound.transport == "broker":
                classes.add(action.message.class_name)
                if helpers.broker == "nats" and any(
                    c.subject in helpers.stream_subjects for c in outbound.channels
                ):
                    specs.add(f"faststream.{flavour.module}:JStream")
                if helpers.broker == "rabbitmq":
                    specs |= {
                        "faststream.rabbit:RabbitExchange",
                        "faststream.rabbit:ExchangeType",
                        "faststream.rabbit:RabbitQueue",
                    }
            if action.verb == "ask" and outbound.transport == "broker":
                specs |= {"msgflow_runtime:Delivery", "msgflow_runtime:MessageContext"}
                if not outbound.reply.startswith("/"):
                    specs.add("msgflow_runtime:send_answer")
                classes |= {action.message.class_name, action.message.response_class}
                if helpers.broker == "rabbitmq":
                    specs |= {
                        "faststream.rabbit:RabbitExchange",
                        "faststream.rabbit:ExchangeType",
                        "faststream.rabbit:RabbitQueue",
                    }
    for outbound in service.outbound:
        if outbound.verb == "ask" and outbound.transport == "http":
            classes.add(outbound.message.response_class)
    built = {h.message.class_name for h in service.handlers}
    built |= {
        a.message.response_class
        for h in service.handlers
        for a in h.actions
        if a.verb == "ask" and outbound_of(service, a).transport == "broker"
    }
    built |= {
        o.message.response_class
        for o in service.outbound
        if o.verb == "ask" and o.transport == "http"
    }
    if not service.handlers:
        built, classes = set(), set()
    for name in built:
        if name in helpers.models:
            specs |= helpers.example_imports(name)
    specs |= {f"contracts:{c}" for c in classes | built if c}
    if not service.handlers:
        specs.discard(f"faststream.{flavour.module}:{flavour.test_broker}")
        specs.discard("pytest")
        specs.discard(f"{service.package}:_generated")
        specs.discard("typing:Any")
    return sorted(specs)


def outbound_of(service: Service, action: Action) -> Outbound:
    return next(o for o in service.outbound if o.method == action.method)


def app_imports(service: Service, handlers_class: str) -> list[str]:
    return sorted(
        {
            "asyncio",
            "logging",
            "faststream.specification:AsyncAPI",
            f"{service.package}._generated:Service",
            f"{service.package}.handlers:{handlers_class}",
        }
    )


def handler_imports(service: Service) -> list[str]:
    specs = set(service.handler_imports) | {
        "logging",
        f"{service.package}.handlers_stubs:HandlerStubs",
    }
    if service.handlers:
        specs.add("msgflow_runtime:MessageContext")
    return sorted(specs)


def stub_imports(service: Service) -> list[str]:
    """What handlers_stubs.py needs: the base, and the types of every handler's signature."""
    specs = {"logging", "typing:Any", f"{service.package}._generated:Handlers"}
    for handler in service.handlers:
        specs |= {"msgflow_runtime:MessageContext", f"contracts:{handler.message.class_name}"}
        if handler.returns != "None":
            specs.add(f"contracts:{handler.returns}")
    return sorted(specs)
