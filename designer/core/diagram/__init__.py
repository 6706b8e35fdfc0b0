"""The geometry engine: a design and its layout in, a `Diagram` (cards, arrow routes,
label boxes, boundary frames) out. Qt-free; the canvas and every export draw from it.

`DiagramEngine` keeps the router and label index between calls, so moving a card
re-routes only the arrows touching it (`move_card`) and places only their labels again.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable

from designer.core.layout import (
    BOUNDARY_LABEL_HEIGHT,
    BOUNDARY_MARGIN,
    CARD_HEIGHT,
    CARD_WIDTH,
    auto_layout,
)
from designer.core.model import Design

from .geometry import Arrow, Diagram, Frame, Point, Rect, rounded_path
from .index import RectIndex
from .labels import label_size, place_label
from .router import Link, Router

__all__ = [
    "Arrow",
    "Diagram",
    "DiagramEngine",
    "Frame",
    "Point",
    "Rect",
    "build_diagram",
    "rounded_path",
]

LabelSizer = Callable[[str], tuple[float, float]]  # flow id -> label width, height
_TITLE_CHAR = 7.0  # per character of a boundary title (12 px semi-bold)


def build_diagram(design: Design) -> Diagram:
    """The whole diagram of `design` (laid out first if some node has no place)."""
    if any(n.id not in design.layout for n in design.nodes):
        design = auto_layout(design)
    return DiagramEngine(design).diagram


class DiagramEngine:
    def __init__(self, design: Design, sizer: LabelSizer | None = None) -> None:
        self.design = design
        messages = {m.id: m for m in design.messages}
        flows = {f.id: f for f in design.flows}

        def default_size(flow_id: str) -> tuple[float, float]:
            flow = flows[flow_id]
            message = messages.get(flow.message)
            return label_size(message.name if message else flow.message, flow.transport)

        self.sizer = sizer or default_size
        self.diagram = Diagram()
        self._boundary = {n.id: n.boundary for n in design.nodes if n.boundary}
        for node in design.nodes:
            p = design.layout.get(node.id)
            if p is not None:
                self.diagram.cards[node.id] = Rect(p.x, p.y, CARD_WIDTH, CARD_HEIGHT)
        self._links = [
            Link(f.id, f.source, f.target)
            for f in sorted(design.flows, key=lambda f: f.id)
            if f.source in self.diagram.cards and f.target in self.diagram.cards
        ]
        self._by_card: dict[str, list[str]] = defaultdict(list)
        for link in self._links:
            self._by_card[link.source].append(link.key)
            if link.target != link.source:
                self._by_card[link.target].append(link.key)
        self.router = Router(self.diagram.cards)
        self._card_index = RectIndex()
        self._label_index = RectIndex()
        self._frame_all()
        routes = self.router.route_all(self._links)
        for link in self._links:
            self.diagram.arrows[link.key] = Arrow(
                link.key, link.source, link.target, routes[link.key]
            )
        self._place_labels([link.key for link in self._links])

    # ------------------------------------------------------------------ frames
    def _frame_all(self) -> None:
        members: dict[str, list[Rect]] = defaultdict(list)
        for card, name in self._boundary.items():
            if card in self.diagram.cards:
                members[name].append(self.diagram.cards[card])
        self.diagram.frames = {name: _frame(name, rects) for name, rects in members.items()}
        self._card_index = RectIndex()
        for key, rect in self.diagram.cards.items():
            self._card_index.add(key, rect)
        for name, frame in self.diagram.frames.items():
            self._card_index.add(f"\0title\0{name}", frame.title)

    # ------------------------------------------------------------------ labels
    def _place_labels(self, keys: list[str]) -> None:
        for key in keys:
            self._label_index.remove(key)
        # Long routes have the most room to slide: the short ones choose first.
        for key in sorted(keys, key=lambda k: (_length(self.diagram.arrows[k].points), k)):
            arrow = self.diagram.arrows[key]
            arrow.label = place_label(arrow, self.sizer(key), self._card_index, self._label_index)

    # ------------------------------------------------------------------ moves
    def arrows_of(self, card: str) -> list[str]:
        return list(self._by_card.get(card, ()))

    def move_card(self, card: str, x: float, y: float) -> list[str]:
        """Put `card` at (x, y): re-route its arrows and place their labels again (and
        refit its boundary's frame). Returns the ids of the arrows that changed."""
        rect = Rect(x, y, CARD_WIDTH, CARD_HEIGHT)
        self.diagram.cards[card] = rect
        self.router.cards[card] = rect
        self.router.obstacles.add(card, rect.grown(13.0))
        self._card_index.add(card, rect)
        name = self._boundary.get(card)
        if name is not None:
            rects = [self.diagram.cards[c] for c, b in self._boundary.items() if b == name]
            frame = self.diagram.frames[name] = _frame(name, rects)
            self._card_index.add(f"\0title\0{name}", frame.title)
        keys = self.arrows_of(card)
        routes = self.router.route_some(keys)
        for key in keys:
            self.diagram.arrows[key].points = routes[key]
        self._place_labels(keys)
        return keys


def _frame(name: str, rects: list[Rect]) -> Frame:
    left = min(r.x for r in rects) - BOUNDARY_MARGIN
    top = min(r.y for r in rects) - BOUNDARY_MARGIN - BOUNDARY_LABEL_HEIGHT
    right = max(r.right for r in rects) + BOUNDARY_MARGIN
    bottom = max(r.bottom for r in rects) + BOUNDARY_MARGIN
    title_w = min(right - left, 24 + len(name) * _TITLE_CHAR)
    return Frame(
        name,
        Rect(left, top, right - left, bottom - top),
        Rect(left, top, title_w, BOUNDARY_LABEL_HEIGHT + 4),
    )


def _length(points: list[Point]) -> float:
    return sum(abs(b[0] - a[0]) + abs(b[1] - a[1]) for a, b in itertools.pairwise(points))
