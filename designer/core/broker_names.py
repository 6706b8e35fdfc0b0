"""What each broker refuses in a name: the one place the rule `channel-name-invalid`, the
AsyncAPI importer, the window's inspector, `broker apply`'s preflight and the NATS
provisioner ask.

A channel becomes a RabbitMQ queue name and routing/binding key on a topic exchange, a
NATS subject (and part of a JetStream durable's name), a Kafka topic, or an http route.
`channel_refusals` lists every reason some broker refuses (or misreads) a channel, each
with the brokers it concerns, so a message can name the broker that refuses the name.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass

from .model import Transport

# AMQP short strings (queue, exchange, routing key) hold at most 255 bytes.
MAX_CHANNEL_BYTES = 255
# What the AMQP client (pamqp's queue-name and exchange-name domains) lets through; it
# refuses any other name before sending it. Braces are a channel parameter's, left out
# of queue names (checked apart, channel_parameters.py).
AMQP_NAME_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-_.:@#,/+{}")
# RabbitMQ refuses to declare a queue or exchange named so (403 ACCESS_REFUSED).
RESERVED_AMQP_PREFIX = "amq."
# NATS keeps subjects whose first token starts with `$` for the server ($SYS, $JS, $KV,
# $O...), and clients make their request inboxes under `_INBOX.`.
NATS_INBOX_TOKEN = "_INBOX"

# JetStream stream and consumer names: no whitespace, '.', '*', '>', slashes or control
# characters (they are tokens of the API subject), at most 255 characters.
_JETSTREAM_NAME = re.compile(r"[^\s.*>/\\\x00-\x1f\x7f]+")
MAX_JETSTREAM_NAME = 255
JETSTREAM_NAME_RULE = "no spaces, '.', '*', '>' or slashes allowed"

# Kafka topic names: letters, digits, '.', '_' and '-' only, at most 249 characters
# (Kafka's `Topic.validate`); the rest of what RabbitMQ's client takes is refused.
KAFKA_REFUSED_AMQP_CHARACTERS = frozenset(":@#,/+")
MAX_KAFKA_TOPIC = 249

RABBITMQ = frozenset({"rabbitmq"})
NATS = frozenset({"nats"})
KAFKA = frozenset({"kafka"})
BROKER_TITLES = {"rabbitmq": "RabbitMQ", "nats": "NATS", "kafka": "Kafka", "redis": "Redis"}
EVERY_BROKER = frozenset(BROKER_TITLES)


@dataclass(frozen=True)
class Refusal:
    """One reason a channel is no usable name: `text` follows `Channel '<name>' of <flow> `."""

    text: str
    brokers: frozenset[str]  # the brokers that refuse or misread the name for this reason


def jetstream_name_ok(name: str) -> bool:
    """Whether JetStream takes `name` as a stream or durable consumer name."""
    return len(name) <= MAX_JETSTREAM_NAME and _JETSTREAM_NAME.fullmatch(name) is not None


def _char_problem(char: str) -> str:
    if char == " ":
        return "a space"
    if char.isspace() or not char.isprintable():
        return f"the control character U+{ord(char):04X}"
    return f"the non-ASCII character '{char}' (U+{ord(char):04X})"


def _unprintable(channel: str) -> str | None:
    return next((c for c in channel if c.isspace() or not c.isprintable()), None)


def channel_refusals(channel: str, transport: Transport) -> Iterator[Refusal]:
    """Every reason `channel` is unusable, most telling first (none when it is fine)."""
    if not channel.strip():
        yield Refusal("is empty", EVERY_BROKER)
        return
    if transport is Transport.HTTP:
        # channels.py silently falls back to the derived route when the channel is no path.
        if not channel.startswith("/"):
            yield Refusal("is not an http path: it must start with '/'", EVERY_BROKER)
        bad = _unprintable(channel)
        if bad is not None:
            yield Refusal(f"contains {_char_problem(bad)}", EVERY_BROKER)
        return
    bad = _unprintable(channel)
    if bad is not None:
        yield Refusal(f"contains {_char_problem(bad)}", EVERY_BROKER)
        return
    yield from _wildcards(channel)
    if channel.startswith("."):
        yield Refusal("starts with a dot (an empty NATS subject token)", NATS)
    elif channel.endswith("."):
        yield Refusal("ends with a dot (an empty NATS subject token)", NATS)
    elif ".." in channel:
        yield Refusal("contains '..' (an empty NATS subject token)", NATS)
    first = channel.split(".", 1)[0]
    if first.startswith("$"):
        yield Refusal(
            f"starts with '{first}', a subject NATS reserves for the server "
            "(subjects starting with '$': $SYS, $JS, $KV)",
            NATS,
        )
    elif first == NATS_INBOX_TOKEN:
        yield Refusal(
            f"starts with '{NATS_INBOX_TOKEN}', the prefix NATS clients reserve for the "
            "replies to their requests",
            NATS,
        )
    bad = next((c for c in channel if not c.isascii()), None)
    if bad is not None:
        yield Refusal(f"contains {_char_problem(bad)}, which RabbitMQ's client refuses", RABBITMQ)
    else:
        bad = next((c for c in channel if c not in AMQP_NAME_CHARACTERS), None)
        if bad is not None:
            yield Refusal(
                f"contains '{bad}', which RabbitMQ's client refuses in queue and exchange "
                "names (letters, digits and - _ . : @ # , / + only)",
                RABBITMQ,
            )
    kafka_bad = next((c for c in channel if c in KAFKA_REFUSED_AMQP_CHARACTERS), None)
    if kafka_bad is not None:
        yield Refusal(
            f"contains '{kafka_bad}', which Kafka refuses in topic names (letters, digits "
            "and . _ - only)",
            KAFKA,
        )
    size = len(channel.encode("utf-8"))
    if MAX_KAFKA_TOPIC < size <= MAX_CHANNEL_BYTES:
        yield Refusal(f"is {size} characters long (Kafka takes at most {MAX_KAFKA_TOPIC})", KAFKA)
    if size > MAX_CHANNEL_BYTES:
        yield Refusal(
            f"is {size} bytes long (RabbitMQ takes at most {MAX_CHANNEL_BYTES})", RABBITMQ
        )
    if channel.startswith(RESERVED_AMQP_PREFIX):
        yield Refusal(
            f"starts with '{RESERVED_AMQP_PREFIX}', which RabbitMQ reserves for its own queues "
            "and exchanges",
            RABBITMQ,
        )


def _wildcards(channel: str) -> Iterator[Refusal]:
    """Wildcards of NATS subjects (`*` one token, `>` the rest) and of RabbitMQ topic
    bindings (`*` one word, `#` any number of words, each a whole word): a subscriber
    bound with one receives other channels' messages (`#` alone: every message)."""
    words = channel.split(".")
    if "*" in words:
        yield Refusal(
            "has the word '*', the NATS wildcard '*' and RabbitMQ's topic wildcard for one "
            "word: its subscriber would receive the messages of other channels",
            NATS | RABBITMQ,
        )
    elif "*" in channel:
        yield Refusal("contains the NATS wildcard '*'", NATS)
    if ">" in channel:
        yield Refusal("contains the NATS wildcard '>'", NATS)
    if "#" in words:
        every = "every message of its exchange" if channel == "#" else "other channels' messages"
        yield Refusal(
            "has the word '#', RabbitMQ's topic wildcard for any number of words: a queue "
            f"bound with it would receive {every}",
            RABBITMQ,
        )


def channel_problem(channel: str, transport: Transport) -> str | None:
    """What makes an explicit channel unusable on some broker (None when it is fine).

    Worded to follow `Channel '<name>' of <flow> `: the rule adds the flow.
    """
    first = next(channel_refusals(channel, transport), None)
    return first.text if first is not None else None


def refusal_for(channel: str, transport: Transport, broker: str) -> Refusal | None:
    """The first reason `broker` itself refuses or misreads `channel` (None: it takes it)."""
    return next((r for r in channel_refusals(channel, transport) if broker in r.brokers), None)
