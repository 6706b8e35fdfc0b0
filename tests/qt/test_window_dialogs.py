"""Generate and Export Image from the window, wired to the core engines."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from designer.qt import dialogs
from tests.support.window import open_window


def _only(dialog, names: set[str]) -> None:
    for index in range(dialog.targets.count()):
        item = dialog.targets.item(index)
        name = item.data(Qt.ItemDataRole.UserRole)
        item.setCheckState(Qt.CheckState.Checked if name in names else Qt.CheckState.Unchecked)


def test_generate_previews_then_writes_then_reports_unchanged(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.actions_by_name["generate"].trigger()
    dialog = window.generate_dialog
    assert dialog.isVisible()
    out = tmp_path / "out"
    dialog.output.setText(str(out))
    _only(dialog, {"python", "rabbitmq"})
    dialog.refresh_preview()
    rows = [dialog.preview.topLevelItem(i) for i in range(dialog.preview.topLevelItemCount())]
    assert rows and all(row.text(1) == "written (new)" for row in rows)
    assert any(row.text(0).endswith(".py") for row in rows)
    assert not out.exists()  # the preview writes nothing
    dialog.generate()
    assert dialog.written and (out / dialog.written[0]).is_file()
    assert dialog.progress.value() == dialog.progress.maximum()
    statuses = {
        dialog.preview.topLevelItem(i).text(1) for i in range(dialog.preview.topLevelItemCount())
    }
    assert "written (new)" not in statuses and "changed" not in statuses
    assert not dialog.generate_button.isEnabled()  # nothing left to write


def test_generate_preview_keeps_a_file_the_user_owns(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.generate()
    dialog = window.generate_dialog
    out = tmp_path / "out"
    dialog.output.setText(str(out))
    _only(dialog, {"python"})
    dialog.refresh_preview()
    dialog.generate()
    kept = [
        dialog.preview.topLevelItem(i).text(1) for i in range(dialog.preview.topLevelItemCount())
    ]
    assert "kept (your file)" in kept


def test_generate_opens_before_its_plan_names_targets_and_ticks_one_broker(
    qtbot, monkeypatch, tmp_path
):
    window = open_window(qtbot, monkeypatch, tmp_path)
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    dialog = window.generate_dialog
    assert dialog.isVisible()
    # Shown before any plan exists: the plan is worked out on a worker thread.
    assert dialog.plan is None and "Working out" in dialog.summary.text()
    assert not dialog.generate_button.isEnabled()
    assert dialog.wait_for_preview()
    assert dialog.preview.topLevelItemCount() > 0 and dialog.generate_button.isEnabled()
    words = {dialog.targets.item(i).text() for i in range(dialog.targets.count())}
    assert "RabbitMQ configuration (definitions.json)" in words and "rabbitmq" not in words
    assert dialog.broker.currentText() == "rabbitmq"
    assert {"rabbitmq", "python"} <= set(dialog.chosen_targets())
    assert not {"nats", "kafka"} & set(dialog.chosen_targets())
    dialog.broker.setCurrentText("nats")  # the other broker's configuration follows
    assert "nats" in dialog.chosen_targets() and "rabbitmq" not in dialog.chosen_targets()
    dialog.reject()


def test_export_image_writes_png_and_svg(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    png, svg = tmp_path / "shop.png", tmp_path / "shop.svg"
    assert dialogs.export_image(window, str(png), scale=1.0)
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 400
    assert dialogs.export_image(window, str(svg))
    assert "Order Service" in svg.read_text()
