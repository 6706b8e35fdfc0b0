"""Loading and saving design files: canonical bytes, located errors, atomic writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from designer.core import io
from designer.core.errors import DesignLoadError
from designer.core.model import CURRENT_VERSION, NodeKind
from designer.resources import examples_dir

EXAMPLES = sorted(examples_dir().glob("*.msgflow.json"))
DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_round_trip_byte_identical(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert io.dumps(io.loads(text)) == text


def test_saving_an_unchanged_design_gives_identical_bytes(tmp_path: Path) -> None:
    target = tmp_path / "shop.msgflow.json"
    design = io.load(examples_dir() / "shop.msgflow.json")
    io.save(design, target)
    first = target.read_bytes()
    io.save(io.load(target), target)
    assert target.read_bytes() == first
    assert first.endswith(b"}\n") and b"\t" not in first


def test_canonical_order_is_independent_of_input_order() -> None:
    design = io.load(examples_dir() / "shop.msgflow.json")
    shuffled = design.model_copy(deep=True)
    shuffled.nodes.reverse()
    shuffled.flows.reverse()
    shuffled.messages.reverse()
    assert io.dumps(shuffled) == io.dumps(design)


def test_ids_sort_naturally() -> None:
    raw = json.loads((examples_dir() / "shop.msgflow.json").read_text())
    raw["flows"].append(dict(raw["flows"][0], id="f10"))
    ids = [f["id"] for f in json.loads(io.dumps(io.loads(json.dumps(raw))))["flows"]]
    assert ids == ["f1", "f2", "f3", "f4", "f5", "f6", "f7", "f10"]


def test_defaults_are_left_out_but_a_kind_and_an_empty_answer_are_written() -> None:
    # pydantic's dump without defaults, except what a reader must not have to know: a
    # card's kind, and a query's empty response ("answers with no data", its default is none).
    text = """{
      "format": "msgflow", "version": 2, "name": "t",
      "nodes": [{"id": "a", "name": "A", "kind": "service"}, {"id": "b", "name": "B"}],
      "messages": [{"id": "q", "name": "Q", "kind": "query", "owner": "a", "response": [],
                    "fields": [{"name": "n", "type": "string", "required": true}]}],
      "flows": [{"id": "f1", "message": "q", "from": "b", "to": "a", "transport": "http"}]
    }"""
    written = io.dumps(io.loads(text))
    assert '{"id": "a", "name": "A", "kind": "service"}' in written
    assert '{"id": "b", "name": "B", "kind": "service"}' in written
    assert '"response": []' in written
    assert '"fields": [\n        {"name": "n", "type": "string"}\n      ]' in written
    assert "required" not in written


def test_moving_a_box_changes_only_a_layout_line() -> None:
    design = io.load(examples_dir() / "shop.msgflow.json")
    before = io.dumps(design).splitlines()
    web = design.layout.nodes["web"]
    design.layout.nodes["web"] = web.model_copy(update={"x": web.x + 40})
    after = io.dumps(design).splitlines()
    changed = [b for a, b in zip(before, after, strict=True) if a != b]
    assert changed == ['      "web": {"x": 40, "y": 110}']


def _error(text: str | bytes) -> str:
    with pytest.raises(DesignLoadError) as caught:
        io.loads(text, "bad.msgflow.json")
    message = caught.value.describe()
    assert "Traceback" not in message
    assert message.startswith("bad.msgflow.json: $")
    return message


def _shop() -> dict:
    return json.loads((examples_dir() / "shop.msgflow.json").read_text())


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "file is empty"),
        (b"   \n", "file is empty"),
        (b"{not json", "not valid JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not UTF-8"),
        (b"[1, 2]", "expected a JSON object, found an array"),
        (b'"just text"', "found a string"),
        (b"null", "found null"),
        (b'{"format": "other"}', "not a msgflow design"),
        (b'{"format": "msgflow", "version": 99}', "newer msgflow (format version 99)"),
        (b'{"format": "msgflow", "version": "1"}', "must be an integer"),
        (b'{"format": "msgflow", "a": 1, "a": 2}', "key 'a' appears twice"),
        (b"[" * 100000 + b"]" * 100000, "nested too deeply"),
    ],
)
def test_every_unreadable_file_kind_gets_a_located_message(content: bytes, expected: str) -> None:
    assert expected in _error(content)


def test_dangling_reference_is_located_with_a_suggestion() -> None:
    raw = _shop()
    raw["flows"][1]["to"] = "shiping"
    message = _error(json.dumps(raw))
    assert "$.flows[1].to: unknown node 'shiping' (did you mean 'shipping'?)" in message


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda r: r["nodes"].append(dict(r["nodes"][0])),
            "$.nodes[6].id: duplicate id 'customers'",
        ),
        (
            lambda r: r["messages"][0].update(response=[]),
            "$.messages[0].response: only queries have a response",
        ),
        (
            lambda r: r["messages"][0]["fields"][0].update(type="uuidd"),
            "$.messages[0].fields[0].type: unknown field type 'uuidd'",
        ),
        (
            lambda r: r["flows"][0].update(transport="smoke"),
            "$.flows[0].transport: input should be 'http', 'queue' or 'topic'",
        ),
        (lambda r: r["flows"][0].update(colour="red"), "$.flows[0]: unknown key 'colour'"),
        (lambda r: r["flows"][0].pop("message"), "$.flows[0]: missing required key 'message'"),
        (
            lambda r: r["flows"][0].update(caused_by="nope"),
            "$.flows[0].caused_by: unknown message 'nope'",
        ),
        (
            lambda r: r["messages"][0].update(owner="nobody"),
            "$.messages[0].owner: unknown node 'nobody'",
        ),
        (
            lambda r: r["layout"]["nodes"].update(ghost={"x": 1, "y": 2}),
            "$.layout.nodes.ghost: layout for unknown node 'ghost'",
        ),
        (
            lambda r: r["nodes"][0].update(kind="robot"),
            "$.nodes[0].kind: input should be 'service' or 'actor'",
        ),
    ],
)
def test_structural_errors_are_located(mutate, expected: str) -> None:  # type: ignore[no-untyped-def]
    raw = _shop()
    mutate(raw)
    assert expected in _error(json.dumps(raw))


def test_version_0_file_is_migrated_on_load() -> None:
    design = io.load(DATA / "shop-v0.msgflow.json")
    assert design.version == CURRENT_VERSION
    assert design.node("web").kind is NodeKind.ACTOR  # type: ignore[union-attr]
    assert design.flows[0].source == "web" and design.flows[0].target == "orders"
    assert design.layout.nodes["orders"].x == 320
    assert f'"version": {CURRENT_VERSION}' in io.dumps(design)


def test_missing_and_folder_paths_are_reported(tmp_path: Path) -> None:
    with pytest.raises(DesignLoadError, match="no such file"):
        io.load(tmp_path / "absent.msgflow.json")
    with pytest.raises(DesignLoadError, match="is a folder"):
        io.load(tmp_path)


def test_huge_file_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.msgflow.json"
    big.write_bytes(b" " * 2048)
    monkeypatch.setattr(io, "MAX_FILE_BYTES", 1024)
    with pytest.raises(DesignLoadError, match="designs are limited to"):
        io.load(big)


def test_save_keeps_previous_version_as_backup(tmp_path: Path) -> None:
    target = tmp_path / "shop.msgflow.json"
    design = io.load(examples_dir() / "shop.msgflow.json")
    io.save(design, target)
    original = target.read_bytes()
    design.name = "Shop 2"
    io.save(design, target)
    assert (tmp_path / "shop.msgflow.json~").read_bytes() == original
    assert b'"Shop 2"' in target.read_bytes()


def test_failed_rename_leaves_old_file_intact_and_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "shop.msgflow.json"
    target.write_bytes(b"precious")

    def failing_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        io.write_atomic(target, b"new content", _replace=failing_replace)
    assert target.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith("~")) == [
        "shop.msgflow.json"
    ]


def test_failed_write_leaves_old_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "shop.msgflow.json"
    target.write_bytes(b"precious")

    def failing_fsync(fd: int) -> None:
        raise OSError("I/O error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="I/O error"):
        io.save(io.load(examples_dir() / "shop.msgflow.json"), target)
    assert target.read_bytes() == b"precious"
    assert [p.name for p in tmp_path.iterdir()] == ["shop.msgflow.json"]


def test_unicode_names_are_written_as_text_not_escapes() -> None:
    raw = _shop()
    raw["nodes"][0]["name"] = "名前 Service"
    assert '"名前 Service"' in io.dumps(io.loads(json.dumps(raw)))


def test_new_files_get_the_usual_permissions_not_private_temp_ones(tmp_path: Path) -> None:
    target = tmp_path / "new.msgflow.json"
    io.save(io.load(examples_dir() / "shop.msgflow.json"), target)
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_backup_keeps_the_originals_permissions(tmp_path: Path) -> None:
    target = tmp_path / "shop.msgflow.json"
    io.save(io.load(examples_dir() / "shop.msgflow.json"), target)
    os.chmod(target, 0o644)
    io.save(io.load(target), target)
    assert (tmp_path / "shop.msgflow.json~").stat().st_mode & 0o777 == 0o644


def test_an_unknown_key_with_brackets_in_its_name_is_named_in_the_message() -> None:
    # Found by the byte-mutation fuzz: a key "[description" crashed the error report.
    raw = json.loads((examples_dir() / "shop.msgflow.json").read_text(encoding="utf-8"))
    raw["[description"] = raw.pop("description")
    with pytest.raises(DesignLoadError) as caught:
        io.loads(json.dumps(raw), "shop.msgflow.json")
    assert "unknown key '[description'" in str(caught.value)
