"""Observation of constructed shop traffic: counts, rates, latency and each drift rule."""

from __future__ import annotations

import json

import pytest

from designer.core.model import Design, Severity
from designer.core.observe import Observation
from designer.core.observe.record import from_wire

from .traffic import (
    ASK,
    CREATED,
    POINTS,
    REPLIES,
    ask_customer,
    envelope,
    loyalty_points,
    model,
    new_id,
    order_created,
)


def rules(report) -> list[tuple[str, tuple[str, ...]]]:
    return sorted((d.rule, d.subjects) for d in report.findings)


def test_mixed_traffic_counts_rates_and_findings(shop: Design) -> None:
    o = Observation(shop, "nats", started=0.0)
    for i in range(10):  # the old wire contract: ids inside an envelope
        o.add(envelope(i * 0.5, "nats", CREATED, "OrderCreated", order_created()))
    for i in range(4):  # the new one: the body is the model, ids in headers
        o.add(model(i, "nats", POINTS, loyalty_points(), {"message_type": "add-loyalty-points"}))
    o.add(model(6.0, "nats", POINTS, loyalty_points()))  # no type at all: fits the contract
    o.add(envelope(7.0, "nats", CREATED, "order-created", order_created(total="lots")))
    o.add(model(8.0, "nats", "orders.evt.order-cancelled", {"order_id": new_id()}))
    report = o.report(ended=20.0)

    created = report.flow("f2")
    assert created is not None and report.flow("f3") is not None
    assert (created.messages, report.flow("f3").messages) == (11, 11)  # fan-out: both flows
    assert created.rate == pytest.approx(11 / 20)
    assert created.violations == 1
    assert created.violation_example == "$.total: expected decimal, got string 'lots'"
    assert report.flow("f4").messages == 5 and report.flow("f4").violations == 0
    assert report.flow("f7").messages == 0
    assert [(s.address, s.messages) for s in report.undeclared] == [
        ("orders.evt.order-cancelled", 1)
    ]
    assert rules(report) == [
        ("contract-violation", ("f2", "order-created")),
        ("contract-violation", ("f3", "order-created")),
        ("silent-flow", ("f6", "get-customer")),
        ("silent-flow", ("f7", "loyalty-points-added")),
        ("undeclared-traffic", ()),
    ]
    assert report.records == 17


def test_request_reply_latency_and_unanswered(shop: Design) -> None:
    o = Observation(shop, "nats", started=0.0)
    asks = [(float(i), new_id(), new_id()) for i in range(4)]
    records = [ask_customer(t, ask_id, corr) for t, ask_id, corr in asks]
    for (t, ask_id, corr), delay in zip(asks[:2], (0.010, 0.020), strict=True):
        # The answer names its question (old contract: in the envelope).
        records.append(
            envelope(
                t + delay,
                "nats",
                REPLIES,
                "GetCustomer reply",
                {"customer_id": new_id(), "email": "a@b.c"},
                causation_id=ask_id,
                correlation_id=corr,
            )
        )
    t, _ask_id, corr = asks[2]  # new contract: only a correlation header
    records.append(
        model(
            t + 0.030,
            "nats",
            REPLIES,
            {"customer_id": new_id(), "email": "x@y.z"},
            {"correlation_id": corr},
        )
    )
    for record in sorted(records, key=lambda r: r.time):
        o.add(record)
    # The fourth question is never answered; the flow's timeout is 2 s.
    report = o.report(ended=30.0)
    ask = report.flow("f6")
    assert (ask.messages, ask.replies, ask.unanswered, ask.in_flight) == (4, 3, 1, 0)
    assert ask.latency_ms == {
        "p50": pytest.approx(20.0),
        "p95": pytest.approx(30.0),
        "p99": pytest.approx(30.0),
    }
    unanswered = [d for d in report.findings if d.rule == "unanswered-request"]
    assert len(unanswered) == 1 and unanswered[0].severity is Severity.ERROR
    assert asks[3][2] in unanswered[0].message  # names the correlation id to look up


def test_request_still_within_its_timeout_is_in_flight_not_unanswered(shop: Design) -> None:
    o = Observation(shop, "nats", started=0.0)
    o.add(envelope(9.5, "nats", ASK, "get-customer", {"customer_id": new_id()}))
    report = o.report(ended=10.0)
    assert (report.flow("f6").unanswered, report.flow("f6").in_flight) == (0, 1)
    assert "unanswered-request" not in {d.rule for d in report.findings}


def test_reply_breaking_the_response_contract_is_a_violation(shop: Design) -> None:
    o = Observation(shop, "nats", started=0.0)
    ask_id = new_id()
    o.add(envelope(1, "nats", ASK, "get-customer", {"customer_id": new_id()}, message_id=ask_id))
    o.add(envelope(1.1, "nats", REPLIES, "r", {"customer_id": "not-a-uuid"}, causation_id=ask_id))
    flow = o.report(ended=2.0).flow("f6")
    assert flow.violations == 1
    assert flow.violation_example.startswith("$.customer_id: expected uuid")


