"""The flow inspector offers a fanout exchange only where one can mean something (a topic
flow): a queue flow shows the box greyed out with why, an http flow no broker settings,
and a flow whose file already asks for a fanout keeps the box ticked so it can be unticked."""

from __future__ import annotations

import json
from pathlib import Path

from designer.qt.panels.channel_widgets import FANOUT_TOPIC_ONLY
from tests.support.window import SHOP, open_window


def _shop_with_fanout_on(tmp_path: Path, flow_id: str) -> Path:
    design = json.loads(SHOP.read_text())
    for flow in design["flows"]:
        if flow["id"] == flow_id:
            flow["bindings"] = {"amqp": {"exchange_type": "fanout"}}
    source = tmp_path / "source" / SHOP.name
    source.parent.mkdir()
    source.write_text(json.dumps(design, indent=2))
    return source


def _flow_page(qtbot, monkeypatch, tmp_path, flow_id: str, file: Path = SHOP):
    window = open_window(qtbot, monkeypatch, tmp_path, file)
    window.canvas.select_ids([flow_id])
    return window, window.inspector.pages["flow"]


def test_a_queue_flow_shows_the_fanout_box_greyed_out_with_why(qtbot, monkeypatch, tmp_path):
    _window, page = _flow_page(qtbot, monkeypatch, tmp_path, "f4")  # add-loyalty-points
    fanout = page.bindings.fanout
    assert fanout.isVisibleTo(page) and not fanout.isEnabled() and not fanout.isChecked()
    assert FANOUT_TOPIC_ONLY in fanout.toolTip()
    # The receiver's queue and the Kafka topic are still this flow's to set.
    assert page.bindings.durable.isVisibleTo(page) and page.bindings.durable.isEnabled()
    assert page.bindings.key_field.isVisibleTo(page) and page.bindings.key_field.isEnabled()


def test_a_topic_flow_can_go_through_a_fanout_exchange(qtbot, monkeypatch, tmp_path):
    window, page = _flow_page(qtbot, monkeypatch, tmp_path, "f2")  # order-created
    fanout = page.bindings.fanout
    assert fanout.isVisibleTo(page) and fanout.isEnabled() and not fanout.isChecked()
    assert FANOUT_TOPIC_ONLY not in fanout.toolTip()
    fanout.click()
    bindings = window.document.flow("f2").bindings
    assert bindings is not None and bindings.amqp is not None
    assert bindings.amqp.exchange_type == "fanout"
    assert page.bindings.fanout.isChecked()


def test_a_queue_flow_whose_file_asks_for_fanout_keeps_the_box_to_untick(
    qtbot, monkeypatch, tmp_path
):
    source = _shop_with_fanout_on(tmp_path, "f4")
    window, page = _flow_page(qtbot, monkeypatch, tmp_path, "f4", source)
    fanout = page.bindings.fanout
    assert fanout.isVisibleTo(page) and fanout.isEnabled() and fanout.isChecked()
    assert "Untick" in fanout.toolTip() and FANOUT_TOPIC_ONLY in fanout.toolTip()
    fanout.click()
    bindings = window.document.flow("f4").bindings
    assert bindings is None or bindings.amqp is None or bindings.amqp.exchange_type is None
    # Once unticked it is offered no more, as on any queue flow.
    assert not page.bindings.fanout.isChecked() and not page.bindings.fanout.isEnabled()


def test_an_http_flow_shows_no_broker_settings_unless_its_file_asks_for_fanout(
    qtbot, monkeypatch, tmp_path
):
    source = _shop_with_fanout_on(tmp_path, "f5")  # get-order-history: an http call
    window, page = _flow_page(qtbot, monkeypatch, tmp_path, "f1", source)  # plain http
    assert not page.bindings.fanout.isVisibleTo(page)
    assert not page.bindings.durable.isVisibleTo(page)
    assert not page.bindings.key_field.isVisibleTo(page)
    window.canvas.select_ids(["f5"])
    fanout = page.bindings.fanout
    assert fanout.isVisibleTo(page) and fanout.isEnabled() and fanout.isChecked()
    assert not page.bindings.durable.isVisibleTo(page)
    assert not page.bindings.key_field.isVisibleTo(page)
    fanout.click()
    assert not page.bindings.fanout.isVisibleTo(page)  # the box goes with the setting
