"""Opening a real designer window in tests, isolated from the user's settings and files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from designer.core import io
from designer.qt.main_window import MainWindow
from designer.resources import examples_dir

SHOP = examples_dir() / "shop.msgflow.json"


def isolate(monkeypatch, tmp_path: Path) -> QSettings:
    """Recovery files and settings under tmp_path; prompts answer Discard unless a test says."""
    monkeypatch.setenv("MSGFLOW_RECOVERY_DIR", str(tmp_path / "recovery"))
    # Windows built without explicit settings (create_window) must not touch the user's.
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "config"))
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard)
    )
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def open_window(qtbot, monkeypatch, tmp_path: Path, file: Path | None = SHOP) -> MainWindow:
    """A shown main window on a copy of `file` (the shop example by default)."""
    window = MainWindow(settings=isolate(monkeypatch, tmp_path))
    qtbot.addWidget(window)
    if file is not None:
        copy = tmp_path / file.name
        copy.write_bytes(file.read_bytes())
        assert window.open_path(copy)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts only reach the active window
    return window


def shop_design():
    return io.load(SHOP)
