"""Right-click menus on the canvas, and the offer made when an arrow ends on empty canvas.

Each menu lists what applies to the thing under the pointer: a card (or the selection it
belongs to), an arrow, a boundary backdrop or the empty canvas. The window's own actions
are reused where one exists, so a menu entry shows the same text and shortcut as the
menu bar. Menus open with `popup()` (not a blocking `exec()`) and are kept on
`window.context_menu`, so the window stays responsive and tests can click them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from designer.core.arrow_commands import RemoveBend, ResetLabel, SetRouteStyle, Straighten
from designer.core.commands import AddNode, EditFlow
from designer.core.model import NodeKind, Point, RouteStyle, Transport
from designer.qt.canvas import gesture_commands

if TYPE_CHECKING:
    from designer.qt.main_window import MainWindow

TRANSPORT_WORDS = {
    Transport.HTTP: "HTTP (caller waits)",
    Transport.QUEUE: "Queue (one consumer)",
    Transport.TOPIC: "Topic (every subscriber)",
}


def _add(menu: QMenu, text: str, slot: Callable[..., object]) -> QAction:
    action = menu.addAction(text)
    action.triggered.connect(lambda _checked=False: slot())
    return action


def add_node_at(
    window: MainWindow, kind: NodeKind, pos: QPointF, boundary: str | None = None
) -> str | None:
    """A new card centred on `pos` (inside `boundary` when given), selected; its id."""
    scene = window.canvas.scene
    command = gesture_commands.add_node_command(window.document, kind, pos)
    if boundary is not None:
        command = AddNode(command.node.model_copy(update={"boundary": boundary}), command.point)
    if not scene.edits.push(command):
        return None
    scene.select_ids([command.node.id])
    return command.node.id


def canvas_menu(window: MainWindow, what: str, ids: list[str], pos: QPointF) -> QMenu:
    a = window.actions_by_name
    menu = QMenu(window.canvas.view)
    if what == "node":
        menu.addActions([a["rename"], a["duplicate"], a["copy"], a["cut"]])
        if len(ids) == 1 and "rename_id" in a:
            menu.addAction(a["rename_id"])
        if len(window.canvas.scene.selected_ids()[0]) > 1:
            menu.addAction(a["arrange_selection"])
        menu.addSeparator()
        menu.addAction(a["delete"])
    elif what == "flow":
        flow = window.document.flow(ids[0])
        transports = menu.addMenu("&Transport")
        for transport, words in TRANSPORT_WORDS.items():
            action = _add(
                transports,
                words,
                lambda t=transport: window.undo.push(EditFlow(flow.id, transport=t)),
            )
            action.setCheckable(True)
            action.setChecked(flow.transport is transport)
        name = window.document.message(flow.message).name
        _add(
            menu, f"Select every arrow of {name}", lambda: window.select_and_center([flow.message])
        )
        menu.addSeparator()
        _arrow_shape_entries(window, menu, flow.id, pos)
        menu.addSeparator()
        menu.addAction(a["delete"])
    elif what == "boundary":
        boundary = ids[0]
        members = [n.id for n in window.document.design.nodes if n.boundary == boundary]
        _add(menu, f"Select the services of {boundary}", lambda: window.canvas.select_ids(members))
        _add(
            menu,
            f"Add a service to {boundary}",
            lambda: add_node_at(window, NodeKind.SERVICE, pos, boundary),
        )
    else:
        _add(menu, "Add &Service Here", lambda: add_node_at(window, NodeKind.SERVICE, pos))
        _add(menu, "Add &Actor Here", lambda: add_node_at(window, NodeKind.ACTOR, pos))
        menu.addAction(a["paste"])
        menu.addSeparator()
        menu.addActions([a["select_all"], a["fit"], a["layout"]])
    return menu


def _arrow_shape_entries(window: MainWindow, menu: QMenu, flow_id: str, pos: QPointF) -> None:
    """Remove this bend (on a bend's handle), straighten, curved, straight line, reset
    label: for the selected arrows when the clicked one is among them, else for the
    clicked one (one undo step each)."""
    scene = window.canvas.scene
    selected = scene.selected_ids()[1]
    flows = selected if flow_id in selected else [flow_id]
    shapes = window.document.design.layout.flows
    push = scene.edits.push
    handle = scene.arrow_handles.handle_at(pos)
    if handle is not None and handle[0] == "bend" and scene.arrow_handles.flow_id == flow_id:
        shown = [Point(x=x, y=y) for x, y in scene.arrow_bends(flow_id)]
        index = handle[1]
        _add(menu, "Remove This &Bend", lambda: push(RemoveBend(flow_id, index, shown=shown)))
    straighten = _add(menu, "S&traighten", lambda: push(Straighten(flows)))
    straighten.setEnabled(any(shapes[f].bends for f in flows if f in shapes))
    styles = {shapes[f].route if f in shapes else RouteStyle.ORTHOGONAL for f in flows}
    for text, style in (("&Curved", RouteStyle.CURVED), ("Straight &Line", RouteStyle.STRAIGHT)):
        on = styles == {style}
        action = _add(
            menu,
            text,
            lambda s=style, on=on: push(SetRouteStyle(flows, RouteStyle.ORTHOGONAL if on else s)),
        )
        action.setCheckable(True)
        action.setChecked(on)
    reset = _add(menu, "&Reset Label", lambda: push(ResetLabel(flows)))
    reset.setEnabled(any(shapes[f].label is not None for f in flows if f in shapes))


def target_menu(window: MainWindow, source: str, pos: QPointF) -> QMenu:
    """An arrow from `source` ended on empty canvas: create its target card there?"""
    menu = QMenu(window.canvas.view)
    scene, view = window.canvas.scene, window.canvas.view

    def create(kind: NodeKind) -> None:
        node_id = add_node_at(window, kind, pos)
        if node_id is not None:  # then ask for the arrow's message, as for any new arrow
            view.ask_flow(source, node_id, pos)
        else:
            scene.clear_pending_line()

    _add(menu, "New &Service Here, with This Arrow", lambda: create(NodeKind.SERVICE))
    _add(menu, "New &Actor Here, with This Arrow", lambda: create(NodeKind.ACTOR))
    # Closing the menu without a choice drops the rubber arrow; after a choice the flow
    # popup keeps (and later clears) it.
    # (deferred: the menu hides before the chosen action runs).
    menu.aboutToHide.connect(
        lambda: QTimer.singleShot(
            0, lambda: None if view.flow_popup is not None else scene.clear_pending_line()
        )
    )
    return menu


def install_context_menus(window: MainWindow) -> None:
    view = window.canvas.view

    def show(menu: QMenu, where: QPoint) -> None:
        window.context_menu = menu
        menu.popup(where)

    view.contextRequested.connect(
        lambda what, ids, pos, where: show(canvas_menu(window, what, ids, pos), where)
    )

    def offer_target(source: str, pos: QPointF) -> None:
        where: QPoint = view.mapFromScene(pos)
        show(target_menu(window, source, pos), view.viewport().mapToGlobal(where))

    view.newTargetRequested.connect(offer_target)
