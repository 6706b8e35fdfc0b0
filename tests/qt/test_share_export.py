"""File → Export from the window: each format writes a valid file; failures show a dialog."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QToolBar, QToolButton

from tests.support.window import open_window


def _answer_dialogs(monkeypatch, path: Path, choice: str | None = None) -> dict[str, object]:
    """File/folder dialogs answer `path`; a choice list answers `choice`. Records the asks."""
    asked: dict[str, object] = {}

    def save(_parent, title, start, filters):
        asked["save"] = (title, start, filters)
        return str(path), filters.split(";;")[0]

    def folder(_parent, title, start):
        asked["folder"] = (title, start)
        return str(path)

    def item(_parent, title, label, items, current, editable):
        asked["item"] = (title, list(items), current)
        return (choice if choice is not None else items[current]), True

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(folder))
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(item))
    return asked


def _menu(window, title: str):
    return next(a.menu() for a in window.menuBar().actions() if a.text() == title)


def _export(window, key: str) -> None:
    window.actions_by_name[f"export_{key}"].trigger()


def test_file_menu_has_one_export_submenu_with_every_format(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    file_menu = _menu(window, "&File")
    texts = [a.text() for a in file_menu.actions()]
    assert "&Export" in texts and "&Import AsyncAPI…" in texts
    assert "Export &Image…" not in texts  # its formats are in the submenu, not twice
    formats = [a.text().replace("&", "") for a in window.share.export_menu.actions() if a.text()]
    assert formats == [
        "PNG Image…",
        "SVG Drawing…",
        "PDF Document…",
        "Mermaid…",
        "HTML Page…",
        "AsyncAPI…",
        "EventCatalog…",
    ]
    design_menu = _menu(window, "&Design")
    assert window.share.export_menu.menuAction() in design_menu.actions()
    assert window.actions_by_name["export_image"] not in design_menu.actions()
    toolbar = window.findChild(QToolBar, "main-toolbar")
    button = toolbar.widgetForAction(window.actions_by_name["export_image"])
    assert isinstance(button, QToolButton) and button.menu() is window.share.export_menu


def _export_picture(qtbot, window, key: str, out: Path, **options):
    """File → Export → PNG/SVG/PDF: the export dialog, filled in and confirmed by a click."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    _export(window, key)
    dialog = window.image_export_dialog
    assert dialog is not None and dialog.isVisible() and dialog.chosen_format() == key
    dialog.path.setText(str(out))
    for name, value in options.items():
        widget = getattr(dialog, name)
        widget.setChecked(value) if isinstance(value, bool) else widget.setValue(value)
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return dialog


@pytest.mark.parametrize("factor", [1, 3])
def test_png_at_the_chosen_scale(qtbot, monkeypatch, tmp_path, factor):
    window = open_window(qtbot, monkeypatch, tmp_path)
    out = tmp_path / f"shop-{factor}.png"
    _export_picture(qtbot, window, "png", out, scale=float(factor))
    image = QImage(str(out))
    assert not image.isNull()
    one = tmp_path / "one.png"
    from designer.qt.render import render_design

    render_design(window.document.design, one, "png", 1.0)
    assert abs(image.width() - factor * QImage(str(one)).width()) <= factor
    assert str(out) in window.statusBar().currentMessage()


def test_svg_and_pdf(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    svg = tmp_path / "shop.svg"
    _export_picture(qtbot, window, "svg", svg)
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg") and "Order Service" in svg.read_text()
    pdf = tmp_path / "shop.pdf"
    _export_picture(qtbot, window, "pdf", pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]


def test_ctrl_e_and_the_menu_open_the_same_export_dialog(qtbot, monkeypatch, tmp_path):
    from PySide6.QtCore import Qt

    from designer.qt.image_export import ImageExportDialog

    window = open_window(qtbot, monkeypatch, tmp_path)
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    by_key = window.image_export_dialog
    assert isinstance(by_key, ImageExportDialog) and by_key.isVisible()
    by_key.reject()
    _export(window, "png")
    assert isinstance(window.image_export_dialog, ImageExportDialog)
    assert window.image_export_dialog is not by_key and window.image_export_dialog.isVisible()


def test_transparent_selection_only_and_margin(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    whole = tmp_path / "whole.png"
    _export_picture(qtbot, window, "png", whole, scale=1.0, margin=36)
    window.canvas.select_ids(["orders", "customers"])
    part = tmp_path / "part.png"
    _export_picture(
        qtbot, window, "png", part, scale=1.0, margin=0, transparent=True, selection=True
    )
    full, cut = QImage(str(whole)), QImage(str(part))
    assert cut.width() < full.width() * 0.8  # two cards, not the whole design
    assert cut.hasAlphaChannel() and cut.pixelColor(0, cut.height() - 1).alpha() == 0
    assert full.pixelColor(0, 0).alpha() == 255


def test_mermaid_markdown_and_html_page(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    md = tmp_path / "shop.md"
    _answer_dialogs(monkeypatch, md)
    _export(window, "mermaid")
    text = md.read_text()
    assert "```mermaid\nflowchart LR" in text and "sequenceDiagram" in text
    page = tmp_path / "shop.html"
    _answer_dialogs(monkeypatch, page)
    _export(window, "html")
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>") and "Order Service" in html
    assert "<script src=" not in html  # self-contained


def test_a_suffixless_mermaid_name_gets_the_filters_suffix(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    _answer_dialogs(monkeypatch, tmp_path / "diagram")
    _export(window, "mermaid")
    assert (tmp_path / "diagram.md").is_file()


def test_asyncapi_folder_for_the_picked_broker(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    out = tmp_path / "asyncapi"
    asked = _answer_dialogs(monkeypatch, out, "nats")
    _export(window, "asyncapi")
    assert asked["item"][1] == ["rabbitmq", "nats", "kafka", "redis"]
    system = yaml.safe_load((out / "system.asyncapi.yaml").read_text())
    assert system["asyncapi"].startswith("3.") and system["servers"]["nats"]["protocol"] == "nats"
    assert (out / "services" / "orders.asyncapi.yaml").is_file()
    assert "files" in window.statusBar().currentMessage()


def test_eventcatalog_folder_and_replacing_asks_first(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    out = tmp_path / "catalog"
    _answer_dialogs(monkeypatch, out)
    _export(window, "eventcatalog")
    index = out / "services" / "orders" / "index.mdx"
    front = index.read_text().split("---")[1]
    assert yaml.safe_load(front)["id"] == "orders"
    # A second export into the same folder replaces files: only after the user agrees.
    index.write_text("edited by hand")
    asked = []

    def question(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    _export(window, "eventcatalog")
    assert asked and "will be replaced" in asked[0]
    assert index.read_text() == "edited by hand"


def test_cancelling_a_dialog_writes_nothing(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: ("", "")))
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a: ("2×", False)))
    _export(window, "html")
    _export(window, "png")
    window.image_export_dialog.reject()
    assert not [p for p in tmp_path.rglob("*") if p.suffix in (".html", ".png")]


def test_a_failed_export_shows_a_dialog_and_the_window_stays(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    _answer_dialogs(monkeypatch, blocker / "shop.html")  # a folder that is a file
    _export(window, "html")
    box = window.findChild(QMessageBox, "export-error")
    assert box is not None and box.isVisible()
    assert "Could not export HTML page" in box.text() and "Traceback" not in box.informativeText()
    box.close()
    dialog = _export_picture(qtbot, window, "png", blocker / "shop.png")
    assert dialog.isVisible() and "Could not export" in dialog.problem.text()
    assert window.isVisible()
