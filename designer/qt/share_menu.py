"""The window's sharing actions: File → Export ▸, File → Import AsyncAPI…, Design → Compare with….

Installed by one call from the main window (`install_share_actions(window)`) after its
own menus exist; the actions are slotted next to the window's Export Image action (the
File menu shows the Export submenu in its place, the toolbar button gains a drop-down
with every format) so there is one way to export, not two.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QToolBar, QToolButton
from shiboken6 import isValid

from designer.core import io
from designer.core.errors import DesignLoadError
from designer.qt.busy import busy
from designer.qt.files import FILE_FILTER, display_name
from designer.qt.icons import icon
from designer.qt.share_export import FORMATS, export_design
from designer.qt.share_import import ImportReportDialog, import_asyncapi_documents

if TYPE_CHECKING:
    from designer.qt.compare_view import CompareDialog
    from designer.qt.main_window import MainWindow


class ShareActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.compare_dialog: CompareDialog | None = None
        self.actions: dict[str, QAction] = {}
        self.export_menu = QMenu("&Export", window)
        self.export_menu.setObjectName("export-menu")
        self.export_menu.setIcon(icon("image"))
        self.export_menu.setToolTipsVisible(True)
        for fmt in FORMATS:
            action = self._action(
                f"export_{fmt.key}",
                fmt.label,
                f"Export the design as {fmt.what}"
                + (" into a folder" if not fmt.file_filter else ""),
            )
            action.triggered.connect(lambda _checked=False, k=fmt.key: export_design(window, k))
            self.export_menu.addAction(action)
            if fmt.key in ("pdf", "html"):
                self.export_menu.addSeparator()
        self._action(
            "import_asyncapi",
            "&Import AsyncAPI…",
            "Build a new design from AsyncAPI 2.6 / 3.0 documents",
        ).triggered.connect(lambda _checked=False: self.import_documents())
        self._action(
            "compare",
            "Compare &With…",
            "Show the differences from another design file side by side",
            "Ctrl+Shift+D",
        ).triggered.connect(lambda _checked=False: self.compare_with())
        self._action(
            "compare_saved",
            "Compare with &Saved",
            "Show the unsaved changes: the file on disk beside the design being edited",
        ).triggered.connect(lambda _checked=False: self.compare_with_saved())
        window.files.pathChanged.connect(self._update_compare_saved)
        window.undo.stack.cleanChanged.connect(self._update_compare_saved)
        self._update_compare_saved()

    def _action(self, key: str, text: str, tip: str, shortcut: str | None = None) -> QAction:
        action = QAction(text, self.window)
        label = text.replace("&", "").rstrip("…")
        action.setToolTip(f"{label} ({shortcut})" if shortcut else label)
        action.setStatusTip(tip)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            self.window.addAction(action)
        self.actions[key] = action
        return action

    # ------------------------------------------------------------------ import
    def import_documents(self, names: list[str | Path] | None = None) -> ImportReportDialog | None:
        """Import AsyncAPI documents (asked for when `names` is None); the report shown."""
        return import_asyncapi_documents(self.window, names)

    # ------------------------------------------------------------------ compare
    def _update_compare_saved(self, _clean: bool = True) -> None:
        files = self.window.files
        self.actions["compare_saved"].setEnabled(files.path is not None and files.is_dirty)

    def compare_with_saved(self) -> CompareDialog | None:
        path = self.window.files.path
        return self.compare_with(path) if path is not None else None

    def compare_with(self, path: str | Path | None = None) -> CompareDialog | None:
        """Compare another design file (the base, left) with the open design (right)."""
        from designer.qt.compare_view import CompareDialog

        window = self.window
        if path is None:
            start = str(window.files.path.parent) if window.files.path else ""
            name, _ = QFileDialog.getOpenFileName(window, "Compare with design", start, FILE_FILTER)
            if not name:
                return None
            path = name
        path = Path(path)
        try:
            other = io.load(path)
        except DesignLoadError as error:
            window.files.show_load_error(path, error)
            return None
        current = window.document.design.model_copy(deep=True)
        label = display_name(window.files.path) + (" (unsaved)" if window.files.is_dirty else "")
        if self.compare_dialog is not None and isValid(self.compare_dialog):
            self.compare_dialog.close()  # one compare view at a time
        with busy(window, f"Comparing with {path.name}…"):  # two canvases: seconds when big
            dialog = CompareDialog(other, current, display_name(path), label, window)
            dialog.show()
        self.compare_dialog = dialog
        return dialog


def _menu_holding(window: MainWindow, action: QAction) -> QMenu | None:
    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu) and action in menu.actions():
            return menu
    return None


def install_share_actions(window: MainWindow) -> ShareActions:
    """Add the sharing actions to the window's menus and toolbar (after install_actions)."""
    share = ShareActions(window)
    ours = window.actions_by_name
    ours.update(share.actions)  # listed in the keyboard shortcuts dialog too
    export_image = ours.get("export_image")
    file_menu = _menu_holding(window, ours["open"])
    if file_menu is not None:
        before = export_image if export_image in file_menu.actions() else None
        # Qt takes a null `before` as "append"; PySide6's stubs do not admit None.
        file_menu.insertAction(before, share.actions["import_asyncapi"])  # type: ignore[arg-type]
        file_menu.insertMenu(before, share.export_menu)  # type: ignore[arg-type]
        if before is not None:
            file_menu.removeAction(before)  # its formats are in the submenu
    design_menu = _menu_holding(window, ours["layout"])
    if design_menu is not None:
        actions = design_menu.actions()
        after = actions.index(ours["layout"])
        if ours.get("validate") in actions:
            after = actions.index(ours["validate"])
        following = actions[after + 1] if after + 1 < len(actions) else None
        for key in ("compare", "compare_saved"):
            design_menu.insertAction(following, share.actions[key])  # type: ignore[arg-type]
        if export_image in actions:  # the same formats as File → Export
            design_menu.insertMenu(export_image, share.export_menu)
            design_menu.removeAction(export_image)
    toolbar = window.findChild(QToolBar, "main-toolbar")
    if export_image is not None and toolbar is not None:
        button = toolbar.widgetForAction(export_image)
        if isinstance(button, QToolButton):
            button.setMenu(share.export_menu)
            button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
    return share
