"""The window's view of the canvas: one small adapter over `designer.qt.canvas`.

The window talks to the canvas only through `CanvasHost` (selection, edits, diagnostics,
highlight, zoom, centring, clipboard), so the main window and panels do not depend on the
canvas's internals.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QMimeData, QObject, QPointF, Signal
from PySide6.QtGui import QGuiApplication, QPalette

from designer.core.commands import Command
from designer.core.diagnostics import Diagnostic
from designer.core.document import Document
from designer.core.model import NodeKind
from designer.qt import system_clipboard
from designer.qt.canvas.scene import DesignScene
from designer.qt.canvas.theme import theme_for_palette
from designer.qt.canvas.view import DesignView

# Copied cards on the system clipboard, so they paste into another window too.
CLIPBOARD_MIME = "application/x-msgflow-nodes"


class CanvasHost(QObject):
    """What the window needs from the canvas."""

    selectionChanged = Signal()
    renameRequested = Signal(str)

    def __init__(
        self, document: Document, push: Callable[[Command], bool], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.document = document
        # The canvas may recreate an item when its model changes, which drops it from the
        # selection; the host keeps the selection by id and, once every view has caught up
        # with a change (phase "settle"), selects those ids again, so the inspector keeps
        # showing what is being edited. The phases make this independent of who subscribed first.
        self._last_selection: list[str] = []
        self._in_change = False
        self._unsubscribe_before = document.subscribe(self._before_change, phase="prepare")
        self._unsubscribe_after = document.subscribe(self._after_change, phase="settle")
        # Owned by this host (so by the window): the scene must not outlive its view.
        self.scene = DesignScene(document, push, parent=self)
        self.scene.selectionChangedIds.connect(lambda _n, _f: self._scene_selection_changed())
        self.scene.renameRequested.connect(self.renameRequested)
        self.view = DesignView(self.scene)

    # ------------------------------------------------------------------ selection
    def _before_change(self, _changes: object) -> None:
        self._in_change = True

    def _after_change(self, _changes: object) -> None:
        self._in_change = False
        wanted = [i for i in self._last_selection if self._exists(i)]
        if set(self.selected_ids()) != set(wanted):
            self.scene.blockSignals(True)
            try:
                self.scene.select_ids(wanted)
            finally:
                self.scene.blockSignals(False)
        if wanted != self._last_selection:
            self._last_selection = wanted
            self.selectionChanged.emit()

    def _exists(self, key: str) -> bool:
        return self.document.has("nodes", key) or self.document.has("flows", key)

    def _scene_selection_changed(self) -> None:
        if self._in_change:
            return  # settled in _after_change
        self._last_selection = self.selected_ids()
        self.selectionChanged.emit()

    def selected_ids(self) -> list[str]:
        nodes, flows = self.scene.selected_ids()
        return [*nodes, *flows]

    def select_ids(self, ids: Iterable[str]) -> None:
        self.scene.select_ids(list(ids))

    def select_and_center(self, ids: Sequence[str]) -> None:
        self.select_ids(ids)
        self.center_on_ids(ids)

    # ------------------------------------------------------------------ edits
    def add_node(self, kind: str, scene_pos: QPointF) -> str | None:
        node_id = self.scene.edits.add_node(NodeKind(kind), scene_pos)
        if node_id is not None:
            self.select_ids([node_id])
        return node_id

    def delete_selection(self) -> None:
        self.scene.edits.delete_selection()

    def copy(self) -> None:
        payload = self.scene.edits.copy_selection()
        if not payload or not payload.get("nodes"):
            return
        data = QMimeData()
        data.setData(CLIPBOARD_MIME, json.dumps(payload).encode("utf-8"))
        data.setText(json.dumps(payload, indent=1))
        system_clipboard.put(data)

    def paste(self) -> None:
        data = QGuiApplication.clipboard().mimeData()
        if data is None or not data.hasFormat(CLIPBOARD_MIME):
            return
        try:
            payload = json.loads(bytes(data.data(CLIPBOARD_MIME).data()).decode("utf-8"))
        except ValueError:
            return
        self.scene.edits.paste(payload)

    def duplicate(self) -> None:
        self.scene.edits.duplicate_selection()

    # ------------------------------------------------------------------ decorations
    def set_diagnostics(self, diagnostics: Sequence[Diagnostic]) -> None:
        # Most edits change no finding, and re-badging thousands of items costs a visible
        # pause; items an edit rebuilt get their badges back from the scene itself.
        if diagnostics != self.scene.diagnostics:
            self.scene.set_diagnostics(diagnostics)

    def highlight_message(self, message_id: str | None) -> None:
        self.scene.highlight_message(message_id)

    def follow_palette(self, palette: QPalette) -> None:
        self.scene.set_theme(theme_for_palette(palette))
        self.view.viewport().update()

    # ------------------------------------------------------------------ view
    def center_on_ids(self, ids: Sequence[str]) -> None:
        self.view.center_on_ids(list(ids))

    def fit_all(self) -> None:
        self.view.fit_all()

    def zoom_100(self) -> None:
        self.view.zoom_100()

    def zoom_by(self, factor: float) -> None:
        self.view.zoom_by(factor)

    def zoom_percent(self) -> int:
        return int(self.view.zoom_percent())

    def set_snap(self, on: bool) -> None:
        self.view.set_snap(on)

    def start_rename(self, node_id: str) -> bool:
        return bool(self.view.start_rename(node_id))

    def detach(self) -> None:
        """Stop following the document (the window is closing)."""
        self.scene.detach()
        self._unsubscribe_before()
        self._unsubscribe_after()
