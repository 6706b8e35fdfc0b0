"""Live problems: the panel and the status badges follow each edit; double-click selects."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from designer.core.commands import EditFlow
from designer.core.model import Transport
from tests.support.window import open_window


def _command_on_topic(window) -> None:
    # Publishing the SubmitOrder command on a topic breaks `command-on-topic`.
    assert window.undo.push(EditFlow("f1", transport=Transport.TOPIC))


def test_the_example_has_no_problems(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    assert window.problems_panel.rows() == []
    assert window.badges.counts() == {"error": 0, "warning": 0, "info": 0}
    assert "No problems" in window.problems_panel.status.text()


def test_problems_and_badges_update_within_one_edit(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    _command_on_topic(window)
    rules = [row.text(1) for row in window.problems_panel.rows()]
    assert "command-on-topic" in rules
    assert window.badges.counts()["warning"] >= 1
    group = window.problems_panel.tree.topLevelItem(0)
    assert group.text(0).startswith("Warnings (")
    window.actions_by_name["undo"].trigger()
    assert window.problems_panel.rows() == []
    assert window.badges.counts()["warning"] == 0


def test_problem_row_names_the_items_and_gives_the_hint(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    _command_on_topic(window)
    row = next(r for r in window.problems_panel.rows() if r.text(1) == "command-on-topic")
    assert "SubmitOrder" in row.text(0)
    assert "Web Frontend" in row.text(2) and "flow SubmitOrder" in row.text(2)
    assert "Fix:" in row.toolTip(0) and "queue" in row.toolTip(0)


def test_double_click_selects_and_centres_the_subjects(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    _command_on_topic(window)
    tree = window.problems_panel.tree
    row = next(r for r in window.problems_panel.rows() if r.text(1) == "command-on-topic")
    window.canvas.zoom_100()
    window.canvas.view.centerOn(-5000, -5000)
    rect = tree.visualItemRect(row)
    tree.scrollToItem(row)
    rect = tree.visualItemRect(row)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert set(window.canvas.selected_ids()) == {"web", "orders", "f1"}
    view = window.canvas.view
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    orders = window.canvas.scene.node_item("orders").sceneBoundingRect()
    assert visible.intersects(orders)


def test_badge_click_shows_the_problems_panel(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.docks["problems"].hide()
    button = window.badges.buttons[next(iter(window.badges.buttons))]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert window.docks["problems"].isVisible()


def test_canvas_badges_follow_the_diagnostics(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    _command_on_topic(window)
    flow_item = window.canvas.scene.flow_item("f1")
    assert "command-on-topic" in flow_item.toolTip()


def test_current_problem_shows_its_fix_under_the_list(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    _command_on_topic(window)
    row = next(r for r in window.problems_panel.rows() if r.text(1) == "command-on-topic")
    window.problems_panel.tree.setCurrentItem(row)
    assert window.problems_panel.status.text().startswith("Fix: Send SubmitOrder over a queue")
