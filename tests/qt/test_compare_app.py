"""`msgflow gui --compare OLD NEW`: the compare view on its own (a graphical git difftool)."""

from __future__ import annotations

from shiboken6 import isValid

from designer.cli import main
from designer.core import io
from designer.qt.compare_view import CompareDialog
from tests.qt.test_compare_view import edited_shop
from tests.support.window import SHOP, shop_design


def test_compare_two_files_from_the_command_line(qapp, tmp_path, monkeypatch):
    edited = tmp_path / "edited.msgflow.json"
    io.save(edited_shop(shop_design()), edited)
    seen, shown = [], []
    show = CompareDialog.show

    def record(self):
        show(self)
        breaking = [r.text(0) for r in self.change_rows() if r.text(1).startswith("BREAKING")]
        seen.append((self.labels, breaking, self.isVisible()))
        shown.append(self)

    monkeypatch.setattr(CompareDialog, "show", record)
    assert main(["gui", "--smoke", "--compare", str(SHOP), str(edited)]) == 0
    assert seen == [(("shop", "edited"), ["~ SubmitOrder"], True)]
    # Smoke mode closes the view again.
    assert not isValid(shown[0]) or not shown[0].isVisible()


def test_a_file_that_does_not_load_exits_2_with_its_location(qapp, tmp_path, capsys):
    bad = tmp_path / "bad.msgflow.json"
    bad.write_text('{"format": "msgflow", "nodes": [')
    assert main(["gui", "--smoke", "--compare", str(bad), str(SHOP)]) == 2
    assert "bad.msgflow.json: $: not valid JSON" in capsys.readouterr().err
    assert main(["gui", "--compare", str(SHOP)]) == 2  # NEW missing
    assert "NEW is missing" in capsys.readouterr().err
