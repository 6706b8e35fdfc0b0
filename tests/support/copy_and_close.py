"""A user's short session, scripted: open FILE in the designer, wait until the window is
up and its arrows are being routed, copy every card, close the window, quit.

Run as a program (`python copy_and_close.py FILE SETTINGS_INI`) by tests that check the
process then exits cleanly: the window's exit code is this program's. It exits 3 when
the session did not go as scripted (the routing had already ended, nothing was copied).
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from designer.qt.app import create_window
from designer.qt.canvas_host import CLIPBOARD_MIME


def main(file: str, settings_file: str) -> int:
    app = QApplication(sys.argv[:1])
    settings = QSettings(settings_file, QSettings.Format.IniFormat)
    window = create_window(file, recover=False, settings=settings)
    scene = window.canvas.scene
    if not scene.routing_pending:
        print("copy_and_close: the design opened routed; want a big one", file=sys.stderr)
        return 3
    went_wrong: list[str] = []

    def copy_then_close() -> None:
        if not scene.routing_pending:
            went_wrong.append("the routing ended before the window closed")
        window.actions_by_name["select_all"].trigger()
        window.actions_by_name["copy"].trigger()
        copied = QApplication.clipboard().mimeData()
        if copied is None or not copied.hasFormat(CLIPBOARD_MIME):
            went_wrong.append("Copy put no cards on the clipboard")
        window.close()  # the last window: the application quits

    def routing_under_way(percent: int) -> None:
        if 0 < percent < 100 and not scheduled:
            scheduled.append(percent)
            QTimer.singleShot(0, copy_then_close)  # from an event, as a user would

    # Once a few routing slices ran between events, as while the user looks around.
    scheduled: list[int] = []
    scene.routingProgress.connect(routing_under_way)
    code = app.exec()
    if went_wrong:
        print(f"copy_and_close: {went_wrong[0]}", file=sys.stderr)
        return 3
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
