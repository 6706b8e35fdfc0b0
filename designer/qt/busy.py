"""Feedback while the window works: busy cursor, a status message, a progress dialog.

Exports and imports are pure Python (designer.core), so `run_busy` runs them on a worker
thread and keeps the window painting; a progress dialog appears only when the work
lasts long enough to be noticed, so quick exports do not flash a dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QProgressDialog, QWidget

T = TypeVar("T")
SHOW_AFTER_MS = 400  # a pause shorter than this reads as instant


def progress_dialog(parent: QWidget, title: str, label: str) -> QProgressDialog:
    """A window-modal, busy (indeterminate) dialog without a Cancel button."""
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setCancelButton(None)  # no button: the work cannot be interrupted
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(360)
    dialog.setObjectName("busy-progress")
    return dialog


@contextmanager
def busy(window: QMainWindow, message: str) -> Iterator[None]:
    """Wait cursor and a status bar message for synchronous work on the GUI thread."""
    window.statusBar().showMessage(message)
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    QApplication.processEvents()  # paint the message before the work blocks the loop
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
        window.statusBar().clearMessage()


class Progress:
    """Counts a worker updates and the progress dialog reads (plain ints, no Qt)."""

    def __init__(self) -> None:
        self.done = 0
        self.total = 0

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total


def run_busy(
    window: QMainWindow,
    title: str,
    message: str,
    work: Callable[[], T],
    progress: Progress | None = None,
) -> T:
    """Run `work` on a worker thread; return its result or raise its exception.

    `work` must not touch Qt objects or anything the window may change meanwhile: hand
    it a copy of the design. When it reports to `progress`, the dialog shows a bar.
    """
    with busy(window, message), ThreadPoolExecutor(max_workers=1) as pool:
        future: Future[T] = pool.submit(work)
        loop = QEventLoop()
        dialog: QProgressDialog | None = None

        def show_dialog() -> None:
            nonlocal dialog
            if not future.done():
                dialog = progress_dialog(window, title, message)
                dialog.show()

        def tick() -> None:
            if future.done():
                loop.quit()
            elif dialog is not None and progress is not None and progress.total:
                dialog.setMaximum(progress.total)
                dialog.setValue(progress.done)
                dialog.setLabelText(f"{message} ({progress.done} of {progress.total})")

        poll = QTimer()
        poll.setInterval(25)
        poll.timeout.connect(tick)
        QTimer.singleShot(SHOW_AFTER_MS, show_dialog)
        poll.start()
        if not future.done():
            loop.exec()
        poll.stop()
        if dialog is not None:
            dialog.close()
            dialog.deleteLater()
        return future.result()
