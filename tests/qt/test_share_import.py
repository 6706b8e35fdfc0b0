"""File → Import AsyncAPI…: documents open as a new unsaved design, with a report."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox

from designer.core.commands import EditNode
from designer.qt.share_import import ImportReportDialog
from tests.support.window import open_window

DATA = Path(__file__).parents[1] / "data" / "asyncapi"
SYSTEM = [DATA / "orders-3.0.yaml", DATA / "customers-3.0.json", DATA / "shipping-2.6.yaml"]


def _choose(monkeypatch, paths: list[Path]) -> None:
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileNames",
        staticmethod(lambda *a: ([str(p) for p in paths], "AsyncAPI documents")),
    )


def _services(window) -> set[str]:
    return {n.name for n in window.document.design.nodes if n.kind == "service"}


def test_three_documents_open_as_one_unsaved_system_design_with_a_report(
    qtbot, monkeypatch, tmp_path
):
    window = open_window(qtbot, monkeypatch, tmp_path)
    _choose(monkeypatch, SYSTEM)
    window.actions_by_name["import_asyncapi"].trigger()
    assert _services(window) == {"Order Service", "Customer Service", "Shipping Service"}
    assert window.document.design.flows  # channels matched across documents
    assert window.files.path is None and window.files.is_dirty  # new, not saved yet
    assert window.isWindowModified()
    assert window.canvas.scene.node_item("orders") is not None  # the canvas shows it
    dialog = window.findChild(ImportReportDialog, "import-report")
    assert dialog is not None and dialog.isVisible()
    shown = dialog.notes_shown()
    assert dialog.notes and all(note.message in shown for note in dialog.notes)
    assert "headers of OrderCreated are not part of a design" in shown
    assert "orders-3.0.yaml" in shown and "shipping-2.6.yaml" in shown
    assert len(dialog.operations) == 6  # every source operation, with its flows
    assert "announceShipment became f" in shown
    dialog.copy_report()
    assert "customers-3.0.json" in QGuiApplication.clipboard().text()
    assert "acceptOrder became f" in QGuiApplication.clipboard().text()


def test_one_document_with_several_servers(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    report = window.share.import_documents([DATA / "multi-server-3.0.yaml"])
    assert _services(window) == {"Telemetry Gateway"}
    assert any("protocol 'mqtt' has no msgflow broker" in str(n) for n in report.notes)


def test_unsaved_changes_are_asked_about_and_cancel_keeps_the_design(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.undo.push(EditNode("orders", name="Orders"))
    asked = []

    def question(*args, **kwargs):
        asked.append(args[1])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    assert window.share.import_documents(SYSTEM) is None
    assert asked == ["Unsaved changes"]
    assert window.document.node("orders").name == "Orders"  # still the edited design
    assert window.files.path is not None
    # Let the window close at teardown without asking again.
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard)
    )
    window.close()


def test_a_broken_document_shows_where_and_keeps_the_open_design(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    before = window.document.design.model_copy(deep=True)
    for bad in ("broken.yaml", "dangling-ref.yaml"):
        assert window.share.import_documents([DATA / "orders-3.0.yaml", DATA / bad]) is None
        box = window.findChild(QMessageBox, "import-error")
        assert box is not None and box.isVisible()
        assert bad in box.informativeText() and "Traceback" not in box.informativeText()
        box.close()
        box.deleteLater()
        qtbot.waitUntil(lambda: window.findChild(QMessageBox, "import-error") is None)
    assert window.document.design == before and not window.files.is_dirty
