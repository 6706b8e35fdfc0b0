"""The window's smaller dialogs (export image, legend, shortcuts) and dialog launchers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QMessageBox, QVBoxLayout

if TYPE_CHECKING:
    from designer.qt.main_window import MainWindow


def find(window: MainWindow) -> None:
    from designer.qt.find_dialog import FindDialog

    dialog = FindDialog(window)
    window.find_dialog = dialog
    dialog.open()
    dialog.query.setFocus()


def generate(window: MainWindow) -> None:
    from designer.qt.generate_dialog import GenerateDialog

    dialog = GenerateDialog(
        # A copy: the plan is worked out on another thread while the window lives on.
        window.document.design.model_copy(deep=True),
        window.files.path,
        window.settings,
        window,
        diagnostics=window.validation.diagnostics,
    )
    dialog.wrote.connect(window.ids.settle)
    window.generate_dialog = dialog
    dialog.open()


def export_image(window: MainWindow, path: str | None = None, scale: float = 2.0) -> bool:
    """Save the diagram as PNG or SVG with the same items the canvas draws."""
    from designer.qt.render import render_design

    if path is None:  # asked from the window: the one export dialog (image_export.py)
        from designer.qt.image_export import open_image_export

        open_image_export(window)
        return False
    fmt = "svg" if path.lower().endswith(".svg") else "png"
    try:
        render_design(window.document.design, path, fmt, scale)
    except (OSError, ValueError) as error:
        QMessageBox.critical(window, "Export image", f"Could not export {path}:\n{error}")
        return False
    window.statusBar().showMessage(f"Exported {path}", 4000)
    return True


def legend(window: MainWindow) -> None:
    from designer.qt.canvas.legend import LegendWidget

    widget = LegendWidget()
    dialog = QDialog(window)
    dialog.setWindowTitle("Arrow legend")
    QVBoxLayout(dialog).addWidget(widget)
    window.legend_dialog = dialog
    dialog.show()


def shortcuts(window: MainWindow) -> None:
    rows = []
    for action in window.actions_by_name.values():
        keys = ", ".join(
            k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()
        )
        if keys:
            rows.append(f"<tr><td>{action.text().replace('&', '')}</td><td><b>{keys}</b></td></tr>")
    extra = [
        ("Pan", "middle-drag, or Space + drag"),
        ("Scroll", "wheel or trackpad (Shift + wheel: sideways)"),
        ("Zoom", "Ctrl + wheel, or pinch"),
        ("New flow", "drag from a card's edge to another card, then C / Q / E"),
        ("Add a service", "double-click empty canvas"),
    ]
    rows += [f"<tr><td>{a}</td><td><b>{b}</b></td></tr>" for a, b in extra]
    QMessageBox.information(
        window, "Keyboard shortcuts", "<table cellspacing=4>" + "".join(rows) + "</table>"
    )
