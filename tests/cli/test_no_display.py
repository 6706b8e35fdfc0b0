"""Without a screen `msgflow` says so in one line and exits 2 instead of letting Qt abort."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from designer.cli.display import missing_display
from designer.resources import examples_dir

SHOP = str(examples_dir() / "shop.msgflow.json")


def _headless(tmp_path, *args: str, display: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)  # the default platform, as a user's shell has it
    if display is not None:
        env["DISPLAY"] = display
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"))
    env["MSGFLOW_RECOVERY_DIR"] = str(tmp_path / "recovery")
    return subprocess.run(
        [sys.executable, "-m", "designer", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )


@pytest.mark.slow  # starts msgflow in a subprocess: `make test` only
def test_msgflow_without_a_display_exits_2_naming_cause_and_alternatives(tmp_path):
    for args in ((), ("gui",), ("gui", SHOP), (SHOP,), ("gui", "--compare", SHOP, SHOP)):
        result = _headless(tmp_path, *args)
        assert result.returncode == 2, (args, result.returncode, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (args, result.stderr)
        message = lines[0]
        assert "no display" in message
        for alternative in ("--screenshot", "QT_QPA_PLATFORM=offscreen", "msgflow validate"):
            assert alternative in message
        assert "core dumped" not in result.stderr and "xcb" not in result.stderr
        assert not list(tmp_path.glob("core*"))


@pytest.mark.slow  # starts msgflow in a subprocess: `make test` only
def test_screenshot_needs_no_display(tmp_path):
    picture = tmp_path / "window.png"
    result = _headless(tmp_path, "gui", SHOP, "--screenshot", str(picture))
    assert result.returncode == 0, result.stderr
    assert picture.stat().st_size > 10_000


@pytest.mark.slow  # starts msgflow in a subprocess: `make test` only
def test_compare_honours_screenshot(tmp_path):
    from PySide6.QtGui import QImage

    picture = tmp_path / "compare.png"
    result = _headless(tmp_path, "gui", "--compare", SHOP, SHOP, "--screenshot", str(picture))
    assert result.returncode == 0, result.stderr
    image = QImage(str(picture))
    assert (image.width(), image.height()) == (1440, 900)


def test_a_chosen_platform_or_a_display_is_trusted():
    assert missing_display({}, "linux")
    assert missing_display({"DISPLAY": "remote-host:10.0"}, "linux") is None
    assert missing_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert missing_display({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert missing_display({}, "darwin") is None
    assert missing_display({}, "win32") is None


def test_screenshot_selects_what_select_names(tmp_path):
    picture = tmp_path / "selected.png"
    result = _headless(tmp_path, "gui", SHOP, "--select", "f6", "--screenshot", str(picture))
    assert result.returncode == 0, result.stderr
    assert picture.is_file()
    result = _headless(tmp_path, "gui", SHOP, "--select", "nope", "--screenshot", str(picture))
    assert result.returncode == 2 and "no card or arrow 'nope'" in result.stderr


def test_a_local_display_nobody_serves_is_named(tmp_path):
    result = _headless(tmp_path, "gui", SHOP, display=":93")
    assert result.returncode == 2, result.stderr
    assert "no X server answers on DISPLAY=:93" in result.stderr
    assert "QT_QPA_PLATFORM=offscreen" in result.stderr and "core dumped" not in result.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="abstract sockets are Linux's")
def test_a_local_display_with_a_listening_server_is_trusted():
    import socket

    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind("\0/tmp/.X11-unix/X94")  # where an X server for :94 would listen
    server.listen(1)
    try:
        assert missing_display({"DISPLAY": ":94"}, "linux") is None
        assert missing_display({"DISPLAY": ":94.0"}, "linux") is None
    finally:
        server.close()
