"""The Generate dialog: targets, broker, output folder, a preview, then writing.

The preview lists every file the generation would touch and what would happen to it:
new, changed, unchanged, or kept (a user-owned file that exists and is not overwritten).
It is the codegen plan (`designer.core.codegen.plan`), the same one
`msgflow generate --dry-run` prints; Generate applies exactly that plan.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
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

from designer.core.broker_registry import BROKERS
from designer.core.codegen import targets as registry
from designer.core.codegen.plan import Action, Plan, apply_plan, make_plan
from designer.core.diagnostics import Diagnostic, has_errors
from designer.core.model import Design

_WILL_BE = {
    Action.CREATE: "written (new)",
    Action.UPDATE: "changed",
    Action.UNCHANGED: "kept (unchanged)",
    Action.KEPT: "kept (your file)",
    Action.ORPHANED: "left alone (no longer generated)",
}


def plan_for(design: Design, names: list[str], broker: str, out: Path) -> Plan:
    """The plan `msgflow generate --dry-run` would print for these choices."""
    chosen = [registry.get(name) for name in names]
    options = registry.TargetOptions(broker=broker, extra={})
    return make_plan(design, out, chosen, options)


class GenerateDialog(QDialog):
    def __init__(
        self,
        design: Design,
        source: Path | None,
        settings: QSettings,
        parent: QWidget | None = None,
        diagnostics: list[Diagnostic] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Generate code")
        self.setObjectName("generate-dialog")
        self.design, self.settings = design, settings
        self.diagnostics = diagnostics or []
        self.written: list[str] = []
        self.plan: Plan | None = None
        self.targets = QListWidget()
        self.targets.setMaximumHeight(130)
        try:
            names = registry.available()
        except Exception as error:  # a broken target module: say so, keep the dialog usable
            names = []
            self.targets.addItem(f"targets unavailable: {error}")
        chosen = _names(settings.value("generate/targets", [])) or set(names)
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in chosen else Qt.CheckState.Unchecked)
            item.setToolTip(registry.get(name).help or name)
            self.targets.addItem(item)
        self.targets.itemChanged.connect(lambda _item: self._schedule_preview())
        self.broker = QComboBox()
        self.broker.addItems(list(BROKERS))
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
        self.plan = None
        self.progress.setValue(0)
        try:
            plan = plan_for(
                self.design,
                self.chosen_targets(),
                self.broker.currentText(),
                Path(self.output.text()),
            )
        except Exception as error:  # a target failing on this design is shown, not raised
            self.summary.setText(f"Cannot generate: {error}")
            self.generate_button.setEnabled(False)
            return
        for planned in plan.files:
            row = QTreeWidgetItem(self.preview, [planned.path, _WILL_BE[planned.action]])
            row.setToolTip(0, f"{planned.path} ({planned.owner} file, target {planned.target})")
            row.setToolTip(1, planned.note or _WILL_BE[planned.action])
            if planned.action in (Action.CREATE, Action.UPDATE):
                font = row.font(0)
                font.setBold(True)
                row.setFont(0, font)
        self.plan = plan
        to_write = len(plan.contents)
        self.summary.setText(
            f"{plan.summary()} — {to_write} file(s) to write; files you own are never overwritten"
        )
        if has_errors(self.diagnostics):
            self.summary.setText(
                self.summary.text() + "\nThe design has rule errors: fix them before relying "
                "on the result."
            )
        self.generate_button.setEnabled(to_write > 0)

    def generate(self) -> None:
        if self.plan is None:
            return
        self.progress.setRange(0, 0)  # busy while the writer works
        QApplication.processEvents()
        try:
            written = apply_plan(self.plan)
        except (OSError, ValueError) as error:
            self.progress.setRange(0, 1)
            self.summary.setText(f"Writing failed: {error}")
            return
        self.settings.setValue("generate/targets", self.chosen_targets())
        self.settings.setValue("generate/broker", self.broker.currentText())
        self.settings.setValue("generate/output", self.output.text())
        out = self.plan.out_dir
        self.refresh_preview()
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.summary.setText(f"Wrote {len(written)} file(s) to {out}")
        self.written = written


def _names(setting: object) -> set[str]:
    """A list kept in QSettings: a list, a lone string (one entry) or nothing."""
    if isinstance(setting, str):
        return {setting}
    return {str(v) for v in setting} if isinstance(setting, (list, tuple)) else set()
