"""Counting through a design edit (live mode): flows whose message and address did not
change keep their counts; what the edit changed starts again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from designer.core.model import Design
from designer.core.observe import Observation
from designer.core.observe.follow import follow

from .traffic import (
    ASK,
    CREATED,
    POINTS,
    REPLIES,
    envelope,
    loyalty_points,
    model,
    new_id,
    order_created,
)


def edited(design: Design, change: Callable[[dict[str, Any]], None]) -> Design:
    data = design.model_dump(by_alias=True, mode="json")
    change(data)
    return Design.model_validate(data)


def flow(data: dict[str, Any], flow_id: str) -> dict[str, Any]:
    return next(f for f in data["flows"] if f["id"] == flow_id)


def message(data: dict[str, Any], message_id: str) -> dict[str, Any]:
    return next(m for m in data["messages"] if m["id"] == message_id)


def watched(shop: Design) -> Observation:
    o = Observation(shop, "nats", started=0.0)
    for i in range(10):
        o.add(envelope(i * 0.1, "nats", CREATED, "OrderCreated", order_created()))
    o.add(envelope(1.0, "nats", CREATED, "OrderCreated", order_created(total="lots")))
    for i in range(4):
        o.add(model(1 + i * 0.1, "nats", POINTS, loyalty_points()))
    return o


def test_an_edit_that_keeps_address_and_message_keeps_the_counts(shop: Design) -> None:
    def change(data: dict[str, Any]) -> None:
        flow(data, "f3")["to"] = "loyalty"  # the event now goes to another subscriber
        flow(data, "f4")["description"] = "points for every order"
        data["flows"].append(
            {"id": "f9", "message": "order-created", "from": "orders", "to": "customers",
             "transport": "topic"}
        )  # fmt: skip

    o = follow(watched(shop), edited(shop, change))
    for i in range(5):
        o.add(envelope(2 + i * 0.1, "nats", CREATED, "OrderCreated", order_created()))
    o.add(model(3.0, "nats", POINTS, loyalty_points()))
    report = o.report(ended=10.0)
    counts = {f.flow_id: (f.messages, f.violations) for f in report.flows}
    assert counts["f2"] == (16, 1) and counts["f3"] == (16, 1)  # 11 before, 5 after
    assert counts["f4"] == (5, 0)
    # A new flow on the same traffic starts with what that traffic carried.
    assert counts["f9"] == (16, 1)
    assert report.records == 21 and report.started == 0.0


def test_an_edit_that_changes_the_message_or_address_starts_that_flow_again(
    shop: Design,
) -> None:
    def change(data: dict[str, Any]) -> None:
        flow(data, "f4")["message"] = "loyalty-points-added"  # another message: other subject
        flow(data, "f4")["transport"] = "topic"

    o = follow(watched(shop), edited(shop, change))
    o.add(envelope(2.0, "nats", CREATED, "OrderCreated", order_created()))
    report = o.report(ended=10.0)
    assert report.flow("f4").messages == 0
    assert report.flow("f2").messages == 12  # untouched flows keep counting


def test_a_changed_contract_forgets_the_violations_it_judged(shop: Design) -> None:
    def change(data: dict[str, Any]) -> None:
        total = next(f for f in message(data, "order-created")["fields"] if f["name"] == "total")
        total["type"] = "string"  # "lots" is a fine total now

    o = follow(watched(shop), edited(shop, change))
    o.add(envelope(2.0, "nats", CREATED, "OrderCreated", order_created(total="many")))
    created = o.report(ended=10.0).flow("f2")
    assert (created.messages, created.violations) == (12, 0)
    assert created.violation_example is None


def test_undeclared_traffic_that_becomes_a_flow_leaves_the_ghosts(shop: Design) -> None:
    o = watched(shop)
    for i in range(3):
        o.add(model(1 + i, "nats", "orders.evt.order-cancelled", {"order_id": new_id()}))
    o.add(model(4, "nats", "inventory.evt.restocked", {"sku": "A-1"}))

    def change(data: dict[str, Any]) -> None:
        data["messages"].append(
            {"id": "order-cancelled", "name": "OrderCancelled", "kind": "event",
             "fields": [{"name": "order_id", "type": "uuid"}]}
        )  # fmt: skip
        data["flows"].append(
            {"id": "f9", "message": "order-cancelled", "from": "orders", "to": "shipping",
             "transport": "topic"}
        )  # fmt: skip

    o = follow(o, edited(shop, change))
    o.add(model(5, "nats", "orders.evt.order-cancelled", {"order_id": new_id()}))
    report = o.report(ended=10.0)
    assert [(s.address, s.messages) for s in report.undeclared] == [("inventory.evt.restocked", 1)]
    assert report.flow("f9").messages == 1  # counted from the moment it is a flow
    assert report.flow("f9").rate == pytest.approx(1 / (10 - 4))  # over the time it existed
    assert report.flow("f2").rate == pytest.approx(11 / 10)
    assert report.flow("f2").messages == 11


def test_a_question_asked_before_the_edit_is_answered_after_it(shop: Design) -> None:
    o = Observation(shop, "nats", started=0.0)
    ask = new_id()
    o.add(envelope(1.0, "nats", ASK, "GetCustomer", {"customer_id": new_id()}, message_id=ask))

    def change(data: dict[str, Any]) -> None:
        flow(data, "f3")["to"] = "loyalty"

    o = follow(o, edited(shop, change))
    o.add(envelope(1.25, "nats", REPLIES, "r", {"customer_id": new_id()}, causation_id=ask))
    f6 = o.report(ended=20.0).flow("f6")
    assert (f6.messages, f6.replies, f6.unanswered, f6.in_flight) == (1, 1, 0, 0)
    assert f6.latency_ms == {"p50": 250.0, "p95": 250.0, "p99": 250.0}


def test_nothing_seen_yet_follows_to_an_empty_observation(shop: Design) -> None:
    o = follow(Observation(shop), edited(shop, lambda data: None))
    assert o.report().records == 0 and o.broker is None
