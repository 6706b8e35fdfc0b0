"""`msgflow gui [FILE] [--smoke]`: start the application and show the main window.

`--smoke` opens the window offscreen, renders it once and exits 0: CI proves the whole
window (canvas, panels, icons, theme) builds on a machine without a display.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from designer.qt.icons import icon
from designer.qt.theme import apply_theme

if TYPE_CHECKING:
    from designer.qt.main_window import MainWindow


def _application(smoke: bool) -> QApplication:
    if smoke:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Msgflow Designer")
    app.setOrganizationName("msgflow")
    app.setWindowIcon(icon("app"))
    apply_theme(app)
    return app


def offer_recovery(window: object) -> bool:
    """Offer back the unsaved work of a window that crashed; True when restored."""
    from designer.qt.main_window import MainWindow
    from designer.qt.recovery import orphaned_recoveries

    assert isinstance(window, MainWindow)
    found = orphaned_recoveries()
    if not found:
        return False
    latest = found[0]
    where = latest.source.name if latest.source else "an unsaved design"
    answer = QMessageBox.question(
        window,
        "Recover unsaved work",
        f"Msgflow Designer did not close cleanly. Restore your unsaved changes to "
        f"{where} (autosaved {latest.saved_at.replace('T', ' ')})?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    for recovered in found:  # offered once: the restored design gets a new recovery file
        recovered.file.unlink(missing_ok=True)
    if answer != QMessageBox.StandardButton.Yes:
        return False
    window.files.restore(latest.design, latest.source)
    return True


def create_window(
    file: str | None = None, *, recover: bool = True, settings: QSettings | None = None
) -> MainWindow:
    """The main window, shown, with `file` opened (a load error is shown over it)."""
    from designer.qt.main_window import MainWindow

    window = MainWindow(settings=settings)
    window.show()  # first, so a load-error or recovery dialog appears over the window
    if file:
        window.open_path(Path(file))
    if recover:
        offer_recovery(window)
    return window


def run_app(
    file: str | None,
    smoke: bool = False,
    screenshot: str | None = None,
    select: list[str] | None = None,
    replay: str | None = None,
    focus: bool = False,
) -> int:
    app = _application(smoke)
    scratch, settings = None, None
    if smoke:
        # A smoke run or a README picture shows the window as a new user first sees
        # it: the panel layout this user saved is neither read nor overwritten.
        scratch = tempfile.TemporaryDirectory(prefix="msgflow-smoke-")
        settings = QSettings(str(Path(scratch.name) / "settings.ini"), QSettings.Format.IniFormat)
    window = create_window(file, recover=not smoke, settings=settings)
    if smoke:
        load_error = window.files.load_error if file else None
        if load_error is not None:
            # The window shows it in a dialog; a script must see it too. A picture of
            # an empty window instead of the design asked for is no picture: exit 2.
            print(load_error.describe(), file=sys.stderr)
            if screenshot:
                window.close()
                if scratch is not None:
                    scratch.cleanup()
                return 2
        if screenshot:
            window.resize(1440, 900)  # the README's picture: a laptop-sized window
            app.processEvents()
        if focus:
            window.focus_canvas(True)
            app.processEvents()
        window.canvas.fit_all()
        if select:
            missing = [i for i in select if not window.canvas.scene.thing_exists(i)]
            if missing:
                print(f"msgflow: --select: no card or arrow '{missing[0]}'", file=sys.stderr)
                return 2
            window.select_and_center(select)
        if replay:
            problems: list[str] = []
            window.live.failed.connect(problems.append)
            window.live.replay(replay)
            if problems:
                print(f"msgflow: --replay: {problems[0]}", file=sys.stderr)
                return 2
        app.processEvents()
        image = window.grab()
        if screenshot and not image.save(screenshot, "PNG"):
            print(f"msgflow: cannot write {screenshot}", file=sys.stderr)
            return 2
        window.files.undo.stack.setClean()  # nothing to ask about when quitting
        window.close()
        if scratch is not None:
            scratch.cleanup()
        return 0 if not image.isNull() else 1
    QTimer.singleShot(0, window.canvas.fit_all)
    if replay:
        QTimer.singleShot(0, lambda: window.live.replay(replay))  # its errors: a dialog
    return app.exec()
