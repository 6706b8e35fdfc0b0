"""File handling of the window: New, Open, Open Recent, Save, Save As, Revert.

The dirty marker follows the QUndoStack's clean state, so undoing back to the saved
state clears it. A file that fails to load is reported in a dialog with the located
problems ("$.flows[2].to: unknown node 'shiping'") and the current design stays open.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from designer.core import io
from designer.core.document import Document
from designer.core.errors import DesignLoadError
from designer.core.model import Design
from designer.qt.undo import UndoBridge

FILE_FILTER = "Msgflow designs (*.msgflow.json *.json);;All files (*)"
SUFFIX = ".msgflow.json"
MAX_RECENT = 10
APP_TITLE = "Msgflow Designer"


def display_name(path: Path | None) -> str:
    if path is None:
        return "Untitled"
    name = path.name
    return name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name


class FileController(QObject):
    pathChanged = Signal()
    fileOpened = Signal()

    def __init__(
        self, window: QMainWindow, document: Document, undo: UndoBridge, settings: QSettings
    ) -> None:
        super().__init__(window)
        self.window, self.document, self.undo, self.settings = window, document, undo, settings
        self.path: Path | None = None
        self.error_dialog: QMessageBox | None = None
        self.load_error: DesignLoadError | None = None  # why the last open failed
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        undo.stack.cleanChanged.connect(self._clean_changed)
        self.update_title()

    # ------------------------------------------------------------------ state
    @property
    def is_dirty(self) -> bool:
        return not self.undo.stack.isClean()

    def _clean_changed(self, _clean: bool) -> None:
        self.update_title()

    def update_title(self) -> None:
        self.window.setWindowTitle(f"{display_name(self.path)}[*] — {APP_TITLE}")
        self.window.setWindowModified(self.is_dirty)
        if self.path is not None:
            self.window.setWindowFilePath(str(self.path))

    def _set_path(self, path: Path | None) -> None:
        self.path = path
        self.update_title()
        self.pathChanged.emit()

    # ------------------------------------------------------------------ commands
    def new(self) -> bool:
        if not self.maybe_save():
            return False
        self.document.reset(Design())
        self.undo.clear()
        self._set_path(None)
        self.fileOpened.emit()
        return True

    def open_dialog(self) -> bool:
        if not self.maybe_save():
            return False
        start = str(self.path.parent) if self.path else ""
        name, _ = QFileDialog.getOpenFileName(self.window, "Open design", start, FILE_FILTER)
        return bool(name) and self.open_path(name, ask=False)

    def open_path(self, name: str | Path, *, ask: bool = True) -> bool:
        """Open a design; on a load error show where it is and keep the current one."""
        path = Path(name).resolve()
        if ask and not self.maybe_save():
            return False
        try:
            design = io.load(path)
        except DesignLoadError as error:
            self.show_load_error(path, error)
            self._forget_recent(path)
            return False
        self.load_error = None
        self.document.reset(design)
        self.undo.clear()
        self._set_path(path)
        self._remember_recent(path)
        self.fileOpened.emit()
        return True

    def open_example(self, path: Path) -> bool:
        """A bundled example as a new, untitled design: saving asks where, so the shipped
        file stays as it is."""
        if not self.maybe_save():
            return False
        try:
            design = io.load(path)
        except DesignLoadError as error:
            self.show_load_error(path, error)
            return False
        self.document.reset(design)
        self.undo.clear()
        self._set_path(None)
        self.fileOpened.emit()
        return True

    def restore(self, design: Design, source: Path | None) -> None:
        """Show recovered work: the design as autosaved, unsaved (dirty) until saved."""
        self.document.reset(design)
        self.undo.clear()
        self.undo.stack.resetClean()
        self._set_path(source)
        self.fileOpened.emit()

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self._write(self.path)

    def save_as(self) -> bool:
        start = str(self.path) if self.path else f"{self.document.design.name}{SUFFIX}"
        name, _ = QFileDialog.getSaveFileName(self.window, "Save design as", start, FILE_FILTER)
        if not name:
            return False
        path = Path(name)
        if not path.name.endswith(".json"):
            path = path.with_name(path.name + SUFFIX)
        return self._write(path.resolve())

    def _write(self, path: Path) -> bool:
        try:
            io.save(self.document.design, path)
        except OSError as error:
            QMessageBox.critical(
                self.window, "Save failed", f"Could not save {path}:\n{error.strerror or error}"
            )
            return False
        self.undo.stack.setClean()
        self._set_path(path)
        self._remember_recent(path)
        self.window.statusBar().showMessage(f"Saved {path}", 4000)
        return True

    def revert(self) -> bool:
        if self.path is None or not self.is_dirty:
            return False
        answer = QMessageBox.question(
            self.window,
            "Revert",
            f"Discard your changes and reload {self.path.name} from disk?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Discard:
            return False
        return self.open_path(self.path, ask=False)

    def maybe_save(self) -> bool:
        """True when it is fine to replace the design: saved, discarded or unchanged."""
        if not self.is_dirty:
            return True
        answer = QMessageBox.question(
            self.window,
            "Unsaved changes",
            f"Save the changes to {display_name(self.path)} before closing it?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    # ------------------------------------------------------------------ errors
    def show_load_error(self, path: Path, error: DesignLoadError) -> None:
        """A window-modal, non-blocking dialog: the window stays usable behind it."""
        dialog = QMessageBox(self.window)
        dialog.setIcon(QMessageBox.Icon.Warning)
        dialog.setWindowTitle("Cannot open design")
        dialog.setText(f"{path.name} could not be opened.")
        dialog.setInformativeText("\n".join(str(p) for p in error.problems[:6]))
        dialog.setDetailedText(error.describe(limit=200))
        dialog.setStandardButtons(QMessageBox.StandardButton.Ok)
        dialog.setObjectName("load-error")
        self.load_error = error
        dialog.open()
        self.error_dialog = dialog

    # ------------------------------------------------------------------ recent files
    def recent_files(self) -> list[str]:
        value = self.settings.value("recentFiles", [])
        if isinstance(value, str):  # QSettings gives one entry back as a plain string
            return [value]
        return [str(v) for v in value] if isinstance(value, (list, tuple)) else []

    def _remember_recent(self, path: Path) -> None:
        files = [str(path), *(f for f in self.recent_files() if f != str(path))]
        self.settings.setValue("recentFiles", files[:MAX_RECENT])

    def _forget_recent(self, path: Path) -> None:
        files = self.recent_files()
        if str(path) in files:
            self.settings.setValue("recentFiles", [f for f in files if f != str(path)])

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for index, name in enumerate(files, start=1):
            action = self.recent_menu.addAction(f"&{index % 10} {display_name(Path(name))}")
            action.setToolTip(name)
            action.setStatusTip(name)
            action.triggered.connect(lambda _checked=False, n=name: self.open_path(n))
        if not files:
            self.recent_menu.addAction("No recent files").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(
                "Clear Menu", lambda: self.settings.setValue("recentFiles", [])
            )
