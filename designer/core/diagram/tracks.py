"""The straight runs of the routes found so far, by the line they lie on and where along
it: what the router asks when it looks for a free track for a new arrow's middle run,
for the arrows on lines next to one's, and for the arrows beside one across its channel.

A line is a whole pixel across one axis (axis 0: vertical runs at x = line; 1:
horizontal runs at y = line). A line through a big design holds runs from end to end of
it (a channel between two columns of cards holds a run for every row), and a channel of
a big design holds runs on most of its lines, so runs are kept in cells of `_BLOCK`
lines by `_STRETCH` px along, a run in every cell it touches: a question about a few
lines over a short piece reads the runs near that piece, not whole lines, and not one
line at a time. Routing 10,000 cards in a grid otherwise spent a fifth of its time
reading runs hundreds of rows away.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .geometry import Point

_STRETCH = 512.0  # px along a line per cell
_BLOCK = 16  # lines across per cell
# A run over more stretches than this (an arrow across a huge layout: coordinates go to
# 1e9) is kept in its block's list of long runs, read by every question about the block.
_LONG = 32

Run = tuple[int, float, float, str]  # line, from, to (along the line), arrow key
Cell = tuple[int, int, int | None]  # axis, block of lines, stretch along (None: long runs)


class Tracks:
    def __init__(self) -> None:
        self._cells: dict[Cell, list[Run]] = {}
        self._of: dict[str, list[tuple[Cell, Run]]] = {}  # each route's runs, by cell

    def clear(self) -> None:
        self._cells.clear()
        self._of.clear()

    def add(self, key: str, points: Sequence[Point]) -> None:
        """The straight runs of route `key` (points as drawn)."""
        mine = self._of.setdefault(key, [])
        for i in range(len(points) - 1):
            (x0, y0), (x1, y1) = points[i], points[i + 1]
            if x0 == x1 and y0 != y1:
                axis, line, lo, hi = 0, round(x0), min(y0, y1), max(y0, y1)
            elif y0 == y1 and x0 != x1:
                axis, line, lo, hi = 1, round(y0), min(x0, x1), max(x0, x1)
            else:
                continue
            run = (line, lo, hi, key)
            block = line // _BLOCK
            first, last = int(lo // _STRETCH), int(hi // _STRETCH)
            stretches: Sequence[int | None] = (
                (None,) if last - first > _LONG else range(first, last + 1)
            )
            for stretch in stretches:
                cell = (axis, block, stretch)
                held = self._cells.get(cell)
                if held is None:
                    self._cells[cell] = [run]
                else:
                    held.append(run)
                mine.append((cell, run))

    def drop(self, key: str) -> None:
        """Route `key`'s runs are gone."""
        for cell, run in self._of.pop(key, ()):
            held = self._cells[cell]
            held.remove(run)
            if not held:
                del self._cells[cell]

    def near(self, axis: int, first: int, last: int, lo: float, hi: float) -> Iterator[str]:
        """The keys of the runs on lines `first`..`last` of `axis` overlapping lo..hi along
        (a < hi and lo < b), some more than once (a run over several stretches)."""
        blocks = range(first // _BLOCK, last // _BLOCK + 1)
        stretches = range(int(lo // _STRETCH), int(hi // _STRETCH) + 1)
        if len(blocks) * (len(stretches) + 1) > len(self._cells):
            # A question over a huge stretch: looking at every cell is cheaper.
            cells = [
                held
                for (a, block, stretch), held in self._cells.items()
                if a == axis and block in blocks and (stretch is None or stretch in stretches)
            ]
        else:
            cells = [
                held
                for block in blocks
                for stretch in (None, *stretches)
                if (held := self._cells.get((axis, block, stretch)))
            ]
        for held in cells:
            for line, a, b, key in held:
                if first <= line <= last and a < hi and lo < b:
                    yield key
