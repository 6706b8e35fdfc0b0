"""NATS tap: one core subscription to `>` (every subject, JetStream ones included).

A core subscription takes nothing from anyone: NATS copies each message to every
subscriber, and JetStream consumers keep their own state. `>` already covers the design's
subjects, so one subscription sees them and the undeclared ones without duplicates.
NATS's own control traffic is skipped: `$JS.`/`$SYS.` API subjects, `_INBOX.` replies of
clients' request calls, and JetStream consumers' deliveries (a service pulling a stored
message gets it under its original subject, with a `$JS.ACK.` reply: counted once already,
when it was published).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from designer.core.broker_urls import redact
from designer.core.model import Design
from designer.core.observe import from_wire

from .session import Sink, TapError

PENDING_MESSAGES = 500_000  # what may wait in the client before NATS calls us slow
PENDING_BYTES = 256 * 1024 * 1024


class NatsTap:
    def __init__(self, design: Design, url: str) -> None:
        self.design = design
        self.url = url
        self.notes: list[str] = []
        self.client: Client | None = None
        self.subscription: Subscription | None = None
        self.dropped = 0

    async def _error(self, error: Exception) -> None:
        if "slow consumer" in str(error).lower():
            self.dropped += 1
        elif len(self.notes) < 5:  # nats-py hands callback errors here: never lose them
            self.notes.append(f"NATS client error: {type(error).__name__}: {error}")

    async def open(self, sink: Sink) -> None:
        async def _quiet(*_args: Any) -> None:
            return None

        try:
            # nats-py retries the first connect even without reconnects (0 attempts
            # means "forever"): one attempt, and a deadline over it all.
            connecting = nats.connect(
                self.url,
                name="msgflow-observe",
                connect_timeout=3,
                allow_reconnect=False,
                max_reconnect_attempts=1,
                error_cb=self._error,
                disconnected_cb=_quiet,
                closed_cb=_quiet,
            )
            self.client = await asyncio.wait_for(connecting, timeout=10)
        except Exception as error:  # nats-py raises a variety (NoServers, OSError, timeouts)
            raise TapError(f"cannot connect to {redact(self.url)}: {_reason(error)}") from None

        async def receive(msg: Msg) -> None:
            subject = msg.subject
            if subject.startswith(("$", "_INBOX.")):
                return
            if msg.reply.startswith("$JS.ACK."):
                # A JetStream consumer's delivery of a stored message: it reaches `>` too,
                # under the original subject, but it is a copy handed out, not a publish.
                return
            sink(from_wire(time.time(), "nats", subject, msg.data, msg.headers or {}))

        self.subscription = await self.client.subscribe(
            ">",
            cb=receive,
            pending_msgs_limit=PENDING_MESSAGES,
            pending_bytes_limit=PENDING_BYTES,
        )
        await self.client.flush(timeout=3)

    async def run(self, stop: asyncio.Event) -> None:
        await stop.wait()

    async def close(self) -> None:
        if self.client is None:
            return
        try:
            if self.subscription is not None:
                await self.subscription.unsubscribe()
            await self.client.close()
        except Exception:  # closing an already broken connection: nothing left to clean
            pass
        if self.dropped:
            self.notes.append(
                f"NATS reported this observer as a slow consumer {self.dropped} time(s): "
                "some messages were not seen, counts are low"
            )


def _reason(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    if "nodename nor servname" in text or "Name or service not known" in text:
        return "unknown host"
    if isinstance(error, asyncio.TimeoutError | TimeoutError):
        return "no answer within 3 s"
    return text
