"""Live mode's tap in a process of its own, so a busy broker never holds the window's
interpreter lock.

Measured (session 5, load ~12 on 2 cores): with the tap as a thread of the window's
process, a 10 ms timer in the window was 40-70 ms late at p99 (10-15 ms with live mode
off). The lock, not the overlay, was the cause: the tap thread holds it while the OS has
taken its core away. So the child runs the tap and the analysis (`Observation`), and the
window only receives a small report every `SNAPSHOT_S`.

The protocol, one pipe, pickled tuples:
  window -> child: ("design", Design, n) judge by the window's n-th edited design from
                   now on (`follow`);
                   ("pause",) / ("resume",) stop / restart counting; ("stop",).
  child -> window: ("open",) the tap receives; ("report", ObservationReport, paused, n)
                   judged by design n (0: the first), so the window never draws a report
                   of a design it has since edited;
                   ("error", reason) the tap failed or the broker ended the observation.
The child also stops when the window's end of the pipe closes (the window was closed or
killed), so it can never outlive the window. Nothing here imports Qt.

`LiveChild(host="thread")` runs the same `serve` in a thread of this process: the seam
for tests that stand a fake broker in for `designer.taps.session.observe`.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from designer.core.model import Design
from designer.core.observe import Observation, Record
from designer.core.observe.follow import follow

SNAPSHOT_S = 0.25  # how often the child sends a report (the overlay redraws at 4 Hz)
LISTEN_S = 0.05  # how often the child looks for the window's messages


def serve(conn: Connection, design: Design, url: str, interval: float = SNAPSHOT_S) -> None:
    """The child's whole life: watch `url`, report every `interval`, obey the window."""
    try:
        asyncio.run(_serve(conn, design, url, interval))
    finally:
        conn.close()


def _send(conn: Connection, message: tuple[Any, ...]) -> bool:
    """False when the window is gone (its end of the pipe closed)."""
    try:
        conn.send(message)
    except (BrokenPipeError, EOFError, OSError):
        return False
    return True


async def _serve(conn: Connection, design: Design, url: str, interval: float) -> None:
    # Looked up at call time, so a test's stand-in for `observe` is the one used.
    from designer.taps import session

    observation = Observation(design, session.broker_of(url), time.time())
    paused = False
    stop = asyncio.Event()

    def sink(record: Record) -> None:
        if not paused:
            observation.add(record)

    def on_open(_tap: object) -> None:
        if not _send(conn, ("open",)):
            stop.set()

    async def talk() -> None:
        nonlocal observation, paused
        generation = 0
        due = time.monotonic() + interval
        while not stop.is_set():
            try:
                while conn.poll():
                    message = conn.recv()
                    if message[0] == "stop":
                        stop.set()
                    elif message[0] == "pause":
                        paused = True
                    elif message[0] == "resume":
                        paused = False
                    elif message[0] == "design":
                        observation = follow(observation, message[1])
                        generation = message[2]
            except (EOFError, OSError):  # the window is gone: stop, closing the tap
                stop.set()
                break
            if time.monotonic() >= due:
                due = time.monotonic() + interval
                report = observation.report(time.time())
                if not _send(conn, ("report", report, paused, generation)):
                    stop.set()
            await asyncio.sleep(LISTEN_S)

    talker = asyncio.create_task(talk())
    try:
        notes = await session.observe(design, url, 10**7, sink, stop, on_open=on_open)
        if not stop.is_set():  # the broker ended it (e.g. it restarted), not Stop
            _send(conn, ("error", notes[-1] if notes else "the broker ended the observation"))
    except session.TapError as problem:
        _send(conn, ("error", str(problem)))
    finally:
        stop.set()
        await talker


class LiveChild:
    """The window's side: start the child, send it messages, read what it sent without
    waiting, stop it (and make sure it is gone)."""

    def __init__(self, design: Design, url: str, host: str = "process") -> None:
        context = multiprocessing.get_context("spawn")  # no fork of a Qt process
        self.conn, child_end = context.Pipe()
        self.process: multiprocessing.process.BaseProcess | None = None
        self.thread: threading.Thread | None = None
        if host == "process":
            # daemon: multiprocessing's exit handler ends it if the window exits normally
            self.process = context.Process(
                target=serve, args=(child_end, design, url), name="msgflow-live", daemon=True
            )
            self.process.start()
            child_end.close()  # only the child holds it now: its EOF means the child is gone
        else:
            self.thread = threading.Thread(
                target=serve, args=(child_end, design, url), name="msgflow-live", daemon=True
            )
            self.thread.start()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def send(self, *message: object) -> None:
        _send(self.conn, message)

    def received(self) -> list[tuple[Any, ...]]:
        """Everything the child sent so far, without blocking. A child that died without
        a word is reported as an error."""
        messages: list[tuple[Any, ...]] = []
        try:
            while self.conn.poll():
                messages.append(self.conn.recv())
        except (EOFError, OSError):
            if not any(m[0] == "error" for m in messages):
                messages.append(("error", "the live tap process ended unexpectedly"))
        return messages

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the child to close its tap (it removes what it created on the broker),
        then make sure it is gone."""
        self.send("stop")
        if self.process is not None:
            self.process.join(timeout)
            if self.process.is_alive():  # stuck: no orphan either way
                self.process.kill()
                self.process.join(2)
        if self.thread is not None:
            self.thread.join(timeout)
        self.conn.close()
