"""File → Import AsyncAPI…: documents become a new, unsaved design, with a report.

The same engine as `msgflow import asyncapi` (designer.core.importers). The documents
are read and mapped first; only when that worked is the user asked about unsaved
changes, so a bad document never costs the open design. What could not be mapped
exactly is listed in a report dialog (the importer never drops anything silently).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from designer.core import io
from designer.core.errors import DesignLoadError
from designer.core.importers.asyncapi import ImportNote, ImportResult, import_asyncapi
from designer.core.importers.spec_loading import Spec, SpecLoadError
from designer.qt.busy import run_busy

if TYPE_CHECKING:
    from designer.qt.main_window import MainWindow

SPEC_FILTER = "AsyncAPI documents (*.yaml *.yml *.json);;All files (*)"


def _build(names: list[Path]) -> ImportResult:
    specs = [Spec.from_file(name) for name in names]
    result = import_asyncapi(specs)
    # What the window opens must be a design the file format accepts.
    result.design = io.loads(io.dumps(result.design), "<imported>")
    return result


def _notes_html(notes: list[ImportNote], stripe: str) -> str:
    rows = []
    for index, note in enumerate(notes):
        source = html.escape(Path(note.source).name or "(design)")
        shade = f" bgcolor='{stripe}'" if index % 2 else ""
        rows.append(
            f"<tr{shade}><td title='{html.escape(note.source)}'>{source}</td>"
            f"<td><code>{html.escape(note.path)}</code></td><td>{html.escape(note.message)}</td></tr>"
        )
    return (
        "<table cellspacing=0 cellpadding=4 width='100%'>"
        "<tr><th align=left>Document</th><th align=left>Where</th><th align=left>What</th></tr>"
        + "".join(rows)
        + "</table>"
    )


class ImportReportDialog(QDialog):
    """What was imported, and each item the importer could not map exactly."""

    def __init__(self, result: ImportResult, sources: list[Path], parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("import-report")
        self.setWindowTitle("AsyncAPI import report")
        self.notes = list(result.notes)
        # Each source operation and the flows it became: nothing vanishes without a line.
        self.operations = [
            ImportNote(o.source, o.path, f"{o.name} became {', '.join(o.flows) or 'no flow'}")
            for o in result.operations
        ]
        design = result.design
        services = sum(1 for n in design.nodes if n.kind == "service")
        summary = QLabel(
            f"<b>{html.escape(design.name)}</b>: {services} service(s), {len(design.messages)} message(s) "
            f"and {len(design.flows)} flow(s) from {len(sources)} document(s)."
        )
        summary.setWordWrap(True)
        became = (
            f" Below them, the {len(self.operations)} source operation(s) and the flows they became."
            if self.operations
            else ""
        )
        if self.notes:
            detail = QLabel(
                f"{len(self.notes)} item(s) could not be mapped exactly; check them in the "
                f"design before generating code.{became}"
            )
        else:
            detail = QLabel(f"Everything in the documents was mapped.{became}")
        detail.setWordWrap(True)
        # A wrapping table: notes are sentences, and JSON paths can be long.
        self.table = QTextBrowser()
        self.table.setObjectName("import-notes")
        self.table.setOpenLinks(False)
        stripe = self.palette().alternateBase().color().name()
        self.table.setHtml(_notes_html([*self.notes, *self.operations], stripe))
        self.table.setVisible(bool(self.notes or self.operations))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("Copy Report", QDialogButtonBox.ButtonRole.ActionRole)
        copy.setEnabled(bool(self.notes or self.operations))
        copy.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (summary, detail, self.table, buttons):
            layout.addWidget(widget)
        self.resize(940, 460 if self.notes or self.operations else 140)

    def notes_shown(self) -> str:
        return self.table.toPlainText()

    def report_text(self) -> str:
        return "\n".join(str(note) for note in [*self.notes, *self.operations])

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report_text())


def _show_failure(window: MainWindow, error: Exception) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Cannot import",
        "The AsyncAPI documents could not be imported; the open design is unchanged.",
        QMessageBox.StandardButton.Ok,
        window,
    )
    problems: list[str]
    if isinstance(error, (SpecLoadError, DesignLoadError)):
        problems = [str(p) for p in error.problems]
    elif isinstance(error, OSError):
        problems = [f"{error.filename or ''}: {error.strerror or error}"]
    else:
        problems = [str(error) or type(error).__name__]
    box.setInformativeText("\n".join(problems[:6]))
    if len(problems) > 6:
        box.setDetailedText("\n".join(problems))
    box.setObjectName("import-error")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def import_asyncapi_documents(
    window: MainWindow, names: list[str | Path] | None = None
) -> ImportReportDialog | None:
    """Import documents into a new unsaved design; returns the report dialog shown."""
    if names is None:
        start = str(window.settings.value("import/dir", "") or "")
        chosen, _ = QFileDialog.getOpenFileNames(
            window, "Import AsyncAPI documents", start, SPEC_FILTER
        )
        if not chosen:
            return None
        names = list(chosen)
    paths = [Path(n) for n in names]
    try:
        result = run_busy(
            window, "Import", f"Importing {len(paths)} document(s)…", lambda: _build(paths)
        )
    except Exception as error:  # any failure goes to a dialog, never a traceback
        _show_failure(window, error)
        return None
    if not window.files.maybe_save():
        return None
    window.settings.setValue("import/dir", str(paths[0].parent))
    # Opened unsaved (dirty): Save asks where, and closing asks before losing it.
    window.files.restore(result.design, None)
    window.statusBar().showMessage(
        f"Imported {len(paths)} AsyncAPI document(s) as a new design (not saved yet)", 6000
    )
    dialog = ImportReportDialog(result, paths, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
