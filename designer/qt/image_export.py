"""One dialog for exporting the diagram as a picture, whichever way it is asked for.

Ctrl+E, File → Export Image… and File → Export → PNG/SVG/PDF all open this dialog:
format, scale, transparent background, only the selected cards, margin and the file,
in one place (they used to differ: one asked "Pixels per point" in a separate prompt).
The picture is drawn by `render.render_design` with the canvas's own items.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

if TYPE_CHECKING:
    from designer.qt.main_window import MainWindow

FORMAT_WORDS = {"png": "PNG image", "svg": "SVG drawing", "pdf": "PDF document"}


class ImageExportDialog(QDialog):
    def __init__(self, window: MainWindow, fmt: str = "png") -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("Export image")
        self.setObjectName("image-export-dialog")
        self.written: Path | None = None
        settings = window.settings
        self.format = QComboBox()
        for key, words in FORMAT_WORDS.items():
            self.format.addItem(words, key)
        self.format.setCurrentIndex(max(self.format.findData(fmt), 0))
        self.scale = QDoubleSpinBox()
        self.scale.setRange(0.25, 8.0)
        self.scale.setSingleStep(0.5)
        self.scale.setSuffix(" × (pixels per point)")
        self.scale.setValue(float(str(settings.value("export/scale", 2.0))))
        self.transparent = QCheckBox("Transparent background")
        self.transparent.setChecked(str(settings.value("export/transparent", "false")) == "true")
        self.selection = QCheckBox("Only the selected cards (and the arrows between them)")
        self.selected = [i for i in window.canvas.selected_ids() if window.document.has("nodes", i)]
        self.selection.setEnabled(bool(self.selected))
        self.selection.setChecked(bool(self.selected))
        if not self.selected:
            self.selection.setToolTip("Select cards on the canvas first")
        self.margin = QSpinBox()
        self.margin.setRange(0, 400)
        self.margin.setSuffix(" pt")
        self.margin.setValue(int(str(settings.value("export/margin", 36))))
        self.path = QLineEdit(str(self._default_path(fmt)))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Scale", self.scale)
        form.addRow("", self.transparent)
        form.addRow("", self.selection)
        form.addRow("Margin", self.margin)
        form.addRow("File", path_row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Export")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.format.currentIndexChanged.connect(self._format_changed)
        self._format_changed()

    def chosen_format(self) -> str:
        return str(self.format.currentData())

    def _default_path(self, fmt: str) -> Path:
        files = self.window_.files
        stem = files.path.name.split(".")[0] if files.path else "design"
        folder = (
            Path(str(self.window_.settings.value("export/dir", ""))) if not files.path else None
        )
        base = files.path.parent if files.path else (folder or Path.cwd())
        return base / f"{stem}.{fmt}"

    def _format_changed(self, _index: int = 0) -> None:
        fmt = self.chosen_format()
        self.scale.setEnabled(fmt == "png")  # vector formats scale without loss
        self.transparent.setEnabled(fmt != "pdf")  # a PDF page is white paper
        current = Path(self.path.text())
        if current.suffix.lstrip(".").lower() in FORMAT_WORDS:
            self.path.setText(str(current.with_suffix(f".{fmt}")))

    def _browse(self) -> None:
        fmt = self.chosen_format()
        name, _ = QFileDialog.getSaveFileName(
            self, "Export image", self.path.text(), f"{FORMAT_WORDS[fmt]} (*.{fmt})"
        )
        if name:
            self.path.setText(name if Path(name).suffix else f"{name}.{fmt}")

    def accept(self) -> None:
        from designer.qt.render import only_nodes, render_design

        fmt, path = self.chosen_format(), Path(self.path.text().strip())
        design = self.window_.document.design.model_copy(deep=True)
        if self.selection.isChecked() and self.selected:
            design = only_nodes(design, set(self.selected))
        try:
            render_design(
                design,
                path,
                fmt,
                self.scale.value() if fmt == "png" else 1.0,
                transparent=self.transparent.isChecked() and fmt != "pdf",
                margin=float(self.margin.value()),
            )
        except (OSError, ValueError) as error:
            self.problem.setText(f"Could not export {path}: {error}")
            return
        settings = self.window_.settings
        settings.setValue("export/scale", self.scale.value())
        settings.setValue("export/transparent", "true" if self.transparent.isChecked() else "false")
        settings.setValue("export/margin", self.margin.value())
        settings.setValue("export/dir", str(path.parent))
        self.written = path
        self.window_.statusBar().showMessage(f"Exported {path}", 6000)
        super().accept()


def open_image_export(window: MainWindow, fmt: str = "png") -> ImageExportDialog:
    dialog = ImageExportDialog(window, fmt)
    window.image_export_dialog = dialog
    dialog.open()
    return dialog
