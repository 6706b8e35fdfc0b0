"""Binding settings of AsyncAPI documents: which a design holds, which it reports."""

from __future__ import annotations

from typing import Any

# Binding settings the design holds (the convention's names, the exchange type as transport).
BINDINGS_KEPT: dict[str, tuple[str, ...]] = {
    "amqp": ("is", "exchange.name", "exchange.type", "queue.name", "bindingVersion"),
    "kafka": ("topic", "bindingVersion"),
}


def leaves(value: Any, path: str) -> list[tuple[str, Any]]:
    """`{queue: {exclusive: true}}` -> [("queue.exclusive", True)]; a schema is one leaf."""
    is_schema = isinstance(value, dict) and ("type" in value or "$ref" in value)
    if isinstance(value, dict) and value and not (is_schema and path):
        out: list[tuple[str, Any]] = []
        for key, inner in value.items():
            out.extend(leaves(inner, f"{path}.{key}" if path else str(key)))
        return out
    return [(path or "(binding)", "(a schema)" if isinstance(value, dict) else value)]
