"""The geometry engine: a design and its layout in, a `Diagram` (cards, arrow routes,
label boxes, boundary frames) out. Qt-free; the canvas and every export draw from it.

`DiagramEngine` keeps the router and label index between calls, so moving a card
re-routes only the arrows touching it (`move_card`) and places only their labels again.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable

from designer.core.gc_pause import collector_paused
from designer.core.layout import (
    BOUNDARY_LABEL_HEIGHT,
    BOUNDARY_MARGIN,
    CARD_HEIGHT,
    CARD_WIDTH,
    auto_layout,
)
from designer.core.model import Design, FlowLayout, RouteStyle

from .geometry import Arrow, Diagram, Frame, Point, Rect, rounded_path
from .index import RectIndex, segment_enters
from .labels import ClearSpots, Route, label_size, make_room, place_label
from .router import Link, Router
from .shapes import bent_route, drawing_steps, flattened, leader, straight_route
from .steps import Steps, finish, scaled

__all__ = [
    "Arrow",
    "Diagram",
    "DiagramEngine",
    "Frame",
    "Point",
    "Rect",
    "build_diagram",
    "drawing_steps",
    "flattened",
    "rounded_path",
]

LabelSizer = Callable[[str], tuple[float, float]]  # flow id -> label width, height
Shapes = dict[str, FlowLayout]  # flow id -> the shape the user chose (layout.flows)
_TITLE_CHAR = 7.0  # per character of a boundary title (12 px semi-bold)
_ROUTES_SHARE = 0.7  # of building a big design's diagram: routing; the rest is labels
_PLACING_SHARE = 0.4  # of placing labels: the first places; the rest is making room
_AVOID_LINKS = 1_500  # labels keep off other arrows up to this many (500 services)


def build_diagram(design: Design) -> Diagram:
    """The whole diagram of `design` (laid out first if some node has no place)."""
    if any(n.id not in design.layout.nodes for n in design.nodes):
        design = auto_layout(design)
    return DiagramEngine(design).diagram


class DiagramEngine:
    """The diagram of cards at positions and links between them, kept up to date by
    small steps: `move_card` while a card is dragged, `sync` after an edit."""

    def __init__(self, design: Design, sizer: LabelSizer | None = None) -> None:
        messages = {m.id: m for m in design.messages}
        flows = {f.id: f for f in design.flows}

        def default_size(flow_id: str) -> tuple[float, float]:
            flow = flows[flow_id]
            message = messages.get(flow.message)
            return label_size(message.name if message else flow.message, flow.transport)

        cards = {
            n.id: (p.x, p.y, n.boundary)
            for n in design.nodes
            if (p := design.layout.nodes.get(n.id)) is not None
        }
        links = {f.id: (f.source, f.target) for f in design.flows}
        self._start(cards, links, sizer or default_size, dict(design.layout.flows))

    @classmethod
    def of(
        cls,
        cards: dict[str, tuple[float, float, str | None]],
        links: dict[str, tuple[str, str]],
        sizer: LabelSizer,
        shapes: Shapes | None = None,
    ) -> DiagramEngine:
        """An engine for cards (id: x, y, boundary), links (flow id: source, target) and
        the shapes the user chose for some of them."""
        with collector_paused():
            return finish(cls.building(cards, links, sizer, shapes))

    @classmethod
    def building(
        cls,
        cards: dict[str, tuple[float, float, str | None]],
        links: dict[str, tuple[str, str]],
        sizer: LabelSizer,
        shapes: Shapes | None = None,
    ) -> Steps[DiagramEngine]:
        """`of` in steps (steps.py): the canvas routes a big design between its events.
        Run to the end, the engine is the one `of` makes, arrow for arrow."""
        engine = cls.__new__(cls)
        yield from engine._steps(cards, links, sizer, shapes)
        return engine

    def _start(
        self,
        cards: dict[str, tuple[float, float, str | None]],
        links: dict[str, tuple[str, str]],
        sizer: LabelSizer,
        shapes: Shapes | None = None,
    ) -> None:
        with collector_paused():
            finish(self._steps(cards, links, sizer, shapes))

    def _steps(
        self,
        cards: dict[str, tuple[float, float, str | None]],
        links: dict[str, tuple[str, str]],
        sizer: LabelSizer,
        shapes: Shapes | None = None,
    ) -> Steps[None]:
        self.sizer = sizer
        self._shapes: Shapes = dict(shapes or {})
        self.diagram = Diagram()
        self._boundary = {c: b for c, (_, _, b) in cards.items() if b}
        for card, (x, y, _) in cards.items():
            self.diagram.cards[card] = Rect(x, y, CARD_WIDTH, CARD_HEIGHT)
        self._links: dict[str, Link] = {}
        self._by_card: dict[str, set[str]] = defaultdict(set)
        self.router = Router(self.diagram.cards)
        self._card_index = RectIndex()
        self._label_index = RectIndex()
        for key in sorted(links):
            self._add_link(key, *links[key])
        self._frame_all()
        for link in self._links.values():
            self.diagram.arrows[link.key] = Arrow(link.key, link.source, link.target, [])
        # The arrows the user shaped first: the router takes their routes as they are
        # (no search) and routes the others clear of them.
        self._reshape(list(self._links))
        yield 0.0
        routes = yield from scaled(
            self.router.route_all_steps(list(self._links.values())), 0.0, _ROUTES_SHARE
        )
        for key, points in routes.items():
            self.diagram.arrows[key].points = points
        yield from scaled(self._placing_labels(list(self._links)), _ROUTES_SHARE, 1.0)

    def _add_link(self, key: str, source: str, target: str) -> bool:
        if source not in self.diagram.cards or target not in self.diagram.cards:
            return False
        link = Link(key, source, target)
        self._links[key] = link
        self.router.links[key] = link
        self._by_card[source].add(key)
        self._by_card[target].add(key)
        return True

    def _drop_link(self, key: str) -> None:
        link = self._links.pop(key, None)
        if link is None:
            return
        self.router.forget(key)
        self._by_card[link.source].discard(key)
        self._by_card[link.target].discard(key)
        self.diagram.arrows.pop(key, None)
        self._label_index.remove(key)

    # ------------------------------------------------------------------ frames
    def _frame_all(self) -> None:
        members: dict[str, list[Rect]] = defaultdict(list)
        for card, name in self._boundary.items():
            if card in self.diagram.cards:
                members[name].append(self.diagram.cards[card])
        for name in list(self.diagram.frames):
            self._card_index.remove(f"\0title\0{name}")
        self.diagram.frames = {name: _frame(name, rects) for name, rects in members.items()}
        for key, rect in self.diagram.cards.items():
            self._card_index.add(key, rect)
        for name, frame in self.diagram.frames.items():
            self._card_index.add(f"\0title\0{name}", frame.title)

    # ------------------------------------------------------------------ labels
    def _place_labels(self, keys: list[str], room: bool = True) -> list[str]:
        """Place these arrows' labels; returns the keys of other labels moved for them
        (none when `room` is False: see `_placing_labels`)."""
        return finish(self._placing_labels(keys, room))

    def _placing_labels(self, keys: list[str], room: bool = True) -> Steps[list[str]]:
        """`_place_labels` in steps: one per label. With `room` False (a frame of a
        drag), a label that finds no free spot on its route stays beside it, tied by its
        leader, instead of moving another label out of its way: making room was most of
        a drag frame's label work on a crowded design, and labels moved for a frame
        would stay moved after the drop. The drop (`settle`) places them in full."""
        for key in keys:
            self._label_index.remove(key)
        keys = self._pin_labels(keys)
        # Short routes have the least room to slide: they choose first.
        off_route = []
        ordered = sorted(keys, key=lambda k: (_length(self.diagram.arrows[k].points), k))
        # Labels keep off other arrows where they can (place_label's `crossed`) in
        # designs of up to _AVOID_LINKS arrows: a 1,000-card design's labels asked about
        # 30,000 spots, a fifth more drawing time for a layout that has its budget.
        avoid = self.router.runs_through if len(self._links) <= _AVOID_LINKS else None
        for done, key in enumerate(ordered, 1):
            arrow = self.diagram.arrows[key]
            arrow.label = place_label(
                arrow,
                self.sizer(key),
                self._card_index,
                self._label_index,
                # A loop's label keeps to its row over or under its card (router's
                # _loop_rows), even where the card's other loops cross it: free of
                # them it went out sideways, the drawing as wide again as the loops.
                None if arrow.loop else avoid,
            )
            # A crowded design may leave no room on the route: the label then sits a few
            # rows out, tied to its arrow by a leader line like a label the user moved.
            arrow.leader = leader(drawn_points(arrow), arrow.label)
            if arrow.leader is not None:
                off_route.append(key)
            yield done / len(ordered) * _PLACING_SHARE
        if not room:
            return []
        return (yield from scaled(self._making_room(off_route), _PLACING_SHARE, 1.0))

    def _making_room(self, keys: list[str]) -> Steps[list[str]]:
        """Labels placed off their routes: each back on it where one other label, moved
        along its own route, makes room. Returns the keys of the labels moved."""
        moved = []
        known: ClearSpots = {}  # spots of the labels asked to move, clear of cards

        def elsewhere(key: str) -> Route | None:
            shape = self._shapes.get(key)
            if shape is not None and shape.label is not None:
                return None  # put there by the user
            # The route place_label slides along (a curve's bends, not the curve).
            return self.diagram.arrows[key].points, self.sizer(key)

        for done, key in enumerate(keys, 1):
            yield done / len(keys)
            arrow = self.diagram.arrows[key]
            other = make_room(
                arrow, self.sizer(key), self._card_index, self._label_index, elsewhere, known
            )
            if other is None:
                continue
            for changed in (key, other):
                moved_arrow = self.diagram.arrows[changed]
                label = self._label_index.get(changed)
                if label is not None:
                    moved_arrow.label = label
                    moved_arrow.leader = leader(drawn_points(moved_arrow), label)
            moved.append(other)
        return moved

    # ------------------------------------------------------------------ user's shapes
    def _reshape(self, keys: list[str]) -> None:
        """Arrows with bends or drawn straight: their routes as the user chose them, held
        by the router (which finds routes only for the others); the style of each."""
        for key in keys:
            shape = self._shapes.get(key)
            arrow = self.diagram.arrows.get(key)
            if arrow is None:
                continue
            arrow.style = shape.route if shape is not None else RouteStyle.ORTHOGONAL
            points = self._chosen_route(arrow, shape)
            if points is None:
                self.router.release(key)
            else:
                arrow.points = points
                self.router.hold(key, points)

    def _chosen_route(self, arrow: Arrow, shape: FlowLayout | None) -> list[Point] | None:
        """The route the user's shape fixes (None: the router's route is drawn)."""
        if shape is None:
            return None
        source, target = self.diagram.cards[arrow.source], self.diagram.cards[arrow.target]
        if shape.bends:
            bends = [(p.x, p.y) for p in shape.bends]
            return bent_route(shape.route, source, target, bends)
        if shape.route is RouteStyle.STRAIGHT and not arrow.loop:
            return straight_route(source, target)
        return None

    def _pin_labels(self, keys: list[str]) -> list[str]:
        """Put the labels the user placed where they were put (first, so the others keep
        off them); returns the keys whose labels are still to be placed."""
        free = []
        for key in keys:
            shape = self._shapes.get(key)
            arrow = self.diagram.arrows[key]
            if shape is None or shape.label is None:
                arrow.leader = None
                free.append(key)
                continue
            w, h = self.sizer(key)
            rect = Rect(shape.label.x - w / 2, shape.label.y - h / 2, w, h)
            arrow.label = rect
            arrow.leader = leader(drawn_points(arrow), rect)
            self._label_index.add(key, rect)
        return free

    def set_shapes(self, shapes: Shapes) -> list[str]:
        """Follow the user's shapes (`layout.flows`); returns the arrows that changed.
        An arrow given bends is only re-shaped (no search: cheap enough for every frame
        of a bend's drag); one that lost them is routed by the router again."""
        changed = sorted(
            key
            for key in (shapes.keys() | self._shapes.keys()) & self._links.keys()
            if shapes.get(key) != self._shapes.get(key)
        )
        before = self._shapes
        self._shapes = dict(shapes)
        routed, reshaped, relabelled = [], [], []
        for key in changed:
            old, new = before.get(key) or FlowLayout(), shapes.get(key) or FlowLayout()
            if (old.route, old.bends) == (new.route, new.bends):
                relabelled.append(key)
            elif self._chosen_route(self.diagram.arrows[key], new) is not None:
                reshaped.append(key)
            else:
                routed.append(key)
        done = self._reroute(routed) if routed else []
        self._reshape(reshaped)
        moved = self._place_labels(reshaped + relabelled)
        return sorted({*done, *reshaped, *relabelled, *moved})

    # ------------------------------------------------------------------ changes
    def arrows_of(self, card: str) -> list[str]:
        return sorted(self._by_card.get(card, ()))

    def _put_card(self, card: str, x: float, y: float) -> None:
        rect = Rect(x, y, CARD_WIDTH, CARD_HEIGHT)
        self.diagram.cards[card] = rect
        self.router.place(card, rect)
        self._card_index.add(card, rect)

    def _reroute(
        self, keys: list[str], spread: set[str] | None = None, room: bool = True
    ) -> list[str]:
        keys = sorted(set(keys) & self._links.keys())
        for key in keys:
            if key not in self.diagram.arrows:
                link = self._links[key]
                self.diagram.arrows[key] = Arrow(key, link.source, link.target, [])
        # The user's shapes follow their cards (no search); the router routes the rest.
        self._reshape(keys)
        held = [key for key in keys if key in self.router.held]
        free = [key for key in keys if key not in self.router.held]
        # (Only held arrows, e.g. a card whose arrows the user all bent: nothing to route.)
        routes = self.router.route_some(free, spread) if free else {}
        for key, points in routes.items():
            self.diagram.arrows[key].points = points
        keys = sorted({*routes, *held})
        return sorted({*keys, *self._place_labels(keys, room)})

    def relabel(self, keys: list[str]) -> list[str]:
        """Place these arrows' labels again (their text, so their size, changed)."""
        keys = sorted(set(keys) & self.diagram.arrows.keys())
        return sorted({*keys, *self._place_labels(keys)})

    def move_card(self, card: str, x: float, y: float, dragging: bool = False) -> list[str]:
        """Put `card` at (x, y): re-route its arrows and place their labels again (and
        refit its boundary's frame). Returns the ids of the arrows that changed.

        `dragging` (a frame of a drag): arrows at the far ends keep their ports until
        `settle`, so a frame re-routes only the card's own arrows and its side-mates, and
        places only their labels, moving no other label (see `_placing_labels`). What
        `settle` then makes does not depend on the way the card was dragged: it is what
        one frame straight to the drop and `settle` make."""
        self._put_card(card, x, y)
        name = self._boundary.get(card)
        if name is not None:
            rects = [self.diagram.cards[c] for c, b in self._boundary.items() if b == name]
            frame = self.diagram.frames[name] = _frame(name, rects)
            self._card_index.add(f"\0title\0{name}", frame.title)
        if dragging:
            return self._reroute(self.arrows_of(card), {card}, room=False)
        return self._reroute(self.arrows_of(card))

    def settle(self, cards: list[str]) -> list[str]:
        """After a drag of `cards`: spread the ports at their arrows' far ends too, and
        route round them the other arrows they were dropped onto."""
        keys = [key for card in cards for key in self.arrows_of(card)]
        return self._reroute(keys + self._crossing(cards))

    def _crossing(self, cards: list[str]) -> list[str]:
        """Arrows not ending at `cards` whose routes run through one of them."""
        rects = [(c, self.diagram.cards[c]) for c in cards if c in self.diagram.cards]
        found = []
        for key, arrow in self.diagram.arrows.items():
            for card, rect in rects:
                if card in (arrow.source, arrow.target):
                    continue
                if any(segment_enters(*a, *b, rect) for a, b in itertools.pairwise(arrow.points)):
                    found.append(key)
                    break
        return found

    def sync(
        self,
        cards: dict[str, tuple[float, float, str | None]],
        links: dict[str, tuple[str, str]],
    ) -> list[str]:
        """Follow an edit: cards and links added, removed, moved or re-attached. Only the
        arrows touching what changed are routed again; returns their ids."""
        touched: set[str] = set()
        before = dict(self.diagram.cards)
        for card in list(self.diagram.cards):
            if card not in cards:
                touched |= self._by_card.pop(card, set())
                del self.diagram.cards[card]
                self.router.place(card, None)
                self._card_index.remove(card)
                self._boundary.pop(card, None)
        for card, (x, y, boundary) in cards.items():
            old = self.diagram.cards.get(card)
            if old is None or (old.x, old.y) != (x, y):
                self._put_card(card, x, y)
                touched |= self._by_card.get(card, set())
            if boundary:
                self._boundary[card] = boundary
            else:
                self._boundary.pop(card, None)
        for key in list(self._links):
            if links.get(key) != (self._links[key].source, self._links[key].target):
                self._drop_link(key)
                touched.add(key)
        for key, (source, target) in links.items():
            if key not in self._links and self._add_link(key, source, target):
                touched.add(key)
        self._frame_all()
        moved = [c for c, old in before.items() if self.diagram.cards.get(c) not in (None, old)]
        return self._reroute(sorted(touched) + self._crossing(moved))


def drawn_points(arrow: Arrow) -> list[Point]:
    """The arrow's route as drawn: curves cut into short straight pieces."""
    if arrow.style is RouteStyle.ORTHOGONAL:
        return arrow.points
    return flattened(drawing_steps(arrow.points, arrow.style))


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
