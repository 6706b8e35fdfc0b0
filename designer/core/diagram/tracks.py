"""The straight runs of the routes found so far, by the line they lie on and where along
it: what the router asks when it looks for a free track for a new arrow's middle run,
and for the arrows beside one it routes again.

A line is a whole pixel across one axis (axis 0: vertical runs at x = line; 1:
horizontal runs at y = line). A line through a big design holds runs from end to end of
it (a channel between two columns of cards holds a run for every row), so each line is
cut into stretches `_STRETCH` long, and a run is listed in every stretch it touches: a
question about a short piece of a line reads the few runs near that piece, not the
whole line. Routing 10,000 cards in a grid otherwise spent a fifth of its time reading
runs hundreds of rows away.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .geometry import Point

_STRETCH = 512.0  # px of a line per bucket
# A run over more stretches than this (an arrow across a huge layout: coordinates go to
# 1e9) is kept in its line's list of long runs, read by every question about the line.
_LONG = 32

Run = tuple[float, float, str]  # from, to (along the line), arrow key


class _Line:
    __slots__ = ("count", "long", "stretches")

    def __init__(self) -> None:
        self.count = 0  # runs on the line
        self.stretches: dict[int, list[Run]] = {}
        self.long: list[Run] = []


class Tracks:
    def __init__(self) -> None:
        self._lines: dict[tuple[int, int], _Line] = {}
        # Each route's runs: (axis, line), the run, and its stretches (empty: long).
        self._of: dict[str, list[tuple[tuple[int, int], Run, range]]] = {}

    def clear(self) -> None:
        self._lines.clear()
        self._of.clear()

    def add(self, key: str, points: Sequence[Point]) -> None:
        """The straight runs of route `key` (points as drawn)."""
        mine = self._of.setdefault(key, [])
        for i in range(len(points) - 1):
            (x0, y0), (x1, y1) = points[i], points[i + 1]
            if x0 == x1 and y0 != y1:
                where, lo, hi = (0, round(x0)), min(y0, y1), max(y0, y1)
            elif y0 == y1 and x0 != x1:
                where, lo, hi = (1, round(y0)), min(x0, x1), max(x0, x1)
            else:
                continue
            line = self._lines.get(where)
            if line is None:
                line = self._lines[where] = _Line()
            line.count += 1
            run = (lo, hi, key)
            stretches = range(int(lo // _STRETCH), int(hi // _STRETCH) + 1)
            if len(stretches) > _LONG:
                stretches = range(0)
                line.long.append(run)
            for stretch in stretches:
                cell = line.stretches.get(stretch)
                if cell is None:
                    line.stretches[stretch] = [run]
                else:
                    cell.append(run)
            mine.append((where, run, stretches))

    def drop(self, key: str) -> None:
        """Route `key`'s runs are gone."""
        for where, run, stretches in self._of.pop(key, ()):
            line = self._lines[where]
            line.count -= 1
            if not line.count:
                del self._lines[where]
                continue
            if not stretches:
                line.long.remove(run)
            for stretch in stretches:
                cell = line.stretches[stretch]
                cell.remove(run)
                if not cell:
                    del line.stretches[stretch]

    def runs(self, axis: int, at: int, lo: float, hi: float) -> Iterator[Run]:
        """Runs on line `at` of `axis` overlapping lo..hi (a < hi and lo < b), some of
        them more than once (a run over several stretches)."""
        line = self._lines.get((axis, at))
        if line is None:
            return
        for run in line.long:
            if run[0] < hi and lo < run[1]:
                yield run
        first, last = int(lo // _STRETCH), int(hi // _STRETCH)
        if last - first >= len(line.stretches):
            cells = [c for s, c in line.stretches.items() if first <= s <= last]
        else:
            cells = [c for s in range(first, last + 1) if (c := line.stretches.get(s))]
        for cell in cells:
            for run in cell:
                if run[0] < hi and lo < run[1]:
                    yield run

    def lines(self, axis: int) -> list[int]:
        """The lines of `axis` holding a run, in order."""
        return sorted(at for a, at in self._lines if a == axis)
