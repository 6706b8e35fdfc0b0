"""File → Export: the design as a picture, Mermaid, an HTML page, AsyncAPI or EventCatalog.

The same engines as `msgflow export` (designer.core.exporters.export_files and
designer.qt.render.render_design). Each export asks for a file or folder (and the PNG
scale or AsyncAPI broker), shows progress, and reports a failure in a dialog: an export
never takes the window down.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from designer.core.broker_registry import BROKERS
from designer.core.exporters import FOLDER_FORMATS, export_files, write_files
from designer.core.model import Design
from designer.qt.busy import Progress, busy, progress_dialog, run_busy

if TYPE_CHECKING:
    from designer.qt.main_window import MainWindow

BIG_PICTURE = 150  # nodes: a picture this big takes seconds, so show a progress dialog


@dataclass(frozen=True)
class ExportFormat:
    key: str  # the `msgflow export --to` name
    label: str  # menu text
    what: str  # for messages: "exported <what> to ..."
    file_filter: str  # "" for a folder
    suffix: str = ""


FORMATS = (
    ExportFormat("png", "&PNG Image…", "PNG image", "PNG image (*.png)", ".png"),
    ExportFormat("svg", "&SVG Drawing…", "SVG drawing", "SVG drawing (*.svg)", ".svg"),
    ExportFormat("pdf", "P&DF Document…", "PDF", "PDF document (*.pdf)", ".pdf"),
    ExportFormat(
        "mermaid", "&Mermaid…", "Mermaid diagrams", "Markdown with Mermaid (*.md);;Mermaid (*.mmd)"
    ),
    ExportFormat("html", "&HTML Page…", "HTML page", "HTML page (*.html)", ".html"),
    ExportFormat("asyncapi", "&AsyncAPI…", "AsyncAPI documents", ""),
    ExportFormat("eventcatalog", "&EventCatalog…", "EventCatalog", ""),
)
BY_KEY = {f.key: f for f in FORMATS}


def _start_dir(window: MainWindow) -> Path:
    remembered = window.settings.value("export/dir", "")
    if remembered and Path(str(remembered)).is_dir():
        return Path(str(remembered))
    return window.files.path.parent if window.files.path else Path.cwd()


def _stem(window: MainWindow) -> str:
    if window.files.path is not None:
        return window.files.path.name.split(".")[0]
    return window.document.design.name.strip().replace(" ", "-").lower() or "design"


def ask_path(window: MainWindow, fmt: ExportFormat) -> Path | None:
    """The file or folder to export to, or None when the user cancels."""
    start = _start_dir(window)
    if not fmt.file_filter:
        name = QFileDialog.getExistingDirectory(
            window, f"Export {fmt.what} to folder", str(start / f"{_stem(window)}-{fmt.key}")
        )
        return Path(name) if name else None
    suffix = fmt.suffix or ".md"
    name, chosen = QFileDialog.getSaveFileName(
        window, f"Export {fmt.what}", str(start / f"{_stem(window)}{suffix}"), fmt.file_filter
    )
    if not name:
        return None
    path = Path(name)
    if not path.suffix:
        path = path.with_suffix(".mmd" if "*.mmd" in chosen else suffix)
    return path


def ask_broker(window: MainWindow) -> str | None:
    current = str(window.settings.value("generate/broker", "rabbitmq"))
    index = BROKERS.index(current) if current in BROKERS else 0
    broker, ok = QInputDialog.getItem(
        window,
        "Export AsyncAPI",
        "Describe the addresses and bindings of:",
        list(BROKERS),
        index,
        False,
    )
    return broker if ok else None


def _replaces_files(window: MainWindow, folder: Path, files: list[Path]) -> bool:
    """Ask before a folder export overwrites files already there."""
    existing = [f for f in files if f.is_file()]
    if not existing:
        return True
    answer = QMessageBox.question(
        window,
        "Replace files?",
        f"{len(existing)} file(s) in {folder} will be replaced "
        f"(e.g. {existing[0].relative_to(folder)}). Continue?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


def _fail(window: MainWindow, fmt: ExportFormat, path: Path, error: BaseException) -> None:
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "Export failed",
        f"Could not export {fmt.what} to {path}.",
        QMessageBox.StandardButton.Ok,
        window,
    )
    box.setInformativeText(reason or type(error).__name__)
    box.setObjectName("export-error")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()  # non-blocking: the window stays usable behind it


def _render(window: MainWindow, design: Design, fmt: str, path: Path, scale: float) -> list[Path]:
    from designer.qt.render import render_design

    dialog = None
    if len(design.nodes) >= BIG_PICTURE:
        dialog = progress_dialog(window, "Export", f"Drawing {path.name}…")
        dialog.show()
    try:
        with busy(window, f"Drawing {path.name}…"):
            return [render_design(design, path, fmt, scale)]
    finally:
        if dialog is not None:
            dialog.close()


def export_design(
    window: MainWindow,
    key: str,
    path: Path | None = None,
    *,
    scale: float | None = None,
    broker: str | None = None,
) -> list[Path] | None:
    """Export the window's design as `key`; the files written, or None (cancelled/failed)."""
    fmt = BY_KEY[key]
    if key in ("png", "svg", "pdf") and path is None:
        # Pictures have one dialog whichever way they are asked for (Ctrl+E too).
        from designer.qt.image_export import open_image_export

        open_image_export(window, key)
        return None
    if key == "asyncapi" and broker is None:
        broker = ask_broker(window)
        if broker is None:
            return None
    if path is None:
        path = ask_path(window, fmt)
        if path is None:
            return None
    # The export reads a copy: the document may change while a worker thread runs.
    design = window.document.design.model_copy(deep=True)
    try:
        if key in ("png", "svg", "pdf"):
            written = _render(window, design, key, path, scale or 1.0)
        else:
            files = run_busy(
                window,
                "Export",
                f"Exporting {fmt.what}…",
                lambda: export_files(design, key, path, broker or "rabbitmq"),
            )
            if key in FOLDER_FORMATS and not _replaces_files(window, path, list(files)):
                return None
            counter = Progress()
            written = run_busy(
                window,
                "Export",
                f"Writing {fmt.what}",
                lambda: write_files(files, counter),
                counter,
            )
    except Exception as error:  # the window reports any failure; it never shows a traceback
        _fail(window, fmt, path, error)
        return None
    window.settings.setValue("export/dir", str(path if key in FOLDER_FORMATS else path.parent))
    where = path if len(written) != 1 else written[0]
    count = f" ({len(written)} files)" if len(written) != 1 else ""
    window.statusBar().showMessage(f"Exported {fmt.what} to {where}{count}", 6000)
    return written
