"""Desktop manners, driven with real keys and mouse: redo keys, wheel, menus, Ctrl+A."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QKeySequence, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from designer.core.commands import EditFlow
from designer.core.model import Transport
from designer.qt.canvas.node_item import H, W
from tests.support.window import open_window

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier


def _card_centre(window, node_id: str) -> QPoint:
    view = window.canvas.view
    item = view.scene().node_item(node_id)
    return view.mapFromScene(item.pos() + QPointF(W / 2, H / 2))


def _wheel(view, angle: QPoint, pixels: QPoint | None = None, mods=NONE) -> None:
    pos = QPointF(view.viewport().width() / 2, view.viewport().height() / 2)
    event = QWheelEvent(
        pos,
        view.viewport().mapToGlobal(pos),
        pixels if pixels is not None else QPoint(0, 0),
        angle,
        Qt.MouseButton.NoButton,
        mods,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), event)


def _right_click(qtbot, window, point: QPoint) -> QMenu:
    while (popup := QApplication.activePopupWidget()) is not None:
        popup.close()  # a menu left open by an earlier step would take the click
    window.context_menu = None
    # Through the window, as the platform delivers it: Qt turns the right button into
    # a context-menu event there (a click sent to the widget directly would not).
    viewport = window.canvas.view.viewport()
    where = viewport.mapTo(window, point)
    # Two right presses at one spot in quick succession (the previous test's, say) read
    # as a double-click, which opens no menu: a middle click there first breaks the pair.
    QTest.mouseClick(window.windowHandle(), Qt.MouseButton.MiddleButton, NONE, where)
    QTest.mouseClick(window.windowHandle(), Qt.MouseButton.RightButton, NONE, where)
    qtbot.waitUntil(lambda: window.context_menu is not None and window.context_menu.isVisible())
    return window.context_menu


def _click_entry(menu: QMenu, text: str) -> None:
    action = next(a for a in menu.actions() if a.text().replace("&", "").startswith(text))
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, NONE, menu.actionGeometry(action).center())


def _entries(menu: QMenu) -> list[str]:
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


# ---------------------------------------------------------------- redo keys


def test_ctrl_y_and_ctrl_shift_z_both_redo(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    view = window.canvas.view
    view.setFocus()
    for redo_key, mods in ((Qt.Key.Key_Y, CTRL), (Qt.Key.Key_Z, CTRL | SHIFT)):
        window.undo.push(EditFlow("f1", transport=Transport.QUEUE))
        qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
        assert window.document.flow("f1").transport is Transport.HTTP
        qtbot.keyClick(view, redo_key, mods)
        assert window.document.flow("f1").transport is Transport.QUEUE, redo_key
        qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # back to the start for the next key


def test_no_shortcut_is_bound_twice(qtbot, monkeypatch, tmp_path):
    # Two bindings of one key make Qt call it ambiguous: then the key does nothing.
    window = open_window(qtbot, monkeypatch, tmp_path)
    seen: dict[str, str] = {}
    for name, action in window.actions_by_name.items():
        for key in action.shortcuts():
            text = key.toString(QKeySequence.SequenceFormat.PortableText)
            assert text not in seen, f"{text} is bound by {seen[text]} and {name}"
            seen[text] = name
    assert "Ctrl+Y" in seen and "Ctrl+Shift+Z" in seen


# ---------------------------------------------------------------- wheel


def test_wheel_scrolls_and_ctrl_wheel_zooms(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    view = window.canvas.view
    view.zoom_100()
    before = view.visible_scene_rect().center()
    _wheel(view, QPoint(0, -120))  # one notch towards the user: content moves up
    after = view.visible_scene_rect().center()
    assert view.zoom_percent() == 100
    assert after.y() > before.y() + 20 and after.x() == before.x()
    _wheel(view, QPoint(0, -120), mods=SHIFT)  # sideways
    assert view.visible_scene_rect().center().x() > after.x() + 20
    _wheel(view, QPoint(0, 120), mods=CTRL)
    assert view.zoom_percent() > 100
    _wheel(view, QPoint(0, -240), mods=CTRL)
    assert view.zoom_percent() < 100


def test_trackpad_pixel_deltas_scroll_both_ways(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    view = window.canvas.view
    view.zoom_100()
    before = view.visible_scene_rect().center()
    _wheel(view, QPoint(-30, -45), pixels=QPoint(-36, -54))
    after = view.visible_scene_rect().center()
    assert view.zoom_percent() == 100
    assert round(after.x() - before.x()) == 36 and round(after.y() - before.y()) == 54


# ---------------------------------------------------------------- Ctrl+A


def test_ctrl_a_selects_every_card_and_arrow(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.canvas.view.setFocus()
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_A, CTRL)
    nodes, flows = window.canvas.scene.selected_ids()
    design = window.document.design
    assert set(nodes) == {n.id for n in design.nodes}
    assert set(flows) == {f.id for f in design.flows}


# ---------------------------------------------------------------- context menus


def test_card_menu_acts_on_the_clicked_card(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.canvas.view.zoom_100()
    window.canvas.center_on_ids(["loyalty"])
    menu = _right_click(qtbot, window, _card_centre(window, "loyalty"))
    assert window.canvas.selected_ids() == ["loyalty"]
    assert {"Rename", "Duplicate", "Delete"} <= set(_entries(menu))
    _click_entry(menu, "Delete")
    assert window.document.get("nodes", "loyalty") is None
    assert window.undo.stack.count() == 1


def test_arrow_menu_changes_the_transport(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    view = window.canvas.view
    view.zoom_100()
    window.canvas.center_on_ids(["f1"])
    label = view.scene().flow_item("f1").label
    point = view.mapFromScene(label.sceneBoundingRect().center())
    menu = _right_click(qtbot, window, point)
    assert window.canvas.selected_ids() == ["f1"]
    transports = next(a.menu() for a in menu.actions() if a.text().replace("&", "") == "Transport")
    assert [a.isChecked() for a in transports.actions()] == [True, False, False]  # http
    queue = transports.actions()[1]
    menu.setActiveAction(menu.actions()[0])
    transports.popup(menu.mapToGlobal(menu.actionGeometry(menu.actions()[0]).topRight()))
    qtbot.waitUntil(transports.isVisible)
    QTest.mouseClick(
        transports, Qt.MouseButton.LeftButton, NONE, transports.actionGeometry(queue).center()
    )
    assert window.document.flow("f1").transport is Transport.QUEUE
    menu.close()


def test_background_menu_adds_a_service_where_it_was_opened(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    view = window.canvas.view
    empty = view.mapFromScene(view.scene().content_rect().bottomRight() + QPointF(200, 200))
    view.centerOn(view.mapToScene(empty))
    empty = view.mapFromScene(view.scene().content_rect().bottomRight() + QPointF(200, 200))
    before = {n.id for n in window.document.design.nodes}
    menu = _right_click(qtbot, window, empty)
    assert "Add Service Here" in _entries(menu) and "Paste" in _entries(menu)
    _click_entry(menu, "Add Service Here")
    (new,) = {n.id for n in window.document.design.nodes} - before
    centre = window.document.design.layout.nodes[new]
    spot = view.mapToScene(empty)
    assert abs(centre.x + W / 2 - spot.x()) < 2 and abs(centre.y + H / 2 - spot.y()) < 2


def test_boundary_menu_selects_its_services(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    view = window.canvas.view
    scene = view.scene()
    boundary = next(i for i in scene.items() if type(i).__name__ == "BoundaryItem")
    view.zoom_100()
    view.centerOn(boundary.sceneBoundingRect().topLeft())
    point = view.mapFromScene(boundary.sceneBoundingRect().topLeft() + QPointF(6, 6))
    menu = _right_click(qtbot, window, point)
    _click_entry(menu, "Select the services of")
    members = {n.id for n in window.document.design.nodes if n.boundary == boundary.name}
    assert members and set(window.canvas.selected_ids()) == members


# ---------------------------------------------------------------- arrow to empty canvas


def test_arrow_released_on_empty_canvas_offers_to_create_its_target(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    view = window.canvas.view
    view.zoom_100()
    window.canvas.center_on_ids(["loyalty"])
    scene = view.scene()
    card = scene.node_item("loyalty").card_rect()
    start = view.mapFromScene(QPointF(card.right() - 2, card.center().y()))  # the edge handle
    end_scene = QPointF(card.right() + 260, card.center().y() + 170)
    end = view.mapFromScene(end_scene)
    assert scene.thing_at(end_scene)[0] == "canvas"
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, NONE, start)
    for i in range(1, 7):
        QTest.mouseMove(viewport, start + (end - start) * (i / 6))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, NONE, end)
    qtbot.waitUntil(lambda: window.context_menu is not None and window.context_menu.isVisible())
    before = {n.id for n in window.document.design.nodes}
    _click_entry(window.context_menu, "New Service Here")
    (new,) = {n.id for n in window.document.design.nodes} - before
    popup = view.flow_popup
    assert popup is not None  # then the usual question: which message?
    qtbot.keyClick(popup, Qt.Key.Key_E)  # an event
    qtbot.keyClicks(popup.name_edit, "PointsAwarded")
    qtbot.keyClick(popup.name_edit, Qt.Key.Key_Return)
    flows = [f for f in window.document.design.flows if f.target == new]
    assert [(f.source, window.document.message(f.message).name) for f in flows] == [
        ("loyalty", "PointsAwarded")
    ]


# ---------------------------------------------------------------- welcome card


def _choose_when_shown(menu: QMenu, index: int, tries: int = 200) -> None:
    """Click entry `index` of `menu` once it is on screen (a button's menu runs its own
    event loop, so the click has to be queued before the button is pressed)."""

    def attempt(left: int) -> None:
        if menu.isVisible():
            action = menu.actions()[index]
            QTest.mouseClick(
                menu, Qt.MouseButton.LeftButton, NONE, menu.actionGeometry(action).center()
            )
        elif left:
            QTimer.singleShot(20, lambda: attempt(left - 1))

    QTimer.singleShot(0, lambda: attempt(tries))


def test_welcome_card_on_an_empty_canvas_starts_a_design(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path, file=None)
    card = window.welcome
    assert card.isVisible()
    viewport = window.canvas.view.viewport().geometry()
    window.canvas.view.centerOn(500, 300)  # scrolling the canvas leaves the card in place
    centre = card.geometry().center()
    assert abs(centre.x() - viewport.center().x()) < 3
    assert abs(centre.y() - viewport.center().y()) < 3
    QTest.mouseClick(card.buttons["service"], Qt.MouseButton.LeftButton)
    assert [n.kind.value for n in window.document.design.nodes] == ["service"]
    assert not card.isVisible()  # a card is there: the hint makes way
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_Z, CTRL)
    assert not window.document.design.nodes and card.isVisible()


def test_welcome_card_opens_an_example_as_an_untitled_copy(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path, file=None)
    card = window.welcome
    _choose_when_shown(card.examples_menu, 0)
    QTest.mouseClick(card.buttons["example"], Qt.MouseButton.LeftButton)
    assert window.document.design.name == "Shop"
    assert window.files.path is None  # saving asks where; the shipped file stays as it is
    assert not card.isVisible()


def test_welcome_card_offers_recent_files_and_import(qtbot, monkeypatch, tmp_path):
    from tests.support.window import SHOP

    window = open_window(qtbot, monkeypatch, tmp_path, file=None)
    card = window.welcome
    assert not card.buttons["recent"].isEnabled()  # nothing opened yet
    copy = tmp_path / "mine.msgflow.json"
    copy.write_bytes(SHOP.read_bytes())
    window.open_path(copy)
    window.files.new()
    assert card.isVisible() and card.buttons["recent"].isEnabled()
    _choose_when_shown(card.recent_menu, 0)
    QTest.mouseClick(card.buttons["recent"], Qt.MouseButton.LeftButton)
    assert window.files.path == copy.resolve()
    opened = []
    monkeypatch.setattr(window.share, "import_documents", lambda names=None: opened.append(names))
    window.files.new()
    QTest.mouseClick(card.buttons["import"], Qt.MouseButton.LeftButton)
    assert opened == [None]  # the AsyncAPI import asks for its documents


# ---------------------------------------------------------------- canvas first


def test_ctrl_shift_f_hides_the_side_panels_and_brings_them_back(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.docks["problems"].hide()  # a panel the user closed stays closed afterwards
    width = window.canvas.view.width()
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_F, CTRL | SHIFT)
    qtbot.waitUntil(lambda: window.canvas.view.width() > width + 400)
    assert not any(dock.isVisible() for dock in window.docks.values())
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_F, CTRL | SHIFT)
    visible = {key for key, dock in window.docks.items() if dock.isVisible()}
    assert visible == {"palette", "messages", "inspector"}


def test_fit_keeps_a_small_design_readable(qtbot, monkeypatch, tmp_path):
    from designer.qt.canvas.view import READABLE_ZOOM

    window = open_window(qtbot, monkeypatch, tmp_path)
    view = window.canvas.view
    window.resize(900, 700)  # a canvas too small to show the shop whole at a legible size
    qtbot.waitUntil(lambda: view.viewport().width() < 500)
    qtbot.keyClick(view, Qt.Key.Key_0, CTRL)
    assert view.zoom_percent() == round(READABLE_ZOOM * 100)
    centre = view.scene().content_rect().center()
    assert (view.visible_scene_rect().center() - centre).manhattanLength() < 2


# ---------------------------------------------------------------- problems where they are


def _colour_near(image, centre: QPoint, colour, radius: int = 6) -> bool:
    from PySide6.QtGui import QColor

    for x in range(centre.x() - radius, centre.x() + radius + 1):
        for y in range(centre.y() - radius, centre.y() + radius + 1):
            seen = QColor(image.pixel(x, y))
            if (
                abs(seen.red() - colour.red()) < 40
                and abs(seen.green() - colour.green()) < 40
                and abs(seen.blue() - colour.blue()) < 40
            ):
                return True
    return False


def test_an_arrow_with_a_finding_is_marked_in_its_severity_colour(qtbot, monkeypatch, tmp_path):
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    from designer.core.model import Severity

    window = open_window(qtbot, monkeypatch, tmp_path)
    view = window.canvas.view
    scene = view.scene()
    view.zoom_100()
    window.canvas.center_on_ids(["f1"])
    label = scene.flow_item("f1").label
    corner = view.mapFromScene(label.rect().topLeft() + label.pos() + QPointF(3.5, 3.5))
    warning = scene.theme.severities[Severity.WARNING]
    assert not _colour_near(view.viewport().grab().toImage(), corner, warning, 2)
    # The SubmitOrder command published on a topic: command-on-topic, on this arrow.
    assert window.undo.push(EditFlow("f1", transport=Transport.TOPIC))
    item = scene.flow_item("f1")
    assert item.severity is Severity.WARNING
    assert _colour_near(view.viewport().grab().toImage(), corner, warning, 2)  # dot on the label
    # Hovering the label tells why.
    point = view.mapFromScene(label.sceneBoundingRect().center())
    QApplication.sendEvent(
        view.viewport(),
        QHelpEvent(QHelpEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point)),
    )
    qtbot.waitUntil(QToolTip.isVisible)
    assert "command-on-topic" in QToolTip.text()
    window.actions_by_name["undo"].trigger()
    assert scene.flow_item("f1").severity is None


def test_problems_panel_shows_fix_in_a_column_and_filters_by_severity(qtbot, monkeypatch, tmp_path):
    from designer.resources import examples_dir

    window = open_window(qtbot, monkeypatch, tmp_path, examples_dir() / "violations.msgflow.json")
    panel = window.problems_panel
    header = panel.tree.headerItem()
    assert [header.text(i) for i in range(4)] == ["Problem", "Rule", "Where", "Fix"]
    row = panel.rows()[0]
    assert row.text(3) and row.text(3) in row.toolTip(0)  # the fix, in its own column
    assert panel.tree.wordWrap()
    kinds = {r.parent().data(0, Qt.ItemDataRole.UserRole) for r in panel.visible_rows()}
    assert kinds == {"error", "warning", "info"}
    from designer.core.model import Severity

    QTest.mouseClick(panel.filters[Severity.WARNING], Qt.MouseButton.LeftButton)
    QTest.mouseClick(panel.filters[Severity.INFO], Qt.MouseButton.LeftButton)
    kinds = {r.parent().data(0, Qt.ItemDataRole.UserRole) for r in panel.visible_rows()}
    assert kinds == {"error"}
    # Columns are the user's to size.
    width = panel.tree.header().sectionSize(0)
    panel.tree.header().resizeSection(0, width + 80)
    assert panel.tree.header().sectionSize(0) == width + 80


# ---------------------------------------------------------------- minimap


def test_minimap_draws_arrows_can_be_hidden_and_moved(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    view = window.canvas.view
    minimap = view.minimap
    view.zoom_100()
    view.scale(3, 3)
    window.canvas.center_on_ids(["orders"])
    minimap.refresh()
    assert minimap.isVisible()
    picture = minimap.grab().toImage()
    command = view.scene().theme.kinds[next(iter(view.scene().theme.kinds))]
    found = any(
        _colour_near(picture, QPoint(x, y), command, 0)
        for x in range(4, minimap.width() - 4, 2)
        for y in range(4, minimap.height() - 4, 2)
    )
    assert found  # arrows in their kind's colour, not only card dots
    # Right-click: move it to the top left corner.
    where = minimap.mapTo(window, QPoint(20, 20))
    # Two right presses at one spot in quick succession (the previous test's, say) read
    # as a double-click, which opens no menu: a middle click there first breaks the pair.
    QTest.mouseClick(window.windowHandle(), Qt.MouseButton.MiddleButton, NONE, where)
    QTest.mouseClick(window.windowHandle(), Qt.MouseButton.RightButton, NONE, where)
    qtbot.waitUntil(lambda: minimap.menu is not None and minimap.menu.isVisible())
    _click_entry(minimap.menu, "Move to Top Left")
    viewport = view.viewport().geometry()
    assert minimap.x() < viewport.left() + 20 and minimap.y() < viewport.top() + 20
    # Ctrl+Shift+O hides it, and again brings it back.
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_O, CTRL | SHIFT)
    assert not minimap.isVisible()
    assert not window.actions_by_name["minimap"].isChecked()
    qtbot.keyClick(view, Qt.Key.Key_O, CTRL | SHIFT)
    assert minimap.isVisible()


# ---------------------------------------------------------------- ids


def test_a_new_cards_id_follows_its_name_until_the_design_is_saved(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    view = window.canvas.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_N, CTRL | SHIFT)  # Add Service
    (new,) = window.canvas.selected_ids()
    assert new.startswith("service-")
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = view.rename_editor
    assert editor is not None
    editor.selectAll()
    qtbot.keyClicks(editor, "Invoice Service")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    node = next(n for n in window.document.design.nodes if n.name == "Invoice Service")
    assert node.id == "invoice-service"  # one undo step renames both
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert window.document.get("nodes", new) is not None
    qtbot.keyClick(view, Qt.Key.Key_Y, CTRL)
    assert window.document.get("nodes", "invoice-service") is not None
    window.files.save()  # from now on the id names things outside the design
    window.canvas.select_ids(["invoice-service"])
    qtbot.keyClick(view, Qt.Key.Key_F2)
    view.rename_editor.selectAll()
    qtbot.keyClicks(view.rename_editor, "Billing Service")
    qtbot.keyClick(view.rename_editor, Qt.Key.Key_Return)
    assert window.document.node("invoice-service").name == "Billing Service"


def test_rename_id_refuses_taken_and_unusable_ids_and_shows_broker_renames(
    qtbot, monkeypatch, tmp_path
):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.canvas.select_ids(["customers"])
    window.actions_by_name["rename_id"].trigger()
    dialog = window.rename_id_dialog
    assert dialog is not None and dialog.isVisible()
    from PySide6.QtWidgets import QDialogButtonBox

    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    edit = dialog.edit
    edit.selectAll()
    qtbot.keyClicks(edit, "orders")
    assert not ok.isEnabled() and "already the id of Order Service" in dialog.problem.text()
    edit.selectAll()
    qtbot.keyClicks(edit, "Customer Hub")
    assert not ok.isEnabled() and "customer-hub" in dialog.problem.text()
    edit.selectAll()
    qtbot.keyClicks(edit, "crm")
    assert ok.isEnabled()
    shown = [dialog.changes.item(i).text() for i in range(dialog.changes.count())]
    assert "customers.get-customer  →  crm.get-customer" in shown
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert window.document.get("nodes", "crm") is not None
    assert window.document.get("nodes", "customers") is None
    assert window.canvas.selected_ids() == ["crm"]


# ---------------------------------------------------------------- dark mode


def test_text_fields_keep_a_visible_border_in_dark_mode(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    try:
        window.set_theme(True)
        window.canvas.select_ids(["orders"])
        field = window.inspector.pages["node"].name
        qtbot.waitUntil(field.isVisible)
        from designer.qt.theme import is_dark

        qtbot.waitUntil(lambda: is_dark(field.palette()))
        QApplication.processEvents()
        picture = window.grab().toImage()
        box = field.geometry().translated(field.parentWidget().mapTo(window, QPoint(0, 0)))
        y = box.center().y()
        # Along the right end, where no text is: panel | border | field.
        outside = picture.pixelColor(box.right() + 3, y).lightness()
        inside = picture.pixelColor(box.right() - 6, y).lightness()
        border = max(picture.pixelColor(box.right() - dx, y).lightness() for dx in range(3))
        assert border > max(outside, inside) + 20  # a line between panel and field
    finally:
        window.set_theme(False)


def test_new_flow_popup_shows_each_kind_in_its_arrows_colour(qtbot, monkeypatch, tmp_path):
    from designer.core.model import MessageKind

    window = open_window(qtbot, monkeypatch, tmp_path)
    view = window.canvas.view
    popup = view.ask_flow("loyalty", "customers", QPointF(0, 0))
    kinds = view.scene().theme.kinds
    qtbot.keyClick(popup, Qt.Key.Key_Q)  # choose "query": its button fills with green
    button = popup.kind_buttons[MessageKind.QUERY]
    image = button.grab().toImage()
    from collections import Counter

    seen = Counter(image.pixel(x, y) for x in range(image.width()) for y in range(image.height()))
    fill = QColor(seen.most_common(1)[0][0])  # the button's background
    want = kinds[MessageKind.QUERY]
    # The style shades it a little; the hue is the arrows' green.
    assert abs(fill.hue() - want.hue()) < 12 and fill.saturation() > 80
    popup.cancel()


def test_the_flow_inspector_leads_to_the_fields_of_its_message(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.canvas.select_ids(["f6"])
    page = window.inspector.pages["flow"]
    button = page.fields_button
    qtbot.waitUntil(button.isVisible)
    assert button.text() == "Edit the fields of GetCustomer (1)…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.inspector.current == "message"
    assert window.inspector.pages["message"].key == "get-customer"


def test_the_minimap_stays_where_the_user_put_it(qtbot, monkeypatch, tmp_path):
    from designer.qt.main_window import MainWindow
    from tests.support.window import isolate

    settings = isolate(monkeypatch, tmp_path)
    first = MainWindow(settings=settings)
    qtbot.addWidget(first)
    first.canvas.view.minimap.move_to("top-left")
    first.actions_by_name["minimap"].setChecked(False)
    first.close()
    second = MainWindow(settings=settings)
    qtbot.addWidget(second)
    assert second.canvas.view.minimap.corner == "top-left"
    assert not second.canvas.view.minimap.wanted
    assert not second.actions_by_name["minimap"].isChecked()
