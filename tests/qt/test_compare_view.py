"""Design → Compare with…: the shop against an edited shop, side by side."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QFileDialog, QMessageBox
from shiboken6 import isValid

from designer.core import io
from designer.core.commands import EditNode
from designer.core.model import Design, Flow, Layout, Node, NodeKind, Point, Transport
from designer.qt.compare_marks import COLOURS, CardMark, FlowMark
from designer.qt.compare_view import CompareDialog
from tests.support.window import SHOP, open_window, shop_design

# What the edit below changes, as the compare view must colour it.
BASE_MARKS = {
    "loyalty": "removed",
    "f3": "removed",
    "f4": "removed",
    "f7": "removed",
    "shipping": "changed",
    "f6": "changed",
    "f1": "changed",  # carries SubmitOrder, whose fields changed
}
CURRENT_MARKS = {
    "payments": "added",
    "f8": "added",
    "shipping": "changed",
    "f6": "changed",
    "f1": "changed",
}


def edited_shop(shop: Design) -> Design:
    """A service added with an arrow, one removed with its arrows and messages, one
    renamed, one arrow removed, one transport changed, a field dropped from a command."""
    d = shop.model_copy(deep=True)
    d.nodes = [n for n in d.nodes if n.id != "loyalty"]
    d.layout.nodes.pop("loyalty")
    d.flows = [f for f in d.flows if f.id not in ("f3", "f4", "f7")]
    d.messages = [m for m in d.messages if m.owner != "loyalty"]
    d.nodes = [
        n.model_copy(update={"name": "Delivery Service"}) if n.id == "shipping" else n
        for n in d.nodes
    ]
    d.nodes.append(Node(id="payments", kind=NodeKind.SERVICE, name="Payment Service"))
    d.layout.nodes["payments"] = Point(x=960, y=300)
    d.flows.append(
        Flow.model_validate(
            {"id": "f8", "message": "order-created", "from": "orders", "to": "payments"}
            | {"transport": "topic"}
        )
    )
    d.flows = [
        f.model_copy(update={"transport": Transport.HTTP}) if f.id == "f6" else f for f in d.flows
    ]
    d.messages = [
        m.model_copy(update={"fields": [f for f in m.fields if f.name != "customer_id"]})
        if m.id == "submit-order"
        else m
        for m in d.messages
    ]
    return io.loads(io.dumps(d), "edited")


@pytest.fixture
def compared(qtbot, monkeypatch, tmp_path) -> tuple[object, CompareDialog]:
    """The window on the edited shop, compared with the shop file through the menu."""
    edited = tmp_path / "edited.msgflow.json"
    io.save(edited_shop(shop_design()), edited)
    window = open_window(qtbot, monkeypatch, tmp_path, edited)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a: (str(SHOP), "designs"))
    )
    window.actions_by_name["compare"].trigger()
    dialog = window.share.compare_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return window, dialog


def _marks(scene) -> tuple[dict[str, str], dict[str, str]]:
    """(marks on items, dashed outlines of missing cards) found in a scene."""
    marks, ghosts = {}, {}
    for item in scene.items():
        if isinstance(item, CardMark) and item.ghost_name is not None:
            ghosts[item.item_id] = item.action
        elif isinstance(item, (CardMark, FlowMark)):
            marks[item.item_id] = item.action
    return marks, ghosts


def test_colours_exactly_the_added_removed_and_changed_items(compared):
    _window, dialog = compared
    left, right = dialog.sides
    assert _marks(left.scene) == (BASE_MARKS, {"payments": "added"})
    assert _marks(right.scene) == (CURRENT_MARKS, {"loyalty": "removed"})


def _colour_near(scene, rect: QRectF, colour: QColor) -> int:
    """How many pixels of `rect` (scene coordinates) are drawn close to `colour`."""
    image = QImage(int(rect.width()), int(rect.height()), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    scene.render(painter, QRectF(image.rect()), rect)
    painter.end()
    close = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            distance = (
                abs(c.red() - colour.red())
                + abs(c.green() - colour.green())
                + abs(c.blue() - colour.blue())
            )
            close += distance < 36
    return close


def test_the_marks_are_drawn_in_their_colours(compared):
    _window, dialog = compared
    left, right = dialog.sides
    around = right.scene.node_item("payments").card_rect().adjusted(-12, -12, 12, 12)
    assert _colour_near(right.scene, around, COLOURS["added"]) > 50
    assert _colour_near(right.scene, around, COLOURS["removed"]) == 0
    around = left.scene.node_item("loyalty").card_rect().adjusted(-12, -12, 12, 12)
    assert _colour_near(left.scene, around, COLOURS["removed"]) > 50
    unchanged = left.scene.node_item("customers").card_rect().adjusted(-12, -12, 12, 12)
    for colour in COLOURS.values():
        assert _colour_near(left.scene, unchanged, colour) == 0


def test_the_list_marks_the_breaking_change(compared):
    _window, dialog = compared
    rows = dialog.change_rows()
    assert len(rows) == len(dialog.diff.changes) == 11
    breaking = [r for r in rows if r.text(1).startswith("BREAKING")]
    assert [r.text(0) for r in breaking] == ["~ SubmitOrder"]
    assert "field 'customer_id' removed" in breaking[0].text(1)
    assert "2 added" in dialog.summary.text() and "1 breaking" in dialog.summary.text()


def _row(dialog, text: str):
    return next(r for r in dialog.change_rows() if r.text(0) == text)


def _centre(view) -> QPointF:
    return view.visible_scene_rect().center()


def test_selecting_a_change_centres_both_canvases_on_it(compared, qtbot):
    _window, dialog = compared
    left, right = dialog.sides
    for side in (left, right):
        side.view.zoom_100()
        side.view.centerOn(-2000, -2000)  # far away from everything
    dialog.tree.setCurrentItem(_row(dialog, "+ Payment Service"))
    card = right.scene.node_item("payments").card_rect().center()
    for side in (left, right):  # the base has no such card: it shows the same place
        assert (_centre(side.view) - card).manhattanLength() < 16  # was ~4,000 away
    assert right.scene.selected_ids() == (["payments"], [])
    dialog.tree.setCurrentItem(_row(dialog, "~ SubmitOrder"))
    for side in (left, right):
        assert side.scene.selected_ids() == ([], ["f1"])
        flow = side.scene.flow_item("f1").sceneBoundingRect()
        assert side.view.visible_scene_rect().contains(flow.center())


def test_both_canvases_are_read_only(compared, qtbot):
    window, dialog = compared
    left, right = dialog.sides
    before = (left.design.model_copy(deep=True), window.document.design.model_copy(deep=True))
    view = right.view
    right.view.fit_all()
    card = right.scene.node_item("orders")
    start = view.mapFromScene(card.card_rect().center())
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(view.viewport(), start + QPoint(step * 20, step * 10))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=start + QPoint(100, 50))
    assert right.scene.selected_ids() == (["orders"], [])  # selectable ...
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert right.scene.document.design == right.design
    assert left.design == before[0] and window.document.design == before[1]
    assert not window.files.is_dirty
    assert right.scene.node_item("orders").pos() == QPointF(400, 110)


def test_swap_sides_compares_the_other_way(compared):
    _window, dialog = compared
    dialog.swap_button.click()
    left, right = dialog.sides
    assert _marks(left.scene)[0]["payments"] == "removed"
    assert _marks(right.scene)[0]["loyalty"] == "added"
    assert "Base</b> — edited" in left.caption.text()


def test_a_file_that_does_not_load_shows_the_error_and_no_compare_view(
    qtbot, monkeypatch, tmp_path: Path
):
    window = open_window(qtbot, monkeypatch, tmp_path)
    bad = tmp_path / "bad.msgflow.json"
    bad.write_text('{"format": "msgflow", "nodes": [')
    assert window.share.compare_with(bad) is None
    assert window.share.compare_dialog is None
    box = window.findChild(QMessageBox, "load-error")
    assert box is not None and box.isVisible()


def test_same_design_says_so(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    dialog = window.share.compare_with(SHOP)
    assert dialog.summary.text() == "No semantic differences."
    assert dialog.change_rows() == []
    assert _marks(dialog.sides[0].scene) == ({}, {})


def test_compare_with_saved_shows_the_unsaved_edits(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    action = window.actions_by_name["compare_saved"]
    assert not action.isEnabled()  # nothing unsaved
    window.undo.push(EditNode("orders", name="Orders"))
    assert action.isEnabled()
    action.trigger()
    dialog = window.share.compare_dialog
    assert [r.text(0) for r in dialog.change_rows()] == ["~ Orders"]
    assert "(unsaved)" in dialog.sides[1].caption.text()
    assert _marks(dialog.sides[0].scene) == ({"orders": "changed"}, {})
    # Closing it and comparing again opens a fresh view.
    dialog.close()
    qtbot.waitUntil(lambda: not isValid(dialog))
    again = window.share.compare_with_saved()
    assert again is not None and again.isVisible()


def test_linked_views_pan_and_zoom_together(compared, qtbot):
    _window, dialog = compared
    left, right = dialog.sides
    left.view.zoom_by(1.5)
    assert right.view.zoom_percent() == left.view.zoom_percent()
    left.view.horizontalScrollBar().setValue(left.view.horizontalScrollBar().value() + 200)
    assert (_centre(left.view) - _centre(right.view)).manhattanLength() < 2
    dialog.link.setChecked(False)
    left.view.horizontalScrollBar().setValue(left.view.horizontalScrollBar().value() + 200)
    assert (_centre(left.view) - _centre(right.view)).manhattanLength() > 100


def test_designs_without_positions_are_drawn_alike(qtbot):
    old = shop_design().model_copy(update={"layout": Layout()})
    new = edited_shop(shop_design()).model_copy(update={"layout": Layout()})
    dialog = CompareDialog(old, new, "old", "new")
    qtbot.addWidget(dialog)
    left, right = dialog.sides
    shared = {n.id for n in old.nodes} & {n.id for n in new.nodes}
    assert shared and all(
        left.scene.node_item(i).pos() == right.scene.node_item(i).pos() for i in shared
    )
    # The new card gets a free spot, clear of the others.
    payments = right.scene.node_item("payments").card_rect()
    assert not any(
        payments.intersects(n.card_rect())
        for n in right.scene.node_items()
        if n.node_id != "payments"
    )
