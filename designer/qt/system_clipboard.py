"""Putting data on the system clipboard so that quitting afterwards does not crash.

A `QMimeData` made in Python is a PySide wrapper whose C++ destructor calls back into
Python. Handed to the clipboard, Qt owns it and deletes it when the clipboard goes:

- on a desktop (X11, Wayland, Windows, macOS) the platform clipboard goes with the
  QApplication, which PySide deletes while the interpreter still runs: fine, and that is
  also when Qt hands our data to a clipboard manager, so it stays pasteable after we quit;
- on the in-process clipboard of the offscreen, minimal and framebuffer platforms (Qt's
  default `QPlatformClipboard`), the data sits in a C++ static deleted by the C library's
  exit handlers, after Python has finalised: the destructor's call into Python crashes
  the process ("Segmentation fault" after `msgflow gui --smoke` or a headless run, and
  the test suite run in one process).

So at interpreter exit, data of ours still on an in-process clipboard is dropped while
Python can still run its destructor. Such a clipboard says it owns nothing (no other
application can read it); a desktop clipboard that holds our data says it owns it, and
keeps it for the clipboard manager.
"""

from __future__ import annotations

import atexit

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication

_placed: list[QMimeData] = []  # the data we last put on the clipboard (at most one)


def put(data: QMimeData) -> None:
    """Put `data` on the clipboard (Qt takes it over)."""
    if not _placed:
        # Registered after PySide's own exit hook, so it runs first (atexit is LIFO):
        # the QApplication still exists.
        atexit.register(drop_in_process_data)
    _placed[:] = [data]
    QGuiApplication.clipboard().setMimeData(data)


def drop_in_process_data() -> None:
    """Clear the clipboard if it still holds our data and lives in this process only."""
    if not _placed or QGuiApplication.instance() is None:
        return
    ours = _placed.pop()
    clipboard = QGuiApplication.clipboard()
    if clipboard.mimeData() is ours and not clipboard.ownsClipboard():
        clipboard.clear()  # deletes `ours` now, while its destructor can still run
