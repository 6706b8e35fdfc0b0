"""Live mode in the window on the real NATS: the overlay follows a running broker.

The tap runs in a child process (designer.taps.live_process). Messages are published on
the shop's command subject until the arrow's badge shows their rate; pause, resume, Stop
and closing the window each leave no child process behind, and neither does killing the
window's process outright. Skips when NATS is missing; fails in CI.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import nats
import pytest

from designer.qt.live.overlay import RateBadge
from tests.e2e.test_observe_generated_shop import nats_observer_ports
from tests.support.brokers import require_nats
from tests.support.sockets import socket_ports
from tests.support.window import open_window

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
URL = "nats://127.0.0.1:4222"


def _publish(count: int) -> None:
    async def go() -> None:
        client = await nats.connect(URL)
        try:
            for _ in range(count):
                body = {
                    "customer_id": str(uuid.uuid4()),
                    "order_id": str(uuid.uuid4()),
                    "points": 3,
                }
                await client.publish(
                    "loyalty.cmd.add-loyalty-points",
                    json.dumps(body).encode(),
                    headers={"message_type": "AddLoyaltyPoints"},
                )
            await client.flush()
        finally:
            await client.close()

    asyncio.run(go())


def alive(pid: int) -> bool:
    """Running (a zombie nobody reaped yet counts as gone: it runs nothing)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def taps_of(pid: int) -> set[int]:
    """The observer connections NATS lists whose client socket is held by process `pid`:
    the child's own tap, whatever other tests observe on the shared server meanwhile."""
    ports = socket_ports(pid)
    return {cid for cid, port in asyncio.run(nats_observer_ports(URL)).items() if port in ports}


def disconnected_within(taps: set[int], seconds: float) -> bool:
    """True once NATS no longer lists any of `taps` (it drops a closed one within moments)."""
    deadline = time.monotonic() + seconds
    while taps & set(asyncio.run(nats_observer_ports(URL))):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not alive(pid)


def test_live_overlay_follows_the_broker(qtbot, monkeypatch, tmp_path) -> None:
    require_nats()
    window = open_window(qtbot, monkeypatch, tmp_path)
    live = window.live
    live.connect_to(URL)
    scene = window.canvas.scene
    assert live.child is not None
    pid = live.child.pid
    assert pid is not None and pid != os.getpid() and alive(pid)  # a process of its own
    qtbot.waitUntil(live.tap_open.is_set, timeout=30_000)  # the child connects, then says so
    maps = Path(f"/proc/{pid}/maps").read_text()
    assert "Qt6" not in maps and "PySide6" not in maps  # the child never loads Qt
    tap = taps_of(pid)
    assert tap  # NATS lists the child's tap

    def counted() -> int:
        flow = live.report.flow("f4") if live.report is not None else None
        return flow.messages if flow is not None else 0

    def badge() -> str:
        return next(
            (i.text() for i in scene.items() if isinstance(i, RateBadge) and i.flow_id == "f4"),
            "",
        )

    _publish(20)
    qtbot.waitUntil(lambda: counted() == 20, timeout=15_000)
    report = live.report
    assert report is not None and report.flow("f4").violations == 0
    rate = report.flow("f4").rate
    assert rate >= 0.1 and badge() == f"{rate:.1f}/s"  # the rate the child measured, drawn

    live.pause()
    qtbot.waitUntil(lambda: live.child_paused, timeout=10_000)  # the child stopped counting
    _publish(5)
    qtbot.wait(500)
    live.resume()
    qtbot.waitUntil(lambda: not live.child_paused, timeout=10_000)
    assert counted() == 20  # what came while paused was not counted
    _publish(3)
    qtbot.waitUntil(lambda: counted() == 23, timeout=15_000)

    live.stop()
    assert live.state == "off" and live.child is None
    assert not alive(pid)  # stop waits for the child to end
    assert disconnected_within(tap, 10)  # and its tap disconnected
    assert not [i for i in scene.items() if isinstance(i, RateBadge)]

    live.connect_to(URL)
    assert live.child is not None
    pid = live.child.pid
    assert pid is not None
    qtbot.waitUntil(live.tap_open.is_set, timeout=30_000)
    tap = taps_of(pid)
    assert tap
    window.close()  # closing the window ends its child too
    assert not alive(pid)
    assert disconnected_within(tap, 10)


KILLED = textwrap.dedent(
    """
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication
    from designer.qt.main_window import MainWindow
    app = QApplication([])
    window = MainWindow()
    window.open_path(sys.argv[1])
    window.live.connect_to(sys.argv[2])
    def ready():
        window.live.refresh()
        if window.live.tap_open.is_set():
            print(window.live.child.pid, flush=True)
            return
        QTimer.singleShot(50, ready)
    from PySide6.QtCore import QTimer
    QTimer.singleShot(0, ready)
    app.exec()
    """
)


def test_killing_the_window_leaves_no_live_child(tmp_path) -> None:
    require_nats()
    from tests.support.window import SHOP

    design = tmp_path / SHOP.name
    design.write_bytes(SHOP.read_bytes())
    env = {
        **os.environ,
        "MSGFLOW_RECOVERY_DIR": str(tmp_path / "recovery"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "HOME": str(tmp_path),
    }
    window = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(design), URL],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert window.stdout is not None
        line = window.stdout.readline()  # blocks until the child's tap is open
        assert line.strip().isdigit(), f"the window did not report its child: {line!r}"
        pid = int(line)
        assert alive(pid)
        tap = taps_of(pid)
        assert tap, "the child's tap is not connected"
        window.send_signal(signal.SIGKILL)  # no close event, no atexit: the pipe just closes
        window.wait(10)
        assert gone_within(pid, 30), "the live child outlived its killed window"
        assert disconnected_within(tap, 10), "the killed child's tap is still connected"
    finally:
        if window.poll() is None:
            window.kill()
            window.wait(10)
