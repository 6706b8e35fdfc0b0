"""The brokers msgflow knows: what `--broker` accepts everywhere, in one order.

Code generation, the AsyncAPI export, the command line and the window's dialogs all
offer this list, so a broker added here is offered everywhere at once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Broker:
    name: str  # what `--broker` takes
    title: str  # for people
    protocol: str  # AsyncAPI's word for it
    protocol_version: str | None
    local_address: str  # host:port of a broker running on this machine with its defaults
    faststream_extra: str  # what generated projects install: faststream[<extra>]


KNOWN: tuple[Broker, ...] = (
    Broker("rabbitmq", "RabbitMQ", "amqp", "0.9.1", "localhost:5672", "rabbit"),
    Broker("nats", "NATS JetStream", "nats", None, "localhost:4222", "nats"),
    Broker("kafka", "Kafka", "kafka", None, "localhost:9092", "kafka"),
    Broker("redis", "Redis", "redis", None, "localhost:6379", "redis"),
)
BROKERS: tuple[str, ...] = tuple(broker.name for broker in KNOWN)
DEFAULT_BROKER = "rabbitmq"
_BY_NAME = {broker.name: broker for broker in KNOWN}


def broker_named(name: str) -> Broker:
    """The broker called `name`; KeyError for a name not in `BROKERS`."""
    return _BY_NAME[name]
