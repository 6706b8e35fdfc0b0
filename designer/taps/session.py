"""One observation session: connect a tap, feed what it sees to the analysis, clean up.

A tap only ever adds what it removes again: a temporary queue, a subscription, a
connection. `watch` closes the tap whatever happens (end of the window, Ctrl-C, an
error), so nothing is left on the broker.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Protocol

from designer.core import broker_urls
from designer.core.errors import MsgflowError
from designer.core.model import Design
from designer.core.observe import Observation, ObservationReport, Record, TraceWriter

SCHEMES = {
    "amqp": "rabbitmq",
    "amqps": "rabbitmq",
    "nats": "nats",
    "tls": "nats",
    "redis": "redis",
    "rediss": "redis",
}
_USAGE = (
    "use amqp://user:password@host:5672/vhost (RabbitMQ), nats://host:4222 (NATS) "
    "or redis://host:6379/0 (Redis)"
)


class TapError(MsgflowError):
    """The broker cannot be watched (unreachable, refused, bad URL): a one-line reason."""


def broker_of(url: str) -> str:
    """`rabbitmq`, `nats` or `redis`, from the URL's scheme; TapError for anything else."""
    try:
        return broker_urls.broker_of(url, SCHEMES, _USAGE)
    except broker_urls.BrokerUrlError as error:
        raise TapError(str(error)) from None


Sink = Callable[[Record], None]


class Tap(Protocol):
    """What every broker tap does. `notes` says what it could not watch, for the user."""

    notes: list[str]

    async def open(self, sink: Sink) -> None:
        """Connect and start receiving into `sink`; TapError when that cannot be done."""

    async def run(self, stop: asyncio.Event) -> None:
        """Keep receiving until `stop` is set."""

    async def close(self) -> None:
        """Remove everything the tap created on the broker and disconnect."""


def make_tap(design: Design, url: str) -> Tap:
    broker = broker_of(url)
    if broker == "rabbitmq":
        from .rabbitmq import RabbitTap

        return RabbitTap(design, url)
    if broker == "nats":
        from .nats import NatsTap

        return NatsTap(design, url)
    from .redis import RedisTap

    return RedisTap(design, url)


async def observe(
    design: Design,
    url: str,
    duration: float,
    sink: Sink,
    stop: asyncio.Event | None = None,
    on_open: Callable[[Tap], None] | None = None,
) -> list[str]:
    """Watch for `duration` seconds (or until `stop`), feeding `sink`; returns the notes."""
    tap = make_tap(design, url)
    stop = stop or asyncio.Event()
    try:
        await tap.open(sink)
        if on_open is not None:
            on_open(tap)
        loop = asyncio.get_running_loop()
        timer = loop.call_later(duration, stop.set)
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signal.SIGINT, stop.set)  # Ctrl-C ends the window early
        try:
            await tap.run(stop)
        finally:
            timer.cancel()
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signal.SIGINT)
    finally:
        await tap.close()
    return tap.notes


def watch(
    design: Design,
    url: str,
    duration: float,
    *,
    record: str | None = None,
    clock: Callable[[], float] = time.time,
) -> ObservationReport:
    """Watch a broker for `duration` seconds and return the drift report."""
    broker = broker_of(url)
    handle: IO[str] | None = None
    if record is not None:
        try:
            handle = Path(record).open("w", encoding="utf-8")  # noqa: SIM115  # closed in finally
        except OSError as error:
            raise TapError(f"--record {record}: cannot write: {error.strerror}") from None
    started = clock()
    observation = Observation(design, broker, started)
    writer = TraceWriter(handle, broker, started) if handle is not None else None

    def sink(item: Record) -> None:
        observation.add(item)
        if writer is not None:
            writer.write(item)

    try:
        notes = asyncio.run(observe(design, url, duration, sink))
    finally:
        ended = clock()
        if writer is not None and handle is not None:
            writer.close(ended)
            handle.close()
    for note in notes:
        print(f"msgflow: note: {note}", file=sys.stderr)
    return observation.report(ended)
