"""Canvas gestures driven with real mouse and keyboard events (pytest-qt, offscreen)."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from designer.core.io import canonical_dict
from designer.core.model import MessageKind, NodeKind, Transport
from designer.qt.canvas import NODE_KIND_MIME
from designer.qt.canvas.node_item import H, W
from designer.qt.canvas.view import DesignView


def at(view: DesignView, scene_point: QPointF) -> QPoint:
    return view.mapFromScene(scene_point)


def card_point(view: DesignView, node_id: str, dx: float, dy: float) -> QPoint:
    item = view.scene().node_item(node_id)
    assert item is not None
    return at(view, item.pos() + QPointF(dx, dy))


def drag(view: DesignView, start: QPoint, end: QPoint, steps: int = 6) -> None:
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for i in range(1, steps + 1):
        point = start + (end - start) * (i / steps)
        QTest.mouseMove(viewport, point)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def send_drop(view: DesignView, mime: QMimeData, pos: QPoint) -> QDropEvent:
    viewport = view.viewport()
    action = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(pos, action, mime, buttons, mods)
    QApplication.sendEvent(viewport, enter)
    move = QDragMoveEvent(pos, action, mime, buttons, mods)
    QApplication.sendEvent(viewport, move)
    drop = QDropEvent(QPointF(pos), action, mime, buttons, mods)
    QApplication.sendEvent(viewport, drop)
    return drop


def test_palette_drop_creates_a_service_where_it_was_dropped(view, document, history):
    mime = QMimeData()
    mime.setData(NODE_KIND_MIME, b"service")
    target = at(view, QPointF(200, 600))
    before = {n.id for n in document.design.nodes}
    drop = send_drop(view, mime, target)
    assert drop.isAccepted()
    added = [n for n in document.design.nodes if n.id not in before]
    assert len(added) == 1 and added[0].kind is NodeKind.SERVICE
    point = document.design.layout.nodes[added[0].id]
    # Centred on the drop point (within a pixel of rounding).
    assert abs(point.x + W / 2 - 200) <= 1 and abs(point.y + H / 2 - 600) <= 1
    assert view.scene().selected_ids()[0] == [added[0].id]
    assert history.undo() and {n.id for n in document.design.nodes} == before


def test_dropping_an_actor_makes_an_actor_and_other_payloads_are_refused(view, document):
    mime = QMimeData()
    mime.setData(NODE_KIND_MIME, b"actor")
    send_drop(view, mime, at(view, QPointF(-300, 500)))
    assert document.design.nodes[-1].kind is NodeKind.ACTOR
    count = len(document.design.nodes)
    other = QMimeData()
    other.setText("service")
    drop = send_drop(view, other, at(view, QPointF(-300, 700)))
    assert not drop.isAccepted() and len(document.design.nodes) == count


def test_dragging_between_cards_then_e_name_enter_adds_an_event_flow(
    qtbot, view, document, history
):
    before = canonical_dict(document.design)
    # From the right edge handle of Shipping to the middle of Customer Service.
    drag(view, card_point(view, "shipping", W, H / 2), card_point(view, "customers", W / 2, H / 2))
    popup = view.flow_popup
    assert popup is not None and popup.isVisible()
    QTest.keyClick(popup, Qt.Key.Key_E)
    assert popup.name_edit.hasFocus()
    QTest.keyClicks(popup.name_edit, "ShipmentPlanned")
    QTest.keyClick(popup.name_edit, Qt.Key.Key_Return)
    flow = document.design.flows[-1]
    message = document.message(flow.message)
    assert (flow.source, flow.target) == ("shipping", "customers")
    assert message.name == "ShipmentPlanned" and message.kind is MessageKind.EVENT
    assert flow.transport is Transport.TOPIC
    item = view.scene().flow_item(flow.id)
    assert item is not None and item.text == "ShipmentPlanned"
    assert view.scene().selected_ids() == ([], [flow.id])
    # One gesture, one undo step, restoring the file exactly.
    assert history.undo_text == "Add flow ShipmentPlanned"
    history.undo()
    assert canonical_dict(document.design) == before
    assert view.scene().flow_item(flow.id) is None


def test_popup_completes_existing_messages_and_reuses_them(view, document):
    drag(view, card_point(view, "loyalty", W, H / 2), card_point(view, "shipping", W / 2, H / 2))
    popup = view.flow_popup
    assert popup is not None
    QTest.keyClick(popup, Qt.Key.Key_E)
    assert "OrderCreated" in popup.completions.stringList()
    assert "SubmitOrder" not in popup.completions.stringList()  # a command, not an event
    count = len(document.design.messages)
    QTest.keyClicks(popup.name_edit, "OrderCreated")
    QTest.keyClick(popup.name_edit, Qt.Key.Key_Enter)
    assert len(document.design.messages) == count
    assert document.design.flows[-1].message == "order-created"


def test_popup_prefills_rule_friendly_transports(view, document):
    drag(view, card_point(view, "web", W, H / 2), card_point(view, "customers", W / 2, H / 2))
    popup = view.flow_popup
    QTest.keyClick(popup, Qt.Key.Key_Q)
    assert popup.current_transport() is Transport.HTTP  # actor -> service query
    QTest.keyClick(popup.name_edit, Qt.Key.Key_Escape)
    assert view.flow_popup is None or not view.flow_popup.isVisible()
    drag(view, card_point(view, "loyalty", W / 2, H), card_point(view, "customers", W / 2, H / 2))
    popup = view.flow_popup
    QTest.keyClick(popup, Qt.Key.Key_C)
    assert popup.current_transport() is Transport.QUEUE  # internal command
    QTest.keyClicks(popup.name_edit, "LinkCustomer")
    QTest.keyClick(popup.name_edit, Qt.Key.Key_Return)
    assert document.design.flows[-1].transport is Transport.QUEUE


def test_escape_and_empty_release_create_nothing(view, document):
    count = len(document.design.flows)
    # Released on empty canvas: no popup, no flow.
    drag(view, card_point(view, "orders", W, H / 2), at(view, QPointF(300, 700)))
    assert view.flow_popup is None
    drag(view, card_point(view, "orders", W, H / 2), card_point(view, "shipping", W / 2, H / 2))
    QTest.keyClick(view.flow_popup, Qt.Key.Key_Escape)
    assert len(document.design.flows) == count


def test_escape_in_the_middle_of_a_new_arrow_drops_it(view, document):
    scene, viewport = view.scene(), view.viewport()
    count, items = len(document.design.flows), len(scene.items())
    start = card_point(view, "orders", W, H / 2)
    over = card_point(view, "shipping", W / 2, H / 2)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, over)
    assert scene.node_item("shipping").drop_target  # the card under the arrow stands out
    QTest.keyClick(viewport, Qt.Key.Key_Escape)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, over)
    assert view.flow_popup is None
    assert not scene.node_item("shipping").drop_target
    assert len(scene.items()) == items  # no rubber arrow left behind
    assert len(document.design.flows) == count
    # The canvas is idle again: the next drag draws a new arrow as usual.
    drag(view, start, over)
    assert view.flow_popup is not None


def test_delete_then_undo_restores_node_and_its_flows(view, document, history):
    before = canonical_dict(document.design)
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=card_point(view, "orders", W / 2, H / 2)
    )
    assert view.scene().selected_ids() == (["orders"], [])
    QTest.keyClick(view.viewport(), Qt.Key.Key_Delete)
    assert not document.has("nodes", "orders")
    assert all("orders" not in (f.source, f.target) for f in document.design.flows)
    assert view.scene().node_item("orders") is None
    history.undo()
    assert canonical_dict(document.design) == before
    # The arrows are back, attached to the restored card.
    assert {f.id for f in document.flows_of_node("orders")} == {
        fid for fid in ("f1", "f2", "f3", "f4", "f5", "f6") if view.scene().flow_item(fid)
    }


def test_moving_several_selected_cards_is_one_undo_step(view, document, history):
    scene = view.scene()
    scene.select_ids(["loyalty", "customers"])
    start = {n: document.design.layout.nodes[n] for n in ("loyalty", "customers", "orders")}
    depth = len(history._done)
    drag(
        view,
        card_point(view, "loyalty", W / 2, H / 2),
        card_point(view, "loyalty", W / 2 + 100, H / 2 + 60),
    )
    moved = {n: document.design.layout.nodes[n] for n in ("loyalty", "customers")}
    assert (
        moved["loyalty"].x == start["loyalty"].x + 100
        and moved["loyalty"].y == start["loyalty"].y + 60
    )
    assert moved["customers"].x == start["customers"].x + 100
    assert document.design.layout.nodes["orders"] == start["orders"]
    assert len(history._done) == depth + 1 and history.undo_text == "Move 2 nodes"
    # The arrow from orders to loyalty follows the card while it moves.
    arrow = scene.flow_item("f4")
    assert scene.node_item("loyalty").card_rect().adjusted(-4, -4, 4, 4).contains(arrow.route.end)
    history.undo()
    assert {n: document.design.layout.nodes[n] for n in ("loyalty", "customers")} == {
        n: start[n] for n in ("loyalty", "customers")
    }
    assert scene.node_item("loyalty").pos() == QPointF(start["loyalty"].x, start["loyalty"].y)


def test_snap_to_grid_rounds_a_dragged_card(view, document):
    view.set_snap(True)
    drag(
        view,
        card_point(view, "shipping", W / 2, H / 2),
        card_point(view, "shipping", W / 2 + 33, H / 2 + 47),
    )
    point = document.design.layout.nodes["shipping"]
    assert point.x % 20 == 0 and point.y % 20 == 0


def test_double_click_on_empty_canvas_adds_a_service_and_f2_renames(qtbot, view, document, history):
    count = len(document.design.nodes)
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at(view, QPointF(100, 650)))
    assert len(document.design.nodes) == count + 1
    node = document.design.nodes[-1]
    editor = view.rename_editor
    assert editor is not None  # a new card asks for its name right away
    editor.selectAll()
    QTest.keyClicks(editor, "Billing Service")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert document.node(node.id).name == "Billing Service"
    assert view.scene().node_item(node.id).name == "Billing Service"
    # F2 on a selected card renames it; Escape leaves it unchanged.
    view.scene().select_ids(["orders"])
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_F2)
    assert view.rename_editor is not None and view.rename_editor.text() == "Order Service"
    QTest.keyClick(view.rename_editor, Qt.Key.Key_Escape)
    assert document.node("orders").name == "Order Service"


def test_copy_paste_and_duplicate_bring_internal_flows_as_one_step(view, document, history):
    scene = view.scene()
    scene.select_ids(["orders", "loyalty"])
    payload = scene.edits.copy_selection()
    assert {f["id"] for f in payload["flows"]} == {"f4"}  # only flows inside the selection
    nodes, flows = len(document.design.nodes), len(document.design.flows)
    new_ids = scene.edits.paste(payload)
    assert len(new_ids) == 2 and len(document.design.nodes) == nodes + 2
    assert len(document.design.flows) == flows + 1
    copy = document.design.flows[-1]
    assert {copy.source, copy.target} == set(new_ids) and copy.message == "add-loyalty-points"
    assert scene.selected_ids()[0] == sorted(new_ids)
    assert history.undo_text.startswith("Paste")
    history.undo()
    assert len(document.design.nodes) == nodes and len(document.design.flows) == flows
    scene.select_ids(["shipping"])
    QTest.keyClick(view.viewport(), Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert document.design.nodes[-1].name == "Shipping Service copy"


def test_zoom_fit_and_centre(view):
    view.zoom_100()
    assert view.zoom_percent() == 100
    QTest.keyClick(view.viewport(), Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom_percent() == 125
    QTest.keyClick(view.viewport(), Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    visible = view.visible_scene_rect()
    rect = view.scene().content_rect()
    assert visible.contains(rect)
    view.zoom_100()
    view.center_on_ids(["customers"])
    assert view.visible_scene_rect().contains(view.scene().node_item("customers").card_rect())


def test_rubber_band_on_empty_canvas_selects_the_cards_it_touches(view):
    scene = view.scene()
    loyalty, customers = scene.node_item("loyalty"), scene.node_item("customers")
    start = at(view, loyalty.card_rect().topRight() + QPointF(30, -20))
    end = at(view, customers.card_rect().bottomLeft() + QPointF(20, 20))
    drag(view, start, end)
    nodes, _ = scene.selected_ids()
    assert {"loyalty", "customers"} <= set(nodes) and "web" not in nodes


def test_ctrl_wheel_zooms_around_the_cursor_and_middle_drag_pans(view):
    from PySide6.QtGui import QWheelEvent

    view.zoom_100()
    pos = QPointF(view.viewport().width() / 2, view.viewport().height() / 2)
    wheel = QWheelEvent(
        pos,
        view.viewport().mapToGlobal(pos),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.zoom_percent() > 100
    before = view.visible_scene_rect().center()
    viewport = view.viewport()
    middle = Qt.MouseButton.MiddleButton
    QTest.mousePress(viewport, middle, Qt.KeyboardModifier.NoModifier, QPoint(400, 400))
    QTest.mouseMove(viewport, QPoint(300, 350))
    QTest.mouseRelease(viewport, middle, Qt.KeyboardModifier.NoModifier, QPoint(300, 350))
    after = view.visible_scene_rect().center()
    assert after.x() > before.x() + 30 and after.y() > before.y() + 15  # content followed the hand
    assert view.scene().selected_ids() == ([], [])  # panning selects nothing


def test_space_drag_pans_instead_of_selecting(view, document):
    before = view.visible_scene_rect().center()
    layout = dict(document.design.layout.nodes)
    QTest.keyPress(view.viewport(), Qt.Key.Key_Space)
    drag(
        view,
        card_point(view, "orders", W / 2, H / 2),
        card_point(view, "orders", W / 2 - 80, H / 2),
    )
    QTest.keyRelease(view.viewport(), Qt.Key.Key_Space)
    assert view.visible_scene_rect().center().x() > before.x() + 40
    assert document.design.layout.nodes == layout  # the card did not move


def test_legend_widget_shows_the_three_kinds(qtbot):
    from designer.qt.canvas.legend import LegendWidget

    widget = LegendWidget()
    qtbot.addWidget(widget)
    widget.show()
    image = widget.grab().toImage()
    assert image.width() >= 400 and image.height() >= 150


def test_minimap_appears_when_cards_leave_the_view_and_moves_it(qtbot, view):
    view.fit_all()
    view.minimap.refresh()
    assert not view.minimap.isVisible()  # everything is in sight: nothing to find
    view.zoom_100()
    view.zoom_by(3.0)
    view.minimap.refresh()
    assert view.minimap.isVisible()
    before = view.visible_scene_rect().center()
    QTest.mouseClick(view.minimap, Qt.MouseButton.LeftButton, pos=QPoint(8, 8))
    assert view.visible_scene_rect().center() != before


def test_minimap_redraws_its_map_when_the_scene_changes_not_on_every_repaint(
    qtbot, view, monkeypatch
):
    view.zoom_100()
    view.zoom_by(3.0)
    minimap = view.minimap
    minimap.refresh()
    assert minimap.isVisible()
    drawn = []
    real = minimap._paint_map
    monkeypatch.setattr(minimap, "_paint_map", lambda *a: drawn.append(1) or real(*a))
    minimap.repaint()
    minimap.repaint()  # a repaint of the view beneath it: the same map
    assert len(drawn) == 1
    scene = view.scene()
    card = scene.node_item("orders")
    gesture = [True]  # a card being dragged: the map waits for the release
    monkeypatch.setattr(scene, "gesture_in_progress", lambda: gesture[0])
    card.setPos(card.pos() + QPointF(4000, 0))  # past the cards' extent, even
    scene.node_moved("orders")
    qtbot.wait(250)
    minimap.repaint()
    assert len(drawn) == 1
    gesture[0] = False
    # The scene told of the change; the minimap follows within 50 ms of the release.
    qtbot.waitUntil(lambda: minimap.repaint() or len(drawn) == 2, timeout=2000)
    minimap.repaint()
    assert len(drawn) == 2


def test_the_background_dots_follow_the_snap_spacing_when_repainted(view):
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    view.zoom_100()

    def dots() -> tuple[int, QImage]:
        image = QImage(400, 300, QImage.Format.Format_ARGB32_Premultiplied)
        painter = QPainter(image)
        view.drawBackground(painter, QRectF(0, 0, 400, 300))
        painter.end()
        background = view.scene().theme.background.rgba()
        count = sum(image.pixel(x, y) != background for x in range(400) for y in range(300))
        return count, image

    sparse, first = dots()
    assert dots()[1] == first  # the same area again: the same dots
    view.scene().set_snap(True)
    dense, _ = dots()
    view.scene().set_snap(False)
    assert sparse > 0 and dense > 4 * sparse  # a dot every 20 px, not every 100 px
    assert dots()[0] == sparse


def test_hovering_an_arrow_label_explains_the_flow(view):
    from PySide6.QtGui import QHelpEvent

    item = view.scene().flow_item("f6")
    pos = view.mapFromScene(item.label.scenePos())
    event = QHelpEvent(QHelpEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    tooltip = item.label.toolTip()
    assert "GetCustomer" in tooltip and "Order Service" in tooltip and "queue" in tooltip


def test_palette_drag_shows_where_the_card_will_land(view):
    mime = QMimeData()
    mime.setData(NODE_KIND_MIME, b"actor")
    pos = at(view, QPointF(-200, 600))
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, buttons, mods)
    QApplication.sendEvent(view.viewport(), enter)
    ghost = view.scene().palette_drop.ghost
    assert ghost is not None and ghost.sceneBoundingRect().contains(QPointF(-200, 600))
    send_drop(view, mime, pos)
    assert view.scene().palette_drop.ghost is None
    assert ghost.scene() is None


def test_the_rubber_arrow_stays_while_the_popup_asks(view):
    scene = view.scene()
    before = len(scene.items())
    drag(view, card_point(view, "shipping", W, H / 2), card_point(view, "customers", W / 2, H / 2))
    assert len(scene.items()) == before + 1  # the pending arrow
    QTest.keyClick(view.flow_popup, Qt.Key.Key_Escape)
    assert len(scene.items()) == before


def test_arrow_keys_nudge_the_selection_as_one_undo_step(view, document, history):
    view.scene().select_ids(["shipping", "loyalty"])
    start = {n: document.design.layout.nodes[n] for n in ("shipping", "loyalty")}
    depth = len(history._done)
    for _ in range(3):
        QTest.keyClick(view.viewport(), Qt.Key.Key_Right)
    QTest.keyClick(view.viewport(), Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert document.design.layout.nodes["shipping"].x == start["shipping"].x + 60
    assert document.design.layout.nodes["loyalty"].y == start["loyalty"].y + 100
    assert len(history._done) == depth + 1
    history.undo()
    assert {n: document.design.layout.nodes[n] for n in ("shipping", "loyalty")} == start


def test_clicking_an_arrow_label_selects_the_flow_and_delete_removes_it(view, document, history):
    label = view.scene().flow_item("f6").label
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at(view, label.scenePos()))
    assert view.scene().selected_ids() == ([], ["f6"])
    QTest.keyClick(view.viewport(), Qt.Key.Key_Backspace)
    assert not document.has("flows", "f6") and document.has("messages", "get-customer")
    assert history.undo_text == "Remove flow GetCustomer"
    history.undo()
    assert document.has("flows", "f6") and view.scene().flow_item("f6") is not None


def test_after_a_drag_curved_arrows_are_hit_only_near_their_line(view):
    scene = view.scene()
    drag(
        view,
        card_point(view, "orders", W / 2, H / 2),
        card_point(view, "orders", W / 2, H / 2 + 90),
    )
    bent = scene.flow_item("f1")  # web -> orders, runs round to orders' new place
    # The exact outline is back (a box would make clicks between two parallel arrows
    # select the wrong one): two points per corner of the route.
    assert len(bent.route.points) >= 2
    assert bent.polygon().size() == 2 * len(bent.route.points)
    (x0, y0), (x1, y1) = bent.route.points[0], bent.route.points[1]
    assert bent.contains(QPointF((x0 + x1) / 2, (y0 + y1) / 2))
    left, top, _right, _bottom = bent.route.bounds
    # 30 px beside the first run: a box-shaped hit area would take it if the route bends.
    if abs(x1 - x0) > abs(y1 - y0):
        beside = QPointF((x0 + x1) / 2, y0 + (30 if y0 - top < 30 else -30))
    else:
        beside = QPointF(x0 + (30 if x0 - left < 30 else -30), (y0 + y1) / 2)
    assert not bent.contains(beside)


def test_a_name_taken_by_another_kind_is_explained_not_duplicated(view, document):
    drag(view, card_point(view, "loyalty", W, H / 2), card_point(view, "shipping", W / 2, H / 2))
    popup = view.flow_popup
    QTest.keyClick(popup, Qt.Key.Key_E)
    QTest.keyClicks(popup.name_edit, "SubmitOrder")  # already a command
    count = len(document.design.flows)
    QTest.keyClick(popup.name_edit, Qt.Key.Key_Return)
    assert popup.isVisible() and "already a command" in popup.hint.text()
    assert len(document.design.flows) == count
    popup.name_edit.clear()
    QTest.keyClicks(popup.name_edit, "OrderShipped")
    QTest.keyClick(popup.name_edit, Qt.Key.Key_Return)
    assert document.message(document.design.flows[-1].message).name == "OrderShipped"


def test_a_badge_rides_with_its_card_and_a_selected_card_stacks_on_top(view):
    from designer.core.diagnostics import Diagnostic
    from designer.core.model import Severity

    scene = view.scene()
    scene.set_diagnostics(
        [Diagnostic("r", Severity.ERROR, "broken", "fix it", ("loyalty",), "$.nodes[1]")]
    )
    card = scene.node_item("loyalty")
    drag(
        view,
        card_point(view, "loyalty", W / 2, H / 2),
        card_point(view, "loyalty", W / 2 + 60, H / 2 + 140),
    )
    badge = card._badge
    assert badge is not None and badge.pos() == card.pos() + QPointF(W - 6, 4)
    assert card.isSelected() and card.zValue() > scene.node_item("customers").zValue()
    scene.clearSelection()
    assert card.zValue() == scene.node_item("customers").zValue()


def _label_points(view: DesignView, flow_id: str) -> tuple[list[QPointF], list[QPointF]]:
    """Scene points of a flow's pill lying over a card: (beside its text, on its text)."""
    scene = view.scene()
    label = scene.flow_item(flow_id).label
    pill = label.sceneBoundingRect().adjusted(3, 3, -3, -3)
    beside, on_text = [], []
    for i in range(int(pill.width())):
        for j in range(int(pill.height())):
            point = QPointF(pill.left() + i, pill.top() + j)
            card = scene.node_at(point)
            if card is None or card.on_handle(card.mapFromScene(point)):
                continue  # a card's edge band starts a new flow, label or not
            (on_text if label.on_text(label.mapFromScene(point)) else beside).append(point)
    return beside, on_text


def test_a_label_over_a_card_passes_clicks_to_the_card_except_on_its_text(view, document, history):
    # The geometry engine keeps labels off cards where it finds room; a label can still
    # end up over a card (no room anywhere near): put it there, half over Orders' edge.
    orders = document.design.layout.nodes["orders"]
    view.scene().flow_item("f4").label.place(orders.x + W - 20, orders.y + H / 2)
    beside, on_text = _label_points(view, "f4")
    assert beside and on_text, "the label should cover part of a card, text included"
    scene, viewport = view.scene(), view.viewport()
    left = Qt.MouseButton.LeftButton
    QTest.mouseClick(viewport, left, pos=at(view, beside[len(beside) // 2]))
    under = scene.node_at(beside[len(beside) // 2]).node_id
    assert scene.selected_ids() == ([under], [])
    QTest.mouseClick(viewport, left, pos=at(view, on_text[len(on_text) // 2]))
    assert scene.selected_ids() == ([], ["f4"])
    # Dragging from beside the text moves the card below, not the arrow.
    before = scene.node_item(under).pos()
    start = at(view, beside[len(beside) // 2])
    drag(view, start, start + QPoint(0, 60))
    assert document.design.layout.nodes[under].y == round(before.y()) + 60
