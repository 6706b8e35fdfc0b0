"""The inspector shows and edits unions, enums and discriminators without losing them."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt

from tests.support.window import open_window

UNIONS = Path(__file__).resolve().parents[1] / "data" / "unions.msgflow.json"


def _shoot(widget, name: str) -> None:
    # MSGFLOW_SHOTS=folder keeps a picture of what the test saw, to look at by eye.
    folder = os.environ.get("MSGFLOW_SHOTS")
    if folder:
        widget.grab().save(str(Path(folder) / f"{name}.png"))


def _retype(qtbot, line_edit, text: str) -> None:
    line_edit.setFocus()
    line_edit.selectAll()
    qtbot.keyClick(line_edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(line_edit, text)
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)


def test_fields_table_shows_unions_and_values_and_keeps_them_on_other_edits(
    qtbot, monkeypatch, tmp_path
):
    window = open_window(qtbot, monkeypatch, tmp_path, UNIONS)
    window.messages_panel.select_message("buy-print")
    page = window.inspector.pages["message"]
    table = page.fields.table
    rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    assert table.cellWidget(rows["payment"], 1).currentText() == "Card | Voucher"
    assert table.item(rows["payment"], 3).text() == "tag: method"
    assert table.item(rows["size"], 3).text() == "small, medium, large"
    _shoot(window.inspector, "inspector-buy-print")
    # Describing one field is one edit that keeps every enum and discriminator.
    table.item(rows["copies"], 4).setText("how many prints")
    fields = {f.name: f for f in window.document.message("buy-print").fields}
    assert fields["copies"].description == "how many prints"
    assert fields["payment"].discriminator == "method"
    assert fields["extras"].discriminator == "shape"
    assert fields["size"].enum == ["small", "medium", "large"]
    # Values typed in the cell become the field's enum.
    table.item(rows["size"], 3).setText("small, large")
    assert window.document.message("buy-print").fields[3].enum == ["small", "large"]
    assert window.undo.stack.count() == 2
    # An integer or boolean field's values are shown and read as numbers and booleans.
    assert table.item(rows["quality"], 3).text() == "1, 2, 3"
    assert table.item(rows["signed"], 3).text() == "true"
    table.item(rows["quality"], 3).setText("1, 5")
    assert window.document.message("buy-print").fields[6].enum == [1, 5]
    assert table.item(rows["scale"], 3).text() == "0.5, 1, 2.5"
    table.item(rows["scale"], 3).setText("0.5, 2")
    assert window.document.message("buy-print").fields[8].enum == [0.5, 2]


def test_message_page_edits_a_union_body(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path, UNIONS)
    window.messages_panel.select_message("shape-hinted")
    page = window.inspector.pages["message"]
    assert page.one_of.text() == "Email | Phone"
    assert not page.fields.isVisibleTo(window.inspector)
    _shoot(window.inspector, "inspector-shape-hinted")
    _retype(qtbot, page.one_of, "Phone | Email")
    assert window.document.message("shape-hinted").one_of == ["Phone", "Email"]
    # A tag the alternatives do not carry is refused; the design is unchanged.
    _retype(qtbot, page.discriminator, "address")
    assert window.document.message("shape-hinted").discriminator is None
    _retype(qtbot, page.one_of, "")
    message = window.document.message("shape-hinted")
    assert message.one_of is None and page.fields.isVisibleTo(window.inspector)


def test_record_tag_edit_that_would_break_a_union_is_refused(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path, UNIONS)
    records = window.inspector.pages["design"].records
    records.refresh(select="Square")
    table = records.fields.table
    assert table.item(0, 3).text() == "square, box"
    _shoot(records, "records-square")
    # `circle` already tags Circle: the union ShapeDrawn could not tell the two apart.
    table.item(0, 3).setText("square, circle")
    assert window.document.design.record("Square").fields[0].enum == ["square", "box"]
    assert "value 'circle' belongs to both" in window.statusBar().currentMessage()
    assert window.undo.stack.count() == 0
    assert records.fields.table.item(0, 3).text() == "square, box"  # shown as it is again


def test_a_query_whose_answer_is_a_union_shows_and_edits_it(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path, UNIONS)
    window.messages_panel.select_message("shape-lookup")
    page = window.inspector.pages["message"]
    assert page.response_one_of.text() == "Circle | Square"
    assert page.response_discriminator.text() == "shape"
    assert not page.response.isVisibleTo(window.inspector)
    _shoot(window.inspector, "inspector-shape-lookup")
    _retype(qtbot, page.response_one_of, "")
    message = window.document.message("shape-lookup")
    assert (message.response_one_of, message.response_discriminator) == (None, None)
    assert page.response.isVisibleTo(window.inspector)
    window.actions_by_name["undo"].trigger()
    assert window.document.message("shape-lookup").response_one_of == ["Circle", "Square"]
