"""Menus, toolbar and keyboard shortcuts of the main window.

Every common action has a shortcut and a tooltip that names it, so the window can be
driven from the keyboard and learned by hovering. Actions call methods of the window
(main_window.py), which delegates to the file controller, the canvas and the dialogs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar

from designer.qt.icons import icon

if TYPE_CHECKING:
    from designer.qt.main_window import MainWindow

Key = QKeySequence.StandardKey


def _action(
    window: MainWindow,
    text: str,
    slot: Callable[..., object] | None,  # takes the checked state when `checkable`
    shortcut: QKeySequence.StandardKey | str | list[str] | None = None,
    icon_name: str | None = None,
    tip: str = "",
    checkable: bool = False,
) -> QAction:
    action = QAction(text, window)
    if icon_name:
        action.setIcon(icon(icon_name))
    if isinstance(shortcut, list):
        action.setShortcuts([QKeySequence(s) for s in shortcut])
    elif shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    label = text.replace("&", "").rstrip("…").rstrip(".")
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{label} ({keys})" if keys else label)
    action.setStatusTip(tip or label)
    action.setCheckable(checkable)
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    if slot is not None:
        if checkable:
            action.toggled.connect(slot)
        else:
            action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)  # shortcuts work even when the menu bar is hidden
    return action


def redo_keys() -> list[QKeySequence]:
    """The platform's redo keys plus both common ones (Ctrl+Y, Ctrl+Shift+Z), each once.

    Most platforms already bind one of them; adding it a second time makes Qt call the
    shortcut ambiguous, and then the key does nothing at all.
    """
    keys: list[QKeySequence] = []
    for key in [
        *QKeySequence.keyBindings(Key.Redo),
        QKeySequence("Ctrl+Y"),
        QKeySequence("Ctrl+Shift+Z"),
    ]:
        if key not in keys:
            keys.append(key)
    return keys


def install_actions(window: MainWindow) -> dict[str, QAction]:
    w, files = window, window.files
    a: dict[str, QAction] = {
        "new": _action(w, "&New", files.new, Key.New, "new", "Start an empty design"),
        "open": _action(w, "&Open…", files.open_dialog, Key.Open, "open", "Open a design file"),
        "save": _action(w, "&Save", files.save, Key.Save, "save", "Save the design"),
        "save_as": _action(w, "Save &As…", files.save_as, "Ctrl+Shift+S", "save-as"),
        "revert": _action(w, "&Revert to Saved", files.revert, None, None, "Reload from disk"),
        "export_image": _action(
            w, "Export &Image…", w.export_image, "Ctrl+E", "image", "Save the diagram as PNG or SVG"
        ),
        "generate": _action(
            w,
            "&Generate Code…",
            w.generate,
            "Ctrl+G",
            "generate",
            "Generate service skeletons and broker configuration",
        ),
        "quit": _action(w, "&Quit", w.close, Key.Quit, None, "Close the window"),
        "cut": _action(w, "Cu&t", w.cut, Key.Cut, None, "Copy the selection, then remove it"),
        "copy": _action(w, "&Copy", w.copy, Key.Copy, "duplicate", "Copy the selected cards"),
        "paste": _action(w, "&Paste", w.paste, Key.Paste, None, "Paste copied cards"),
        "duplicate": _action(
            w, "D&uplicate", w.duplicate, "Ctrl+D", "duplicate", "Copy and paste in one step"
        ),
        "delete": _action(
            w,
            "&Delete",
            w.delete_selection,
            ["Del", "Backspace"],
            "delete",
            "Remove the selection (cards take their flows along)",
        ),
        "select_all": _action(w, "Select &All", w.select_all, Key.SelectAll),
        "rename": _action(w, "&Rename", w.rename_selected, "F2", None, "Rename the selected card"),
        "rename_id": _action(
            w,
            "Rename &Id…",
            w.rename_id,
            None,
            None,
            "Change the selected card's id (it names its queues): shows what that renames",
        ),
        "find": _action(w, "&Find…", w.open_find, Key.Find, "find", "Find a node or message"),
        "zoom_in": _action(
            w, "Zoom &In", lambda: w.canvas.zoom_by(1.25), ["Ctrl++", "Ctrl+="], "zoom-in"
        ),
        "zoom_out": _action(w, "Zoom &Out", lambda: w.canvas.zoom_by(0.8), "Ctrl+-", "zoom-out"),
        "fit": _action(
            w,
            "&Fit to View",
            w.canvas.fit_all,
            "Ctrl+0",
            "zoom-fit",
            "Show the whole design",
        ),
        "zoom_100": _action(w, "Actual &Size (100%)", w.canvas.zoom_100, "Ctrl+1", "zoom-100"),
        "snap": _action(
            w,
            "Snap to &Grid",
            w.canvas.set_snap,
            "Ctrl+'",
            "snap",
            "Snap moved cards to the grid",
            checkable=True,
        ),
        "focus_canvas": _action(
            w,
            "&Focus on Canvas",
            w.focus_canvas,
            "Ctrl+Shift+F",
            "focus",
            "Hide every side panel (again: bring them back)",
            checkable=True,
        ),
        "minimap": _action(
            w,
            "Show &Minimap",
            w.canvas.view.minimap.set_wanted,
            "Ctrl+Shift+O",
            None,
            "The overview in a corner of the canvas (right-click it to move it)",
            checkable=True,
        ),
        "legend": _action(
            w, "Arrow &Legend", w.show_legend, "Ctrl+L", "legend", "What the arrow styles mean"
        ),
        "add_service": _action(
            w,
            "Add &Service",
            lambda: w.add_node("service"),
            "Ctrl+Shift+N",
            "service",
            "Add a service in the middle of the view",
        ),
        "add_actor": _action(
            w,
            "Add &Actor",
            lambda: w.add_node("actor"),
            "Ctrl+Shift+A",
            "actor",
            "Add an actor (browser, device, partner) in the middle of the view",
        ),
        "layout": _action(
            w,
            "Auto &Layout",
            w.auto_layout,
            "Ctrl+Shift+L",
            "layout",
            "Arrange the cards left to right with few crossings",
        ),
        "arrange_selection": _action(
            w,
            "&Arrange Selection",
            w.arrange_selection,
            "Ctrl+Alt+L",
            "layout",
            "Lay out only the selected cards; every other card stays in place",
        ),
        "validate": _action(
            w,
            "Show &Problems",
            w.show_problems,
            "Ctrl+Shift+M",
            "validate",
            "The rules engine's findings on this design",
        ),
        "shortcuts": _action(w, "&Keyboard Shortcuts", w.show_shortcuts, "F1"),
        "about": _action(w, "&About Msgflow Designer", w.show_about),
    }
    a["undo"] = w.undo.stack.createUndoAction(w, "&Undo")
    a["redo"] = w.undo.stack.createRedoAction(w, "&Redo")
    a["undo"].setShortcuts(QKeySequence.keyBindings(Key.Undo))
    a["redo"].setShortcuts(redo_keys())
    a["undo"].setIcon(icon("undo"))
    a["redo"].setIcon(icon("redo"))
    for key in ("undo", "redo"):
        w.addAction(a[key])
        a[key].setToolTip(f"{key.capitalize()} the last step")
    # Keys that act on canvas items only fire while the canvas has focus: Delete in the
    # problems list or F2 in a table must not remove or rename a card.
    for key in ("delete", "rename"):
        a[key].setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        w.removeAction(a[key])
        w.canvas.view.addAction(a[key])
    a["minimap"].setChecked(True)
    w.canvas.view.minimap.hiddenByUser.connect(lambda: a["minimap"].setChecked(False))
    a["fit"].setToolTip("Fit to View (Ctrl+0, or F on the canvas)")
    _menus(window, a)
    _toolbar(window, a)
    return a


def _menus(window: MainWindow, a: dict[str, QAction]) -> None:
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([a["new"], a["open"]])
    file_menu.addMenu(window.files.recent_menu)
    file_menu.addSeparator()
    file_menu.addActions([a["save"], a["save_as"], a["revert"]])
    file_menu.addSeparator()
    file_menu.addActions([a["export_image"], a["generate"]])
    file_menu.addSeparator()
    file_menu.addAction(a["quit"])
    edit = bar.addMenu("&Edit")
    edit.addActions([a["undo"], a["redo"]])
    edit.addSeparator()
    edit.addActions([a["cut"], a["copy"], a["paste"], a["duplicate"], a["delete"]])
    edit.addSeparator()
    edit.addActions([a["select_all"], a["rename"], a["rename_id"], a["find"]])
    view = bar.addMenu("&View")
    view.addActions([a["zoom_in"], a["zoom_out"], a["fit"], a["zoom_100"]])
    view.addSeparator()
    view.addActions([a["snap"], a["legend"]])
    view.addSeparator()
    view.addActions([a["focus_canvas"], a["minimap"]])
    panels = view.addMenu("&Panels")
    for dock in window.docks.values():
        panels.addAction(dock.toggleViewAction())
    theme = view.addMenu("&Theme")
    for label, value in (("Follow &System", None), ("&Light", False), ("&Dark", True)):
        theme.addAction(label, _theme_chooser(window, value))
    design = bar.addMenu("&Design")
    design.addActions([a["add_service"], a["add_actor"]])
    design.addSeparator()
    design.addActions([a["layout"], a["arrange_selection"], a["validate"]])
    design.addSeparator()
    design.addActions([a["generate"], a["export_image"]])
    help_menu = bar.addMenu("&Help")
    help_menu.addActions([a["shortcuts"], a["legend"], a["about"]])


def _toolbar(window: MainWindow, a: dict[str, QAction]) -> None:
    bar = QToolBar("Main toolbar")
    bar.setObjectName("main-toolbar")
    bar.setIconSize(QSize(20, 20))
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    for group in (
        ("new", "open", "save"),
        ("undo", "redo"),
        ("add_service", "add_actor", "delete"),
        ("layout", "zoom_in", "zoom_out", "fit", "focus_canvas", "snap", "legend"),
        ("find", "validate", "generate", "export_image"),
    ):
        for key in group:
            bar.addAction(a[key])
        bar.addSeparator()
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)


def _theme_chooser(window: MainWindow, dark: bool | None) -> Callable[[], None]:
    return lambda: window.set_theme(dark)
