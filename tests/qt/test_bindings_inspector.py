"""The flow inspector's broker settings: the Kafka record key picked among the message's
fields that can be one (a key naming no field stays shown for the rule to explain), and
the fanout exchange; each edit one undo step."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from designer.core import io
from designer.core.model import AmqpQueue, FlowBindings, KafkaTopic
from tests.support.window import open_window, shop_design


def _choose(picker, text: str) -> None:
    """Pick an entry as a user would (the popup's choice arrives as `activated`)."""
    picker.setCurrentIndex(picker.findText(text))
    picker.activated.emit(picker.currentIndex())


def test_the_key_is_chosen_among_fields_holding_one_value_and_undone(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.canvas.select_ids(["f2"])  # OrderCreated to Shipping
    picker = window.inspector.pages["flow"].bindings.key_field
    assert picker.isVisibleTo(window.inspector.pages["flow"])
    choices = [picker.itemText(i) for i in range(picker.count())]
    # `lines` is a list: not offered.
    assert choices == ["none (any partition)", "order_id", "customer_id", "total"]
    _choose(picker, "order_id")
    assert window.document.flow("f2").bindings == FlowBindings(
        kafka=KafkaTopic(key_field="order_id")
    )
    window.actions_by_name["undo"].trigger()
    assert window.document.flow("f2").bindings is None
    assert picker.currentText() == "none (any partition)"


def test_a_key_naming_no_field_is_shown_as_it_is(qtbot, monkeypatch, tmp_path):
    design = shop_design()
    index = next(i for i, f in enumerate(design.flows) if f.id == "f2")
    keyed = FlowBindings(kafka=KafkaTopic(partitions=3, key_field="orderId"))
    design.flows[index] = design.flows[index].model_copy(update={"bindings": keyed})
    path = tmp_path / "keyed" / "shop.msgflow.json"
    path.parent.mkdir()
    io.save(design, path)
    window = open_window(qtbot, monkeypatch, tmp_path, path)
    window.canvas.select_ids(["f2"])
    page = window.inspector.pages["flow"]
    assert page.bindings.key_field.currentText() == "orderId"
    # Another setting edited keeps the key as it is.
    page.bindings.partitions.setValue(6)
    page.bindings.partitions.editingFinished.emit()
    assert window.document.flow("f2").bindings == FlowBindings(
        kafka=KafkaTopic(partitions=6, key_field="orderId")
    )


def test_the_fanout_exchange_is_switched_on_and_undone(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.canvas.select_ids(["f3"])  # OrderCreated to Notifications, on a topic
    fanout = window.inspector.pages["flow"].bindings.fanout
    assert not fanout.isChecked()
    qtbot.mouseClick(fanout, Qt.MouseButton.LeftButton, pos=QPoint(8, fanout.height() // 2))
    assert window.document.flow("f3").bindings == FlowBindings(
        amqp=AmqpQueue(exchange_type="fanout")
    )
    window.actions_by_name["undo"].trigger()
    assert window.document.flow("f3").bindings is None
    assert not fanout.isChecked()
