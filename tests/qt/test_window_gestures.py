"""Window-level gestures on the canvas: palette drop, delete, rename, copy/paste, legend."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from designer.core.model import NodeKind
from designer.qt.panels.palette import node_kind_mime
from tests.support.window import open_window


def test_palette_drop_on_the_canvas_adds_a_service_there(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    view = window.canvas.view
    before = {n.id for n in window.document.design.nodes}
    spot = QPoint(60, view.viewport().height() - 60)  # an empty corner
    data = node_kind_mime(NodeKind.SERVICE)
    action, buttons, mods = (
        Qt.DropAction.CopyAction,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    for event in (
        QDragEnterEvent(spot, action, data, buttons, mods),
        QDragMoveEvent(spot, action, data, buttons, mods),
        QDropEvent(QPointF(spot), action, data, buttons, mods),
    ):
        QApplication.sendEvent(view.viewport(), event)
    added = [n for n in window.document.design.nodes if n.id not in before]
    assert len(added) == 1 and added[0].kind is NodeKind.SERVICE
    assert added[0].id in window.document.design.layout.nodes
    dropped_at = view.mapToScene(spot)
    card = window.canvas.scene.node_item(added[0].id).sceneBoundingRect()
    assert card.contains(dropped_at)
    assert window.undo.stack.count() == 1
    assert window.canvas.selected_ids() == [added[0].id]


def test_delete_key_removes_a_card_with_its_flows_and_undo_restores(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    flows_before = [f.id for f in window.document.design.flows]
    window.canvas.select_ids(["orders"])
    window.canvas.view.setFocus()
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_Delete)
    assert not window.document.has("nodes", "orders")
    assert all("orders" not in (f.source, f.target) for f in window.document.design.flows)
    assert window.undo.stack.count() == 1
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [f.id for f in window.document.design.flows] == flows_before
    assert window.document.has("nodes", "orders")


def test_f2_renames_the_selected_card_inline(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.canvas.select_ids(["shipping"])
    window.canvas.view.setFocus()
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_F2)
    editor = window.canvas.view.rename_editor
    assert editor is not None and editor.hasFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, "Delivery Service")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert window.document.node("shipping").name == "Delivery Service"
    assert window.actions_by_name["undo"].text().replace("&", "") == "Undo Rename Delivery Service"


def test_copy_and_paste_cards_through_the_clipboard(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    before = len(window.document.design.nodes)
    window.canvas.select_ids(["loyalty"])
    window.canvas.view.setFocus()
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert len(window.document.design.nodes) == before + 1
    assert window.undo.stack.count() == 1


def test_legend_opens_from_the_view_menu(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.actions_by_name["legend"].trigger()
    assert window.legend_dialog.isVisible()


def test_delete_in_the_problems_list_does_not_remove_the_selected_card(
    qtbot, monkeypatch, tmp_path
):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.canvas.select_ids(["orders"])
    tree = window.problems_panel.tree
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Delete)
    assert window.document.has("nodes", "orders")
    window.canvas.view.setFocus()
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_Delete)
    assert not window.document.has("nodes", "orders")


def test_design_file_dropped_on_the_canvas_opens(qtbot, monkeypatch, tmp_path):
    from PySide6.QtCore import QMimeData, QUrl

    from tests.support.window import SHOP

    window = open_window(qtbot, monkeypatch, tmp_path, file=None)
    copy = tmp_path / "on-canvas.msgflow.json"
    copy.write_bytes(SHOP.read_bytes())
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(copy))])
    viewport = window.canvas.view.viewport()
    spot = QPoint(100, 100)
    args = (
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(spot, *args)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(viewport, QDragMoveEvent(spot, *args))
    QApplication.sendEvent(viewport, QDropEvent(QPointF(spot), *args))
    assert window.windowTitle().startswith("on-canvas")
    assert len(window.document.design.nodes) == 6


def test_new_flow_gesture_in_the_window_updates_messages_and_edit_menu(
    qtbot, monkeypatch, tmp_path
):
    from designer.qt.canvas.node_item import H, W

    window = open_window(qtbot, monkeypatch, tmp_path)
    view = window.canvas.view
    window.canvas.zoom_100()
    window.canvas.center_on_ids(["shipping", "customers"])

    def card_point(node_id: str, dx: float, dy: float) -> QPoint:
        return view.mapFromScene(window.canvas.scene.node_item(node_id).pos() + QPointF(dx, dy))

    start, end = card_point("shipping", W, H / 2), card_point("customers", W / 2, H / 2)
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for i in range(1, 7):
        qtbot.mouseMove(viewport, start + (end - start) * (i / 6))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    popup = view.flow_popup
    assert popup is not None and popup.isVisible()
    qtbot.keyClick(popup, Qt.Key.Key_E)
    qtbot.keyClicks(popup.name_edit, "ShipmentPlanned")
    qtbot.keyClick(popup.name_edit, Qt.Key.Key_Return)
    assert window.actions_by_name["undo"].text().replace("&", "") == "Undo Add flow ShipmentPlanned"
    events = window.messages_panel.tree.topLevelItem(2)
    assert events.text(0) == "Events (3)"
    assert window.isWindowModified()
