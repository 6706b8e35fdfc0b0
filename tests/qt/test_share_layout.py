"""Auto-layout from the toolbar: cards rearranged in one undo step."""

from __future__ import annotations

from PySide6.QtWidgets import QToolBar

from designer.core.commands import MoveNodes
from designer.core.model import Point
from tests.support.window import open_window


def test_auto_layout_is_on_the_toolbar_and_one_undo_step(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    action = window.actions_by_name["layout"]
    assert action in window.findChild(QToolBar, "main-toolbar").actions()
    document, stack = window.document, window.undo.stack
    # Scramble the cards first (one drag-like step), so the layout has work to do.
    window.undo.push(
        MoveNodes({n.id: Point(x=i * 7.0, y=i * 5.0) for i, n in enumerate(document.design.nodes)})
    )
    scrambled = dict(document.design.layout.nodes)
    steps = stack.count()
    action.trigger()
    arranged = dict(document.design.layout.nodes)
    assert arranged != scrambled
    assert stack.count() == steps + 1
    assert stack.undoText() == "Auto layout"
    assert window.actions_by_name["undo"].text().replace("&", "") == "Undo Auto layout"
    stack.undo()
    assert dict(document.design.layout.nodes) == scrambled
    card = window.canvas.scene.node_item("orders")
    assert (card.pos().x(), card.pos().y()) == (scrambled["orders"].x, scrambled["orders"].y)
    stack.redo()
    assert dict(document.design.layout.nodes) == arranged


def test_a_slow_auto_layout_shows_progress_and_a_design_edited_meanwhile_keeps_the_edit(
    qtbot, monkeypatch, tmp_path
):
    """Auto-layout of a large design takes seconds: the window keeps painting and shows a
    progress dialog; if the user edits meanwhile, the stale arrangement is not applied."""
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QProgressDialog

    import designer.qt.main_window as main_window

    window = open_window(qtbot, monkeypatch, tmp_path)
    real = main_window.auto_layout

    def slow_layout(design):
        time.sleep(0.8)
        return real(design)

    monkeypatch.setattr(main_window, "auto_layout", slow_layout)
    seen: list[bool] = []

    def edit_meanwhile() -> None:
        seen.append(window.findChild(QProgressDialog, "busy-progress") is not None)
        window.undo.push(MoveNodes({"orders": Point(x=999.0, y=999.0)}))

    QTimer.singleShot(600, edit_meanwhile)
    window.actions_by_name["layout"].trigger()
    assert seen == [True]  # the dialog was up while the layout ran
    assert window.document.design.layout.nodes["orders"] == Point(x=999.0, y=999.0)
    assert window.undo.stack.undoText() != "Auto layout"
    assert "changed meanwhile" in window.statusBar().currentMessage()
