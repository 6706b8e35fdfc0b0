"""The generated shop on the real NATS JetStream: streams applied, every service a process.

NATS has no vhosts here, so the design is renamed with a unique prefix (every stream,
subject and durable consumer derives from node ids) and its streams are deleted after.
Skips when NATS is missing; fails in CI.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg

from designer.cli import main
from designer.core import io
from designer.core.channels import FlowChannel
from designer.core.model import Design
from designer.resources import examples_dir
from tests.support.brokers import delete_nats_prefix, prefixed, require_nats, unique_token

from .harness import Services, generate
from .shop_scenario import ShopRun

URL = "nats://127.0.0.1:4222"
BURST = 1000


class NatsBus:
    """A core NATS client: taps an event subject, asks a query with a private reply subject."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.token = token
        self.nc: Client | None = None
        self.seen: Counter[str] = Counter()

    async def _client(self) -> Client:
        if self.nc is None:
            self.nc = await nats.connect(self.url)
        return self.nc

    async def watch_events(self, channel: FlowChannel) -> None:
        nc = await self._client()

        async def count(message: Msg) -> None:
            self.seen[json.loads(message.data)["order_id"]] += 1

        await nc.subscribe(channel.subject, cb=count)
        await nc.flush()

    def watched(self) -> Counter[str]:
        return self.seen

    async def ask(
        self, channel: FlowChannel, body: dict[str, Any], meta: dict[str, str], timeout: float
    ) -> tuple[dict[str, Any], dict[str, str]]:
        nc = await self._client()
        headers = {"content-type": "application/json", **meta}
        answer = await nc.request(
            channel.subject, json.dumps(body).encode(), timeout=timeout, headers=headers
        )
        answered = {
            name: (answer.headers or {}).get(name, "")
            for name in ("message_id", "correlation_id", "causation_id", "message_type")
        }
        result: dict[str, Any] = json.loads(answer.data)
        return result, answered

    async def close(self) -> None:
        if self.nc is not None:
            await self.nc.close()


@pytest.fixture(scope="module")
def shop_on_nats(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Design, Services, str]]:
    require_nats()
    token = unique_token()
    design = prefixed(io.load(examples_dir() / "shop.msgflow.json"), token)
    folder: Path = tmp_path_factory.mktemp("shop-nats")
    try:
        project = generate(design, folder, "nats")
        design_file = str(folder / "design.msgflow.json")
        assert main(["broker", "apply", design_file, "--url", URL]) == 0
        with Services(design, "nats", project, URL, replicas=2) as services:
            yield design, services, token
        # The services created nothing the design did not: a second apply changes nothing.
        assert main(["broker", "apply", design_file, "--url", URL]) == 0
    finally:
        asyncio.run(delete_nats_prefix(URL, token))


def _run(system: tuple[Design, Services, str], scenario: str, *args: Any) -> Any:
    design, services, token = system

    async def go() -> Any:
        bus = NatsBus(URL, token)
        try:
            run = ShopRun(design, services, bus, lambda node: f"{token}-{node}")
            return await getattr(run, scenario)(*args)
        finally:
            await bus.close()

    return asyncio.run(go())


@pytest.mark.xdist_group("e2e")
def test_order_reaches_every_subscriber_once_and_loyalty_handles_its_command(shop_on_nats) -> None:  # type: ignore[no-untyped-def]
    _run(shop_on_nats, "one_order")


@pytest.mark.xdist_group("e2e")
def test_query_is_answered_on_the_reply_subject_with_its_correlation_id(shop_on_nats) -> None:  # type: ignore[no-untyped-def]
    _run(shop_on_nats, "query_correlation")


@pytest.mark.xdist_group("e2e")
def test_burst_none_lost_none_twice_with_a_subscriber_restarted_midway(shop_on_nats) -> None:  # type: ignore[no-untyped-def]
    report = _run(shop_on_nats, "burst", BURST, "nats")
    assert report["http_status"] == {202: BURST}, report["text"]
    assert report["delivered_after_restart"] > 0, report["text"]  # the durable consumer kept them
    for hop in report["hops"]:
        assert (hop["lost"], hop["duplicated"]) == (0, 0), report["text"]
    # Two requester replicas: each got the answers to exactly the questions it asked.
    assert report["replicas"] == 2, report["text"]
    for row in report["answers_by_replica"]:
        assert row["asked"] > 0 and row["answered"] == row["asked"], report["text"]
        assert (row["foreign"], row["duplicated"]) == (0, 0), report["text"]
