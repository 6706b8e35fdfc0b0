"""The flow inspector edits the channel, its parameters and the broker settings: each
finished edit one undo step, what no broker could render refused with the reason beside
the edited widget."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from designer.core.model import AmqpQueue, ChannelParameter, KafkaTopic
from tests.support.window import open_window

LIGHTS = Path(__file__).resolve().parents[1] / "data" / "lights-parameters.msgflow.json"
TURN_ON = "streetlights.{streetlightId}.turn.on"
DESCRIBED = ChannelParameter(name="streetlightId", description="The ID of the streetlight.")


def _lights(qtbot, monkeypatch, tmp_path, flow_id: str = "f2"):
    window = open_window(qtbot, monkeypatch, tmp_path, LIGHTS)
    window.canvas.select_ids([flow_id])
    return window, window.inspector.pages["flow"]


def _retype(qtbot, line_edit, text: str) -> None:
    line_edit.setFocus()
    line_edit.selectAll()
    qtbot.keyClick(line_edit, Qt.Key.Key_Delete)
    for char in text:
        if char.isascii():
            qtbot.keyClicks(line_edit, char)
        else:  # QTest types ASCII only: other letters arrive as an input method commits them
            typed = QInputMethodEvent()
            typed.setCommitString(char)
            QApplication.sendEvent(line_edit, typed)
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)


def _undo_text(window) -> str:
    return window.actions_by_name["undo"].text().replace("&", "")


def _rows(page) -> list[list[str]]:
    table = page.parameters.table
    return [
        [
            table.item(r, 0).text(),
            table.cellWidget(r, 1).currentText(),
            table.item(r, 2).text(),
            table.item(r, 3).text(),
        ]
        for r in range(table.rowCount())
    ]


def test_a_parameterised_flow_shows_its_channel_parameters_and_broker_settings(
    qtbot, monkeypatch, tmp_path
):
    window, page = _lights(qtbot, monkeypatch, tmp_path)
    assert page.channel.text() == TURN_ON
    assert _rows(page) == [["streetlightId", "string", "", "The ID of the streetlight."]]
    assert page.parameters.table.isVisibleTo(page)
    assert page.bindings.durable.isChecked() and not page.bindings.exclusive.isChecked()
    assert page.bindings.partitions.text() == "default"
    window.canvas.select_ids(["f3"])  # the operator's http call: a route, no broker settings
    assert page.channel.text() == ""
    assert page.channel.placeholderText() == "/commands/switch-light"
    assert not page.parameters.isVisibleTo(page)
    assert not page.bindings.durable.isVisibleTo(page)


def test_typing_a_parameter_segment_adds_a_parameter_in_one_undo_step(qtbot, monkeypatch, tmp_path):
    window, page = _lights(qtbot, monkeypatch, tmp_path)
    _retype(qtbot, page.channel, "streetlights.{streetlightId}.{phase}.turn.on")
    flow = window.document.flow("f2")
    assert flow.channel == "streetlights.{streetlightId}.{phase}.turn.on"
    assert flow.parameters == [DESCRIBED, ChannelParameter(name="phase")]
    assert [row[0] for row in _rows(page)] == ["streetlightId", "phase"]
    assert window.undo.stack.count() == 1
    assert _undo_text(window) == "Undo Edit channel of TurnOn"
    window.actions_by_name["undo"].trigger()
    assert window.document.flow("f2").parameters == [DESCRIBED]
    assert page.channel.text() == TURN_ON
    assert [row[0] for row in _rows(page)] == ["streetlightId"]


def test_deleting_the_segment_removes_the_parameter_and_the_rule_stays_quiet(
    qtbot, monkeypatch, tmp_path
):
    window, page = _lights(qtbot, monkeypatch, tmp_path)
    _retype(qtbot, page.channel, "streetlights.turn.on")
    assert window.document.flow("f2").parameters == []
    assert page.parameters.hint.isVisibleTo(page) and not page.parameters.table.isVisibleTo(page)
    assert not [d for d in window.validation.diagnostics if d.rule == "channel-name-invalid"]


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("lights.{../../x}.on", "{../../x} holds '.'"),
        ("lights.{名前}.on", "non-ASCII character '名'"),
        ("lights.{}.on", "{} has no name"),
        ("lights.{id}.{id}", "names the parameter {id} twice"),
    ],
)
def test_a_channel_no_broker_could_render_is_refused_beside_the_channel(
    qtbot, monkeypatch, tmp_path, typed, said
):
    window, page = _lights(qtbot, monkeypatch, tmp_path)
    _retype(qtbot, page.channel, typed)
    assert window.document.flow("f2").channel == TURN_ON
    assert window.undo.stack.count() == 0
    assert page.channel.text() == TURN_ON  # the field shows the model again
    assert page.channel_note.isVisibleTo(page)
    assert said in page.channel_note.text()
    # The next accepted edit clears the note.
    _retype(qtbot, page.channel, "lights.{id}.on")
    assert not page.channel_note.isVisibleTo(page)


def test_a_python_keyword_is_an_ordinary_parameter_name(qtbot, monkeypatch, tmp_path):
    window, page = _lights(qtbot, monkeypatch, tmp_path)
    _retype(qtbot, page.channel, "lights.{class}.on")
    assert [p.name for p in window.document.flow("f2").parameters] == ["class"]
    assert not page.channel_note.isVisibleTo(page)


def test_description_values_and_type_edited_in_the_table_each_one_step(
    qtbot, monkeypatch, tmp_path
):
    window, page = _lights(qtbot, monkeypatch, tmp_path)
    page.parameters.table.setCurrentCell(0, 3)
    page.parameters.set_cell_text(0, 3, "Which light")
    assert page.parameters.table.currentColumn() == 3  # the reload kept the place
    page.parameters.set_cell_text(0, 2, "1, 2, 3")
    page.parameters.choose_type(0, "integer")
    assert window.document.flow("f2").parameters == [
        ChannelParameter(
            name="streetlightId", type="integer", description="Which light", enum=["1", "2", "3"]
        )
    ]
    assert window.undo.stack.count() == 3
    assert _undo_text(window) == "Undo Edit parameter {streetlightId} of TurnOn"
    for _ in range(3):
        window.actions_by_name["undo"].trigger()
    assert window.document.flow("f2").parameters == [DESCRIBED]
    assert _rows(page) == [["streetlightId", "string", "", "The ID of the streetlight."]]


def test_renaming_a_parameter_renames_its_segment_in_the_channel(qtbot, monkeypatch, tmp_path):
    window, page = _lights(qtbot, monkeypatch, tmp_path)
    page.parameters.set_cell_text(0, 0, "lightId")
    assert window.document.flow("f2").channel == "streetlights.{lightId}.turn.on"
    assert page.channel.text() == "streetlights.{lightId}.turn.on"
    assert _undo_text(window) == "Undo Rename parameter {streetlightId} of TurnOn to {lightId}"


@pytest.mark.parametrize(
    ("name", "said"),
    [("名前", "non-ASCII"), ("../../x", "holds '.'"), ("", "has no name"), ("phase", "already")],
)
def test_a_bad_parameter_name_is_refused_under_the_table(qtbot, monkeypatch, tmp_path, name, said):
    window, page = _lights(qtbot, monkeypatch, tmp_path)
    _retype(qtbot, page.channel, "streetlights.{streetlightId}.{phase}.turn.on")
    page.parameters.set_cell_text(0, 0, name)
    assert [p.name for p in window.document.flow("f2").parameters] == ["streetlightId", "phase"]
    assert window.undo.stack.count() == 1
    assert _rows(page)[0][0] == "streetlightId"  # the table shows the model again
    assert page.parameters_note.isVisibleTo(page)
    assert said in page.parameters_note.text()


def test_queue_and_topic_settings_are_edited_and_undone(qtbot, monkeypatch, tmp_path):
    window, page = _lights(qtbot, monkeypatch, tmp_path)
    exclusive = page.bindings.exclusive
    qtbot.mouseClick(exclusive, Qt.MouseButton.LeftButton, pos=QPoint(8, exclusive.height() // 2))
    partitions = page.bindings.partitions
    partitions.setFocus()
    partitions.lineEdit().selectAll()
    qtbot.keyClicks(partitions, "6")
    qtbot.keyClick(partitions, Qt.Key.Key_Return)
    bindings = window.document.flow("f2").bindings
    assert bindings is not None
    assert (bindings.amqp, bindings.kafka) == (AmqpQueue(exclusive=True), KafkaTopic(partitions=6))
    assert window.undo.stack.count() == 2
    assert _undo_text(window) == "Undo Edit broker settings of TurnOn"
    window.actions_by_name["undo"].trigger()
    window.actions_by_name["undo"].trigger()
    assert window.document.flow("f2").bindings is None  # the file's line as it was
    assert not page.bindings.exclusive.isChecked()
    assert page.bindings.partitions.value() == 0


def test_a_channel_the_rule_finds_wrong_is_kept_and_the_finding_shown_beside_it(
    qtbot, monkeypatch, tmp_path
):
    # As in the file: the channel is stored, rule channel-name-invalid reports it.
    window, page = _lights(qtbot, monkeypatch, tmp_path)
    _retype(qtbot, page.channel, "lights.{id}.é")
    assert window.document.flow("f2").channel == "lights.{id}.é"
    assert any(d.rule == "channel-name-invalid" for d in window.validation.diagnostics)
    assert page.channel_note.isVisibleTo(page)
    assert "non-ASCII character 'é'" in page.channel_note.text()
    assert "Not changed" not in page.channel_note.text()
    window.actions_by_name["undo"].trigger()
    assert not page.channel_note.isVisibleTo(page)
