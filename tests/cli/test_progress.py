"""Stage lines on stderr while a command works for seconds, only for a person watching."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from designer.cli import main, progress
from designer.resources import examples_dir


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_slow_stage_says_what_it_does_and_how_long_it_took() -> None:
    screen = Terminal()
    with progress.Stages("generate", screen, show_after=0.05).stage("rendering 6 targets"):
        time.sleep(0.3)
    line = screen.getvalue()
    assert line.startswith("msgflow generate: rendering 6 targets… ")
    assert line.endswith(" s\n") and float(line.split("… ")[1].split()[0]) >= 0.2


def test_a_quick_stage_or_a_pipe_prints_nothing() -> None:
    screen = Terminal()
    with progress.Stages("generate", screen, show_after=5).stage("quick"):
        pass
    piped = io.StringIO()  # not a terminal: scripts and CI keep stderr for problems
    with progress.Stages("generate", piped, show_after=0).stage("slow"):
        time.sleep(0.05)
    assert screen.getvalue() == "" and piped.getvalue() == ""


def test_generate_at_a_terminal_names_each_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    screen = Terminal()
    monkeypatch.setattr(progress, "SHOW_AFTER_S", 0.0)
    monkeypatch.setattr("sys.stderr", screen)
    shop = examples_dir() / "shop.msgflow.json"
    assert main(["generate", str(shop), "-o", str(tmp_path / "out"), "--target", "all"]) == 0
    told = screen.getvalue()
    assert "msgflow generate: checking the rules of 6 cards… " in told
    assert "msgflow generate: rendering 6 targets for 6 cards… " in told
    assert "msgflow generate: writing " in told
    assert "Traceback" not in told and "written" in capsys.readouterr().out
