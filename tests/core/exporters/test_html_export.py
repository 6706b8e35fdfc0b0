"""HTML export: one self-contained page, checked as a user sees it in headless Chromium."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from designer.core.exporters.html import export_html
from designer.core.model import Design, Transport
from tests.core.exporters.hostile import hostile_design
from tests.support.chromium import Browser, find_chromium


def test_the_page_needs_no_network(shop: Design) -> None:
    html = export_html(shop)
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html)
    assert not re.search(r"url\(\s*['\"]?https?:", html)
    # The only URL is the SVG namespace, which is a name, not a download.
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) <= {"http://www.w3.org/2000/svg"}


def test_summary_counts_read_as_english(shop: Design) -> None:
    page = export_html(shop)
    assert "5 services · 1 actor · 6 messages · 7 flows" in page
    assert "validation: 0 errors, 0 warnings, 0 notes" in page


def test_names_cannot_inject_markup_or_script() -> None:
    html = export_html(hostile_design())
    assert "<img src=x" not in html and "<script>alert" not in html and "<b>bold" not in html
    data = html.split('<script type="application/json" id="design-data">', 1)[1].split(
        "</script>", 1
    )[0]
    assert "<" not in data  # tojson escapes it: a name cannot close the data block


def test_catalogue_lists_fields_producers_consumers_and_validation(shop: Design) -> None:
    html = export_html(shop)
    orders = html.split('id="node-orders"', 1)[1].split('class="card"', 1)[0]
    assert "OrderCreated" in orders and "Shipping Service" in orders
    created = html.split('id="message-order-created"', 1)[1].split('class="card"', 1)[0]
    assert "producers: Order Service" in created
    assert "consumers: Notification Service, Shipping Service" in created
    assert "<code>list[OrderLine]</code>" in created
    assert 'id="validation"' in html


def test_validation_findings_are_listed(shop: Design) -> None:
    flows = [
        f.model_copy(update={"transport": Transport.TOPIC}) if f.id == "f4" else f
        for f in shop.flows
    ]
    html = export_html(shop.model_copy(update={"flows": flows}))
    report = html.split('id="validation"', 1)[1]
    assert "<code>command-on-topic</code>" in report  # a command broadcast on a topic
    assert "AddLoyaltyPoints" in report


def test_a_rules_engine_that_cannot_be_imported_fails_the_export_loudly(
    shop: Design, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Part of the package, so its absence is a broken install: no page claiming no findings.
    monkeypatch.setitem(sys.modules, "designer.core.rules", None)  # import now fails
    with pytest.raises(ImportError):
        export_html(shop)


@pytest.fixture
def browser() -> Iterator[Browser]:
    instance = Browser(find_chromium())
    try:
        yield instance
    finally:
        instance.close()


def _centre(browser: Browser, selector: str) -> tuple[float, float]:
    rect = browser.evaluate(
        f"(() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect();"
        " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
    )
    return rect[0], rect[1]


@pytest.mark.xdist_group("chromium")
def test_in_chromium_it_renders_without_errors_and_clicks_inspect(
    shop: Design, tmp_path: Path, browser: Browser
) -> None:
    page = tmp_path / "shop.html"
    page.write_text(export_html(shop), encoding="utf-8")
    browser.open(page.as_uri())
    assert browser.evaluate("document.documentElement.dataset.ready") == "true"
    assert browser.evaluate("document.querySelectorAll('svg .node').length") == len(shop.nodes)
    assert browser.evaluate("document.querySelectorAll('svg .flow').length") == len(shop.flows)

    # A real mouse click on the Order Service card shows its details.
    browser.click(*_centre(browser, '.node[data-id="orders"] rect'))
    assert (
        browser.evaluate("document.getElementById('inspector').dataset.inspected") == "node:orders"
    )
    details = browser.evaluate("document.getElementById('inspector').innerText")
    assert "Order Service" in details
    assert "OrderCreated → Shipping Service" in details
    assert "SubmitOrder ← Web Frontend" in details
    browser.screenshot(tmp_path / "shop-orders-selected.png")

    # Clicking an arrow's label shows the flow with its message fields.
    browser.click(*_centre(browser, '.flow-label[data-id="f6"] rect'))
    flow = browser.evaluate("document.getElementById('inspector').innerText")
    assert "GetCustomer" in flow and "orders.replies" in flow and "email" in flow

    # Zoom with the wheel, pan by dragging the background; a drag is not a click.
    before = browser.evaluate("document.querySelector('svg').getAttribute('viewBox')")
    x, y = _centre(browser, "#diagram-pane")
    browser.wheel(x, y, -300)
    zoomed = browser.evaluate("document.querySelector('svg').getAttribute('viewBox')")
    assert float(zoomed.split()[2]) < float(before.split()[2])
    browser.drag((x + 300, y + 200), (x + 200, y + 120))
    panned = browser.evaluate("document.querySelector('svg').getAttribute('viewBox')")
    assert panned.split()[:2] != zoomed.split()[:2]
    assert browser.evaluate("document.getElementById('inspector').dataset.inspected") == "flow:f6"

    assert browser.console_errors() == []
    assert [
        u for u in browser.requested_urls() if not u.startswith(("file:", "data:", "about:"))
    ] == []


@pytest.mark.xdist_group("chromium")
def test_in_chromium_a_hostile_design_renders_without_errors(
    tmp_path: Path, browser: Browser
) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(export_html(hostile_design()), encoding="utf-8")
    browser.open(page.as_uri() + "#node=a.b")
    assert browser.evaluate("document.getElementById('inspected-name').textContent").startswith(
        "Ünïcødé"
    )
    assert browser.evaluate("document.querySelectorAll('img').length") == 0
    assert browser.console_errors() == []