def test_wrong_channel_by_declared_type_and_by_payload_shape(shop: Design) -> None:
    o = Observation(shop, "nats", started=0.0)
    o.add(model(1, "nats", CREATED, loyalty_points(), {"x-message-type": "AddLoyaltyPoints"}))
    o.add(model(2, "nats", CREATED, loyalty_points()))  # untyped, but exactly that shape
    report = o.report(ended=5.0)
    wrong = [d for d in report.findings if d.rule == "wrong-channel"]
    assert len(wrong) == 1 and wrong[0].message.startswith(
        "2 'AddLoyaltyPoints' message(s) on orders.evt.order-created"
    )
    assert report.flow("f2").messages == 0


def test_unknown_type_on_a_known_address_is_undeclared(shop: Design) -> None:
    o = Observation(shop, "nats", started=0.0)
    o.add(model(1, "nats", CREATED, {"order_id": new_id()}, {"message_type": "OrderCancelled"}))
    report = o.report(ended=5.0)
    [finding] = [d for d in report.findings if d.rule == "undeclared-traffic"]
    assert "OrderCancelled ×1" in finding.message and finding.subjects == ("f2", "f3")


def test_body_that_is_not_json_breaks_the_contract(shop: Design) -> None:
    o = Observation(shop, "nats", started=0.0)
    o.add(model(1, "nats", POINTS, b"\x00garbage"))
    flow = o.report(ended=2.0).flow("f4")
    assert (flow.messages, flow.violations, flow.violation_example) == (
        1,
        1,
        "$: the body is not JSON",
    )


def test_rabbitmq_addresses_direct_default_and_topic(shop: Design) -> None:
    o = Observation(shop, "rabbitmq", started=0.0)
    o.add(
        model(
            1,
            "rabbitmq",
            "loyalty.add-loyalty-points",
            loyalty_points(),
            exchange="msgflow.commands",
        )
    )
    o.add(model(2, "rabbitmq", "loyalty.add-loyalty-points", loyalty_points(), exchange=""))
    o.add(model(3, "rabbitmq", "order-created", order_created(), exchange="orders.events"))
    o.add(model(4, "rabbitmq", "order-shipped", {"x": 1}, exchange="orders.events"))
    report = o.report(ended=10.0)
    assert report.flow("f4").messages == 2
    assert report.flow("f2").messages == 1
    assert report.flow("f4").address == "msgflow.commands/loyalty.add-loyalty-points"
    assert [s.address for s in report.undeclared] == ["orders.events/order-shipped"]


def test_header_spellings_all_carry_the_ids() -> None:
    for name in ("correlation_id", "Correlation-Id", "x-correlation-id", "msgflow-correlation-id"):
        record = from_wire(0, "nats", "s", b"{}", {name: "abc"})
        assert record.correlation_id == "abc", name
    cloud = from_wire(0, "nats", "s", b"{}", {"ce-type": "OrderCreated", "ce-id": "7"})
    assert (cloud.message_type, cloud.message_id) == ("OrderCreated", "7")


def test_headers_win_over_the_envelope() -> None:
    body = json.dumps({"message_type": "a", "correlation_id": "inside", "payload": {}}).encode()
    record = from_wire(0, "nats", "s", body, {"correlation_id": "outside"})
    assert (record.message_type, record.correlation_id) == ("a", "outside")


def test_memory_stays_bounded_with_many_unmatched_requests(shop: Design) -> None:
    import designer.core.observe.analysis as analysis

    o = Observation(shop, "nats", started=0.0)
    o.pending.limit = o.pending_by_correlation.limit = 50
    for i in range(500):
        o.add(envelope(i * 0.001, "nats", ASK, "get-customer", {"customer_id": new_id()}))
    assert len(o.pending) <= 50 and o.pending.forgotten == 450
    assert analysis.MAX_PENDING >= 50


def test_answered_and_expired_requests_leave_no_correlation_behind(shop: Design) -> None:
    """The correlation index only holds requests still waiting: a busy system's answered
    or timed-out requests do not pile up in it until its cap."""
    o = Observation(shop, "nats", started=0.0)
    asks = [(float(i), new_id(), new_id()) for i in range(3)]
    for t, ask_id, corr in asks:
        o.add(ask_customer(t, ask_id, corr))
    t, _ask_id, corr = asks[0]  # answered by its correlation id alone
    o.add(
        model(
            t + 0.01,
            "nats",
            REPLIES,
            {"customer_id": new_id(), "email": "a@b.c"},
            {"correlation_id": corr},
        )
    )
    assert sorted(o.pending_by_correlation) == sorted(c for _t, _a, c in asks[1:])
    o.add(envelope(60.0, "nats", "orders.evt.order-created", "OrderCreated", order_created()))
    assert (len(o.pending), len(o.pending_by_correlation)) == (0, 0)  # the rest timed out
    assert o.report().flow("f6").unanswered == 2


def test_the_rabbitmq_tap_leaves_the_failure_handling_exchanges_alone(shop: Design) -> None:
    from designer.core.channels import DEAD_LETTER_EXCHANGE, RETRY_EXCHANGE
    from designer.core.observe.expected import Expectations

    topics, direct = Expectations(shop).rabbit_taps()
    assert sorted(topics) == ["loyalty.events", "orders.events"]
    tapped = set(topics) | {exchange for exchange, _key in direct}
    assert not tapped & {RETRY_EXCHANGE, DEAD_LETTER_EXCHANGE}
