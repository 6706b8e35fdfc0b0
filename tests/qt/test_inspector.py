"""The inspector edits the model, one undo step per finished edit, with real typing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from designer.core.model import MessageField, NodeKind, Transport
from tests.support.window import open_window


def _window_with(qtbot, monkeypatch, tmp_path, selected: str):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.canvas.select_ids([selected])
    return window


def _retype(qtbot, line_edit, text: str) -> None:
    line_edit.setFocus()
    line_edit.selectAll()
    qtbot.keyClicks(line_edit, text)
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)


def test_selecting_a_card_shows_its_node_page(qtbot, monkeypatch, tmp_path):
    window = _window_with(qtbot, monkeypatch, tmp_path, "orders")
    page = window.inspector.pages["node"]
    assert window.inspector.current == "node"
    assert page.name.text() == "Order Service"
    assert page.boundary.currentText() == "Sales"
    assert window.inspector.header.text() == "Service: Order Service"


def test_renaming_a_node_is_one_undo_step(qtbot, monkeypatch, tmp_path):
    window = _window_with(qtbot, monkeypatch, tmp_path, "orders")
    page = window.inspector.pages["node"]
    _retype(qtbot, page.name, "Ordering")
    assert window.document.node("orders").name == "Ordering"
    assert window.undo.stack.count() == 1
    assert window.actions_by_name["undo"].text().replace("&", "") == "Undo Rename Ordering"
    window.actions_by_name["undo"].trigger()
    assert window.document.node("orders").name == "Order Service"
    assert page.name.text() == "Order Service"  # the page follows the undo


def test_node_kind_boundary_and_description_each_one_step(qtbot, monkeypatch, tmp_path):
    window = _window_with(qtbot, monkeypatch, tmp_path, "notifications")
    page = window.inspector.pages["node"]
    page.kind.setCurrentIndex(page.kind.findData("actor"))
    page.kind.activated.emit(page.kind.currentIndex())
    assert window.document.node("notifications").kind is NodeKind.ACTOR
    _retype(qtbot, page.boundary.lineEdit(), "Messaging")
    assert window.document.node("notifications").boundary == "Messaging"
    page.description.setFocus()
    page.description.selectAll()
    qtbot.keyClicks(page.description, "sends mail")
    qtbot.keyClick(page.description, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.document.node("notifications").description == "sends mail"
    assert window.undo.stack.count() == 3


def test_flow_transport_timeout_and_idempotent_edits(qtbot, monkeypatch, tmp_path):
    window = _window_with(qtbot, monkeypatch, tmp_path, "f4")
    page = window.inspector.pages["flow"]
    assert window.inspector.current == "flow"
    assert page.message.currentData() == "add-loyalty-points"
    page.transport.setCurrentIndex(page.transport.findData("http"))
    page.transport.activated.emit(page.transport.currentIndex())
    assert window.document.flow("f4").transport is Transport.HTTP
    page.timeout.setFocus()
    page.timeout.lineEdit().selectAll()
    qtbot.keyClicks(page.timeout, "2500")
    qtbot.keyClick(page.timeout, Qt.Key.Key_Return)
    assert window.document.flow("f4").timeout_ms == 2500
    qtbot.mouseClick(
        page.idempotent, Qt.MouseButton.LeftButton, pos=QPoint(8, page.idempotent.height() // 2)
    )
    assert window.document.flow("f4").idempotent is False  # the example's f4 is idempotent
    assert window.undo.stack.count() == 3
    for _ in range(3):
        window.actions_by_name["undo"].trigger()
    flow = window.document.flow("f4")
    assert (flow.transport, flow.timeout_ms, flow.idempotent) == (Transport.QUEUE, None, True)
    assert page.idempotent.isChecked()
    assert page.transport.currentData() == "queue"


def test_flow_caused_by_and_suppression(qtbot, monkeypatch, tmp_path):
    window = _window_with(qtbot, monkeypatch, tmp_path, "f7")
    page = window.inspector.pages["flow"]
    assert page.caused_by.currentData() == "add-loyalty-points"
    page.caused_by.setCurrentIndex(page.caused_by.findData(None))
    page.caused_by.activated.emit(page.caused_by.currentIndex())
    assert window.document.flow("f7").caused_by is None

    page.suppressions.add_row()
    suppress = window.document.flow("f7").suppress
    assert [s.rule for s in suppress] == ["rule-id"]
    assert window.undo.stack.count() == 2


def test_message_fields_add_type_reorder_remove(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.messages_panel.select_message("submit-order")
    page = window.inspector.pages["message"]
    fields = page.fields
    original = list(window.document.message("submit-order").fields)
    qtbot.mouseClick(fields.findChild(object, "field-add"), Qt.MouseButton.LeftButton)
    added = window.document.message("submit-order").fields
    assert len(added) == len(original) + 1 and added[-1] == MessageField(
        name="field", type="string"
    )
    fields.set_type_picker_text(len(added) - 1, "list[OrderLine]")
    assert window.document.message("submit-order").fields[-1].type == "list[OrderLine]"
    fields.table.setCurrentCell(len(added) - 1, 0)
    qtbot.mouseClick(fields.findChild(object, "field-up"), Qt.MouseButton.LeftButton)
    assert window.document.message("submit-order").fields[-2].name == "field"
    qtbot.mouseClick(fields.findChild(object, "field-remove"), Qt.MouseButton.LeftButton)
    assert window.document.message("submit-order").fields == original
    assert window.undo.stack.count() == 4
    window.actions_by_name["undo"].trigger()
    assert window.document.message("submit-order").fields[-2].name == "field"


def test_field_name_typed_in_the_table(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.messages_panel.select_message("submit-order")
    table = window.inspector.pages["message"].fields.table
    table.item(0, 0).setText("renamed")
    assert window.document.message("submit-order").fields[0].name == "renamed"
    assert window.undo.stack.count() == 1


def test_unknown_field_type_is_refused_and_the_table_reverts(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.messages_panel.select_message("submit-order")
    fields = window.inspector.pages["message"].fields
    before = window.document.message("submit-order").fields
    fields.set_type_picker_text(0, "strnig")
    assert window.document.message("submit-order").fields == before
    assert window.undo.stack.count() == 0
    assert "strnig" in window.statusBar().currentMessage()
    assert fields.values() == before


def test_response_fields_only_for_queries(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    page = window.inspector.pages["message"]
    window.messages_panel.select_message("submit-order")
    assert not page.response.isVisibleTo(page)
    window.messages_panel.select_message("get-customer")
    assert page.response.isVisibleTo(page)
    page.response.add_row()
    assert window.document.message("get-customer").response[-1].name.startswith("field")


def test_changing_message_kind_and_name(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.messages_panel.select_message("order-created")
    page = window.inspector.pages["message"]
    _retype(qtbot, page.name, "OrderPlaced")
    assert window.document.message("order-created").name == "OrderPlaced"
    assert window.inspector.header.text() == "Event: OrderPlaced"
    assert window.undo.stack.count() == 1


def test_design_page_when_nothing_is_selected(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.canvas.select_ids([])
    page = window.inspector.pages["design"]
    assert window.inspector.current == "design"
    _retype(qtbot, page.name, "Webshop")
    assert window.document.design.name == "Webshop"


def test_removed_item_falls_back_to_the_design_page(qtbot, monkeypatch, tmp_path):
    window = _window_with(qtbot, monkeypatch, tmp_path, "loyalty")
    window.actions_by_name["delete"].trigger()
    assert not window.document.has("nodes", "loyalty")
    assert window.inspector.current == "design"


def test_typing_in_the_fields_table_editors(qtbot, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QApplication, QComboBox

    window = open_window(qtbot, monkeypatch, tmp_path)
    window.messages_panel.select_message("submit-order")
    table = window.inspector.pages["message"].fields.table
    # Rename the first field through the cell editor, as a user does (F2, type, Enter).
    table.setFocus()
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "order_ref")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The item delegate commits on Return through a queued call: let the loop run it.
    qtbot.waitUntil(lambda: window.document.message("submit-order").fields[0].name == "order_ref")
    # Pick a type by typing in the row's type picker.
    picker = table.cellWidget(1, 1)
    assert isinstance(picker, QComboBox)
    picker.lineEdit().setFocus()
    picker.lineEdit().selectAll()
    qtbot.keyClicks(picker.lineEdit(), "date")
    qtbot.keyClick(picker.lineEdit(), Qt.Key.Key_Return)
    assert window.document.message("submit-order").fields[1].type == "date"
    assert window.undo.stack.count() == 2


def test_a_new_boundary_prefix_of_an_existing_one_is_kept_as_typed(qtbot, monkeypatch, tmp_path):
    window = _window_with(qtbot, monkeypatch, tmp_path, "notifications")
    _retype(qtbot, window.inspector.pages["node"].boundary.lineEdit(), "Sal")
    assert window.document.node("notifications").boundary == "Sal"  # not completed to "Sales"


def test_record_types_are_added_renamed_edited_and_removed(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.canvas.select_ids([])
    records = window.inspector.pages["design"].records
    assert records.picker.currentText() == "OrderLine"
    qtbot.mouseClick(records.findChild(object, "record-add"), Qt.MouseButton.LeftButton)
    assert window.document.has("schemas", "NewRecord")
    assert records.picker.currentText() == "NewRecord"
    _retype(qtbot, records.name, "Address")
    assert window.document.has("schemas", "Address") and not window.document.has(
        "schemas", "NewRecord"
    )
    records.fields.add_row()
    assert [f.name for f in window.document.schema("Address").fields] == ["value", "field"]
    qtbot.mouseClick(records.findChild(object, "record-remove"), Qt.MouseButton.LeftButton)
    assert not window.document.has("schemas", "Address")
    assert window.undo.stack.count() == 4
    # A record still used by message fields cannot be removed: the window says why.
    records.picker.setCurrentText("OrderLine")
    qtbot.mouseClick(records.findChild(object, "record-remove"), Qt.MouseButton.LeftButton)
    assert window.document.has("schemas", "OrderLine")
    assert "still used" in window.statusBar().currentMessage()
    assert records.picker.currentText() == "OrderLine"


def _shown_whole(table, column: int, text: str, beside: int = 0) -> bool:
    """`text` (and `beside` pixels of a picker's arrow) fits its column, and the column
    lies inside the table's visible width."""
    header = table.horizontalHeader()
    width = header.sectionSize(column)
    inside = header.sectionViewportPosition(column) + width <= table.viewport().width()
    return inside and table.fontMetrics().horizontalAdvance(text) + beside < width


@pytest.mark.parametrize("dock_width", [None, 230])
def test_field_names_and_types_read_whole_in_the_default_and_a_narrow_inspector(
    qtbot, monkeypatch, tmp_path, dock_width
):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.resize(1440, 900)  # the window as a new user first sees it (README picture)
    if dock_width is not None:
        window.resizeDocks([window.docks["inspector"]], [dock_width], Qt.Orientation.Horizontal)
    window.messages_panel.select_message("submit-order")
    qtbot.wait(10)  # let the dock settle at its size
    table = window.inspector.pages["message"].fields.table
    for field in window.document.message("submit-order").fields:
        assert _shown_whole(table, 0, field.name), field.name
        assert _shown_whole(table, 1, field.type, beside=18), field.type


def test_the_fields_table_keeps_its_place_after_an_edit(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.messages_panel.select_message("submit-order")
    table = window.inspector.pages["message"].fields.table
    table.setCurrentCell(1, 4)
    table.item(1, 4).setText("who ordered")
    assert window.document.message("submit-order").fields[1].description == "who ordered"
    assert (table.currentRow(), table.currentColumn()) == (1, 4)  # Tab goes on from here
