"""Node ids in the window: they follow the name while nothing depends on them yet, then
change only through "Rename id…", which shows what that renames on the broker.

A new card gets a generic id (`service-6`) that will name its queues. Until the design
is saved or generated nothing outside the window knows that id, so renaming the card
("Order Service") renames the id too (`order-service`), in the same undo step. Once the
design has been saved or generated, ids stay put: a changed id would orphan queues,
streams and generated packages, so it takes the explicit dialog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from designer.core.channels import slug
from designer.core.commands import AddNode, Command, EditNode, Macro
from designer.core.document import Document
from designer.core.node_ids import ChangeNodeId, broker_changes, node_id_problem
from designer.core.unique_names import unique_name

if TYPE_CHECKING:
    from designer.qt.main_window import MainWindow


class IdFollower(QObject):
    """Remembers the cards added since the last save or generation; renaming one of
    them renames its id along (see `adjust`, called on every command pushed)."""

    def __init__(self, document: Document, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.fresh: set[str] = set()

    def settle(self, *_args: object) -> None:
        """Saved, generated or opened: from now on ids change only on request."""
        self.fresh.clear()

    def adjust(self, command: Command) -> Command:
        """`command`, or a Macro that also moves a fresh card's id after its new name."""
        self._note_added(command)
        if not (isinstance(command, EditNode) and set(command.changes) == {"name"}):
            return command
        old = command.node_id
        if old not in self.fresh or self.document.get("nodes", old) is None:
            return command
        others = {n.id for n in self.document.design.nodes if n.id != old}
        new = unique_name(slug(str(command.changes["name"])), others)
        if new == old:
            return command
        self.fresh.discard(old)
        self.fresh.add(new)
        # The id first: every view then hears of the renamed card under its final id.
        return Macro(command.text, [ChangeNodeId(old, new), EditNode(new, **command.changes)])

    def _note_added(self, command: Command) -> None:
        if isinstance(command, AddNode):
            self.fresh.add(command.node.id)
        for child in getattr(command, "children", ()):
            if isinstance(child, Command):
                self._note_added(child)


class RenameIdDialog(QDialog):
    """Asks for a node's new id, refuses unusable ones, shows the broker renames."""

    def __init__(self, window: MainWindow, node_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.window_, self.node_id = window, node_id
        node = window.document.node(node_id)
        self.setWindowTitle(f"Rename id of {node.name}")
        self.edit = QLineEdit(node_id)
        self.edit.selectAll()
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.changes = QListWidget()
        self.changes.setMinimumHeight(120)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Rename id")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Current id", QLabel(f"<b>{node_id}</b>"))
        form.addRow("New id", self.edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(QLabel("Renamed on the broker (queues, subjects, streams, routes):"))
        layout.addWidget(self.changes)
        warning = QLabel(
            "Running services and declared queues keep the old names: redeploy and run "
            "`msgflow broker apply` after regenerating."
        )
        warning.setWordWrap(True)
        warning.setEnabled(False)
        layout.addWidget(warning)
        layout.addWidget(self.buttons)
        self.edit.textChanged.connect(self._check)
        self._check(node_id)
        self.resize(520, 380)

    def _check(self, text: str) -> None:
        new = text.strip()
        design = self.window_.document.design
        problem = node_id_problem(design, self.node_id, new)
        same = new == self.node_id
        self.problem.setText(problem or ("" if not same else "Type the new id."))
        self.changes.clear()
        if problem is None and not same:
            for before, after in broker_changes(design, self.node_id, new):
                self.changes.addItem(f"{before}  →  {after}")
            if not self.changes.count():
                self.changes.addItem("nothing: no arrow of this card names it")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(problem is None and not same)

    def accept(self) -> None:
        new = self.edit.text().strip()
        design = self.window_.document.design
        if node_id_problem(design, self.node_id, new) is None and self.window_.undo.push(
            ChangeNodeId(self.node_id, new)
        ):
            self.window_.canvas.select_ids([new])
            super().accept()
