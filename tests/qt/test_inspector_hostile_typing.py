"""What a user can type into the inspector saves as a file the loader reopens (issue #10):
hostile names are taken as text, and an edit the loader would refuse is refused with the
reason in the status bar, the design unchanged."""

from __future__ import annotations

from PySide6.QtCore import Qt

from designer.core import io
from designer.core.commands import EditMessage
from designer.core.model import MessageKind
from tests.support.window import open_window


def _retype(qtbot, line_edit, text: str) -> None:
    line_edit.setFocus()
    line_edit.selectAll()
    # QTest types only what a key press makes; text an input method composes (名前) is
    # put in as the IME would commit it.
    line_edit.insert(text)
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)


def _reopens(window) -> None:
    text = io.dumps(window.document.design)
    assert io.dumps(io.loads(text)) == text


def test_hostile_names_typed_in_the_inspector_save_and_reopen(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.canvas.select_ids(["orders"])
    page = window.inspector.pages["node"]
    _retype(qtbot, page.name, "class")
    _retype(qtbot, page.boundary.lineEdit(), "../../x")
    window.messages_panel.select_message("order-created")
    _retype(qtbot, window.inspector.pages["message"].name, "名前 {x}")
    node, message = window.document.node("orders"), window.document.message("order-created")
    assert (node.name, node.boundary, message.name) == ("class", "../../x", "名前 {x}")
    _reopens(window)


def test_the_kind_box_on_a_scatter_gather_query_leaves_a_file_that_reopens(
    qtbot, monkeypatch, tmp_path
):
    # Issue #10's reproducer 9, through the widget the user has: the Kind box.
    window = open_window(qtbot, monkeypatch, tmp_path)
    assert window.undo.push(EditMessage("get-customer", scatter_gather=True))
    window.messages_panel.select_message("get-customer")
    kind = window.inspector.pages["message"].kind
    kind.setCurrentIndex(kind.findData("command"))
    kind.activated.emit(kind.currentIndex())
    message = window.document.message("get-customer")
    assert (message.kind, message.scatter_gather, message.response) == (
        MessageKind.COMMAND,
        False,
        None,
    )
    _reopens(window)


def test_a_refused_edit_says_why_in_the_status_bar(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    before = io.dumps(window.document.design)
    # A command field that only a query may have: what a script or paste could push.
    assert not window.undo.push(EditMessage("order-created", response=[]))
    assert window.statusBar().currentMessage().startswith("Cannot do that: only queries")
    assert io.dumps(window.document.design) == before
