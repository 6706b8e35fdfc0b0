"""The Generate dialog: targets, broker, output folder, a preview, then writing.

The preview lists every file the generation would touch and what would happen to it:
new, changed, unchanged, or kept (a user-owned file that exists and is not overwritten).
It is the codegen plan (`designer.core.codegen.plan`), the same one
`msgflow generate --dry-run` prints; Generate applies exactly that plan.

Working the plan out renders every template (most of a second for a small design), so
it runs on a worker thread: the dialog opens at once and the preview follows. Targets
are named in words; a broker's configuration target is ticked only for the chosen
broker.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, QThreadPool, QTimer, Signal
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


# What each target gives, in words (the registry's ids are for the command line).
TARGET_WORDS = {
    "python": "Python services (FastStream / FastAPI skeletons)",
    "rabbitmq": "RabbitMQ configuration (definitions.json)",
    "nats": "NATS JetStream configuration (streams and consumers)",
    "kafka": "Kafka configuration (topics for kafka-gitops)",
    "compose": "Docker Compose (the broker and one container per service)",
    "asyncapi": "AsyncAPI documents (one per service and one for the system)",
}


def target_words(name: str) -> str:
    return TARGET_WORDS.get(name, name)


def broker_targets(names: list[str]) -> set[str]:
    """The targets that configure one particular broker (named after it)."""
    return {name for name in names if name in BROKERS}


class _PlanResult(QObject):
    """Carries a plan worked out on a worker thread back to the dialog's thread."""

    done = Signal(int, object)  # request number, Plan or the Exception raised


def plan_for(design: Design, names: list[str], broker: str, out: Path) -> Plan:
    """The plan `msgflow generate --dry-run` would print for these choices."""
    chosen = [registry.get(name) for name in names]
    options = registry.TargetOptions(broker=broker, extra={})
    return make_plan(design, out, chosen, options)


class GenerateDialog(QDialog):
    wrote = Signal()  # files were generated: ids now name things outside the design

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
        broker = str(settings.value("generate/broker", "rabbitmq"))
        # First time: everything except the configuration of brokers not chosen.
        chosen = _names(settings.value("generate/targets", [])) or (
            set(names) - broker_targets(names) | ({broker} & set(names))
        )
        self._broker_targets = broker_targets(names)
        for name in names:
            item = QListWidgetItem(target_words(name))
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in chosen else Qt.CheckState.Unchecked)
            item.setToolTip(f"{registry.get(name).help or name} (--target {name})")
            self.targets.addItem(item)
        self.targets.itemChanged.connect(lambda _item: self._schedule_preview())
        self.broker = QComboBox()
        self.broker.addItems(list(BROKERS))
        self.broker.setCurrentText(broker)
        self.broker.setToolTip("The broker generated services talk to")
        self.broker.currentTextChanged.connect(self._broker_changed)
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
        self._timer.timeout.connect(self._refresh_in_background)
        self._requests = 0  # numbers plan requests: only the latest one is shown
        self._result = _PlanResult(self)
        self._result.done.connect(self._show_plan)
        self.summary.setText("Working out what would be written…")
        self.generate_button.setEnabled(False)
        QTimer.singleShot(0, self._refresh_in_background)

    def chosen_targets(self) -> list[str]:
        return [
            str(self.targets.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.targets.count())
            if self.targets.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _broker_changed(self, broker: str) -> None:
        """Tick the chosen broker's configuration, untick the other brokers'."""
        self.targets.blockSignals(True)
        for i in range(self.targets.count()):
            item = self.targets.item(i)
            name = str(item.data(Qt.ItemDataRole.UserRole))
            if name in self._broker_targets:
                on = name == broker
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.targets.blockSignals(False)
        self._schedule_preview()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Output folder", self.output.text())
        if folder:
            self.output.setText(folder)
            self._schedule_preview()

    def _schedule_preview(self) -> None:
        self._timer.start()

    def refresh_preview(self, background: bool = False) -> None:
        """Work the plan out for the current choices: on a worker thread when
        `background`, else right away (tests, and after writing)."""
        self._requests += 1
        request = self._requests
        self.plan = None
        self.generate_button.setEnabled(False)
        args = (
            self.design,
            self.chosen_targets(),
            self.broker.currentText(),
            Path(self.output.text()),
        )
        if not background:
            self._show_plan(request, _plan_or_error(*args))
            return
        self.summary.setText("Working out what would be written…")
        result = self._result

        def job() -> None:
            outcome = _plan_or_error(*args)
            with contextlib.suppress(RuntimeError):  # the dialog was closed meanwhile
                result.done.emit(request, outcome)

        QThreadPool.globalInstance().start(job)

    def _refresh_in_background(self) -> None:
        self.refresh_preview(background=True)

    def wait_for_preview(self, timeout_ms: int = 30_000) -> bool:
        """Until the background plan is shown (for tests and scripts)."""
        pool = QThreadPool.globalInstance()
        for _ in range(max(timeout_ms // 50, 1)):
            QApplication.processEvents()  # starts a scheduled plan, delivers a finished one
            if self.plan is not None and not self._timer.isActive():
                return True
            pool.waitForDone(50)
        return self.plan is not None

    def _show_plan(self, request: int, plan: object) -> None:
        if request != self._requests:
            return  # the choices changed meanwhile: a newer plan is on its way
        self.preview.clear()
        self.progress.setValue(0)
        if not isinstance(plan, Plan):  # a target failing on this design is shown, not raised
            self.summary.setText(f"Cannot generate: {plan}")
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
        plan = self.plan  # the plan shown is the plan written
        if plan is None:
            return
        self._timer.stop()
        self.progress.setRange(0, 0)  # busy while the writer works
        QApplication.processEvents()
        try:
            written = apply_plan(plan)
        except (OSError, ValueError) as error:
            self.progress.setRange(0, 1)
            self.summary.setText(f"Writing failed: {error}")
            return
        self.settings.setValue("generate/targets", self.chosen_targets())
        self.settings.setValue("generate/broker", self.broker.currentText())
        self.settings.setValue("generate/output", self.output.text())
        out = plan.out_dir
        self.refresh_preview()
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.summary.setText(f"Wrote {len(written)} file(s) to {out}")
        self.written = written
        self.wrote.emit()


def _plan_or_error(design: Design, names: list[str], broker: str, out: Path) -> Plan | Exception:
    try:
        return plan_for(design, names, broker, out)
    except Exception as error:  # shown in the dialog (a target failing on this design)
        return error


def _names(setting: object) -> set[str]:
    """A list kept in QSettings: a list, a lone string (one entry) or nothing."""
    if isinstance(setting, str):
        return {setting}
    return {str(v) for v in setting} if isinstance(setting, (list, tuple)) else set()
