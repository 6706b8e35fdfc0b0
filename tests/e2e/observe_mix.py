"""The known traffic mix the observe e2e tests publish, broker-neutral.

Published straight onto the design's channels with plain clients (not by running the
generated shop): the counts are then exact by construction and the test stays fast.

- OrderCreated x6 on the orders' event address (f2 and f3): 5 in the envelope wire
  contract, 1 malformed (`total` is not a decimal) in the headers contract;
- AddLoyaltyPoints x4 (f4), body = model, type and ids in headers;
- GetCustomer x3 (f6) with their 3 answers on the reply address (ids in headers);
- OrderCancelled x2, a type the design does not have, on a key/subject/stream of its own;
- LoyaltyPointsAdded (f7): silenced, nothing sent.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from designer.core.channels import ChannelNames, FlowChannel
from designer.core.model import Design


def _id() -> str:
    return str(uuid.uuid4())


@dataclass
class Sent:
    """One message to publish: where (a flow's channel, a reply address or a stray key)."""

    body: bytes
    headers: dict[str, str]
    channel: FlowChannel | None = None  # a flow's channel
    reply_to_address: str | None = None  # an answer: the reply queue/subject/stream
    stray_key: str | None = None  # undeclared: the routing key / subject suffix / stream suffix
    properties: dict[str, Any] = field(default_factory=dict)


def order_created(total: Any) -> dict[str, Any]:
    return {
        "order_id": _id(),
        "customer_id": _id(),
        "lines": [{"sku": "a", "qty": 1}],
        "total": total,
    }


def build_mix(design: Design) -> list[Sent]:
    names = ChannelNames(design)
    flows = {f.id: names.channel(f) for f in design.flows}
    mix: list[Sent] = []
    for _ in range(5):
        envelope = {
            "message_id": _id(),
            "correlation_id": _id(),
            "causation_id": None,
            "message_type": "OrderCreated",
            "reply_to": None,
            "payload": order_created("12.50"),
        }
        mix.append(Sent(json.dumps(envelope).encode(), {}, channel=flows["f2"]))
    mix.append(
        Sent(
            json.dumps(order_created("lots")).encode(),
            {"message_type": "OrderCreated", "correlation_id": _id()},
            channel=flows["f2"],
        )
    )
    for _ in range(4):
        body = {"customer_id": _id(), "order_id": _id(), "points": 7}
        mix.append(
            Sent(
                json.dumps(body).encode(),
                {"message_type": "AddLoyaltyPoints", "correlation_id": _id(), "message_id": _id()},
                channel=flows["f4"],
            )
        )
    ask = flows["f6"]
    assert ask.reply is not None
    for n in range(3):
        question, correlation = _id(), _id()
        # Generated services answer on a reply address per instance (`<reply>.<instance>`).
        reply = (ask.reply_subject or ask.reply or "") + (".instance-a" if n == 2 else "")
        mix.append(
            Sent(
                json.dumps({"customer_id": _id()}).encode(),
                {
                    "message_type": "GetCustomer",
                    "message_id": question,
                    "correlation_id": correlation,
                    "reply_to": reply,
                },
                channel=ask,
            )
        )
        mix.append(
            Sent(
                json.dumps({"customer_id": _id(), "email": "a@example.org"}).encode(),
                {"correlation_id": correlation, "causation_id": question},
                reply_to_address=reply,
            )
        )
    for _ in range(2):
        mix.append(
            Sent(
                json.dumps({"order_id": _id(), "reason": "changed mind"}).encode(),
                {"message_type": "OrderCancelled", "correlation_id": _id()},
                stray_key="order-cancelled",
            )
        )
    return mix


TOTAL = 6 + 4 + 3 + 3 + 2
EXPECTED_COUNTS = {"f2": 6, "f3": 6, "f4": 4, "f6": 3, "f7": 0}


def check_report(report: Any) -> None:
    """The exact counts and findings every broker must give for the mix."""
    assert report.records == TOTAL
    assert {f.flow_id: f.messages for f in report.flows} == EXPECTED_COUNTS
    assert {f.flow_id: f.violations for f in report.flows} == {
        "f2": 1,
        "f3": 1,
        "f4": 0,
        "f6": 0,
        "f7": 0,
    }
    f6 = report.flow("f6")
    assert (f6.replies, f6.unanswered, f6.in_flight) == (3, 0, 0)
    assert f6.latency_ms is not None and f6.latency_ms["p50"] >= 0
    assert [(s.messages, dict(s.types)) for s in report.undeclared] == [(2, {"OrderCancelled": 2})]
    rules = sorted((d.rule, d.subjects[:1]) for d in report.findings)
    assert rules == [
        ("contract-violation", ("f2",)),
        ("contract-violation", ("f3",)),
        ("silent-flow", ("f7",)),
        ("undeclared-traffic", ()),
    ]
