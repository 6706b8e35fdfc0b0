"""What a command is doing while it works for seconds, told on stderr to a person watching.

`msgflow generate` of a 1,000-service design is silent for about ten seconds before its
plan prints; at a terminal that looks like a hang. A stage that is still running after
half a second says what it is doing, and when it ends how long it took:

    msgflow generate: rendering 6 targets for 1,000 services… 6.1 s

Quick stages print nothing, and nothing is printed unless stderr is a terminal: scripts
and CI read stdout, and want stderr for problems only.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

SHOW_AFTER_S = 0.5  # a pause shorter than this reads as instant


class Stages:
    """Stage lines for one command; `stream` defaults to stderr (when it is a terminal)."""

    def __init__(
        self, command: str, stream: TextIO | None = None, show_after: float | None = None
    ) -> None:
        self.command = command
        self.stream = stream if stream is not None else sys.stderr
        self.show_after = SHOW_AFTER_S if show_after is None else show_after
        self.enabled = self.stream.isatty()

    @contextmanager
    def stage(self, what: str) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        start = time.perf_counter()
        shown = threading.Event()
        lock = threading.Lock()

        def announce() -> None:
            with lock:
                if not finished:
                    self.stream.write(f"msgflow {self.command}: {what}…")
                    self.stream.flush()
                    shown.set()

        finished = False
        timer = threading.Timer(self.show_after, announce)
        timer.daemon = True
        if self.show_after <= 0:
            announce()  # at once (tests; a caller that knows the stage is slow)
        else:
            timer.start()
        try:
            yield
        finally:
            with lock:
                finished = True
                timer.cancel()
            if shown.is_set():
                self.stream.write(f" {time.perf_counter() - start:.1f} s\n")
                self.stream.flush()


def count(n: int, noun: str) -> str:
    """`1 service`, `1,000 services`."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
