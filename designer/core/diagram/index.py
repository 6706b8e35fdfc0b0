"""A bucket grid of rectangles, so a route or a label asks only about what lies near it.

Routing 3,000 arrows among 1,000 cards checks each candidate segment against the few
cards of the cells it crosses instead of against all of them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator

from .geometry import Rect

CELL = 256.0


class RectIndex:
    def __init__(self, cell: float = CELL) -> None:
        self.cell = cell
        self._cells: dict[tuple[int, int], list[tuple[str, Rect]]] = defaultdict(list)
        self._where: dict[str, Rect] = {}

    def __len__(self) -> int:
        return len(self._where)

    def _span(self, x0: float, y0: float, x1: float, y1: float) -> Iterator[tuple[int, int]]:
        c = self.cell
        for i in range(int(x0 // c), int(x1 // c) + 1):
            for j in range(int(y0 // c), int(y1 // c) + 1):
                yield i, j

    def add(self, key: str, rect: Rect) -> None:
        if key in self._where:
            self.remove(key)
        self._where[key] = rect
        for cell in self._span(rect.x, rect.y, rect.right, rect.bottom):
            self._cells[cell].append((key, rect))

    def remove(self, key: str) -> None:
        rect = self._where.pop(key, None)
        if rect is None:
            return
        for cell in self._span(rect.x, rect.y, rect.right, rect.bottom):
            entries = self._cells.get(cell)
            if entries:
                entries[:] = [e for e in entries if e[0] != key]

    def get(self, key: str) -> Rect | None:
        return self._where.get(key)

    def items(self) -> list[tuple[str, Rect]]:
        return list(self._where.items())

    def near(self, x0: float, y0: float, x1: float, y1: float) -> dict[str, Rect]:
        """Rectangles in the cells the box (x0, y0)-(x1, y1) touches (a superset of those
        overlapping it)."""
        found: dict[str, Rect] = {}
        left, top, right, bottom = min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
        c = self.cell
        if ((right - left) / c + 1) * ((bottom - top) / c + 1) > 4 * len(self._where) + 64:
            # A box spanning more cells than there are rectangles (far-apart cards, a
            # layout with huge coordinates): looking at every rectangle is cheaper.
            return {
                k: r
                for k, r in self._where.items()
                if r.x <= right and left <= r.right and r.y <= bottom and top <= r.bottom
            }
        cells = self._cells
        j0, j1 = int(top // c), int(bottom // c) + 1
        for i in range(int(left // c), int(right // c) + 1):
            for j in range(j0, j1):
                entries = cells.get((i, j))
                if entries:
                    for key, rect in entries:
                        found[key] = rect
        return found

    def contains_point(self, x: float, y: float) -> bool:
        """Whether a rectangle holds (x, y) in its interior (its border does not count).
        A rectangle holding the point was added to the point's cell: one cell is read."""
        c = self.cell
        entries = self._cells.get((int(x // c), int(y // c)))
        if entries:
            for _, r in entries:
                if r.x < x < r.x + r.w and r.y < y < r.y + r.h:
                    return True
        return False

    def any_overlap(self, x0: float, y0: float, x1: float, y1: float) -> bool:
        """Whether any rectangle overlaps the interior of the box (x0, y0)-(x1, y1):
        `near` without collecting, stopping at the first (label placement asks this of
        every spot it tries)."""
        return self.first_overlap(x0, y0, x1, y1) is not None

    def first_overlap(self, x0: float, y0: float, x1: float, y1: float) -> Rect | None:
        """A rectangle overlapping the interior of the box (x0, y0)-(x1, y1), if any."""
        c = self.cell
        if ((x1 - x0) / c + 1) * ((y1 - y0) / c + 1) > 4 * len(self._where) + 64:
            for r in self._where.values():
                if r.x < x1 and x0 < r.x + r.w and r.y < y1 and y0 < r.y + r.h:
                    return r
            return None
        cells = self._cells
        j0, j1 = int(y0 // c), int(y1 // c) + 1
        for i in range(int(x0 // c), int(x1 // c) + 1):
            for j in range(j0, j1):
                entries = cells.get((i, j))
                if entries:
                    for _, r in entries:
                        if r.x < x1 and x0 < r.x + r.w and r.y < y1 and y0 < r.y + r.h:
                            return r
        return None

    def overlaps_other(self, x0: float, y0: float, x1: float, y1: float, key: str) -> bool:
        """Whether a rectangle other than `key`'s overlaps the interior of the box
        (x0, y0)-(x1, y1): `near` filtered by `Rect.overlaps`, without collecting."""
        return self.first_other(x0, y0, x1, y1, key) is not None

    def first_other(self, x0: float, y0: float, x1: float, y1: float, key: str) -> Rect | None:
        """A rectangle other than `key`'s overlapping the interior of the box (x0, y0)-(x1,
        y1), if any (label placement asks this of every spot of a route it looks for room
        on, and skips the next spots that one overlaps)."""
        c = self.cell
        if ((x1 - x0) / c + 1) * ((y1 - y0) / c + 1) > 4 * len(self._where) + 64:
            for k, r in self._where.items():
                if k != key and r.x < x1 and x0 < r.x + r.w and r.y < y1 and y0 < r.y + r.h:
                    return r
            return None
        cells = self._cells
        j0, j1 = int(y0 // c), int(y1 // c) + 1
        for i in range(int(x0 // c), int(x1 // c) + 1):
            for j in range(j0, j1):
                entries = cells.get((i, j))
                if entries:
                    for k, r in entries:
                        if k != key and r.x < x1 and x0 < r.x + r.w and r.y < y1 and y0 < r.y + r.h:
                            return r
        return None

    def only_overlap(self, x0: float, y0: float, x1: float, y1: float) -> str | None:
        """The key of the one rectangle overlapping the interior of the box (x0, y0)-(x1,
        y1); None if none does or more than one do (making room for a label looks for
        spots where exactly one other label is in the way). Stops at the second."""
        found: str | None = None
        c = self.cell
        if ((x1 - x0) / c + 1) * ((y1 - y0) / c + 1) > 4 * len(self._where) + 64:
            columns: Iterator[list[tuple[str, Rect]]] = iter([list(self._where.items())])
        else:
            cells = self._cells
            j0, j1 = int(y0 // c), int(y1 // c) + 1
            columns = (
                entries
                for i in range(int(x0 // c), int(x1 // c) + 1)
                for j in range(j0, j1)
                if (entries := cells.get((i, j)))
            )
        for entries in columns:
            for k, r in entries:
                if r.x < x1 and x0 < r.x + r.w and r.y < y1 and y0 < r.y + r.h and k != found:
                    if found is not None:
                        return None
                    found = k
        return found

    def covered(
        self, x0: float, y0: float, x1: float, y1: float, base: float, limit: float
    ) -> float:
        """`base` + the area of the box (x0, y0)-(x1, y1) the rectangles cover, each once,
        added up in `near`'s order (so the same float as summing `near`'s). Stops as soon
        as the figure reaches `limit` and returns it then: the caller only asks whether
        it stays below (label placement's search for the least covered spot)."""
        total = 0.0
        seen: set[str] = set()
        c = self.cell
        if ((x1 - x0) / c + 1) * ((y1 - y0) / c + 1) > 4 * len(self._where) + 64:
            columns: Iterator[list[tuple[str, Rect]]] = iter([list(self._where.items())])
        else:
            cells = self._cells
            j0, j1 = int(y0 // c), int(y1 // c) + 1
            columns = (
                entries
                for i in range(int(x0 // c), int(x1 // c) + 1)
                for j in range(j0, j1)
                if (entries := cells.get((i, j)))
            )
        for entries in columns:
            for key, r in entries:
                w = min(x1, r.x + r.w) - max(x0, r.x)
                if w > 0:
                    h = min(y1, r.y + r.h) - max(y0, r.y)
                    if h > 0 and key not in seen:
                        seen.add(key)
                        total += w * h
                        if base + total >= limit:
                            return base + total
        return base + total

    def hits_box(self, box: Rect, ignore: tuple[str, ...] = ()) -> list[str]:
        """Keys whose rectangle overlaps the interior of `box`."""
        return [
            k
            for k, r in self.near(box.x, box.y, box.right, box.bottom).items()
            if k not in ignore and r.overlaps(box)
        ]

    def hits_segment(
        self, x0: float, y0: float, x1: float, y1: float, ignore: tuple[str, ...] = ()
    ) -> bool:
        """Whether the segment enters the interior of any rectangle not in `ignore`."""
        for key, r in self.near(x0, y0, x1, y1).items():
            if key not in ignore and segment_enters(x0, y0, x1, y1, r):
                return True
        return False


def axis_segment_enters(x0: float, y0: float, x1: float, y1: float, r: Rect) -> bool:
    """Whether an axis-parallel segment runs through the interior of `r` (the routers'
    fast case of `segment_enters`: their runs are all horizontal or vertical)."""
    if x0 == x1:
        if not (r.x < x0 < r.x + r.w):
            return False
        lo, hi = (y0, y1) if y0 < y1 else (y1, y0)
        return lo < r.y + r.h and r.y < hi
    lo, hi = (x0, x1) if x0 < x1 else (x1, x0)
    return r.y < y0 < r.y + r.h and lo < r.x + r.w and r.x < hi


def segment_enters(x0: float, y0: float, x1: float, y1: float, r: Rect) -> bool:
    """Whether a segment passes through the interior of `r` (running along an edge or
    touching a corner does not count). Liang-Barsky clipping against the open box."""
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - r.x), (dx, r.right - x0), (-dy, y0 - r.y), (dy, r.bottom - y0)):
        if p == 0:
            if q <= 0:
                return False
            continue
        t = q / p
        if p < 0:
            if t > t0:
                t0 = t
        elif t < t1:
            t1 = t
        if t0 >= t1:
            return False
    # Inside for a stretch of positive length (not a single touching point).
    return (t1 - t0) * (abs(dx) + abs(dy)) > 1e-6


class EdgeLines:
    """The lines just outside every rectangle's edges (left - 1, right + 1; top - 1,
    bottom + 1), by value, with the rectangles each comes from: the lines the router's
    search lays its grid on, for a region, without visiting every rectangle in it.

    A region 80,000 px tall (an actor's arrow down a 10,000-card design) holds thousands
    of rectangles but only the few hundred distinct lines of a grid layout's rows and
    columns; `lines` reads each line once and a few of its rectangles."""

    def __init__(self, rects: list[Rect]) -> None:
        # Per axis: line value -> the rectangles it borders, sorted along the other axis
        # (x lines: by top; y lines: by left), with those starts for bisecting.
        self._axes: list[tuple[list[float], dict[float, tuple[list[float], list[Rect]]]]] = []
        self._longest = [0.0, 0.0]  # the longest extent along the other axis, per axis
        for axis in (0, 1):
            by_line: dict[float, list[Rect]] = defaultdict(list)
            for r in rects:
                if axis == 0:
                    by_line[r.x - 1.0].append(r)
                    by_line[r.right + 1.0].append(r)
                else:
                    by_line[r.y - 1.0].append(r)
                    by_line[r.bottom + 1.0].append(r)
            table: dict[float, tuple[list[float], list[Rect]]] = {}
            for line, members in by_line.items():
                members.sort(key=(lambda r: r.y) if axis == 0 else (lambda r: r.x))
                starts = [r.y if axis == 0 else r.x for r in members]
                table[line] = (starts, members)
            self._axes.append((sorted(table), table))
        for r in rects:
            self._longest[0] = max(self._longest[0], r.h)
            self._longest[1] = max(self._longest[1], r.w)

    def lines(self, axis: int, region: Rect) -> list[float]:
        """The lines of `axis` (0: x, 1: y) within `region` (ends included) that border
        a rectangle overlapping `region`'s interior: the same values as taking each such
        rectangle's lines and keeping those within `region`."""
        values, table = self._axes[axis]
        lo, hi = (region.x, region.right) if axis == 0 else (region.y, region.bottom)
        # Along the other axis a rectangle overlaps the region only if it starts before
        # the region's end and after its start less the longest extent (a margin of 1 px
        # for rounding: the overlap test below decides).
        first, last = (region.y, region.bottom) if axis == 0 else (region.x, region.right)
        earliest = first - self._longest[axis] - 1.0
        found = []
        for line in values[bisect_left(values, lo) : bisect_right(values, hi)]:
            starts, members = table[line]
            for k in range(bisect_right(starts, earliest), bisect_left(starts, last)):
                if members[k].overlaps(region):
                    found.append(line)
                    break
        return found
