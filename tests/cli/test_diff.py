"""`msgflow diff`: exit codes, JSON, and git's external-diff calling convention."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from designer.cli import main
from designer.core import io
from designer.resources import examples_dir
from tests.support.edits import edit

SHOP = examples_dir() / "shop.msgflow.json"


def _changed(tmp_path: Path) -> Path:
    design = io.load(SHOP)
    created = design.message("order-created")
    assert created is not None
    edit(design, "messages", created.id, fields=created.fields[:-1])
    path = tmp_path / "new.msgflow.json"
    io.save(design, path)
    return path


def test_same_files_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = Path(shutil.copy(SHOP, tmp_path / "copy.msgflow.json"))
    assert main(["diff", str(SHOP), str(copy)]) == 0
    assert "no semantic differences" in capsys.readouterr().out


def test_different_files_exit_1_with_breaking_marked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = _changed(tmp_path)
    assert main(["diff", str(SHOP), str(new)]) == 1
    out = capsys.readouterr().out
    assert "~ order-created  OrderCreated  BREAKING" in out
    assert "field 'total' removed  BREAKING" in out


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "--format", "json", str(SHOP), str(_changed(tmp_path))]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["same"] is False and data["summary"]["breaking"] == 1
    change = data["changes"][0]
    assert change["fields"][0] == {
        "part": "fields",
        "change": "removed",
        "field": "total",
        "old": {"name": "total", "type": "decimal", "required": True},
        "new": None,
        "breaking": True,
    }


def test_a_breaking_record_change_names_the_messages_it_breaks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design = io.load(SHOP)
    summary = design.record("OrderSummary")
    assert summary is not None
    edit(design, "schemas", summary.name, fields=[f for f in summary.fields if f.name != "total"])
    new = tmp_path / "new.msgflow.json"
    io.save(design, new)
    assert main(["diff", str(SHOP), str(new)]) == 1
    out = capsys.readouterr().out
    assert "~ OrderSummary  OrderSummary  BREAKING (breaks GetOrderHistory)" in out
    assert "field 'total' removed  BREAKING" in out


def test_unreadable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(SHOP), str(tmp_path / "missing.msgflow.json")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_git_external_diff_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = _changed(tmp_path)
    args = ["shop.msgflow.json", str(SHOP), "abc", "100644", str(new), "def", "100644"]
    assert main(["diff", *args]) == 0  # git stops on a failing diff driver
    out = capsys.readouterr().out
    assert out.startswith("--- a/shop.msgflow.json\n+++ b/shop.msgflow.json")
    assert "BREAKING" in out
    added = ["shop.msgflow.json", "/dev/null", ".", ".", str(SHOP), "def", "100644"]
    assert main(["diff", *added]) == 0
    assert "+ orders  Order Service" in capsys.readouterr().out
