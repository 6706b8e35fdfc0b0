"""Constructed traffic for the shop example, in both wire contracts msgflow has used.

`envelope(...)`: the body is the msgflow envelope (ids inside the body).
`model(...)`: the body is the message model; ids and type travel in headers.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from designer.core.observe.record import Record, from_wire

# The shop's addresses on NATS, by the naming convention.
CREATED = "orders.evt.order-created"
POINTS = "loyalty.cmd.add-loyalty-points"
ASK = "customers.qry.get-customer"
REPLIES = "orders.replies"


def new_id() -> str:
    return str(uuid.uuid4())


def order_created(total: Any = "12.50") -> dict[str, Any]:
    return {
        "order_id": new_id(),
        "customer_id": new_id(),
        "lines": [{"sku": "A-1", "qty": 2}],
        "total": total,
    }


def loyalty_points() -> dict[str, Any]:
    return {"customer_id": new_id(), "order_id": new_id(), "points": 10}


def envelope(
    time: float,
    broker: str,
    channel: str,
    message_type: str,
    payload: Any,
    *,
    exchange: str | None = None,
    message_id: str | None = None,
    correlation_id: str | None = None,
    causation_id: str | None = None,
    reply_to: str | None = None,
) -> Record:
    body = {
        "message_id": message_id or new_id(),
        "correlation_id": correlation_id or new_id(),
        "causation_id": causation_id,
        "message_type": message_type,
        "reply_to": reply_to,
        "payload": payload,
    }
    return from_wire(time, broker, channel, json.dumps(body).encode(), {}, exchange)


def model(
    time: float,
    broker: str,
    channel: str,
    payload: Any,
    headers: dict[str, str] | None = None,
    *,
    exchange: str | None = None,
) -> Record:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return from_wire(time, broker, channel, body, headers or {}, exchange)


def ask_customer(time: float, message_id: str, correlation_id: str) -> Record:
    """Orders asks Customers GetCustomer over NATS, the answer due on its reply subject."""
    return envelope(
        time,
        "nats",
        ASK,
        "GetCustomer",
        {"customer_id": new_id()},
        message_id=message_id,
        correlation_id=correlation_id,
        reply_to=REPLIES,
    )
