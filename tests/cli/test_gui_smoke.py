"""`msgflow gui --smoke` builds the whole window offscreen, renders it once and exits 0."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from designer.resources import examples_dir

# Each case starts the window in a subprocess: `make test` only.
pytestmark = pytest.mark.slow


def _smoke(tmp_path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    env["MSGFLOW_RECOVERY_DIR"] = str(tmp_path / "recovery")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    return subprocess.run(
        [sys.executable, "-m", "designer", "gui", "--smoke", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_smoke_opens_the_example_and_exits_0(tmp_path):
    result = _smoke(tmp_path, str(examples_dir() / "shop.msgflow.json"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_smoke_with_a_broken_file_still_opens_the_window(tmp_path):
    broken = tmp_path / "broken.msgflow.json"
    broken.write_text('{"format": "msgflow", "nodes": [')
    result = _smoke(tmp_path, str(broken))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{broken}: $: not valid JSON" in result.stderr  # the dialog's text, for scripts


def test_a_screenshot_of_a_file_that_cannot_be_opened_is_refused(tmp_path):
    # Not a picture of an empty window in silence: the located problem, exit 2, no file.
    picture = tmp_path / "window.png"
    broken = tmp_path / "broken.msgflow.json"
    broken.write_text('{"format": "msgflow", "nodes": [')
    for design in (broken, tmp_path / "missing.msgflow.json"):
        result = _smoke(tmp_path, str(design), "--screenshot", str(picture))
        assert result.returncode == 2, result.stderr
        assert f"{design}: $" in result.stderr and "Traceback" not in result.stderr
        assert not picture.exists()


def test_smoke_without_a_file(tmp_path):
    result = _smoke(tmp_path)
    assert result.returncode == 0, result.stderr


def test_screenshot_saves_a_laptop_sized_picture_of_the_window(tmp_path):
    from PySide6.QtGui import QImage

    picture = tmp_path / "window.png"
    result = _smoke(
        tmp_path, str(examples_dir() / "shop.msgflow.json"), "--screenshot", str(picture)
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(picture))
    assert (image.width(), image.height()) == (1440, 900)
    # Not a blank grab: the canvas draws cards and arrows in several colours.
    colours = {image.pixel(x, y) for x in range(300, 1100, 7) for y in range(100, 650, 7)}
    assert len(colours) > 20


def test_the_live_mode_picture_is_taken_from_a_shipped_trace(tmp_path):
    """The README's live-mode screenshot command: the trace replays, panels hidden."""
    from pathlib import Path

    from PySide6.QtGui import QImage

    picture = tmp_path / "live.png"
    trace = Path(__file__).resolve().parents[2] / "docs/screenshots/live-mode.trace.jsonl"
    shop = str(examples_dir() / "shop.msgflow.json")
    result = _smoke(tmp_path, shop, "--replay", str(trace), "--focus", "--screenshot", str(picture))
    assert result.returncode == 0, result.stderr
    image = QImage(str(picture))

    def pixels(colour: str) -> int:
        """How many pixels of the canvas (every other row) are exactly `colour`."""
        return sum(
            image.pixelColor(x, y).name() == colour
            for x in range(0, 1440)
            for y in range(60, 860, 2)
        )

    # The ghost arrow's purple is in the picture (a replay shows undeclared traffic).
    assert pixels("#8c5ac8") > 40
    # ...and the red of a count of payloads breaking the contract (the trace has one).
    assert pixels("#c82828") > 20

    broken = tmp_path / "broken.jsonl"
    broken.write_text("not a trace\n")
    result = _smoke(tmp_path, shop, "--replay", str(broken), "--screenshot", str(picture))
    assert result.returncode == 2 and "msgflow: --replay:" in result.stderr
    assert "Traceback" not in result.stderr
