"""The Generate dialog: targets, broker, output folder, a preview, then writing.

The preview lists every file the generation would touch and what would happen to it:
new, changed, unchanged, or kept (a user-owned file that exists and is not overwritten).
It is computed from the targets' output without writing anything, so it is the same
plan `msgflow generate --dry-run` prints; writing then follows that plan file by file
with a progress bar.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.core import io
from designer.core.codegen import targets as registry
from designer.core.model import Design

NEW, CHANGED, UNCHANGED, KEPT = "new", "changed", "unchanged", "kept"


@dataclass(frozen=True)
class PlannedFile:
    path: str  # relative to the output folder, `/`-separated
    status: str  # NEW, CHANGED, UNCHANGED or KEPT
    text: str


def plan_files(design: Design, names: list[str], broker: str, out: Path) -> list[PlannedFile]:
    """What generating `names` into `out` would do, without writing anything."""
    options = registry.TargetOptions(broker=broker, extra=dict(design.settings.generate))
    planned: dict[str, PlannedFile] = {}
    for name in names:
        target = registry.get(name)
        for relative, text in sorted(target.render(design, options).items()):
            existing = out / relative
            if not existing.exists():
                status = NEW
            elif target.is_user_file(relative):
                status = KEPT
            elif existing.read_text(encoding="utf-8", errors="replace") == text:
                status = UNCHANGED
            else:
                status = CHANGED
            planned[relative] = PlannedFile(relative, status, text)
    return [planned[key] for key in sorted(planned)]


class GenerateDialog(QDialog):
    def __init__(
        self,
        design: Design,
        source: Path | None,
        settings: QSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Generate code")
        self.setObjectName("generate-dialog")
        self.design, self.settings = design, settings
        self.planned: list[PlannedFile] = []
        self.targets = QListWidget()
        self.targets.setMaximumHeight(130)
        try:
            names = registry.available()
        except Exception as error:  # a broken target module: say so, keep the dialog usable
            names = []
            self.targets.addItem(f"targets unavailable: {error}")
        chosen = set(settings.value("generate/targets", []) or names)
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in chosen else Qt.CheckState.Unchecked)
            item.setToolTip(registry.get(name).help or name)
            self.targets.addItem(item)
        self.targets.itemChanged.connect(lambda _item: self._schedule_preview())
        self.broker = QComboBox()
        self.broker.addItems(list(registry.BROKERS))
        self.broker.setCurrentText(str(settings.value("generate/broker", "rabbitmq")))
        self.broker.setToolTip("The broker generated services talk to")
        self.broker.currentTextChanged.connect(lambda _text: self._schedule_preview())
        default_out = (source.parent / "generated") if source else Path.cwd() / "generated"
        self.output = QLineEdit(str(settings.value("generate/output", str(default_out))))
        self.output.setToolTip("Folder the files are written to")
        self.output.editingFinished.connect(self._schedule_preview)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.output)
        out_row.addWidget(browse)
        self.preview = QTreeWidget()
        self.preview.setHeaderLabels(["File", "Will be"])
        self.preview.setRootIsDecorated(False)
        self.preview.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.preview.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.summary = QLabel()
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setValue(0)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.generate_button = self.buttons.addButton(
            "Generate", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.generate_button.setDefault(True)
        self.buttons.accepted.connect(self.generate)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Targets", self.targets)
        form.addRow("Broker", self.broker)
        form.addRow("Output folder", out_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Preview"))
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.resize(640, 600)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.refresh_preview)
        self.refresh_preview()

    def chosen_targets(self) -> list[str]:
        return [
            self.targets.item(i).text()
            for i in range(self.targets.count())
            if self.targets.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Output folder", self.output.text())
        if folder:
            self.output.setText(folder)
            self._schedule_preview()

    def _schedule_preview(self) -> None:
        self._timer.start()

    def refresh_preview(self) -> None:
        self.preview.clear()
        try:
            self.planned = plan_files(
                self.design,
                self.chosen_targets(),
                self.broker.currentText(),
                Path(self.output.text()),
            )
        except Exception as error:  # a target failing on this design is shown, not raised
            self.planned = []
            self.summary.setText(f"Cannot generate: {error}")
            self.generate_button.setEnabled(False)
            return
        for planned in self.planned:
            row = QTreeWidgetItem(self.preview, [planned.path, planned.status])
            row.setToolTip(0, planned.path)
        counts = {
            s: sum(1 for p in self.planned if p.status == s)
            for s in (NEW, CHANGED, UNCHANGED, KEPT)
        }
        self.summary.setText(
            f"{counts[NEW]} new, {counts[CHANGED]} changed, {counts[UNCHANGED]} unchanged, "
            f"{counts[KEPT]} kept (your files are never overwritten)"
        )
        self.generate_button.setEnabled(bool(self.planned))
        self.progress.setValue(0)

    def generate(self) -> None:
        out = Path(self.output.text())
        to_write = [p for p in self.planned if p.status in (NEW, CHANGED)]
        self.progress.setRange(0, max(1, len(to_write)))
        for done, planned in enumerate(to_write, start=1):
            target = (out / planned.path).resolve()
            if not target.is_relative_to(out.resolve()):
                continue  # never write outside the chosen folder
            target.parent.mkdir(parents=True, exist_ok=True)
            io.write_atomic(target, planned.text.encode("utf-8"), keep_backup=False)
            self.progress.setValue(done)
        self.settings.setValue("generate/targets", self.chosen_targets())
        self.settings.setValue("generate/broker", self.broker.currentText())
        self.settings.setValue("generate/output", str(out))
        self.summary.setText(f"Wrote {len(to_write)} file(s) to {out}")
        self.refresh_preview()
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
