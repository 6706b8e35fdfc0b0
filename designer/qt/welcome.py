"""The welcome card over an empty canvas: what to do first, one click away.

A blank dotted canvas tells a new user nothing. While the design has no cards, a card
in the middle of the canvas offers the ways to start (a first service, an example, a
recent file, an AsyncAPI import) and says how to draw. It hides itself as soon as the
design has a card and comes back when the last one is removed or a new design starts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QFrame, QLabel, QMenu, QPushButton, QToolButton, QVBoxLayout

from designer.qt.files import display_name
from designer.resources import examples_dir

if TYPE_CHECKING:
    from designer.qt.main_window import MainWindow

# The examples worth starting from, in the order offered.
EXAMPLES = (
    ("shop.msgflow.json", "Web shop: orders, shipping, loyalty"),
    ("booking.msgflow.json", "Booking: reservations and payments"),
    ("marketplace.msgflow.json", "Marketplace: a larger system with contexts"),
)


class WelcomeCard(QFrame):
    """Centred over the canvas viewport while the design is empty."""

    def __init__(self, window: MainWindow) -> None:
        view = window.canvas.view
        # A child of the view, not of its viewport: the viewport scrolls its children
        # along with the canvas, and the card must stay in the middle.
        super().__init__(view)
        self.window_ = window
        self.setObjectName("welcomeCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 22)
        layout.setSpacing(8)
        title = QLabel("Start a design")
        title.setStyleSheet("font-size: 16pt; font-weight: 600")
        layout.addWidget(title)
        how = QLabel(
            "Add a service, then drag from the edge of one card to another to send it a\n"
            "command, a query or an event. Double-click empty canvas for another service."
        )
        how.setEnabled(False)  # secondary text colour in every theme
        layout.addWidget(how)
        layout.addSpacing(6)
        self.buttons: dict[str, QToolButton] = {}
        self._button("service", "Add a Service", window.actions_by_name["add_service"].trigger)
        self.examples_menu = QMenu(self)
        for name, words in EXAMPLES:
            path = examples_dir() / name
            if path.is_file():
                action = self.examples_menu.addAction(words)
                action.setData(str(path))
        self.examples_menu.triggered.connect(
            lambda action: window.files.open_example(Path(str(action.data())))
        )
        self._button("example", "Open an Example", None).setMenu(self.examples_menu)
        self.recent_menu = QMenu(self)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.recent_menu.triggered.connect(
            lambda action: window.files.open_path(str(action.data())) if action.data() else None
        )
        self._button("recent", "Open Recent", None).setMenu(self.recent_menu)
        self._button("open", "Open a File…", window.actions_by_name["open"].trigger)
        self._button(
            "import",
            "Import AsyncAPI…",
            window.share.actions["import_asyncapi"].trigger,
        )
        for button in self.buttons.values():
            layout.addWidget(button)
        view.installEventFilter(self)
        # Every edit moves the undo index; opening, reverting or a new design opens a file.
        window.undo.stack.indexChanged.connect(self.follow)
        window.files.fileOpened.connect(self.follow)
        self.follow()

    def _button(self, key: str, text: str, slot: Callable[[], object] | None) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setSizePolicy(QPushButton().sizePolicy())
        button.setMinimumWidth(260)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        if slot is not None:
            button.clicked.connect(lambda _checked=False: slot())
        self.buttons[key] = button
        return button

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = self.window_.files
        for name in files.recent_files():
            self.recent_menu.addAction(display_name(Path(name))).setData(name)
        if not self.recent_menu.actions():
            self.recent_menu.addAction("No recent files").setEnabled(False)

    def follow(self, _index: int = 0) -> None:
        """Shown exactly while the design has no cards."""
        empty = not self.window_.document.design.nodes
        self.buttons["recent"].setEnabled(bool(self.window_.files.recent_files()))
        self.setVisible(empty)
        if empty:
            self.place()
            self.raise_()

    def place(self) -> None:
        self.adjustSize()
        area = self.window_.canvas.view.viewport().geometry()
        self.move(area.center().x() - self.width() // 2, area.center().y() - self.height() // 2)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and not self.isHidden():
            # The view lays out its viewport after this filter has seen the event.
            QTimer.singleShot(0, self.place)
        return False
