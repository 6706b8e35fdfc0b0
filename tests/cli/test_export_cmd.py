"""`msgflow export`: every core format from the command line; bad input exits 2."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
import yaml

from designer.cli import main
from designer.resources import examples_dir

SHOP = str(examples_dir() / "shop.msgflow.json")


def test_mermaid_markdown_and_folder(tmp_path: Path) -> None:
    assert main(["export", SHOP, "--to", "mermaid", "-o", str(tmp_path / "shop.md")]) == 0
    assert "```mermaid\nflowchart LR" in (tmp_path / "shop.md").read_text()
    assert main(["export", SHOP, "--to", "mermaid", "-o", str(tmp_path / "mmd")]) == 0
    names = sorted(p.name for p in (tmp_path / "mmd").iterdir())
    assert names[-1] == "topology.mmd" and any(n.startswith("sequence-submit-order") for n in names)


def test_html_is_one_file_readable_by_others(tmp_path: Path) -> None:
    out = tmp_path / "shop.html"
    assert main(["export", SHOP, "--to", "html", "-o", str(out)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    umask = os.umask(0)
    os.umask(umask)
    # Not the private 0600 of a temp file: the usual mode of a new file, to be shared.
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_asyncapi_folder_for_the_chosen_broker(tmp_path: Path) -> None:
    assert (
        main(["export", SHOP, "--to", "asyncapi", "--broker", "nats", "-o", str(tmp_path / "aa")])
        == 0
    )
    system = yaml.safe_load((tmp_path / "aa" / "system.asyncapi.yaml").read_text())
    assert system["servers"]["nats"]["protocol"] == "nats"
    assert (tmp_path / "aa" / "services" / "orders.asyncapi.yaml").is_file()


def test_eventcatalog_folder(tmp_path: Path) -> None:
    assert main(["export", SHOP, "--to", "eventcatalog", "-o", str(tmp_path / "ec")]) == 0
    assert (tmp_path / "ec" / "services" / "orders" / "index.mdx").is_file()
    assert (tmp_path / "ec" / "events" / "order-created" / "schema.json").is_file()


def test_a_broken_design_exits_2_with_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.msgflow.json"
    bad.write_text('{"format": "msgflow", "version": 1, "nodes": [')
    assert main(["export", str(bad), "--to", "html", "-o", str(tmp_path / "x.html")]) == 2
    assert "bad.msgflow.json: $: not valid JSON" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_an_unwritable_target_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["export", SHOP, "--to", "eventcatalog", "-o", str(blocker / "ec")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_images_without_the_qt_renderer_exit_2_with_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "designer.qt.render", None)
    assert main(["export", SHOP, "--to", "png", "-o", str(tmp_path / "a.png")]) == 2
    assert "needs the Qt renderer" in capsys.readouterr().err
