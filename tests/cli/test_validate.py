"""`msgflow validate`: outputs, exit codes, baseline, unreadable files."""

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
VIOLATIONS = examples_dir() / "violations.msgflow.json"


@pytest.fixture()
def shop(tmp_path: Path) -> Path:
    return Path(shutil.copy(SHOP, tmp_path / "shop.msgflow.json"))


def _warning_only(tmp_path: Path) -> Path:
    design = io.load(SHOP)
    edit(design, "messages", design.messages[0].id, fields=[])  # payload-empty: a warning
    path = tmp_path / "warn.msgflow.json"
    io.save(design, path)
    return path


def test_clean_design_exits_0_with_a_summary(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(shop)]) == 0
    assert capsys.readouterr().out.strip() == f"{shop}: no problems"


def test_errors_exit_1_and_text_is_grouped_by_severity(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(VIOLATIONS)]) == 1
    out = capsys.readouterr().out
    headings = [
        line
        for line in out.splitlines()
        if line.endswith(")")
        and ": " in line
        and "(" in line
        and line.split(": ", 1)[1].split(" (")[0] in ("errors", "warnings", "info")
    ]
    assert [h.split(": ", 1)[1].split(" (")[0] for h in headings] == ["errors", "warnings", "info"]
    assert "[event-must-be-async]" in out and "fix: Publish StockReserved to a topic" in out
    assert out.strip().splitlines()[-1].endswith("14 errors, 23 warnings, 8 info")


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    path = _warning_only(tmp_path)
    assert main(["validate", str(path)]) == 0
    assert main(["validate", "--strict", str(path)]) == 1


def test_json_output_is_a_list_with_exactly_the_documented_keys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", "--format", "json", str(VIOLATIONS)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) and data
    assert all(list(d) == ["rule", "severity", "message", "hint", "subjects", "path"] for d in data)


def test_json_for_several_files_maps_each_file(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--format", "json", str(shop), str(VIOLATIONS)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data[str(shop)] == [] and data[str(VIOLATIONS)]


def test_unreadable_file_exits_2_with_located_problems_and_is_left_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.msgflow.json"
    text = SHOP.read_text().replace('"to": "shipping"', '"to": "shiping"')
    bad.write_text(text)
    assert main(["validate", str(bad), str(VIOLATIONS)]) == 2
    captured = capsys.readouterr()
    assert (
        f"{bad}: $.flows[1].to: unknown node 'shiping' (did you mean 'shipping'?)" in captured.err
    )
    assert "Traceback" not in captured.err
    assert bad.read_text() == text
    assert not (tmp_path / "bad.msgflow.json~").exists()
    # The readable file is still checked.
    assert "violations.msgflow.json: 14 errors" in captured.out


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope.msgflow.json")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_baseline_enables_breaking_change(
    tmp_path: Path, shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design = io.load(shop)
    created = design.message("order-created")
    assert created is not None
    edit(design, "messages", created.id, fields=[f for f in created.fields if f.name != "total"])
    new = tmp_path / "new.msgflow.json"
    io.save(design, new)
    assert main(["validate", str(new)]) == 0  # without a baseline: no breaking-change
    capsys.readouterr()
    assert main(["validate", "--format", "json", "--baseline", str(shop), str(new)]) == 1
    found = [d for d in json.loads(capsys.readouterr().out) if d["rule"] == "breaking-change"]
    assert len(found) == 1
    assert "field 'total' removed" in found[0]["message"]
    assert "Shipping Service" in found[0]["message"]
    assert found[0]["path"] == "$.messages[4]"


def test_baseline_catches_a_change_inside_a_record(
    tmp_path: Path, shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design = io.load(shop)
    line = design.record("OrderLine")
    assert line is not None
    edit(design, "schemas", line.name, fields=[f for f in line.fields if f.name != "qty"])
    new = tmp_path / "new.msgflow.json"
    io.save(design, new)
    assert main(["validate", "--format", "json", "--baseline", str(shop), str(new)]) == 1
    found = [d for d in json.loads(capsys.readouterr().out) if d["rule"] == "breaking-change"]
    assert [d["path"] for d in found] == [
        "$.messages[4]",
        "$.messages[5]",
    ]  # OrderCreated, SubmitOrder
    assert "OrderLine.qty removed (read through SubmitOrder.lines)" in found[1]["message"]


def test_unreadable_baseline_exits_2(
    tmp_path: Path, shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--baseline", str(tmp_path / "old.msgflow.json"), str(shop)]) == 2
    assert "old.msgflow.json: $: no such file" in capsys.readouterr().err


def test_rules_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    from designer.core.rules import REGISTRY

    assert main(["rules"]) == 0
    text = capsys.readouterr().out
    assert all(rule_id in text for rule_id in REGISTRY)
    assert main(["rules", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in data] == list(REGISTRY)
    assert {"id", "severity", "summary", "doc"} <= set(data[0])


def test_rules_markdown_is_the_readme_table(capsys: pytest.CaptureFixture[str]) -> None:
    from designer.core.rules.catalogue import rules_markdown

    assert main(["rules", "--format", "markdown"]) == 0
    assert capsys.readouterr().out == rules_markdown()
