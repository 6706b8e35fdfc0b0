"""Redis tap: the streams read with XREAD from their current end, pub/sub with PSUBSCRIBE.

XREAD without a consumer group reads like `tail -f`: it moves no entry out of any group's
pending list, acknowledges nothing and creates no group, so the services' consumer groups
see exactly what they would without us. Streams are the design's plus every stream key
found by SCAN (at the start and every second), so undeclared ones and generated services'
per-instance reply streams show up too; a stream found later was created after the
start, so all of it is new, and each entry keeps the time Redis added it. Pub/sub messages
are copied to every subscriber, so PSUBSCRIBE `*` takes nothing either.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError, ResponseError

from designer.core.broker_urls import redact
from designer.core.model import Design
from designer.core.observe import from_wire
from designer.core.observe.expected import Expectations

from .redis_wire import unwrap
from .session import Sink, TapError

BLOCK_MS = 200
BATCH = 2_000
RESCAN_S = 1.0
DATA_FIELD = b"__data__"  # where FastStream and the generated services put the payload


class RedisTap:
    def __init__(self, design: Design, url: str) -> None:
        self.design = design
        self.url = url
        self.notes: list[str] = []
        self.client: Any = None
        self.pubsub: Any = None
        self.positions: dict[bytes, bytes] = {}
        self.sink: Sink | None = None

    async def open(self, sink: Sink) -> None:
        self.sink = sink
        try:
            self.client = aioredis.from_url(
                self.url, socket_connect_timeout=3, client_name="msgflow-observe"
            )
            await self.client.ping()
        except (RedisError, OSError, ValueError) as error:
            await self._disconnect()
            raise TapError(f"cannot connect to {redact(self.url)}: {error}") from None
        for name in Expectations(self.design).redis_streams():
            await self._follow(name.encode(), at_start=True)
        await self._rescan(at_start=True)
        self.pubsub = self.client.pubsub()
        await self.pubsub.psubscribe("*")

    async def _follow(self, key: bytes, *, at_start: bool) -> None:
        if key in self.positions:
            return
        if not at_start:
            self.positions[key] = b"0-0"  # created after we started: all of it is new
            return
        try:
            info = await self.client.xinfo_stream(key)
        except ResponseError:  # no such key yet: whatever it will hold is new
            if await self.client.exists(key):
                return  # a key of another type
            self.positions[key] = b"0-0"
            return
        last = info.get("last-generated-id") or info.get(b"last-generated-id") or b"0-0"
        self.positions[key] = last if isinstance(last, bytes) else str(last).encode()

    async def _rescan(self, *, at_start: bool) -> None:
        async for key in self.client.scan_iter(match="*", count=1000, _type="STREAM"):
            await self._follow(key if isinstance(key, bytes) else key.encode(), at_start=at_start)

    async def run(self, stop: asyncio.Event) -> None:
        tasks = [
            asyncio.create_task(self._streams(stop)),
            asyncio.create_task(self._channels(stop)),
        ]
        try:
            await stop.wait()
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, RedisError, OSError):
                    await task

    async def _streams(self, stop: asyncio.Event) -> None:
        assert self.sink is not None
        next_scan = time.monotonic() + RESCAN_S
        while not stop.is_set():
            if time.monotonic() >= next_scan:
                await self._rescan(at_start=False)
                next_scan = time.monotonic() + RESCAN_S
            if not self.positions:
                await asyncio.sleep(BLOCK_MS / 1000)
                continue
            answer = await self.client.xread(self.positions, count=BATCH, block=BLOCK_MS)
            for key, entries in answer or []:
                name = key.decode("utf-8", "replace")
                for entry_id, fields in entries:
                    self.positions[key] = entry_id
                    body, headers = _entry(fields)
                    self.sink(from_wire(_added_at(entry_id), "redis", name, body, headers))

    async def _channels(self, stop: asyncio.Event) -> None:
        assert self.sink is not None
        while not stop.is_set():
            message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=0.2)
            if message is None or message.get("type") != "pmessage":
                continue
            channel = message["channel"]
            data = message["data"]
            body, headers = unwrap(data if isinstance(data, bytes) else str(data).encode())
            name = channel.decode("utf-8", "replace") if isinstance(channel, bytes) else channel
            self.sink(from_wire(time.time(), "redis", name, body, headers))

    async def close(self) -> None:
        if self.pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await self.pubsub.punsubscribe()
                await self.pubsub.aclose()
        await self._disconnect()

    async def _disconnect(self) -> None:
        if self.client is not None:
            with contextlib.suppress(RedisError, OSError):
                await self.client.aclose()


def _added_at(entry_id: bytes) -> float:
    """When Redis added the entry (its id starts with milliseconds since the epoch): a
    stream found by a later scan still gets its entries' true times."""
    try:
        return int(entry_id.split(b"-", 1)[0]) / 1000
    except ValueError:
        return time.time()


def _entry(fields: dict[bytes, bytes]) -> tuple[bytes, dict[str, str]]:
    """(body, headers) of a stream entry: the payload field (a bare body, or FastStream's
    frame) with the entry's other fields as headers (as generated services write them), a
    single field's value, else the fields themselves as a JSON object."""
    data = fields.get(DATA_FIELD)
    if data is not None:
        body, headers = unwrap(data)
        for key, value in fields.items():
            if key != DATA_FIELD:
                headers[key.decode("utf-8", "replace")] = value.decode("utf-8", "replace")
        return body, headers
    if len(fields) == 1:  # one field holding the message (`XADD s * body '{...}'`)
        return unwrap(next(iter(fields.values())))
    as_text = {
        k.decode("utf-8", "replace"): v.decode("utf-8", "replace") for k, v in fields.items()
    }
    return json.dumps(as_text).encode(), {}
