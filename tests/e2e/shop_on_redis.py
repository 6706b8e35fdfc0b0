"""The shop on the real Redis (streams with consumer groups), for the shared scenarios of
test_shop.py.

Redis has no topology to apply: each service creates its consumer groups when it starts.
Names are made unique with a prefix (as on NATS) and every key with it is deleted after.
The clients here are plain Redis clients writing and reading stream entries as the exported
AsyncAPI document describes them: the bare JSON payload in the field `__data__`, each
header in a field of its own. Only an answer to a query, on a pub/sub channel, comes in
FastStream's binary frame. Skips when Redis is missing; fails in CI.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis
from faststream.redis.parser.binary import BinaryMessageFormatV1

from designer.core import io
from designer.core.channels import ChannelNames, FlowChannel
from designer.core.model import Design
from designer.resources import examples_dir
from tests.support.brokers import prefixed, unique_token
from tests.support.requirements import require_redis

from .from_asyncapi import received_message
from .harness import Services, generate
from .shop_scenario import DeadLetters

URL = "redis://127.0.0.1:6379"
DATA = "__data__"


def entry(body: Any, headers: dict[str, str], reply_to: str = "") -> dict[str, Any]:
    """A stream entry as the exported document describes it: payload, a field per header."""
    fields: dict[str, Any] = {DATA: json.dumps(body).encode(), **headers}
    if reply_to:
        fields["reply_to"] = reply_to
    return fields


def read_entry(fields: dict[bytes, bytes]) -> tuple[dict[str, Any], dict[str, str]]:
    """(payload, headers) of a stream entry, read with nothing but JSON: a FastStream frame
    in the payload field fails here."""
    loaded: dict[str, Any] = json.loads(fields[DATA.encode()])
    headers = {k.decode(): v.decode() for k, v in fields.items() if k != DATA.encode()}
    return loaded, headers


def _unframe(data: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    # An answer on a pub/sub channel: one value, FastStream's frame (as documented).
    body, headers = BinaryMessageFormatV1.parse(data)
    loaded: dict[str, Any] = json.loads(body)
    return loaded, headers


class RedisBus:
    """A plain Redis client: taps an event stream, asks a query with a private reply channel."""

    def __init__(self) -> None:
        self.client = aioredis.Redis.from_url(URL)
        self.seen: Counter[str] = Counter()
        self.entries: list[tuple[dict[str, Any], dict[str, str]]] = []  # what the tap read
        self.tasks: list[asyncio.Task[None]] = []

    async def watch_events(self, channel: FlowChannel) -> None:
        last = "$"

        async def tap() -> None:
            nonlocal last
            while True:
                found = await self.client.xread({channel.topic: last}, block=500)
                for _stream, entries in found:
                    for entry_id, fields in entries:
                        last = entry_id
                        body, headers = read_entry(fields)
                        self.seen[body["order_id"]] += 1
                        self.entries.append((body, headers))

        self.tasks.append(asyncio.create_task(tap()))
        await asyncio.sleep(0.2)  # the tap reads from now on

    def watched(self) -> Counter[str]:
        return self.seen

    async def ask(
        self, channel: FlowChannel, body: dict[str, Any], meta: dict[str, str], timeout: float
    ) -> tuple[dict[str, Any], dict[str, str]]:
        reply = f"test-replies.{uuid.uuid4().hex}"
        pubsub = self.client.pubsub()
        await pubsub.subscribe(reply)
        try:
            await self.client.xadd(channel.topic, entry(body, meta, reply))
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.5)
                if message is None:
                    continue
                answer, headers = _unframe(message["data"])
                answered = {
                    k: str(headers.get(k, ""))
                    for k in ("message_id", "correlation_id", "causation_id", "message_type")
                }
                return answer, answered
            raise AssertionError("no answer")
        finally:
            await pubsub.unsubscribe(reply)
            await pubsub.aclose()

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await self.client.aclose()


class ShopOnRedis:
    broker = "redis"
    # Killed, not stopped: a graceful stop acknowledges what it read before leaving, and
    # what a killed replica read stays pending in its group until a running or restarted
    # one claims it (XAUTOCLAIM after MSGFLOW_CLAIM_IDLE_MS).
    crash_midway = True
    broker_drops_duplicates = False

    def __init__(self, design: Design, services: Services, token: str) -> None:
        self.design, self.services, self.token = design, services, token

    def node(self, node_id: str) -> str:
        return f"{self.token}-{node_id}"

    def bus(self) -> RedisBus:
        return RedisBus()

    @staticmethod
    @asynccontextmanager
    async def _client() -> AsyncIterator[aioredis.Redis]:
        client = aioredis.Redis.from_url(URL)
        try:
            yield client
        finally:
            await client.aclose()

    async def held_for(self, service: str) -> dict[str, int]:
        names = ChannelNames(self.design)
        held = {}
        async with self._client() as client:
            for flow in self.design.flows:
                if flow.target != service or not flow.is_async:
                    continue
                channel = names.channel(flow)
                group = next(
                    g
                    for g in await client.xinfo_groups(channel.topic)
                    if g["name"] in (channel.group, channel.group.encode())
                )
                # Read by a killed replica but not acknowledged (claimed after the restart;
                # how many depends on what was in flight at the kill), and not read yet.
                held[f"pending entries in {channel.group}"] = int(group["pending"])
                held[f"entries {channel.group} has not read"] = int(group["lag"] or 0)
        return held

    async def send_poison_then(
        self, channel: dict[str, Any], poison_id: str, good: dict[str, Any]
    ) -> None:
        async with self._client() as client:
            poison = entry({"points": "many"}, {"message_id": poison_id})
            await client.xadd(channel["address"], poison)
            # The entry field the document names for the payload (AsyncAPI has no Redis binding).
            field = channel["x-msgflow-redis"]["payloadField"]
            await client.xadd(channel["address"], {field: json.dumps(good).encode()})

    async def dead_letters(self, service: str, message: str) -> DeadLetters:
        # The runtime adds a poison to `<stream it came from>.dlq`.
        channel, _message = received_message(self.design, self.broker, service, message)
        async with self._client() as client:
            entries = await client.xrange(f"{channel['address']}.dlq")
        if not entries:
            return DeadLetters(0, "", "")
        _body, headers = read_entry(entries[0][1])
        return DeadLetters(
            len(entries),
            str(headers.get("message_id", "")),
            str(headers.get("dead_letter_reason", "")),
        )

    async def published_entry(
        self, channel: dict[str, Any], key: str, value: str
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """The entry of the stream `channel` whose payload's `key` is `value`, read as the
        exported document describes it (its x-msgflow-redis fields), waiting for it."""
        layout = channel["x-msgflow-redis"]
        assert layout["headerFields"] is True
        payload = layout["payloadField"].encode()
        async with self._client() as client:
            for _ in range(300):
                for _id, fields in await client.xrange(channel["address"]):
                    loaded: dict[str, Any] = json.loads(fields[payload])
                    if loaded.get(key) == value:
                        headers = {k.decode(): v.decode() for k, v in fields.items()}
                        del headers[payload.decode()]
                        return loaded, headers
                await asyncio.sleep(0.1)
        raise AssertionError(f"no entry with {key}={value} in {channel['address']}")

    async def send_twice(
        self, channel: dict[str, Any], body: dict[str, Any], message_id: str
    ) -> None:
        async with self._client() as client:
            for _ in range(2):
                await client.xadd(channel["address"], entry(body, {"message_id": message_id}))

    async def send_with_reply_to(
        self, channel: dict[str, Any], body: dict[str, Any], reply_to: str
    ) -> None:
        async with self._client() as client:
            await client.xadd(channel["address"], entry(body, {}, reply_to))


async def _delete_prefix(token: str) -> None:
    client = aioredis.Redis.from_url(URL)
    try:
        for pattern in (f"{token}*", f"msgflow:seen:{token}*"):
            async for key in client.scan_iter(match=pattern, count=500):
                await client.delete(key)
    finally:
        await client.aclose()


@contextmanager
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopOnRedis]:
    require_redis()
    token = unique_token()
    design = prefixed(io.load(examples_dir() / "shop.msgflow.json"), token)
    folder: Path = tmp_path_factory.mktemp("shop-redis")
    try:
        project = generate(design, folder, "redis")
        # Pending entries of a stopped replica are claimed after 5 s (default 30 s).
        shared = {"MSGFLOW_DEDUP_URL": URL, "MSGFLOW_CLAIM_IDLE_MS": "5000"}
        with Services(design, "redis", project, URL, 2, shared) as services:
            yield ShopOnRedis(design, services, token)
    finally:
        asyncio.run(_delete_prefix(token))
