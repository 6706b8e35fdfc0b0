"""Crash recovery: unsaved work is written to a recovery file after a few idle seconds.

One file per running window (named by process id) in the user's data folder. A clean
save, a clean close or discarding the changes removes it; a file left behind by a process
that is no longer running means that window crashed, and the next start offers it back.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from designer.core import io
from designer.core.document import Document
from designer.core.errors import DesignLoadError
from designer.core.model import Design
from designer.qt.undo import UndoBridge

IDLE_MS = 3000
_FORMAT = "msgflow-recovery"


def recovery_dir() -> Path:
    configured = os.environ.get("MSGFLOW_RECOVERY_DIR")
    if configured:
        return Path(configured)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".msgflow") / "recovery"


@dataclass(frozen=True)
class Recovered:
    file: Path
    design: Design
    source: Path | None
    saved_at: str


def write_recovery(file: Path, design: Design, source: Path | None) -> None:
    payload = {
        "format": _FORMAT,
        "source": str(source) if source else None,
        "saved_at": datetime.now().isoformat(timespec="seconds"),
        "design": io.dumps(design),
    }
    io.write_atomic(file, json.dumps(payload, indent=1).encode("utf-8"), keep_backup=False)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def orphaned_recoveries(folder: Path | None = None) -> list[Recovered]:
    """Recovery files whose window is gone (crashed), newest first; unreadable ones skipped."""
    folder = folder or recovery_dir()
    found = []
    for file in folder.glob("session-*.json"):
        try:
            pid = int(file.stem.removeprefix("session-"))
        except ValueError:
            continue
        if _pid_alive(pid):
            continue
        try:
            payload = json.loads(file.read_text(encoding="utf-8"))
            design = io.loads(payload["design"], str(file))
        except (OSError, ValueError, KeyError, TypeError, DesignLoadError):
            continue
        source = Path(payload["source"]) if payload.get("source") else None
        found.append(Recovered(file, design, source, str(payload.get("saved_at", "?"))))
    return sorted(found, key=lambda r: r.saved_at, reverse=True)


class RecoveryAutosave(QObject):
    """Writes this window's recovery file when the design is dirty and the user pauses."""

    def __init__(
        self,
        document: Document,
        undo: UndoBridge,
        source: Callable[[], Path | None],  # the file being edited
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.document, self.undo, self._source = document, undo, source
        self.file = recovery_dir() / f"session-{os.getpid()}.json"
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(IDLE_MS)
        self.timer.timeout.connect(self.write_now)
        self._unsubscribe = document.subscribe(lambda _changes: self.timer.start())
        undo.stack.cleanChanged.connect(self._clean_changed)

    def write_now(self) -> None:
        if self.undo.stack.isClean():
            self.discard()
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            write_recovery(self.file, self.document.design, self._source())
        except OSError:
            pass  # recovery is best effort: never interrupt editing for it

    def _clean_changed(self, clean: bool) -> None:
        if clean:
            self.discard()

    def discard(self) -> None:
        self.timer.stop()
        self.file.unlink(missing_ok=True)

    def close(self) -> None:
        self.discard()
        self._unsubscribe()
