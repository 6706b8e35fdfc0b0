"""The messages dock never shows a producer or consumer cut to a few letters."""

from __future__ import annotations

from tests.support.window import open_window


def _rows(panel):
    tree = panel.tree
    for g in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(g)
        for r in range(group.childCount()):
            yield group.child(r)


def _resize_dock(qtbot, window, width: int) -> None:
    panel = window.messages_panel
    panel.setFixedWidth(width)
    qtbot.waitUntil(lambda: panel.tree.viewport().width() <= width)


def test_a_narrow_dock_hides_the_party_columns_and_the_tooltip_names_them(
    qtbot, monkeypatch, tmp_path
):
    window = open_window(qtbot, monkeypatch, tmp_path)
    _resize_dock(qtbot, window, 220)
    tree = window.messages_panel.tree
    assert tree.isColumnHidden(1) and tree.isColumnHidden(2)
    get_customer = next(row for row in _rows(window.messages_panel) if row.text(0) == "GetCustomer")
    assert "Sent by Order Service · received by Customer Service" in get_customer.toolTip(0)


def test_a_wide_dock_shows_producers_and_consumers_readably(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    _resize_dock(qtbot, window, 700)
    tree = window.messages_panel.tree
    assert not tree.isColumnHidden(1) and not tree.isColumnHidden(2)
    assert tree.columnWidth(1) >= 90 and tree.columnWidth(2) >= 90
    metrics = tree.fontMetrics()
    submit = next(row for row in _rows(window.messages_panel) if row.text(0) == "SubmitOrder")
    # the producer's name fits its column whole (no elision)
    assert metrics.horizontalAdvance(submit.text(1)) < tree.columnWidth(1)
