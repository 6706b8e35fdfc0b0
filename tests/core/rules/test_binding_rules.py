"""Rules on the broker settings a flow keeps (`bindings`): what its targets cannot render."""

from __future__ import annotations

from typing import Any

import pytest

from designer.core.model import Severity
from designer.core.rules.engine import validate

from .builders import design

ORDER_FIELDS = [
    {"name": "order_id", "type": "uuid"},
    {"name": "lines", "type": "list[string]"},
    {"name": "note", "type": "string", "required": False},
]


def _keyed(key_field: str, **flow: Any) -> list[Any]:
    placed = design(
        messages={"placed": ("OrderPlaced", "event", {"fields": ORDER_FIELDS})},
        flows=[
            (
                "placed",
                "orders",
                "billing",
                "topic",
                {"dead_letter": True, "bindings": {"kafka": {"key_field": key_field}}, **flow},
            )
        ],
    )
    return [d for d in validate(placed) if d.rule == "kafka-key-field-invalid"]


@pytest.mark.parametrize("key_field", ["order_id", "note"])
def test_a_key_field_holding_one_value_is_accepted(key_field: str) -> None:
    assert _keyed(key_field) == []


def test_a_key_naming_no_field_is_an_error_that_lists_the_fields_to_choose() -> None:
    [finding] = _keyed("orderId")
    assert finding.severity is Severity.ERROR
    assert finding.path == "$.flows[0].bindings"
    assert "OrderPlaced has no field 'orderId'" in finding.message
    # Only fields that can be a key are offered: the list is not one value.
    assert finding.hint == "Set bindings.kafka.key_field to one of: order_id, note"


def test_a_key_field_holding_a_list_is_an_error() -> None:
    [finding] = _keyed("lines")
    assert "field 'lines' is a list[string], not one value" in finding.message


def test_a_key_on_a_parameterised_channel_is_an_error_the_parameters_make_it() -> None:
    [finding] = _keyed(
        "order_id",
        channel="orders.{region}.placed",
        parameters=[{"name": "region"}],
    )
    assert "parameters (region) already make the record key" in finding.message
