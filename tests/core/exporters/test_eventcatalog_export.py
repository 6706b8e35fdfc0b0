"""EventCatalog export: a folder EventCatalog reads (frontmatter, sends/receives, schemas)."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import yaml

from designer.core.exporters.eventcatalog import export_eventcatalog
from designer.core.model import Design
from tests.core.exporters.hostile import hostile_design
from tests.support.golden import check_golden_tree


def _front(text: str) -> dict[str, Any]:
    assert text.startswith("---\n")
    data: dict[str, Any] = yaml.safe_load(text.split("---\n")[1])
    return data


def test_shop_catalog_matches_the_golden_folder(shop: Design) -> None:
    check_golden_tree("eventcatalog-shop", export_eventcatalog(shop))


def test_every_page_has_id_name_and_semver_version(shop: Design) -> None:
    files = export_eventcatalog(shop)
    pages = {path: _front(text) for path, text in files.items() if path.endswith("index.mdx")}
    assert {p.split("/")[0] for p in pages} == {
        "services",
        "commands",
        "queries",
        "events",
        "domains",
    }
    for path, front in pages.items():
        assert front["id"] == path.split("/")[1]
        assert front["name"]
        assert front["version"].count(".") == 2


def test_sends_and_receives_point_at_existing_message_pages(shop: Design) -> None:
    files = export_eventcatalog(shop)
    messages = {
        _front(t)["id"]: _front(t)["version"]
        for p, t in files.items()
        if p.split("/")[0] in ("commands", "queries", "events") and p.endswith("index.mdx")
    }
    orders = _front(files["services/orders/index.mdx"])
    assert [m["id"] for m in orders["sends"]] == [
        "add-loyalty-points",
        "get-customer",
        "order-created",
    ]
    assert [m["id"] for m in orders["receives"]] == ["get-order-history", "submit-order"]
    for path, text in files.items():
        if path.startswith("services/"):
            front = _front(text)
            for ref in front["sends"] + front["receives"]:
                assert messages[ref["id"]] == ref["version"]
    # Actors are not services; they show as producers on the message page.
    assert "services/web/index.mdx" not in files
    assert "Web Frontend (actor)" in files["commands/submit-order/index.mdx"]


def test_schemas_are_valid_json_schema_and_describe_the_payload(shop: Design) -> None:
    files = export_eventcatalog(shop)
    schema = json.loads(files["events/order-created/schema.json"])
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(
        {"order_id": "x", "customer_id": "y", "total": "1.00", "lines": [{"sku": "s", "qty": 1}]},
        schema,
    )
    response = json.loads(files["queries/get-customer/response.schema.json"])
    assert response["required"] == ["customer_id", "email"]


def test_hostile_names_cannot_inject_markup_into_pages() -> None:
    files = export_eventcatalog(hostile_design())
    # Frontmatter is YAML data; the MDX body is what could run as markup.
    text = "".join(t.split("---\n", 2)[2] for p, t in files.items() if p.endswith(".mdx"))
    assert "<img" not in text and "<script" not in text and "<b>" not in text
    for path, body in files.items():
        if path.endswith(".mdx"):
            _front(body)  # frontmatter still parses
