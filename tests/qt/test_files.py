"""Files from the window: save/reopen, dirty marker, prompts, load errors, recent, recovery."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QFileDialog, QMessageBox

from designer.core.commands import EditFlow, EditNode
from designer.core.model import Transport
from designer.qt import recovery
from designer.qt.app import create_window
from designer.qt.main_window import MainWindow
from tests.support.window import SHOP, isolate, open_window, shop_design

Button = QMessageBox.StandardButton


def _answer(monkeypatch, button, asked: list | None = None):
    def question(*args, **kwargs):
        if asked is not None:
            asked.append(args[2] if len(args) > 2 else "")
        return button

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))


def test_save_then_reopen_gives_identical_bytes(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.undo.push(EditNode("orders", name="Ordering"))
    assert window.files.save()
    saved = (tmp_path / SHOP.name).read_bytes()
    assert b'"name": "Ordering"' in saved
    assert window.open_path(tmp_path / SHOP.name)
    again = tmp_path / "again.msgflow.json"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(again), ""))
    )
    assert window.files.save_as()
    assert again.read_bytes() == saved
    assert window.windowTitle().startswith("again[*]")


def test_unchanged_example_saves_byte_identical(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.undo.push(EditNode("orders", name="Ordering"))
    window.actions_by_name["undo"].trigger()
    window.files.save()
    assert (tmp_path / SHOP.name).read_bytes() == SHOP.read_bytes()


def test_title_shows_name_and_dirty_marker_following_undo(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    assert window.windowTitle() == "shop[*] — Msgflow Designer"
    assert not window.isWindowModified()
    window.undo.push(EditFlow("f4", transport=Transport.HTTP))
    assert window.isWindowModified()
    window.actions_by_name["undo"].trigger()
    assert not window.isWindowModified()  # back at the saved state


def test_closing_with_unsaved_changes_asks_and_cancel_keeps_the_window(
    qtbot, monkeypatch, tmp_path
):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.undo.push(EditNode("orders", name="Ordering"))
    asked: list = []
    _answer(monkeypatch, Button.Cancel, asked)
    assert not window.close()
    assert window.isVisible() and len(asked) == 1 and "shop" in asked[0]
    _answer(monkeypatch, Button.Save)
    assert window.close()
    assert b"Ordering" in (tmp_path / SHOP.name).read_bytes()


def test_discard_closes_without_writing(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.undo.push(EditNode("orders", name="Ordering"))
    _answer(monkeypatch, Button.Discard)
    assert window.close()
    assert (tmp_path / SHOP.name).read_bytes() == SHOP.read_bytes()


def test_clean_window_closes_without_asking(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    asked: list = []
    _answer(monkeypatch, Button.Cancel, asked)
    assert window.close()
    assert asked == []


def test_broken_file_shows_located_error_and_window_stays_usable(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    broken = tmp_path / "broken.msgflow.json"
    broken.write_text(SHOP.read_text().replace('"to": "shipping"', '"to": "shiping"'))
    assert not window.open_path(broken)
    dialog = window.files.error_dialog
    assert dialog is not None and dialog.isVisible()
    assert "unknown node 'shiping'" in dialog.informativeText()
    assert "$.flows[1].to" in dialog.informativeText()
    dialog.accept()
    assert len(window.document.design.nodes) == 6  # the open design is untouched
    assert window.windowTitle().startswith("shop")
    assert window.undo.push(EditNode("orders", name="Still works"))


def test_recent_files_remember_opened_designs(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    assert window.files.recent_files()[0] == str((tmp_path / SHOP.name).resolve())
    window.files.recent_menu.aboutToShow.emit()
    texts = [a.text() for a in window.files.recent_menu.actions()]
    assert texts[0] == "&1 shop"


def test_revert_reloads_from_disk(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.undo.push(EditNode("orders", name="Ordering"))
    assert window.files.revert()
    assert window.document.node("orders").name == "Order Service"
    assert not window.isWindowModified()


def test_new_starts_empty_after_asking(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.actions_by_name["new"].trigger()
    assert window.document.design.nodes == []
    assert window.windowTitle().startswith("Untitled")


def test_autosave_writes_recovery_file_and_clean_save_removes_it(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.recovery.timer.setInterval(50)
    window.undo.push(EditNode("orders", name="Ordering"))
    qtbot.waitUntil(window.recovery.file.exists, timeout=3000)
    assert "Ordering" in window.recovery.file.read_text()
    window.files.save()
    assert not window.recovery.file.exists()


def test_recovery_is_offered_after_a_crash_and_restores_the_design(qtbot, monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path)
    crashed = shop_design().model_copy(update={"name": "Crashed shop"})
    folder = recovery.recovery_dir()
    folder.mkdir(parents=True)
    dead_pid = 2**22 + 12345  # above the default pid_max: no such process
    source = tmp_path / "shop.msgflow.json"
    recovery.write_recovery(folder / f"session-{dead_pid}.json", crashed, source)
    asked: list = []
    _answer(monkeypatch, Button.Yes, asked)
    window = create_window(None)
    qtbot.addWidget(window)
    assert isinstance(window, MainWindow)
    assert len(asked) == 1 and "shop.msgflow.json" in asked[0]
    assert window.document.design.name == "Crashed shop"
    assert window.files.path == source
    assert window.isWindowModified()  # recovered work is not saved yet
    assert not (folder / f"session-{dead_pid}.json").exists()


def test_recovery_of_a_running_window_is_not_offered(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path)
    folder = recovery.recovery_dir()
    folder.mkdir(parents=True)
    recovery.write_recovery(folder / f"session-{os.getpid()}.json", shop_design(), None)
    assert recovery.orphaned_recoveries() == []


def test_revert_is_enabled_only_with_unsaved_changes_to_a_file(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    revert = window.actions_by_name["revert"]
    assert not revert.isEnabled()
    window.undo.push(EditNode("orders", name="Ordering"))
    assert revert.isEnabled()
    window.files.save()
    assert not revert.isEnabled()
