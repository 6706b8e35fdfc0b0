"""Work done in steps: a generator that yields how far it has come (0..1) between pieces
of work and returns its result at the end.

Routing a big design takes seconds of pure Python. Written as steps, the same code runs
either at once (`finish`, what exports and small designs do) or a slice at a time
between a window's events (the canvas), and both get the same result: there is one
routine, not a fast one and a sliced one that could drift apart.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TypeVar

T = TypeVar("T")

Steps = Generator[float, None, T]  # yields progress 0..1, returns the result


# `StopIteration.value` is typed Any in typeshed: the two `no-any-return` ignores below are
# that, the value being the generator's own `T`.


def finish(steps: Steps[T]) -> T:
    """Run all remaining steps; their result."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]


def scaled(steps: Steps[T], lo: float, hi: float) -> Steps[T]:
    """The same steps, their progress mapped onto lo..hi (one part of a bigger job)."""
    while True:
        try:
            fraction = next(steps)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        yield lo + (hi - lo) * fraction
