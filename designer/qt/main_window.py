"""The main window: canvas in the middle, panels docked around it, files and undo.

It only wires parts together; each part lives in its own module: actions.py (menus,
toolbar, shortcuts), files.py, recovery.py, canvas_host.py (the canvas), panels/, the
dialogs. The document is the single source of truth; every edit goes through
`UndoBridge.push` as one core command.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QWidget,
)

from designer.core.arrow_commands import DropPlaces
from designer.core.commands import Macro, MoveNodes
from designer.core.document import Document
from designer.core.layout import auto_layout
from designer.core.layout_selection import arrange_selection
from designer.core.model import Design
from designer.qt import dialogs
from designer.qt.actions import install_actions
from designer.qt.busy import run_busy
from designer.qt.canvas_host import CanvasHost
from designer.qt.context_menus import install_context_menus
from designer.qt.files import FileController
from designer.qt.icons import icon
from designer.qt.live import install_live_mode
from designer.qt.live_validation import LiveValidation
from designer.qt.node_ids import IdFollower, RenameIdDialog
from designer.qt.panels.inspector import InspectorPanel
from designer.qt.panels.inspector_pages import NodePage
from designer.qt.panels.messages import MessagesPanel
from designer.qt.panels.palette import PalettePanel
from designer.qt.panels.problems import ProblemsPanel
from designer.qt.recovery import RecoveryAutosave
from designer.qt.share_menu import install_share_actions
from designer.qt.status import RoutingLabel, SeverityBadges, ZoomLabel
from designer.qt.theme import apply_theme
from designer.qt.undo import UndoBridge
from designer.qt.welcome import WelcomeCard


def app_settings() -> QSettings:
    return QSettings("msgflow", "Msgflow Designer")


class MainWindow(QMainWindow):
    def __init__(self, design: Design | None = None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setWindowIcon(icon("app"))
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        # Side panels run full height; the problems list sits under the canvas only.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.settings = settings if settings is not None else app_settings()
        # The non-modal dialogs currently open (kept so tests and shortcuts can reach them).
        self.find_dialog: QDialog | None = None
        self.generate_dialog: QDialog | None = None
        self.legend_dialog: QDialog | None = None
        self.rename_id_dialog: QDialog | None = None
        self.image_export_dialog: QDialog | None = None
        self.document = Document(design)
        self.undo = UndoBridge(self.document, self)
        self.undo.editFailed.connect(self.show_error)
        self.ids = IdFollower(self.document, self)
        self.undo.adjust = self.ids.adjust
        # Saved (or opened: the stack is clean then too): ids now name things outside.
        self.undo.stack.cleanChanged.connect(lambda clean: self.ids.settle() if clean else None)
        self.canvas = CanvasHost(self.document, self.undo.push, self)
        # Validation is derived state: the document updates it before the canvas and the
        # panels (Document phases), whatever the order they were made in.
        self.validation = LiveValidation(self.document, self)
        self.setCentralWidget(self.canvas.view)
        self.files = FileController(self, self.document, self.undo, self.settings)
        self.files.fileOpened.connect(self._file_opened)
        self.recovery = RecoveryAutosave(self.document, self.undo, lambda: self.files.path, self)
        self._build_panels()
        self.actions_by_name = install_actions(self)
        self.share = install_share_actions(self)  # File → Export/Import, Compare with…
        self.context_menu: QMenu | None = None  # the last right-click menu (tests reach it)
        install_context_menus(self)
        self.welcome = WelcomeCard(self)
        self.live = install_live_mode(self)  # Live → connect to a broker, replay a trace
        self._build_status_bar()
        self.validation.changed.connect(self._diagnostics_changed)
        self._diagnostics_changed()
        self.canvas.selectionChanged.connect(self._selection_changed)
        self.undo.stack.indexChanged.connect(self._undo_index_changed)
        self.undo.stack.cleanChanged.connect(self._update_file_actions)
        self.files.pathChanged.connect(self._update_file_actions)
        self._undo_index_changed()
        self._update_file_actions()
        self._restore_minimap()
        self.canvas.follow_palette(self.palette())
        self.resize(1440, 900)
        # QSettings.value is typed `object`; what was saved here is a QByteArray (or the default).
        self.restoreGeometry(self.settings.value("geometry", b""))  # type: ignore[arg-type]
        state = self.settings.value("windowState", b"")
        if not state or not self.restoreState(state):  # type: ignore[arg-type]
            # Dock sizes only take once the window is laid out.
            QTimer.singleShot(0, self._default_dock_sizes)

    # ------------------------------------------------------------------ building
    def _dock(self, key: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{key}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        self.docks[key] = dock
        return dock

    def _build_panels(self) -> None:
        self.docks: dict[str, QDockWidget] = {}
        self.palette_panel = PalettePanel()
        self.palette_panel.addRequested.connect(self.add_node)
        self.messages_panel = MessagesPanel(self.document, self.undo.push)
        self.messages_panel.messageSelected.connect(self._message_selected)
        self.messages_panel.messageActivated.connect(self._message_activated)
        self.inspector = InspectorPanel(self.document, self.undo.push)
        self.undo.editFailed.connect(self.inspector.note_refusal)
        self.problems_panel = ProblemsPanel(self.validation)
        self.problems_panel.subjectsActivated.connect(self.select_and_center)
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        self._dock("palette", "Palette", self.palette_panel, left)
        self._dock("messages", "Messages", self.messages_panel, left)
        self._dock("inspector", "Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea)
        self._dock(
            "problems", "Problems", self.problems_panel, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.resizeDocks(
            [self.docks["palette"], self.docks["messages"]], [72, 600], Qt.Orientation.Vertical
        )
        self._default_dock_sizes()
        self._unfocused: list[str] = []  # the panels "Focus on Canvas" hid

    def _default_dock_sizes(self) -> None:
        # The canvas gets most of a laptop screen: side panels as narrow as their tables
        # allow; the problems list (wrapped messages) a handful of rows.
        self.resizeDocks(
            [self.docks["palette"], self.docks["inspector"]], [230, 300], Qt.Orientation.Horizontal
        )
        self.resizeDocks([self.docks["problems"]], [190], Qt.Orientation.Vertical)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.zoom_label = ZoomLabel()
        self.badges = SeverityBadges(self.validation)
        self.badges.clicked.connect(lambda _severity: self.show_problems())
        self.routing_label = RoutingLabel()
        bar.addPermanentWidget(self.routing_label)
        bar.addPermanentWidget(self.zoom_label)
        bar.addPermanentWidget(self.badges)
        self.canvas.scene.routingProgress.connect(self.routing_label.set_percent)
        if self.canvas.scene.routing_pending:  # the design opened with the window
            self.routing_label.set_percent(0)
        zoom_changed = getattr(self.canvas.view, "zoomChanged", None)
        if zoom_changed is not None:
            zoom_changed.connect(self.zoom_label.set_percent)

    def _restore_minimap(self) -> None:
        """Where the user put the minimap, and whether they hid it, last time."""
        minimap = self.canvas.view.minimap
        minimap.move_to(str(self.settings.value("minimap/corner", minimap.corner)))
        shown = str(self.settings.value("minimap/shown", "true")) == "true"
        self.actions_by_name["minimap"].setChecked(shown)  # toggles minimap.set_wanted

    # ------------------------------------------------------------------ following
    def _diagnostics_changed(self) -> None:
        # The findings live in `self.validation`; the canvas is handed that list to read.
        self.canvas.set_diagnostics(self.validation.diagnostics)

    def _selection_changed(self) -> None:
        self.inspector.show_selection(self.canvas.selected_ids())

    def _message_selected(self, message_id: str | None) -> None:
        self.canvas.highlight_message(message_id)
        if message_id is not None:
            self.inspector.show_message(message_id)

    def _message_activated(self, message_id: str) -> None:
        flows = [f.id for f in self.document.flows_of_message(message_id)]
        if flows:
            self.canvas.select_and_center(flows)
        self.inspector.show_message(message_id)

    def _file_opened(self) -> None:
        self.inspector.show_design()
        QTimer.singleShot(0, self.canvas.fit_all)

    def _undo_index_changed(self, _index: int = 0) -> None:
        # Toolbar tooltips name the step, like the Edit menu ("Undo Add flow SubmitOrder").
        for key in ("undo", "redo"):
            action = self.actions_by_name[key]
            action.setToolTip(action.text().replace("&", "") + f" ({action.shortcut().toString()})")

    def _update_file_actions(self, _clean: bool = True) -> None:
        # Revert only means something for a saved file with unsaved changes.
        self.actions_by_name["revert"].setEnabled(
            self.files.path is not None and self.files.is_dirty
        )

    def show_error(self, text: str) -> None:
        self.statusBar().showMessage(f"Cannot do that: {text}", 6000)

    # ------------------------------------------------------------------ actions
    def select_and_center(self, ids: list[str]) -> None:
        self.canvas.select_and_center(ids)
        self.inspector.show_selection(
            self.canvas.selected_ids() or [i for i in ids if self.document.has("messages", i)][:1]
        )

    def add_node(self, kind: str) -> None:
        view = self.canvas.view
        centre = view.mapToScene(view.viewport().rect().center())
        self.canvas.add_node(kind, QPointF(centre))

    def delete_selection(self) -> None:
        self.canvas.delete_selection()

    def copy(self) -> None:
        self.canvas.copy()

    def cut(self) -> None:
        self.canvas.copy()
        self.canvas.delete_selection()

    def paste(self) -> None:
        self.canvas.paste()

    def duplicate(self) -> None:
        self.canvas.duplicate()

    def select_all(self) -> None:
        design = self.document.design
        self.canvas.select_ids([*(n.id for n in design.nodes), *(f.id for f in design.flows)])

    def rename_selected(self) -> None:
        nodes = [i for i in self.canvas.selected_ids() if self.document.has("nodes", i)]
        if len(nodes) == 1 and not self.canvas.start_rename(nodes[0]):
            self.inspector.show_selection(nodes)
            page = self.inspector.pages["node"]
            assert isinstance(page, NodePage)
            page.name.setFocus()

    def rename_id(self) -> None:
        nodes = [i for i in self.canvas.selected_ids() if self.document.has("nodes", i)]
        if len(nodes) != 1:
            self.show_error("select one card to rename its id")
            return
        dialog = RenameIdDialog(self, nodes[0])
        self.rename_id_dialog = dialog
        dialog.open()

    def auto_layout(self) -> None:
        # Seconds on a large design (several starts, each routed): on a worker thread, so
        # the window paints and shows a progress dialog instead of freezing.
        design, revision = self.document.design, self.document.revision
        copy = design.detached()  # the worker's own: the document edits its design in place
        arranged = run_busy(self, "Auto layout", "Arranging the cards…", lambda: auto_layout(copy))
        if self.document.revision != revision:  # edited while it ran: its places are stale
            self.statusBar().showMessage(
                "Auto layout: the design changed meanwhile; run it again", 6000
            )
            return
        # Bends and label places were chosen for the old places: they go in the same step.
        steps = [MoveNodes(arranged.layout.nodes), DropPlaces(design.layout.flows)]
        self.undo.push(Macro("Auto layout", steps))
        self.canvas.fit_all()

    def arrange_selection(self) -> None:
        """Auto-layout of the selected cards only; every other card stays in place."""
        chosen = self.canvas.scene.selected_ids()[0]
        if len(chosen) < 2:
            self.statusBar().showMessage("Arrange selection: select two cards or more", 4000)
            return
        design = self.document.design
        moved = arrange_selection(design, chosen)
        touching = [f.id for f in design.flows if f.source in moved or f.target in moved]
        steps = [MoveNodes(moved), DropPlaces(touching)]
        self.undo.push(Macro(f"Arrange {len(moved)} cards", steps))

    def focus_canvas(self, on: bool) -> None:
        """Hide the side panels for the canvas alone; off brings back those it hid."""
        if on:
            self._unfocused = [key for key, dock in self.docks.items() if dock.isVisible()]
            for key in self._unfocused:
                self.docks[key].hide()
        else:
            for key in self._unfocused or list(self.docks):
                self.docks[key].show()
            self._unfocused = []

    def show_problems(self) -> None:
        self.docks["problems"].show()
        self.docks["problems"].raise_()
        self.problems_panel.tree.setFocus()

    def open_find(self) -> None:
        dialogs.find(self)

    def generate(self) -> None:
        dialogs.generate(self)

    def export_image(self) -> None:
        dialogs.export_image(self)

    def show_legend(self) -> None:
        dialogs.legend(self)

    def show_shortcuts(self) -> None:
        dialogs.shortcuts(self)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About Msgflow Designer",
            "<b>Msgflow Designer</b><p>Draw services, actors and the commands, queries and "
            "events between them; validate live; generate services and broker configuration.</p>",
        )

    def set_theme(self, dark: bool | None) -> None:
        # instance() is typed QCoreApplication; a window exists only inside a QApplication.
        apply_theme(QApplication.instance(), dark)  # type: ignore[arg-type]
        self.canvas.follow_palette(QApplication.palette())

    # ------------------------------------------------------------------ window events
    def changeEvent(self, event: QEvent) -> None:
        # The system switched light/dark (theme.apply_theme follows it): the canvas too.
        if event.type() == QEvent.Type.PaletteChange:
            self.canvas.follow_palette(self.palette())
        super().changeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.files.open_path(files[0])

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.maybe_save():
            event.ignore()
            return
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("windowState", self.saveState())
        minimap = self.canvas.view.minimap
        self.settings.setValue("minimap/corner", minimap.corner)
        self.settings.setValue("minimap/shown", "true" if minimap.wanted else "false")
        self.live.stop()  # the live tap's child process ends with its window
        self.recovery.close()
        self.validation.close()
        self.canvas.detach()
        # The stack announces "clean" while it is torn down; nobody is listening any more.
        self.undo.stack.blockSignals(True)
        event.accept()

    def open_path(self, path: str | Path) -> bool:
        return self.files.open_path(path, ask=False)
