"""Observed payloads of union messages and enum fields against the design's contract."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from designer.core import io
from designer.core.model import Design
from designer.core.observe import Observation
from designer.core.observe.conformance import Contracts

from .traffic import envelope, model, new_id

UNIONS = Path(__file__).resolve().parents[2] / "data" / "unions.msgflow.json"
DRAWN, HINTED, BUY = "board.evt.shape-drawn", "board.evt.shape-hinted", "gallery.cmd.buy-print"


@pytest.fixture(scope="module")
def design() -> Design:
    return io.load(UNIONS)


def _buy(**change: Any) -> dict[str, Any]:
    body = {
        "drawing_id": new_id(),
        "payment": {"method": "card", "number": "4111"},
        "size": "small",
        "copies": 2,
        "extras": [{"shape": "circle", "radius": 1.5}],
        "quality": 1,
        "scale": 0.5,
    }
    return {**body, **change}


@pytest.mark.parametrize(
    ("message", "payload", "expected"),
    [
        ("shape-drawn", {"shape": "box", "side": 2}, []),
        ("shape-drawn", {"shape": "circle", "radius": 1}, []),
        # The tag names Square: Square's own problem is what a reader needs.
        ("shape-drawn", {"shape": "square"}, ["$.side: required field missing"]),
        (
            "shape-drawn",
            {"shape": "triangle"},
            ["$.shape: 'triangle' names none of Circle, Square"],
        ),
        ("shape-hinted", {"number": "+41"}, []),
        ("shape-hinted", {"fax": 1}, ["$: matches none of Email, Phone, got an object"]),
        ("buy-print", _buy(), []),
        ("buy-print", _buy(copies="two"), []),
        ("buy-print", _buy(size="huge"), ["$.size: 'huge' is not one of small, medium, large"]),
        ("buy-print", _buy(quality=4, signed=True), ["$.quality: 4 is not one of 1, 2, 3"]),
        # A value of another type is told as such, not as a value missing from the list.
        ("buy-print", _buy(quality=True), ["$.quality: expected integer, got boolean true"]),
        ("buy-print", _buy(signed=False), ["$.signed: false is not one of true"]),
        ("buy-print", _buy(scale=1.0), []),  # JSON's 1.0 is the number 1
        ("buy-print", _buy(scale=0.25), ["$.scale: 0.25 is not one of 0.5, 1, 2.5"]),
        (
            "buy-print",
            _buy(payment={"method": "voucher", "code": "nope"}),
            ["$.payment.code: expected uuid, got string 'nope'"],
        ),
        (
            "buy-print",
            _buy(extras=[{"shape": "circle", "radius": 1}, {"shape": "blob"}]),
            ["$.extras[1].shape: 'blob' names none of Circle, Square"],
        ),
        ("buy-print", _buy(copies=[1]), ["$.copies: matches none of integer, string, got a list"]),
    ],
)
def test_union_and_enum_payloads_are_checked_and_located(
    design: Design, message: str, payload: dict[str, Any], expected: list[str]
) -> None:
    assert Contracts(design).message_problems(message, payload) == expected


def test_observed_union_traffic_counts_and_violations(design: Design) -> None:
    o = Observation(design, "nats", started=0.0)
    o.add(model(1, "nats", DRAWN, {"shape": "circle", "radius": 2}))
    o.add(model(2, "nats", DRAWN, {"shape": "square", "side": 1, "filled": True}))
    o.add(model(3, "nats", DRAWN, {"shape": "hexagon", "side": 1}))
    o.add(model(4, "nats", HINTED, {"address": "a@b.c"}))
    o.add(model(5, "nats", BUY, _buy(size="huge")))
    report = o.report(ended=10.0)
    drawn = report.flow("f1")
    assert (drawn.messages, drawn.violations) == (3, 1)
    assert drawn.violation_example == "$.shape: 'hexagon' names none of Circle, Square"
    assert (report.flow("f3").messages, report.flow("f3").violations) == (1, 0)
    assert report.flow("f2").violations == 1


def test_answers_of_a_query_whose_response_is_a_union(design: Design) -> None:
    o = Observation(design, "nats", started=0.0)
    ask, lookup = "board.qry.shape-lookup", "shape-lookup"
    good, bad = new_id(), new_id()
    o.add(envelope(1, "nats", ask, lookup, {"shape_id": new_id()}, message_id=good))
    o.add(
        envelope(
            1.1, "nats", "gallery.replies", "r", {"shape": "box", "side": 1}, causation_id=good
        )
    )
    o.add(envelope(2, "nats", ask, lookup, {"shape_id": new_id()}, message_id=bad))
    o.add(envelope(2.1, "nats", "gallery.replies", "r", {"shape": "circle"}, causation_id=bad))
    flow = o.report(ended=3.0).flow("f4")
    assert flow.replies == 2
    assert (flow.violations, flow.violation_example) == (
        1,
        "$.radius: required field missing",
    )
