"""Live mode in the window on the real NATS: the overlay follows a running broker.

Messages are published on the shop's command subject until the arrow's badge shows them
(the tap starts in a worker thread); Stop then disconnects and removes the overlay.
Skips when NATS is missing; fails in CI.
"""

from __future__ import annotations

import asyncio
import json
import uuid

import nats
import pytest

from designer.qt.live.overlay import RateBadge
from tests.support.brokers import require_nats
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


def test_live_overlay_follows_the_broker(qtbot, monkeypatch, tmp_path) -> None:
    require_nats()
    window = open_window(qtbot, monkeypatch, tmp_path)
    live = window.live
    live.connect_to(URL)
    scene = window.canvas.scene

    def counted() -> int:
        return live.observation.tallies["f4"].messages if live.observation else 0

    qtbot.waitUntil(live.tap_open.is_set, timeout=20_000)  # the tap connects in its thread
    _publish(5)
    qtbot.waitUntil(
        lambda: any(
            isinstance(i, RateBadge) and i.flow_id == "f4" and i.text() != "0 msg"
            for i in scene.items()
        ),
        timeout=10_000,
    )
    assert live.report is not None and live.report.flow("f4").violations == 0
    live.pause()
    frozen = counted()
    _publish(5)
    qtbot.wait(500)
    assert counted() == frozen  # paused: not counted
    live.resume()
    live.stop()
    assert live.state == "off"
    assert not [i for i in scene.items() if isinstance(i, RateBadge)]
