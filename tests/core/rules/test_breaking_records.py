"""`breaking-change` follows records: a change inside a schema breaks the messages that read it."""

from __future__ import annotations

from typing import Any

import pytest

from designer.core.model import Design, MessageField, RecordSchema, Suppression
from designer.core.rules import validate

from .builders import design

LINE = [{"name": "sku", "type": "string"}, {"name": "qty", "type": "integer"}]
PRODUCT = [{"name": "code", "type": "string"}, {"name": "weight", "type": "number"}]


def _shop(
    *,
    lines_type: str = "list[OrderLine]",
    version: int = 1,
    consumed: bool = True,
    line: list[dict[str, Any]] | None = None,
    product: list[dict[str, Any]] | None = None,
) -> Design:
    """SubmitOrder reads OrderLine through `lines`; GetCatalogue answers with Products."""
    messages: dict[str, Any] = {
        "submit-order": (
            "SubmitOrder",
            "command",
            {
                "version": version,
                "fields": [
                    {"name": "id", "type": "uuid"},
                    {"name": "lines", "type": lines_type},
                ],
            },
        ),
        "get-catalogue": (
            "GetCatalogue",
            "query",
            {"response": [{"name": "products", "type": "map[string,Product]"}]},
        ),
    }
    flows: list[Any] = [("get-catalogue", "web", "customers", "http")]
    if consumed:
        flows.append(("submit-order", "web", "orders", "http"))
    built = design(messages, flows)
    built.schemas = [
        RecordSchema.model_validate({"name": "OrderLine", "fields": line or LINE}),
        RecordSchema.model_validate({"name": "Product", "fields": product or PRODUCT}),
    ]
    return built


def _breaking(new: Design, old: Design) -> list[Any]:
    return [d for d in validate(new, baseline=old) if d.rule == "breaking-change"]


def test_a_retyped_record_field_breaks_the_consumed_message_that_reads_it() -> None:
    new = _shop(line=[LINE[0], {"name": "qty", "type": "string"}])
    [found] = _breaking(new, _shop())
    assert "OrderLine.qty retyped integer → string" in found.message
    assert "SubmitOrder" in found.message and "Order Service" in found.message
    assert "submit-order" in found.subjects and "orders" in found.subjects
    assert "SubmitOrder to 2" in found.hint and "add new fields as optional" in found.hint
    assert found.path == "$.messages[1]"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ([LINE[0]], "OrderLine.qty removed"),
        ([LINE[0], {"name": "quantity", "type": "integer"}], "OrderLine.qty renamed to 'quantity'"),
        ([*LINE, {"name": "gift", "type": "boolean"}], "required OrderLine.gift (boolean) added"),
    ],
)
def test_removed_renamed_and_newly_required_record_fields_break(
    line: list[dict[str, Any]], expected: str
) -> None:
    [found] = _breaking(_shop(line=line), _shop())
    assert expected in found.message


def test_records_nested_in_records_inside_maps_and_lists_break_their_readers() -> None:
    # OrderLine gains `product: Product`; then Product changes: SubmitOrder reads it
    # through OrderLine, GetCatalogue's requester through its response map.
    line = [*LINE, {"name": "product", "type": "list[Product]"}]
    old = _shop(line=line)
    new = _shop(line=line, product=[PRODUCT[0]])  # weight removed
    found = {d.subjects[1]: d for d in _breaking(new, old)}
    assert set(found) == {"submit-order", "get-catalogue"}
    assert "Product.weight removed (read through SubmitOrder.lines.product)" in (
        found["submit-order"].message
    )
    assert "read through GetCatalogue response.products" in found["get-catalogue"].message


def test_a_response_record_breaks_when_a_field_is_no_longer_required() -> None:
    optional = [PRODUCT[0], {"name": "weight", "type": "number", "required": False}]
    [found] = _breaking(_shop(product=optional), _shop())
    assert "Product.weight now optional" in found.message and "GetCatalogue" in found.message
    # ...while the same record read by a request breaks the other way round only.
    line_optional = [LINE[0], {"name": "qty", "type": "integer", "required": False}]
    assert _breaking(_shop(line=line_optional), _shop()) == []


@pytest.mark.parametrize(
    "new",
    [
        pytest.param(_shop(consumed=False, line=[LINE[0]]), id="message-nobody-consumes"),
        pytest.param(_shop(version=2, line=[LINE[0]]), id="new-version"),
        pytest.param(
            _shop(line=[*LINE, {"name": "gift", "type": "boolean", "required": False}]),
            id="added-optional-field",
        ),
        pytest.param(
            _shop(line=[{**LINE[0], "description": "stock keeping unit"}, LINE[1]]),
            id="described-only",
        ),
    ],
)
def test_near_misses_do_not_break(new: Design) -> None:
    assert _breaking(new, _shop()) == []


def test_a_record_read_only_through_a_newly_added_field_does_not_break() -> None:
    # Old consumers never read `lines`: it is reported as an added field, not through OrderLine.
    old = _shop(lines_type="string")
    old.messages[0] = old.messages[0].model_copy(update={"fields": old.messages[0].fields[:1]})
    new = _shop(line=[LINE[0]])
    first = new.messages[0]
    lines = MessageField(name="lines", type="list[OrderLine]", required=False)
    fields = [first.fields[0], lines, *first.fields[2:]]
    new.messages[0] = first.model_copy(update={"fields": fields})
    assert _breaking(new, old) == []


def test_a_suppression_on_the_message_silences_the_record_change() -> None:
    new = _shop(line=[LINE[0]])
    accepted = Suppression(rule="breaking-change", reason="consumers upgraded together")
    first = new.messages[0]
    new.messages[0] = first.model_copy(update={"suppress": [*first.suppress, accepted]})
    assert _breaking(new, _shop()) == []


def test_recursive_records_terminate() -> None:
    tree = [{"name": "label", "type": "string"}, {"name": "children", "type": "list[OrderLine]"}]
    old = _shop(line=tree)
    new = _shop(line=[{"name": "label", "type": "integer"}, tree[1]])
    [found] = _breaking(new, old)
    assert "OrderLine.label retyped string → integer (read through SubmitOrder.lines)" in (
        found.message
    )
