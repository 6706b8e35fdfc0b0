"""The shapes of a drawn diagram as plain floats: what every picture of a design draws.

A `Diagram` holds each card's rectangle, each arrow's route (an orthogonal polyline from
the border of its source card to the border of its target card) with its label's
rectangle, and each boundary's frame. The canvas, the SVG of the HTML page and the
quality benchmark all read the same `Diagram`, so they cannot disagree about where an
arrow runs or where a label sits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from designer.core.model import RouteStyle

Point = tuple[float, float]


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle: left, top, width, height."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def centre(self) -> Point:
        return self.x + self.w / 2, self.y + self.h / 2

    def overlaps(self, other: Rect, gap: float = 0.0) -> bool:
        """Whether the interiors overlap (touching edges do not), each grown by `gap`."""
        return (
            self.x - gap < other.right
            and other.x - gap < self.right
            and self.y - gap < other.bottom
            and other.y - gap < self.bottom
        )

    def grown(self, by: float) -> Rect:
        return Rect(self.x - by, self.y - by, self.w + 2 * by, self.h + 2 * by)


@dataclass
class Arrow:
    """One flow drawn: its route (at least two points; axis-parallel segments unless the
    user chose another style) and label."""

    flow_id: str
    source: str
    target: str
    points: list[Point]
    label: Rect | None = None
    # How the points are drawn (see shapes.drawing_steps): straight and curved routes'
    # segments need not be axis-parallel.
    style: RouteStyle = RouteStyle.ORTHOGONAL
    # From the route to a label the user put away from it (shapes.leader), else None.
    leader: tuple[Point, Point] | None = None

    @property
    def loop(self) -> bool:
        return self.source == self.target


@dataclass
class Frame:
    """A bounded context's backdrop; `title` is where its name is written."""

    name: str
    rect: Rect
    title: Rect


@dataclass
class Diagram:
    cards: dict[str, Rect] = field(default_factory=dict)
    arrows: dict[str, Arrow] = field(default_factory=dict)
    frames: dict[str, Frame] = field(default_factory=dict)

    def bounds(self) -> Rect:
        """Everything drawn: cards, arrows, labels and frames."""
        xs: list[float] = []
        ys: list[float] = []
        rects = [*self.cards.values(), *(f.rect for f in self.frames.values())]
        rects += [a.label for a in self.arrows.values() if a.label is not None]
        for r in rects:
            xs += (r.x, r.right)
            ys += (r.y, r.bottom)
        for arrow in self.arrows.values():
            xs += [p[0] for p in arrow.points]
            ys += [p[1] for p in arrow.points]
        if not xs:
            return Rect(0, 0, 0, 0)
        return Rect(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


Step = tuple[str, tuple[float, ...]]


def tidy_route(points: list[Point]) -> list[Point]:
    """Without repeated points and without points in the middle of a straight run."""
    out: list[Point] = []
    for p in points:
        if out and abs(out[-1][0] - p[0]) < 1e-9 and abs(out[-1][1] - p[1]) < 1e-9:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if (ax == bx == p[0]) or (ay == by == p[1]):
                out[-1] = p
                continue
        out.append(p)
    return out


def rounded_path(points: list[Point], radius: float = 10.0) -> list[Step]:
    """Drawing steps of a polyline with its bends rounded, shared by every renderer:
    ("M", (x, y)), ("L", (x, y)) and ("Q", (control x, control y, x, y)).

    A bend's radius shrinks to half of its shorter segment, so close bends never overlap.
    """
    if not points:
        return []
    steps: list[Step] = [("M", points[0])]
    for i in range(1, len(points) - 1):
        (ax, ay), (bx, by), (cx, cy) = points[i - 1], points[i], points[i + 1]
        before = abs(bx - ax) + abs(by - ay)
        after = abs(cx - bx) + abs(cy - by)
        r = min(radius, before / 2, after / 2)
        if r <= 0.5:
            steps.append(("L", (bx, by)))
            continue
        ux, uy = _unit(ax, ay, bx, by)
        vx, vy = _unit(bx, by, cx, cy)
        steps.append(("L", (bx - ux * r, by - uy * r)))
        steps.append(("Q", (bx, by, bx + vx * r, by + vy * r)))
    steps.append(("L", points[-1]))
    return steps


def _unit(ax: float, ay: float, bx: float, by: float) -> Point:
    length = abs(bx - ax) + abs(by - ay)  # axis-parallel: the Manhattan length is the length
    if length == 0:
        return 0.0, 0.0
    return (bx - ax) / length, (by - ay) / length
