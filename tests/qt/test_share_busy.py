"""Feedback during exports and imports: a progress dialog only when the work is slow."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QProgressDialog


def _progress(window: QMainWindow) -> QProgressDialog | None:
    dialog = window.findChild(QProgressDialog, "busy-progress")
    return dialog if dialog is not None and dialog.isVisible() else None


def test_slow_work_shows_a_progress_dialog_and_keeps_the_window_painting(qtbot):
    from designer.qt.busy import run_busy

    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    seen: dict[str, object] = {}
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)

    def look() -> None:
        seen["dialog"] = _progress(window)
        seen["status"] = window.statusBar().currentMessage()
        seen["cursor"] = QApplication.overrideCursor() is not None

    QTimer.singleShot(700, look)

    def work() -> str:
        seen["thread"] = threading.current_thread() is not threading.main_thread()
        time.sleep(1.0)
        return "done"

    assert run_busy(window, "Export", "Exporting HTML page…", work) == "done"
    timer.stop()
    assert seen["thread"]  # off the GUI thread
    assert seen["dialog"] is not None and seen["dialog"].labelText() == "Exporting HTML page…"
    assert seen["status"] == "Exporting HTML page…" and seen["cursor"]
    assert len(ticks) > 10  # the event loop ran meanwhile
    assert _progress(window) is None and QApplication.overrideCursor() is None


def test_quick_work_shows_no_dialog_and_errors_reach_the_caller(qtbot):
    from designer.qt.busy import run_busy

    window = QMainWindow()
    qtbot.addWidget(window)
    assert run_busy(window, "Export", "Exporting…", lambda: 42) == 42
    qtbot.wait(500)
    assert window.findChild(QProgressDialog, "busy-progress") is None

    def fail() -> None:
        raise ValueError("no such format")

    with pytest.raises(ValueError, match="no such format"):
        run_busy(window, "Export", "Exporting…", fail)
    assert QApplication.overrideCursor() is None


def test_reported_progress_fills_the_bar(qtbot):
    from designer.qt.busy import Progress, run_busy

    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    progress = Progress()
    seen = []
    QTimer.singleShot(
        800, lambda: seen.append((_progress(window).maximum(), _progress(window).labelText()))
    )

    def work() -> None:
        for done in range(1, 11):
            progress(done, 10)
            time.sleep(0.12)

    run_busy(window, "Export", "Writing EventCatalog", work, progress)
    maximum, label = seen[0]
    assert maximum == 10 and label.startswith("Writing EventCatalog (") and "of 10)" in label
