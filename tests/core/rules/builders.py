"""Build designs for rule tests from compact specs.

`design(messages={...}, flows=[...])`: messages as id -> (name, kind, extras); flows as
(message, from, to, transport, extras). Messages get one field and flows are idempotent
unless said otherwise, so only the rule under test has something to say.
"""

from __future__ import annotations

from typing import Any

from designer.core.model import Design

NODES = {
    "web": "actor",
    "partner": "actor",
    "orders": "service",
    "billing": "service",
    "payments": "service",
    "loyalty": "service",
    "customers": "service",
}
NAMES = {
    "web": "Web Shop",
    "partner": "Partner",
    "orders": "Order Service",
    "billing": "Billing Service",
    "payments": "Payment Service",
    "loyalty": "Loyalty Service",
    "customers": "Customer Service",
}

Msg = tuple[str, str] | tuple[str, str, dict[str, Any]]
FlowSpec = tuple[str, str, str, str] | tuple[str, str, str, str, dict[str, Any]]


def design(
    messages: dict[str, Msg] | None = None,
    flows: list[FlowSpec] | None = None,
    *,
    nodes: dict[str, str] | None = None,
    rules: dict[str, Any] | None = None,
) -> Design:
    node_list = [
        {"id": node_id, "name": NAMES.get(node_id, node_id.capitalize()), "kind": kind}
        for node_id, kind in (nodes or NODES).items()
    ]
    message_list = []
    for message_id, spec in (messages or {}).items():
        name, kind = spec[0], spec[1]
        extra = dict(spec[2]) if len(spec) > 2 else {}  # type: ignore[misc]
        item: dict[str, Any] = {
            "id": message_id,
            "name": name,
            "kind": kind,
            "fields": [{"name": "id", "type": "uuid"}],
        }
        if kind == "query":
            item["response"] = [{"name": "value", "type": "string"}]
        item.update(extra)
        message_list.append(item)
    flow_list = []
    for index, spec in enumerate(flows or [], start=1):
        message, source, target, transport = spec[:4]
        item = {
            "id": f"f{index}",
            "message": message,
            "from": source,
            "to": target,
            "transport": transport,
            "idempotent": True,
        }
        if transport != "http" and dict(message_list_kinds(message_list)).get(message) == "query":
            item.update({"reply": f"{source}.replies", "timeout_ms": 2000})
        if len(spec) > 4:
            item.update(spec[4])  # type: ignore[misc]
        flow_list.append(item)
    return Design.model_validate(
        {
            "name": "Test",
            "nodes": node_list,
            "messages": message_list,
            "flows": flow_list,
            "settings": {"rules": rules or {}},
        }
    )


def message_list_kinds(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(m["id"], m["kind"]) for m in messages]
