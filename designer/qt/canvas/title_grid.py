"""Boundary titles by grid cell: the few titles an arrow's label must keep off, found at once."""

from __future__ import annotations

from collections import defaultdict

from .routing import Box


class TitleGrid:
    """Boundary titles by grid cell, so an arrow finds the few titles near it at once."""

    CELL = 400.0

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], set[str]] = defaultdict(set)
        self._boxes: dict[str, Box] = {}
        self._edges: dict[str, tuple[float, float, float, float]] = {}
        # The titles `near` finds, by span of cells, until a title changes cells: a
        # dragged card's arrows ask about the same few spans on every mouse move, and a
        # dragged card moves its own boundary's title by a few pixels at a time.
        self._near: dict[tuple[int, int, int, int], tuple[str, ...]] = {}

    def _cells_of(self, x: float, y: float, w: float, h: float) -> list[tuple[int, int]]:
        c = self.CELL
        return [
            (i, j)
            for i in range(int(x // c), int((x + w) // c) + 1)
            for j in range(int(y // c), int((y + h) // c) + 1)
        ]

    def place(self, name: str, box: Box | None) -> None:
        old = self._boxes.pop(name, None)
        before = self._cells_of(*old) if old is not None else []
        after = self._cells_of(*box) if box is not None else []
        self._edges.pop(name, None)
        if box is not None:
            self._boxes[name] = box
            self._edges[name] = (box[0], box[1], box[0] + box[2], box[1] + box[3])
        if before != after or old is None or box is None:
            self._near.clear()
            for cell in before:
                self._cells[cell].discard(name)
            for cell in after:
                self._cells[cell].add(name)

    def near(self, a: Box, b: Box) -> list[tuple[float, float, float, float]]:
        """Edges of the titles in the cells between the centres of two cards (where
        their arrows run)."""
        if not self._boxes:
            return []
        c = self.CELL
        i0, j0 = int((a[0] + a[2] / 2) // c), int((a[1] + a[3] / 2) // c)
        i1, j1 = int((b[0] + b[2] / 2) // c), int((b[1] + b[3] / 2) // c)
        if i0 > i1:
            i0, i1 = i1, i0
        if j0 > j1:
            j0, j1 = j1, j0
        if (i1 - i0 + 1) * (j1 - j0 + 1) > 16:
            return []  # a long arrow: its label sits far from most of those titles anyway
        span = (i0, j0, i1, j1)
        names = self._near.get(span)
        if names is None:
            found: set[str] = set()
            cells = self._cells
            for i in range(i0, i1 + 1):
                for j in range(j0, j1 + 1):
                    inside = cells.get((i, j))
                    if inside:
                        found |= inside
            names = self._near[span] = tuple(sorted(found))
        edges = self._edges
        return [edges[n] for n in names]
