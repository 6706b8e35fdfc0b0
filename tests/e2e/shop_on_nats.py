"""The shop on the real NATS JetStream, for the shared scenarios of test_shop.py.

NATS has no vhosts here, so the design is renamed with a unique prefix (every stream,
subject and durable consumer derives from node ids) and its streams are deleted after.
Streams applied by `msgflow broker apply`, two processes of every service. Skips when
NATS is missing; fails in CI.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import nats
import nats.js.errors
import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg

from designer.cli import main
from designer.core import io
from designer.core.channels import ChannelNames, FlowChannel, dead_letter_stream
from designer.core.model import Design
from designer.resources import examples_dir
from tests.support.brokers import delete_nats_prefix, prefixed, require_nats, unique_token

from .harness import Services, generate
from .shop_scenario import DeadLetters

URL = "nats://127.0.0.1:4222"


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


class ShopOnNats:
    broker = "nats"
    crash_midway = False
    broker_drops_duplicates = True  # JetStream de-duplicates by Nats-Msg-Id on publish

    def __init__(self, design: Design, services: Services, token: str) -> None:
        self.design, self.services, self.token = design, services, token

    def node(self, node_id: str) -> str:
        return f"{self.token}-{node_id}"

    def bus(self) -> NatsBus:
        return NatsBus(URL, self.token)

    @staticmethod
    @asynccontextmanager
    async def _client() -> AsyncIterator[Client]:
        nc = await nats.connect(URL)
        try:
            yield nc
        finally:
            await nc.close()

    async def held_for(self, service: str) -> dict[str, int]:
        names = ChannelNames(self.design)
        held = {}
        async with self._client() as nc:
            js = nc.jetstream()
            for flow in self.design.flows:
                if flow.target != service or not flow.is_async:
                    continue
                channel = names.channel(flow)
                info = await js.consumer_info(channel.stream, channel.durable)
                held[f"pending for {channel.durable}"] = info.num_pending + info.num_ack_pending
        return held

    async def send_poison_then(
        self, channel: dict[str, Any], poison_id: str, good: dict[str, Any]
    ) -> None:
        async with self._client() as nc:
            js = nc.jetstream()
            poison = json.dumps({"points": "many"}).encode()
            await js.publish(channel["address"], poison, headers={"message_id": poison_id})
            await js.publish(channel["address"], json.dumps(good).encode())

    async def dead_letters(self, service: str, message: str) -> DeadLetters:
        # The runtime publishes a poison to `<service>.dead.<subject>`: one stream per service.
        stream = f"{service}_DEAD_LETTERS".upper().replace("-", "_")
        async with self._client() as nc:
            js = nc.jetstream()
            try:
                info = await js.stream_info(stream)
            except nats.js.errors.NotFoundError:
                return DeadLetters(0, "", "")
            if not info.state.messages:
                return DeadLetters(0, "", "")
            first = await js.get_msg(stream, info.state.first_seq)
            headers = first.headers or {}
            return DeadLetters(
                info.state.messages,
                headers.get("message_id", ""),
                headers.get("dead_letter_reason", ""),
            )

    async def poison_without_a_dead_letter_stream(
        self, service: str, channel: dict[str, Any], poison_id: str, gave_up: Any
    ) -> int:
        """Remove `service`'s dead-letter stream (as if `broker apply` never ran), send a
        poison, wait until `gave_up()`; how many messages its own stream still holds. The
        dead-letter stream is put back after, as `broker apply` creates it."""
        stream = dead_letter_stream(service)
        subject = channel["address"]
        async with self._client() as nc:
            js = nc.jetstream()
            kept = await js.stream_info(stream)
            await js.delete_stream(stream)
            try:
                own = await js.find_stream_name_by_subject(subject)
                base = (await js.stream_info(own)).state.messages
                await js.publish(subject, b'{"points": "many"}', headers={"message_id": poison_id})
                for _ in range(600):
                    if gave_up():
                        return int((await js.stream_info(own)).state.messages - base)
                    await asyncio.sleep(0.1)
                return -1  # the service never said it gave up
            finally:
                await js.add_stream(kept.config)

    async def send_twice(
        self, channel: dict[str, Any], body: dict[str, Any], message_id: str
    ) -> None:
        async with self._client() as nc:
            js = nc.jetstream()
            headers = {"message_id": message_id, "Nats-Msg-Id": message_id}
            for _ in range(2):
                await js.publish(channel["address"], json.dumps(body).encode(), headers=headers)

    async def send_with_reply_to(
        self, channel: dict[str, Any], body: dict[str, Any], reply_to: str
    ) -> None:
        async with self._client() as nc:
            await nc.publish(channel["address"], json.dumps(body).encode(), reply=reply_to)
            await nc.flush()


@contextmanager
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopOnNats]:
    require_nats()
    token = unique_token()
    design = prefixed(io.load(examples_dir() / "shop.msgflow.json"), token)
    folder: Path = tmp_path_factory.mktemp("shop-nats")
    try:
        project = generate(design, folder, "nats")
        design_file = str(folder / "design.msgflow.json")
        assert main(["broker", "apply", design_file, "--url", URL]) == 0
        with Services(design, "nats", project, URL, replicas=2) as services:
            yield ShopOnNats(design, services, token)
        # The services created nothing the design did not: a second apply changes nothing.
        assert main(["broker", "apply", design_file, "--url", URL]) == 0
    finally:
        asyncio.run(delete_nats_prefix(URL, token))
