"""The main window as a user meets it: menus, undo texts, palette, messages, find, theme."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from designer.core.commands import AddFlow, EditFlow
from designer.core.model import Flow, Message, MessageKind, Transport
from designer.qt.panels.palette import NODE_KIND_MIME, node_kind_mime
from designer.qt.theme import is_dark
from tests.support.window import SHOP, open_window


def _submit_order_flow(window) -> AddFlow:
    message = Message(id="submit-order-2", name="SubmitOrder2", kind=MessageKind.COMMAND)
    flow = Flow(
        id="f99", message=message.id, source="web", target="customers", transport=Transport.HTTP
    )
    return AddFlow(flow, message)


def test_edit_menu_names_the_step_to_undo_and_redo(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    undo, redo = window.actions_by_name["undo"], window.actions_by_name["redo"]
    assert not undo.isEnabled()
    assert window.undo.push(_submit_order_flow(window))
    assert undo.text().replace("&", "") == "Undo Add flow SubmitOrder2"
    undo.trigger()
    assert window.document.get("flows", "f99") is None
    assert redo.text().replace("&", "") == "Redo Add flow SubmitOrder2"
    redo.trigger()
    assert window.document.get("flows", "f99") is not None


def test_ctrl_z_and_ctrl_shift_z_undo_and_redo(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.undo.push(EditFlow("f1", transport=Transport.QUEUE))
    window.canvas.view.setFocus()
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.flow("f1").transport is Transport.HTTP
    qtbot.keyClick(
        window.canvas.view,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.document.flow("f1").transport is Transport.QUEUE


def test_refused_edit_leaves_no_undo_step_and_says_why(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    assert not window.undo.push(EditFlow("f1", message="no-such-message"))
    assert window.undo.stack.count() == 0
    assert "no-such-message" in window.statusBar().currentMessage()


def test_every_common_action_has_a_shortcut_and_a_tooltip(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    common = [
        "new", "open", "save", "save_as", "undo", "redo", "copy", "paste", "duplicate",
        "delete", "rename", "find", "zoom_in", "zoom_out", "fit", "zoom_100", "add_service",
        "add_actor", "layout", "generate", "export_image",
    ]  # fmt: skip
    for name in common:
        action = window.actions_by_name[name]
        assert not action.shortcut().isEmpty(), name
        assert action.toolTip(), name
    assert "Ctrl+S" in window.actions_by_name["save"].toolTip()
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "Edit", "View", "Design", "Live", "Help"]


def test_palette_double_click_adds_a_service_in_one_undo_step(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    before = len(window.document.design.nodes)
    palette = window.palette_panel
    rect = palette.visualItemRect(palette.item(0))
    # A real double-click is press, release, then a double-click press (QTest sends only the last).
    qtbot.mouseClick(palette.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(palette.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    nodes = window.document.design.nodes
    assert len(nodes) == before + 1
    assert nodes[-1].kind.value == "service"
    window.actions_by_name["undo"].trigger()
    assert len(window.document.design.nodes) == before


def test_palette_drags_carry_the_node_kind_mime_type():
    data = node_kind_mime(__import__("designer.core.model", fromlist=["NodeKind"]).NodeKind.ACTOR)
    assert bytes(data.data(NODE_KIND_MIME).data()) == b"actor"
    assert data.text() == "actor"


def test_selecting_a_message_highlights_its_flows_and_shows_it(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.messages_panel.select_message("order-created")
    assert window.canvas.scene.ctx.highlight == "order-created"
    assert window.inspector.current == "message"
    assert window.inspector.pages["message"].name.text() == "OrderCreated"
    window.messages_panel.tree.clearSelection()
    assert window.canvas.scene.ctx.highlight is None


def test_messages_panel_lists_producers_and_consumers(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    tree = window.messages_panel.tree
    events = tree.topLevelItem(2)
    assert events.text(0) == "Events (2)"
    order_created = next(
        events.child(i)
        for i in range(events.childCount())
        if events.child(i).text(0) == "OrderCreated"
    )
    assert order_created.text(1) == "Order Service"
    assert order_created.text(2) == "Notification Service, Shipping Service"


def test_ctrl_f_finds_a_node_and_selects_it(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.canvas.view.setFocus()
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    dialog = window.find_dialog
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.query, "shipp")
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert window.canvas.selected_ids() == ["shipping"]
    assert window.inspector.current == "node"


def test_dark_theme_switches_window_and_canvas(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.set_theme(True)
    assert is_dark(QApplication.palette())
    assert window.canvas.scene.theme.name.lower().startswith("dark")
    window.set_theme(False)
    assert not is_dark(QApplication.palette())


def test_dropping_a_design_file_on_the_window_opens_it(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path, file=None)
    assert window.document.design.nodes == []
    copy = tmp_path / "dropped.msgflow.json"
    copy.write_bytes(SHOP.read_bytes())
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(copy))])
    event = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    assert len(window.document.design.nodes) == 6
    assert window.windowTitle().startswith("dropped")


def test_auto_layout_is_one_undo_step(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    before = dict(window.document.design.layout.nodes)
    window.actions_by_name["layout"].trigger()
    assert window.undo.stack.count() == 1
    window.actions_by_name["undo"].trigger()
    assert window.document.design.layout.nodes == before


def test_ctrl_f_finds_a_message_and_selects_its_flows(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.open_find()
    qtbot.keyClicks(window.find_dialog.query, "OrderCrea")
    qtbot.keyClick(window.find_dialog.query, Qt.Key.Key_Return)
    assert set(window.canvas.selected_ids()) == {"f2", "f3"}
    assert window.inspector.current == "message"
    assert window.canvas.scene.ctx.highlight == "order-created"


def test_icons_are_sharp_at_twice_the_pixel_density():
    from PySide6.QtCore import QSize

    from designer.qt.icons import available_icons, icon

    assert {
        "service",
        "actor",
        "command",
        "query",
        "event",
        "validate",
        "generate",
        "layout",
    } <= set(available_icons())
    pixmap = icon("service").pixmap(QSize(16, 16), 2.0)
    assert pixmap.devicePixelRatio() == 2.0
    assert pixmap.width() == 32  # rendered at 32 device pixels, not scaled up from 16


def test_dock_layout_is_remembered_between_windows(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.docks["messages"].hide()
    window.close()
    again = open_window(qtbot, monkeypatch, tmp_path)
    assert not again.docks["messages"].isVisible()


def test_drag_steps_with_one_drag_id_merge_into_one_undo_step(qtbot, monkeypatch, tmp_path):
    from designer.core.commands import MoveNodes
    from designer.core.model import Point

    window = open_window(qtbot, monkeypatch, tmp_path)
    start = window.document.design.layout.nodes["orders"]
    for step in range(1, 4):
        window.undo.push(
            MoveNodes({"orders": Point(x=start.x + 10 * step, y=start.y)}, drag_id="drag-1")
        )
    window.undo.push(MoveNodes({"orders": Point(x=0, y=0)}, drag_id="drag-2"))
    assert window.undo.stack.count() == 2
    window.actions_by_name["undo"].trigger()
    assert window.document.design.layout.nodes["orders"] == Point(x=start.x + 30, y=start.y)
    window.actions_by_name["undo"].trigger()
    assert window.document.design.layout.nodes["orders"] == start
    assert window.actions_by_name["redo"].text().replace("&", "") == "Redo Move Order Service"
    assert not window.isWindowModified()


def test_mouse_drag_of_a_card_is_one_named_undo_step(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    view = window.canvas.view
    card = window.canvas.scene.node_item("customers")
    start = window.document.design.layout.nodes["customers"]
    grab = view.mapFromScene(card.sceneBoundingRect().center())
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=grab)
    for dx in (10, 30, 60):
        qtbot.mouseMove(view.viewport(), grab + QPoint(dx, 0))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=grab + QPoint(60, 0))
    moved = window.document.design.layout.nodes["customers"]
    assert moved.x > start.x
    assert window.undo.stack.count() == 1
    assert window.actions_by_name["undo"].text().replace("&", "") == "Undo Move Customer Service"
    window.actions_by_name["undo"].trigger()
    assert window.document.design.layout.nodes["customers"] == start


def test_double_click_on_a_message_selects_its_flows(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    tree = window.messages_panel.tree
    window.messages_panel.select_message("get-customer")
    item = tree.currentItem()
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.canvas.selected_ids() == ["f6"]
    assert window.inspector.current == "message"


def test_delete_in_the_messages_list_removes_the_message_and_its_flows(
    qtbot, monkeypatch, tmp_path
):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.messages_panel.select_message("order-created")
    window.messages_panel.tree.setFocus()
    qtbot.keyClick(window.messages_panel.tree, Qt.Key.Key_Delete)
    assert not window.document.has("messages", "order-created")
    assert not window.document.has("flows", "f2") and not window.document.has("flows", "f3")
    assert window.messages_panel.tree.topLevelItem(2).text(0) == "Events (1)"
    assert window.actions_by_name["undo"].text().replace("&", "") == "Undo Remove OrderCreated"
    window.actions_by_name["undo"].trigger()
    assert window.document.has("flows", "f3")


def test_an_edit_badges_the_items_it_made_and_keeps_the_selection(qtbot, monkeypatch, tmp_path):
    # Validation (derived state) hears an edit before the canvas rebuilds its items: the
    # new arrow still gets its finding and the selected card stays selected.
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.canvas.select_ids(["orders"])
    event = Message(id="order-noted", name="OrderNoted", kind=MessageKind.EVENT, owner="orders")
    flow = Flow(
        id="f99", message=event.id, source="orders", target="customers", transport=Transport.HTTP
    )
    assert window.undo.push(AddFlow(flow, event))
    item = window.canvas.scene.flow_item("f99")
    assert item is not None and "event-must-be-async" in item.problems
    assert any(d.rule == "event-must-be-async" for d in window.validation.diagnostics)
    assert window.canvas.selected_ids() == ["orders"]
    window.undo.stack.undo()
    assert window.canvas.scene.flow_item("f99") is None
    assert window.canvas.selected_ids() == ["orders"]
