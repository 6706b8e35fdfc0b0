"""The twelve inputs an outside fuzzing harness found (issue #10), each kept as a test.

Each crash used to be a traceback with exit 1 (the code for "findings"); each must now be
a located message and exit 2, or a correct result, and never touch the user's file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from designer.cli import main
from designer.core import io
from designer.core.commands import (
    Command,
    EditDesign,
    EditMessage,
    EditNode,
    EditSettings,
    MoveNodes,
)
from designer.core.diff import diff_designs, format_text
from designer.core.document import Document
from designer.core.errors import DesignLoadError, EditError
from designer.core.history import History
from designer.core.model import Design, Layout, Point, Settings
from designer.resources import examples_dir

SHOP = examples_dir() / "shop.msgflow.json"
SPEC = Path(__file__).parents[1] / "data" / "asyncapi" / "orders-3.0.yaml"
COMMANDS = (
    ["validate"],
    ["fmt", "--check"],
    ["fmt"],
    ["export", "--to", "mermaid", "-o", "OUT/m.md"],
    ["generate", "--target", "all", "-o", "OUT/gen"],
)


def shop() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SHOP.read_text(encoding="utf-8"))
    return data


def write(folder: Path, data: dict[str, Any] | str) -> Path:
    path = folder / "case.msgflow.json"
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def run_all(folder: Path, path: Path, capsys: pytest.CaptureFixture[str], expected: str) -> None:
    """Every command refuses the file: exit 2, `expected` located in stderr, file intact."""
    before = path.read_bytes()
    for command in COMMANDS:
        args = [a.replace("OUT", str(folder / "out")) for a in command]
        code = main([args[0], str(path), *args[1:]])
        err = capsys.readouterr().err
        assert code == 2, (command, err)
        assert f"{path}: {expected}" in err, (command, err)
        assert "Traceback" not in err
    assert path.read_bytes() == before
    assert not (folder / "out").exists()


# 1
def test_a_list_as_rule_severity_is_a_located_load_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = shop()
    data["settings"] = {"rules": {"orphan-node": {"severity": ["error"]}}}
    run_all(tmp_path, write(tmp_path, data), capsys, "$.settings.rules.orphan-node")


# 2
@pytest.mark.parametrize("key", ["edges", "nodes", "flows"])
def test_version_0_with_a_number_for_a_list_is_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    data = {"format": "msgflow", "version": 0, "name": "old", "nodes": [], key: 5}
    run_all(tmp_path, write(tmp_path, data), capsys, f"$.{key}: expected an array, found a number")


# 3
def test_deep_nesting_in_settings_is_refused_on_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = shop()
    deep: Any = 1
    for _ in range(400):
        deep = [deep]
    data["settings"] = {"generate": {"extra": deep}}
    run_all(tmp_path, write(tmp_path, data), capsys, "$.settings.generate.extra[0][0][0]")


# 4
def test_an_infinite_coordinate_is_refused_and_never_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = shop()
    first = next(iter(data["layout"]["nodes"]))
    data["layout"]["nodes"][first]["x"] = "HUGE"
    path = write(tmp_path, json.dumps(data).replace('"HUGE"', "1e309"))
    run_all(tmp_path, path, capsys, f"$.layout.nodes.{first}.x: number too large")


def test_an_out_of_range_coordinate_is_refused(tmp_path: Path) -> None:
    data = shop()
    first = next(iter(data["layout"]["nodes"]))
    data["layout"]["nodes"][first]["y"] = 1e300
    with pytest.raises(DesignLoadError, match=rf"\$\.layout\.nodes\.{first}\.y: input should be"):
        io.loads(json.dumps(data))


# 5
@pytest.mark.parametrize("value", [0.999, 2.675, -0.001, 12.345678, 1e-7, 999999999.999])
def test_canonical_numbers_are_a_fixed_point(value: float) -> None:
    data = shop()
    first = next(iter(data["layout"]["nodes"]))
    data["layout"]["nodes"][first]["x"] = value
    once = io.dumps(io.loads(json.dumps(data)))
    assert io.dumps(io.loads(once)) == once


def test_fmt_then_fmt_check_agrees_on_0_999(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = shop()
    data["layout"]["nodes"][next(iter(data["layout"]["nodes"]))]["x"] = 0.999
    path = write(tmp_path, data)
    assert main(["fmt", str(path)]) == 0
    assert main(["fmt", "--check", str(path)]) == 0, capsys.readouterr()


# 6
@pytest.mark.parametrize(
    "where",
    ["name", "description", "boundary", "channel", "settings", "key"],
)
def test_a_lone_surrogate_is_refused_with_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    data = shop()
    bad = "order \ud83d"
    expected = {
        "name": "$.name",
        "description": "$.description",
        "boundary": "$.nodes[0].boundary",
        "channel": "$.flows[0].channel",
        "settings": "$.settings.generate.password",
        "key": "$.settings.generate: key",
    }[where]
    if where in ("name", "description"):
        data[where] = bad
    elif where == "boundary":
        data["nodes"][0]["boundary"] = bad
    elif where == "channel":
        data["flows"][0]["channel"] = bad
    elif where == "settings":
        data["settings"] = {"generate": {"password": bad}}
    else:
        data["settings"] = {"generate": {bad: 1}}
    # json.dumps escapes the surrogate as \ud83d, exactly as the harness wrote it.
    path = tmp_path / "case.msgflow.json"
    path.write_text(json.dumps(data), encoding="ascii")
    run_all(tmp_path, path, capsys, f"{expected}")


# 7
def test_a_400_digit_timeout_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = shop()
    data["flows"][0]["timeout_ms"] = int("9" * 400)
    run_all(tmp_path, write(tmp_path, data), capsys, "$.flows[0].timeout_ms: integer out of range")


def test_a_timeout_beyond_any_timer_is_refused(tmp_path: Path) -> None:
    data = shop()
    data["flows"][0]["timeout_ms"] = 2**40
    with pytest.raises(DesignLoadError, match=r"\$\.flows\[0\]\.timeout_ms: input should be less"):
        io.loads(json.dumps(data))


# 8
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1e309", "$.settings.generate.partitions: number too large"),
        ("null", "$.settings.generate.partitions: must be a whole number, not null"),
        ("0", "$.settings.generate.partitions: must be between 1 and 100000, not 0"),
        ("2.5", "$.settings.generate.partitions: must be a whole number, not 2.5"),
    ],
)
def test_unusable_partitions_are_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    data = shop()
    data["settings"] = {"generate": {"partitions": "PARTITIONS"}}
    path = write(tmp_path, json.dumps(data).replace('"PARTITIONS"', text))
    run_all(tmp_path, path, capsys, expected)


# 9
def _scatter_gather_query(design: Design) -> str:
    query = next(m for m in design.messages if m.kind.value == "query")
    return query.id


def test_kind_change_clears_scatter_gather_and_the_result_reloads() -> None:
    design = io.load(SHOP)
    query = _scatter_gather_query(design)
    doc = Document(design)
    history = History(doc)
    history.push(EditMessage(query, scatter_gather=True))
    history.push(EditMessage(query, kind="command"))
    changed = doc.design.message(query)
    assert changed is not None and changed.kind.value == "command"
    assert not changed.scatter_gather
    io.loads(io.dumps(doc.design))  # the loader accepts what the edit made
    history.undo()
    again = doc.design.message(query)
    assert again is not None and again.scatter_gather and again.kind.value == "query"


def test_scatter_gather_on_a_command_is_refused_with_a_reason() -> None:
    design = io.load(SHOP)
    query = _scatter_gather_query(design)
    doc = Document(design)
    before = io.dumps(doc.design)
    with pytest.raises(EditError, match="only queries can be scatter-gather"):
        History(doc).push(EditMessage(query, kind="command", scatter_gather=True))
    assert io.dumps(doc.design) == before


# 10
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_saving_onto_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.msgflow.json"
    os.mkfifo(fifo)
    result = subprocess.run(
        [sys.executable, "-m", "designer", "import", "asyncapi", str(SPEC), "-o", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "not a regular file" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.msgflow.json"]


# 11
def test_diff_reports_a_removed_layout() -> None:
    old = io.load(SHOP)
    new = old.model_copy(update={"layout": Layout()})
    diff = diff_designs(old, new)
    assert not diff.same
    assert set(diff.unplaced) == set(old.layout.nodes)
    text = format_text(diff, "a", "b")
    assert "no semantic differences" not in text
    assert f"layout: {len(old.layout.nodes)} node(s) lost their position" in text
    back = diff_designs(new, old)
    assert set(back.placed) == set(old.layout.nodes) and not back.same


# 12
def test_a_save_removes_temp_files_left_by_a_killed_save(tmp_path: Path) -> None:
    target = tmp_path / "shop.msgflow.json"
    target.write_bytes(SHOP.read_bytes())
    # A real process killed mid-save leaves its temp files behind.
    script = (
        "import os, sys, tempfile\n"
        "for name in ('shop.msgflow.json', 'shop.msgflow.json~'):\n"
        "    tempfile.mkstemp(prefix=f'.{name}.msgflow-{os.getpid()}.', suffix='.tmp',"
        " dir=sys.argv[1])\n"
        "os.kill(os.getpid(), 9)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=False)
    others = tmp_path / ".other.msgflow.json.msgflow-1.abc.tmp"  # not this file's: kept
    others.write_text("x")
    assert len(list(tmp_path.glob(".shop.msgflow.json*.tmp"))) == 2
    io.save(io.load(target), target)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["shop.msgflow.json", "shop.msgflow.json~", others.name]
    )


def test_the_backup_is_fsynced_before_it_replaces_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "shop.msgflow.json"
    target.write_bytes(SHOP.read_bytes())
    synced: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}") if Path("/proc/self/fd").exists() else "?")
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        if str(dst).endswith("~"):
            assert any(".shop.msgflow.json~." in s for s in synced), synced
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    io.write_atomic(target, b"{}\n")
    assert (tmp_path / "shop.msgflow.json~").read_bytes() == SHOP.read_bytes()


def test_ctrl_c_after_the_rename_is_a_successful_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "shop.msgflow.json"
    target.write_bytes(SHOP.read_bytes())
    calls: list[str] = []

    def interrupted_once(folder: Path) -> None:
        calls.append(str(folder))
        if len(calls) == 1:
            raise KeyboardInterrupt

    monkeypatch.setattr(io, "fsync_folder", interrupted_once)
    io.write_atomic(target, b"new\n")  # no exception: the file is in place
    assert target.read_bytes() == b"new\n"
    assert len(calls) == 2  # the folder flush was finished, not abandoned


def test_ctrl_c_before_the_rename_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "shop.msgflow.json"
    target.write_bytes(SHOP.read_bytes())

    def interrupt(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        io.write_atomic(target, b"new\n", _replace=interrupt)
    assert target.read_bytes() == SHOP.read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))


# Edits go through the loader's invariants: what an edit makes can always be reopened.
@pytest.mark.parametrize(
    ("command", "reason"),
    [
        (lambda: EditNode("orders", name="Orders \ud83d"), "name: "),
        (lambda: EditDesign("Shop \udc00"), "name: holds a lone surrogate"),
        (
            lambda: MoveNodes({"orders": Point.model_construct(x=float("inf"), y=0.0)}),
            "outside the drawing area",
        ),
        (
            lambda: EditSettings(Settings(generate={"partitions": None})),
            "settings.generate.partitions: must be a whole number, not null",
        ),
        (
            lambda: EditSettings(Settings(generate={"x": float("nan")})),
            "settings.generate.x: number too large",
        ),
    ],
)
def test_an_edit_the_loader_would_refuse_is_refused(
    command: Callable[[], Command], reason: str
) -> None:
    doc = Document(io.load(SHOP))
    before = io.dumps(doc.design)
    with pytest.raises(EditError, match=re.escape(reason)):
        History(doc).push(command())
    assert io.dumps(doc.design) == before
