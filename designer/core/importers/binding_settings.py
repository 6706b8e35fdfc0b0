"""Binding settings of AsyncAPI documents: which a design holds, which it reports."""

from __future__ import annotations

from typing import Any

from designer.core.model import AmqpQueue, FlowBindings, KafkaTopic

# Binding settings the design holds: the convention's names, the exchange type as the
# transport (a fanout also as the flow's `bindings.amqp.exchange_type`), and a flow's
# `bindings` (the receiver's queue, the Kafka topic's size).
BINDINGS_KEPT: dict[str, tuple[str, ...]] = {
    "amqp": (
        "is",
        "exchange.name",
        "exchange.type",
        "queue.name",
        "queue.durable",
        "queue.exclusive",
        "queue.autoDelete",
        "bindingVersion",
    ),
    "kafka": ("topic", "partitions", "replicas", "bindingVersion"),
}


# Kept settings whose value must have a type the design holds (else they are reported).
_FLAGS = frozenset({"queue.durable", "queue.exclusive", "queue.autoDelete"})
_SIZES = frozenset({"partitions", "replicas"})


def kept_value(path: str, value: Any) -> bool:
    """Whether a kept setting's value is one the design can hold (a flag, a topic size)."""
    if path in _FLAGS:
        return isinstance(value, bool)
    if path in _SIZES:
        return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 1000
    return True


def kept_fanout(amqp: dict[str, Any]) -> bool:
    """A fanout exchange the design keeps: one routing messages to subscribers' queues
    (`is: routingKey`), which the channel's flows, topics, go through."""
    exchange = _object(amqp.get("exchange"))
    return exchange.get("type") == "fanout" and amqp.get("is", "routingKey") == "routingKey"


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def flow_bindings(bindings: Any) -> FlowBindings | None:
    """What a channel's bindings say of a flow's queue and topic, None when nothing differs
    from the design's defaults (a durable shared queue; the Kafka target's topic size)."""
    if not isinstance(bindings, dict):
        return None
    amqp = _object(bindings.get("amqp"))
    queue = _object(amqp.get("queue"))
    inbox = AmqpQueue(
        durable=queue.get("durable") is not False,
        exclusive=queue.get("exclusive") is True,
        auto_delete=queue.get("autoDelete") is True,
        exchange_type="fanout" if kept_fanout(amqp) else None,
    )
    kafka = _object(bindings.get("kafka"))
    sizes = {
        k: v
        for k in ("partitions", "replicas")
        if isinstance(v := kafka.get(k), int) and not isinstance(v, bool) and 1 <= v <= 1000
    }
    topic = KafkaTopic(**sizes) if sizes else None
    kept = FlowBindings(amqp=inbox if inbox != AmqpQueue() else None, kafka=topic)
    return kept if kept != FlowBindings() else None


def leaves(value: Any, path: str) -> list[tuple[str, Any]]:
    """`{queue: {exclusive: true}}` -> [("queue.exclusive", True)]; a schema is one leaf."""
    is_schema = isinstance(value, dict) and ("type" in value or "$ref" in value)
    if isinstance(value, dict) and value and not (is_schema and path):
        out: list[tuple[str, Any]] = []
        for key, inner in value.items():
            out.extend(leaves(inner, f"{path}.{key}" if path else str(key)))
        return out
    return [(path or "(binding)", "(a schema)" if isinstance(value, dict) else value)]
