"""Pausing Python's cyclic garbage collector while a big tree of objects is built.

Reading a design or representing a YAML document creates hundreds of thousands of objects
that all stay alive until the work ends; the collector rescans them again and again
(loading 10,000 services took 3.5x longer than linear, a large kafka state 2.3x; a
validation run at 1,000 services took twice as long; a diagram build spent about a tenth of
its CPU in collections). None of that work creates cycles to collect, so the collector
waits until it is done. (The canvas's routing in slices cannot use this: other code runs
between its slices; designer/qt/canvas/background_routing.py holds the collector per job.)
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
