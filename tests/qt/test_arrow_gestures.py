"""Gestures on arrows with real mouse events (pytest-qt, offscreen): drag a bend, add one
by double-click, drag a label, drag an end onto another card, the arrow menu, and
Arrange selection. Each is one undo step and undo puts the file back as it was."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from designer.core.arrow_commands import AddBend, MoveLabel, ReattachFlow
from designer.core.history import History
from designer.core.io import dumps, load
from designer.core.model import Point, RouteStyle
from designer.qt.canvas.node_item import H, W
from designer.qt.canvas.scene import DesignScene
from designer.qt.canvas.view import DesignView
from designer.resources import examples_dir
from tests.support.window import open_window

NONE = Qt.KeyboardModifier.NoModifier
LEFT = Qt.MouseButton.LeftButton


def at(view: DesignView, x: float, y: float) -> QPoint:
    return view.mapFromScene(QPointF(x, y))


def drag(view: DesignView, start: QPoint, end: QPoint, steps: int = 6) -> None:
    viewport = view.viewport()
    QTest.mousePress(viewport, LEFT, NONE, start)
    for i in range(1, steps + 1):
        QTest.mouseMove(viewport, start + (end - start) * (i / steps))
    QTest.mouseRelease(viewport, LEFT, NONE, end)


def passes(points: list[tuple[float, float]], p: tuple[float, float], slack: float = 1.0) -> bool:
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if (
            min(x0, x1) - slack <= p[0] <= max(x0, x1) + slack
            and min(y0, y1) - slack <= p[1] <= max(y0, y1) + slack
            and abs((x1 - x0) * (p[1] - y0) - (y1 - y0) * (p[0] - x0))
            <= slack * max(abs(x1 - x0), abs(y1 - y0), 1)
        ):
            return True
    return False


def on_line(scene: DesignScene, flow_id: str) -> tuple[float, float]:
    """A point on the arrow's line, away from its ends and its label (a press there is
    on the line itself)."""
    route = scene.arrow_route(flow_id)
    for (x0, y0), (x1, y1) in sorted(
        itertools.pairwise(route), key=lambda r: -(abs(r[1][0] - r[0][0]) + abs(r[1][1] - r[0][1]))
    ):
        for t in (0.5, 0.3, 0.7, 0.2, 0.8):
            p = (round(x0 + (x1 - x0) * t), round(y0 + (y1 - y0) * t))
            what, ids = scene.thing_at(QPointF(*p))
            if (what, ids) == ("flow", [flow_id]) and scene.flow_label_at(QPointF(*p)) is None:
                return p
    raise AssertionError(f"no free point on {flow_id}")


def steps_of(history: History) -> int:
    count = 0
    while history.undo():
        count += 1
    return count


def test_dragging_a_bend_handle_reshapes_the_arrow_in_one_undo_step(view, document, history):
    scene: DesignScene = view.scene()
    before = dumps(document.design)
    scene.select_ids(["f4"])
    handles = scene.arrow_handles
    assert handles.isVisible() and handles.flow_id == "f4"
    assert handles.bends, "the automatic route's corners are offered as handles"
    bx, by = handles.bends[0]
    drag(view, at(view, bx, by), at(view, bx + 40, by - 30))
    bends = document.design.layout.flows["f4"].bends
    moved = (bends[0].x, bends[0].y)
    assert abs(moved[0] - (bx + 40)) <= 2 and abs(moved[1] - (by - 30)) <= 2
    # The arrow on screen runs through the new bend, and the handle followed it.
    assert passes(scene.arrow_route("f4"), moved)
    assert scene.arrow_handles.bends[0] == moved
    assert steps_of(history) == 1  # six mouse moves, one undo step
    assert dumps(document.design) == before
    assert not passes(scene.arrow_route("f4"), moved)


def test_escape_in_the_middle_of_a_bend_or_label_drag_puts_the_arrow_back(view, document, history):
    scene: DesignScene = view.scene()
    viewport = view.viewport()
    before, route = dumps(document.design), scene.arrow_route("f4")
    scene.select_ids(["f4"])
    bx, by = scene.arrow_handles.bends[0]
    QTest.mousePress(viewport, LEFT, NONE, at(view, bx, by))
    QTest.mouseMove(viewport, at(view, bx + 60, by + 40))
    assert scene.arrow_route("f4") != route  # the arrow follows the drag (a preview) ...
    assert dumps(document.design) == before  # ... and the file is not touched yet
    QTest.keyClick(viewport, Qt.Key.Key_Escape)
    QTest.mouseRelease(viewport, LEFT, NONE, at(view, bx + 60, by + 40))
    assert scene.arrow_route("f4") == route and scene.arrow_handles.bends[0] == (bx, by)
    label = scene.flow_item("f4").label
    start = label.pos()
    QTest.mousePress(viewport, LEFT, NONE, at(view, start.x(), start.y()))
    QTest.mouseMove(viewport, at(view, start.x() + 50, start.y() + 80))
    assert label.pos() != start
    QTest.keyClick(viewport, Qt.Key.Key_Escape)
    QTest.mouseRelease(viewport, LEFT, NONE, at(view, start.x() + 50, start.y() + 80))
    assert label.pos() == start
    assert dumps(document.design) == before and steps_of(history) == 0


def test_double_clicking_an_arrow_adds_a_bend_there(view, document, history):
    scene: DesignScene = view.scene()
    middle = on_line(scene, "f6")
    QTest.mouseDClick(view.viewport(), LEFT, NONE, at(view, *middle))
    bends = [(p.x, p.y) for p in document.design.layout.flows["f6"].bends]
    assert any(abs(b[0] - middle[0]) <= 1 and abs(b[1] - middle[1]) <= 1 for b in bends)
    assert passes(scene.arrow_route("f6"), middle)  # the line did not jump
    assert steps_of(history) == 1 and "f6" not in document.design.layout.flows


def test_dragging_a_label_keeps_it_where_it_is_dropped(view, document, history):
    scene: DesignScene = view.scene()
    label = scene.flow_item("f1").label
    start = label.pos()
    drag(view, at(view, start.x(), start.y()), at(view, start.x() + 20, start.y() - 70))
    stored = document.design.layout.flows["f1"].label
    assert stored is not None
    assert abs(stored.x - (start.x() + 20)) <= 2 and abs(stored.y - (start.y() - 70)) <= 2
    assert (label.pos().x(), label.pos().y()) == (stored.x, stored.y)
    assert scene.selected_ids() == ([], ["f1"])  # the press selected its arrow too
    assert steps_of(history) == 1
    assert label.pos() == start and "f1" not in document.design.layout.flows


def test_a_click_on_a_label_without_moving_changes_nothing(view, document, history):
    scene: DesignScene = view.scene()
    label = scene.flow_item("f1").label.pos()
    QTest.mouseClick(view.viewport(), LEFT, NONE, at(view, label.x(), label.y()))
    assert scene.selected_ids() == ([], ["f1"])
    assert steps_of(history) == 0


def test_dragging_an_arrow_end_onto_another_card_reattaches_it(view, document, history):
    scene: DesignScene = view.scene()
    before = dumps(document.design)
    scene.select_ids(["f2"])  # OrderCreated: orders -> shipping
    tip = scene.arrow_handles.ends[1]
    loyalty = scene.node_item("loyalty").pos()
    drag(view, at(view, *tip), at(view, loyalty.x() + W / 2, loyalty.y() + H / 2))
    assert document.flow("f2").target == "loyalty"
    route = scene.arrow_route("f2")
    card = scene.node_item("loyalty").card_rect()
    assert card.adjusted(-1, -1, 1, 1).contains(QPointF(*route[-1]))  # drawn to its new card
    assert steps_of(history) == 1 and dumps(document.design) == before


def test_a_refused_reattach_says_why_and_changes_nothing(qtbot, view, document, history):
    scene: DesignScene = view.scene()
    before = dumps(document.design)
    scene.select_ids(["f2"])
    start = scene.arrow_handles.ends[0]  # the publisher's end
    loyalty = scene.node_item("loyalty").pos()
    with qtbot.waitSignal(scene.editFailed) as failed:
        drag(view, at(view, *start), at(view, loyalty.x() + W / 2, loyalty.y() + H / 2))
    assert "its publisher is Order Service" in failed.args[0]
    assert dumps(document.design) == before and steps_of(history) == 0
    assert all(not item.drop_target for item in scene.node_items())


def test_an_arrow_with_bends_follows_a_dragged_card(view, document):
    scene: DesignScene = view.scene()
    scene.edits.push(AddBend("f1", 0, Point(x=300, y=20)))
    orders = scene.node_item("orders").pos()
    drag(
        view,
        at(view, orders.x() + 30, orders.y() + 30),
        at(view, orders.x() + 30, orders.y() + 130),
    )
    route = scene.arrow_route("f1")
    card = scene.node_item("orders").card_rect()
    assert card.top() == orders.y() + 100
    assert passes(route, (300.0, 20.0))
    assert card.adjusted(-1, -1, 1, 1).contains(QPointF(*route[-1]))


# ---------------------------------------------------------------- through the window


def _arrow_menu(qtbot, window, flow_id: str, where: tuple[float, float] | None = None) -> QMenu:
    while (popup := QApplication.activePopupWidget()) is not None:
        popup.close()
    # Clicks of the previous menu must not pair with this one's into a double click.
    qtbot.wait(QApplication.doubleClickInterval() + 50)
    window.context_menu = None
    scene = window.canvas.scene
    view = window.canvas.view
    point = view.mapFromScene(QPointF(*(where or on_line(scene, flow_id))))
    where = view.viewport().mapTo(window, point)
    QTest.mouseClick(window.windowHandle(), Qt.MouseButton.MiddleButton, NONE, where)
    QTest.mouseClick(window.windowHandle(), Qt.MouseButton.RightButton, NONE, where)
    qtbot.waitUntil(lambda: window.context_menu is not None and window.context_menu.isVisible())
    return window.context_menu


def _click_entry(menu: QMenu, text: str) -> None:
    action = next(a for a in menu.actions() if a.text().replace("&", "") == text)
    assert action.isEnabled(), text
    QTest.mouseClick(menu, LEFT, NONE, menu.actionGeometry(action).center())


def test_the_arrow_menu_curves_straightens_and_resets_the_label(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    document, scene = window.document, window.canvas.scene
    scene.edits.push(AddBend("f4", 0, Point(x=700, y=60)))
    scene.edits.push(MoveLabel("f4", Point(x=650, y=40)))
    shaped = dumps(document.design)
    steps = window.undo.stack.count()

    _click_entry(_arrow_menu(qtbot, window, "f4"), "Curved")
    assert document.design.layout.flows["f4"].route is RouteStyle.CURVED
    path = scene.flow_item("f4").route.path
    assert path.elementCount() > len(scene.arrow_route("f4"))  # drawn as curves
    menu = _arrow_menu(qtbot, window, "f4")
    assert next(a for a in menu.actions() if a.text() == "&Curved").isChecked()
    _click_entry(menu, "Straighten")
    assert document.design.layout.flows["f4"].bends == []
    _click_entry(_arrow_menu(qtbot, window, "f4"), "Reset Label")
    assert document.design.layout.flows["f4"].label is None
    assert window.undo.stack.count() == steps + 3  # one step each
    for _ in range(3):
        window.undo.stack.undo()
    assert dumps(document.design) == shaped


def test_a_refused_edit_shows_its_reason_in_the_status_bar(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.canvas.scene.edits.push(ReattachFlow("f4", "target", "customers"))
    message = window.statusBar().currentMessage()
    assert "AddLoyaltyPoints is a command; its handler is Loyalty Service" in message


def test_arrange_selection_moves_only_the_selected_cards(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    document = window.document
    before = dumps(document.design)
    chosen = ["loyalty", "customers", "notifications"]
    start = dict(document.design.layout.nodes)
    window.canvas.scene.select_ids(chosen)
    window.actions_by_name["arrange_selection"].trigger()
    after = document.design.layout.nodes
    assert all(after[n] == start[n] for n in start if n not in chosen)
    assert any(after[n] != start[n] for n in chosen)
    boxes = [(p.x, p.y) for p in after.values()]
    for (ax, ay), (bx, by) in itertools.combinations(boxes, 2):
        assert abs(ax - bx) >= W or abs(ay - by) >= H  # no card covers another
    assert window.undo.stack.count() == 1
    window.undo.stack.undo()
    assert dumps(document.design) == before


# ---------------------------------------------------------------- exports


def test_the_png_export_draws_the_users_bends_and_curves(qapp, tmp_path):
    from PySide6.QtGui import QImage

    from designer.core.model import FlowLayout
    from designer.qt.render import build_picture, render_design

    plain = load(examples_dir() / "shop.msgflow.json")
    bent = plain.model_copy(deep=True)
    bent.layout.flows["f1"] = FlowLayout(bends=[Point(x=150, y=-40), Point(x=460, y=-40)])
    bent.layout.flows["f6"] = FlowLayout(route=RouteStyle.CURVED)
    scene, _ = build_picture(bent)
    assert passes(scene.arrow_route("f1"), (200.0, -40.0))
    assert scene.flow_item("f6").route.path.elementCount() > len(scene.arrow_route("f6"))

    def pixel(design, name: str) -> str:
        _, frame = build_picture(design)
        image = QImage(str(render_design(design, tmp_path / name, "png", scale=1.0)))
        return image.pixelColor(round(200 - frame.x()), round(-40 - frame.y())).name()

    background = scene.theme.background.name()
    assert pixel(bent, "bent.png") != background  # the line runs through the bend
    assert pixel(plain, "plain.png") == background  # ... and only because of it


def test_in_the_window_a_bend_drag_is_one_step_of_the_undo_stack(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    view, scene, document = window.canvas.view, window.canvas.scene, window.document
    before = dumps(document.design)
    scene.select_ids(["f4"])
    bx, by = scene.arrow_handles.bends[0]
    drag(view, at(view, bx, by), at(view, bx + 30, by + 50), steps=8)
    assert document.design.layout.flows["f4"].bends[0] != Point(x=bx, y=by)
    assert window.undo.stack.count() == 1
    assert window.undo.stack.undoText() == "Move bend of AddLoyaltyPoints"
    window.undo.stack.undo()
    assert dumps(document.design) == before


def test_reshaping_an_arrow_does_not_revalidate(qtbot, monkeypatch, tmp_path):
    # A bend's drag changes the file on every mouse move; no rule reads where things are
    # drawn, so the findings (and the panels showing them) are left alone.
    window = open_window(qtbot, monkeypatch, tmp_path)
    published: list[int] = []
    window.validation.changed.connect(lambda: published.append(1))
    window.canvas.scene.edits.push(AddBend("f4", 0, Point(x=700, y=60)))
    assert document_has_bend(window, "f4") and published == []
    window.canvas.scene.edits.push(ReattachFlowTo("f2", "loyalty"))
    assert published  # a change of meaning is validated again


def document_has_bend(window, flow_id: str) -> bool:
    return bool(window.document.design.layout.flows[flow_id].bends)


def ReattachFlowTo(flow_id: str, node_id: str):
    return ReattachFlow(flow_id, "target", node_id)


def test_right_click_on_a_bend_removes_just_that_bend(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    document, scene = window.document, window.canvas.scene
    scene.edits.push(AddBend("f4", 0, Point(x=700, y=60)))
    scene.edits.push(AddBend("f4", 1, Point(x=760, y=120)))
    scene.select_ids(["f4"])
    two_bends = dumps(document.design)
    menu = _arrow_menu(qtbot, window, "f4", where=(700, 60))
    _click_entry(menu, "Remove This Bend")
    assert document.design.layout.flows["f4"].bends == [Point(x=760, y=120)]
    assert window.undo.stack.undoText() == "Remove bend of AddLoyaltyPoints"
    window.undo.stack.undo()
    assert dumps(document.design) == two_bends
    # Away from a bend the menu offers no such entry.
    entries = [a.text() for a in _arrow_menu(qtbot, window, "f4", where=(700, 140)).actions()]
    assert "S&traighten" in entries  # (it is the arrow's menu)
    assert "Remove This &Bend" not in entries


def test_duplicated_cards_bring_their_arrows_shapes_along(view, document, history):
    scene: DesignScene = view.scene()
    scene.edits.push(AddBend("f4", 0, Point(x=700, y=60)))
    scene.edits.push(MoveLabel("f4", Point(x=650, y=40)))
    before = dumps(document.design)
    scene.select_ids(["orders", "loyalty"])
    flows_before = {f.id for f in document.design.flows}
    new_ids = scene.edits.duplicate_selection()
    (copy,) = [
        f
        for f in document.design.flows
        if f.id not in flows_before and f.message == "add-loyalty-points"
    ]
    assert {copy.source, copy.target} <= set(new_ids)
    shape = document.design.layout.flows[copy.id]
    assert shape.bends == [Point(x=740, y=100)] and shape.label == Point(x=690, y=80)
    assert passes(scene.arrow_route(copy.id), (740.0, 100.0))
    history.undo()  # the duplicate, shapes included, was one step
    assert dumps(document.design) == before
