"""Auto-layout: a layered left-to-right drawing with actors on the left and few crossings,
each bounded context kept together in one block.

Cards sharing a `boundary` form a block (a card without one is a block of its own). The
graph of blocks (the design with each context contracted to one box) is drawn layered
left to right (layout_layered: actors' blocks pinned to the first column), each block's
cards are packed in a compact grid of columns following the flow, and finally the cards
of every column are ordered after their neighbours. Blocks never overlap, so neither do
the boundary backdrops the canvas draws around them (cards' bounding box plus padding).

Layout points are the top-left corner of a card; cards are CARD_WIDTH x CARD_HEIGHT.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx

from designer.core.gc_pause import collector_paused

from .layout_layered import (
    Slot,
    acyclic_graph,
    assign_y,
    layers,
    order_layers,
    tighten,
    with_dummies,
)
from .layout_untangle import untangle
from .model import Design, MessageKind, NodeKind, Point

if TYPE_CHECKING:
    from .diagram.geometry import Diagram

CARD_WIDTH = 220
CARD_HEIGHT = 100
COLUMN_GAP = 140  # room for arrow labels between columns
ROW_GAP = 60
# The backdrop of a boundary around its cards' bounding box: the canvas's
# designer/qt/canvas/node_item.py BoundaryItem.MARGIN on every side, plus its
# LABEL_HEIGHT above for the title (core never imports Qt; a Qt test checks they agree).
BOUNDARY_MARGIN = 22
BOUNDARY_LABEL_HEIGHT = 26
# Above this many flows counting drawn crossings (quadratic) costs more than it brings.
# Up to it (300 services and their 900 flows) several starts are drawn and finished:
# synthetic 300 seeds 1-6: 53,204 -> 48,479 routed crossings, layout 0.07 -> ~1.8 s CPU.
_MULTI_START_FLOWS = 1000
# Shuffled starts while flows x starts stays under this (each start is placed and its
# straight crossings counted, O(flows^2)): 24 for the marketplace, 8 at 300 flows.
_SHUFFLE_BUDGET = 1200
_MOST_SHUFFLED_STARTS = 12
_ROW_PASSES = 3
# Up to this many flows the best starts by straight lines are compared again by the
# crossings of the arrows as the geometry engine routes them (what the reader sees).
_DRAWN_COUNT_FLOWS = 200
_FINALISTS = 4
_FREELY_FLOWS = 400  # 100 services; at 300 twice the routing for under 1% fewer crossings


# Columns inside a context of a design this small are further apart: an arrow between two
# of them then has room for its label on its own run between the cards (at 140 a tenth of
# the marketplace's labels found no room on their arrows). Bigger designs keep compact.
ROOMY_COLUMN_GAP = 190
_ROOMY_FLOWS = 200


def _inner_gap(design: Design) -> float:
    return ROOMY_COLUMN_GAP if len(design.flows) <= _ROOMY_FLOWS else COLUMN_GAP


@dataclass
class _Block:
    """A bounded context (or one card without a boundary) as packed by `_pack`."""

    id: str
    boundary: str | None
    cells: dict[str, tuple[int, float]]  # card: (column, top) inside the block
    step: dict[str, int]  # card: its step of the flow inside the block (actors: -1)
    gap: float = COLUMN_GAP  # between the block's columns

    @property
    def pad_x(self) -> float:
        return BOUNDARY_MARGIN if self.boundary is not None else 0.0

    @property
    def pad_top(self) -> float:
        return BOUNDARY_MARGIN + BOUNDARY_LABEL_HEIGHT if self.boundary is not None else 0.0

    @property
    def width(self) -> float:
        columns = max(column for column, _ in self.cells.values()) + 1
        return columns * (CARD_WIDTH + self.gap) - self.gap + 2 * self.pad_x

    @property
    def height(self) -> float:
        inner = max(top for _, top in self.cells.values()) + CARD_HEIGHT
        return inner + self.pad_top + (BOUNDARY_MARGIN if self.boundary is not None else 0.0)


# The drawing's width:height is kept in this range when either direction allows it: a
# long chain of contexts drawn left to right becomes a strip too thin to read on a screen.
ASPECT_RANGE = (0.5, 2.5)
_SCREEN_ASPECT = 1.6
# Narrower blocks for a drawing too wide: a context's cards packed in this share of the
# columns a square grid would take (more rows).
_NARROW = 0.7
_MOST_STRETCH = 3.0
# The cards' extent aims this far inside the range: arrows and labels run round it.
_FITS = ASPECT_RANGE[1] * 0.9  # the gap between blocks of a layer may grow up to this many times


@dataclass(frozen=True)
class _Shape:
    """How compact a drawing is: `narrow` scales the columns per context (above 1:
    wider), `stretch` the gap between the blocks of one layer (the way across the flow)."""

    narrow: float = 1.0
    stretch: float = 1.0
    bands: bool = False  # contexts one above the other (see _or_bands)


# Contexts drawn as bands are packed this many times as wide as a square grid.
_BAND_WIDTHS = (2.0, 3.0)


def auto_layout(design: Design, direction: str | None = None) -> Design:
    """A copy of `design` whose `layout` places every node; semantics are untouched.

    `direction` "right" lays the flow out left to right (contexts in columns), "down" top
    to bottom (contexts in rows). By default left to right, fitted into ASPECT_RANGE if it
    is too wide: contexts packed narrower, then the blocks of each column spread further
    apart; top to bottom only if that still does not fit and top to bottom does (or is
    nearer to a screen's shape). Left to right reads the flow with the fewest crossings.
    """
    # Every candidate placed and routed makes many objects and no cycles: the collector
    # would rescan them again and again (see gc_pause), ~5% of auto-layout at 100-300.
    with collector_paused():
        return _laid_out(design, direction)


def _laid_out(design: Design, direction: str | None) -> Design:
    orders: _Orders = {}
    memo = _Memo()
    if direction is not None:
        return _auto_layout(design, direction, _Shape(), orders, memo, finish=True)
    # The shape is chosen on quick drawings (the start with the fewest straight-line
    # crossings), then only the chosen one is finished (its finalists routed).
    shape = _Shape()
    across = _auto_layout(design, "right", shape, orders, memo)
    ratio = _aspect(across)
    plain_ratio = ratio
    if ratio > _FITS:
        shape = _Shape(narrow=_NARROW)
        across = _auto_layout(design, "right", shape, orders, memo)
        ratio = _aspect(across)
        stretch = 1.0
        for _ in range(4):
            if ratio <= _FITS or stretch >= _MOST_STRETCH:
                break
            # Height grows about in step with the gaps: aim a little inside the range.
            stretch = min(_MOST_STRETCH, stretch * ratio / (_FITS * 0.95))
            shape = _Shape(_NARROW, stretch)
            across = _auto_layout(design, "right", shape, orders, memo)
            ratio = _aspect(across)

    def finished(direction: str, shape: _Shape, quick: Design) -> Design:
        # A design drawn from a single start has nothing to finish: its quick drawing is it.
        if len(design.flows) > _MULTI_START_FLOWS:
            return quick
        laid = _auto_layout(design, direction, shape, orders, memo, finish=True)
        return _or_bands(design, laid, quick, memo)

    if ASPECT_RANGE[0] <= ratio <= _FITS:
        chosen = finished("right", shape, across)
        # Narrowed only because the plain drawing's cards came within 10% of the range's
        # end (_FITS): finished too, it is kept if its drawing (arrows and labels
        # included) is in the range and routes better. Narrowing costs crossings:
        # synthetic 300 seed 59 10,336 narrowed, 8,744 plain at 2.32:1 (dot 9,540 in
        # the range); fresh seeds 61-66 at 30/100/300: only 300 seed 62 changed, 7,158
        # -> 5,433 at 2.26:1 (layout 1.8 -> 4.2 s CPU: a second finish).
        if (
            shape != _Shape()
            and plain_ratio <= ASPECT_RANGE[1]
            and len(design.flows) <= _MULTI_START_FLOWS
        ):
            from .diagram import build_diagram  # the engine lays out with this module
            from .diagram.metrics import measure

            wide = _auto_layout(design, "right", _Shape(), orders, memo, finish=True)
            in_range = ASPECT_RANGE[0] <= measure(build_diagram(wide)).aspect <= ASPECT_RANGE[1]
            if in_range and memo.drawn_of(wide) < memo.drawn_of(chosen):
                return wide
        return chosen
    down = _auto_layout(design, "down", _Shape(), orders, memo)
    if ASPECT_RANGE[0] <= _aspect(down) <= ASPECT_RANGE[1] or abs(
        math.log(_aspect(down) / _SCREEN_ASPECT)
    ) <= abs(math.log(ratio / _SCREEN_ASPECT)):
        stacked = finished("down", _Shape(), down)
        return _or_full_size(design, stacked, finished("right", shape, across), memo)
    return finished("right", shape, across)


# A drawing this small (layout units are pixels at 100%) is read whole on a laptop's screen
# without zooming out: its width:height does not decide whether it fits.
_FULL_SIZE = (1600.0, 1000.0)


def _or_full_size(design: Design, stacked: Design, across: Design, memo: _Memo) -> Design:
    """`stacked` (top to bottom, chosen for its width:height), or `across` (left to right)
    where that whole drawing fits a screen at full size and fewer of its labels lie
    across other arrows or off their own (_labels_astray), with no more flaws. Two cards stacked draw their arrows as parallel
    vertical lines about 50 px apart, each label (150-250 px wide) across its
    neighbours: the imported streetlights system's four labels read as anyone's. Side
    by side each label lies on its own horizontal arrow. Routed, so only in small designs."""
    if len(design.flows) > _DRAWN_COUNT_FLOWS or _extent(across)[0] > _FULL_SIZE[0]:
        return stacked
    from .diagram import build_diagram  # the engine lays out with this module

    drawn = build_diagram(across)
    bounds = drawn.bounds()
    if bounds.w > _FULL_SIZE[0] or bounds.h > _FULL_SIZE[1]:
        return stacked
    if memo.drawn_of(across)[0] > memo.drawn_of(stacked)[0]:
        return stacked
    if _labels_astray(drawn) < _labels_astray(build_diagram(stacked)):
        return across
    return stacked


def _labels_astray(diagram: Diagram) -> int:
    """Labels that do not read as their own arrow's alone: each pair of a label and
    another arrow running through it (a label across two neighbours counts twice:
    metrics.labels_on_other_arrows counts it once, and the imported
    slack-reaction-listener stacked, three labels each across two or three arrows,
    counted as many as side by side, two labels each touched by one), and each label
    off its route on a leader line."""
    from .diagram.index import segment_enters
    from .diagram.metrics import label_off_route

    leaders = sum(1 for a in diagram.arrows.values() if label_off_route(a))
    boxes = [(a.flow_id, a.label.grown(-1.0)) for a in diagram.arrows.values() if a.label]
    return leaders + sum(
        1
        for arrow in diagram.arrows.values()
        for key, box in boxes
        if key != arrow.flow_id
        and any(segment_enters(*p, *q, box) for p, q in itertools.pairwise(arrow.points))
    )


def _extent(design: Design) -> tuple[float, float]:
    """Width and height of the cards' extent (cards only, no backdrops)."""
    points = design.layout.nodes.values()
    if not points:
        return 0.0, 0.0
    return (
        max(p.x for p in points) - min(p.x for p in points) + CARD_WIDTH,
        max(p.y for p in points) - min(p.y for p in points) + CARD_HEIGHT,
    )


def _or_bands(design: Design, laid: Design, quick: Design, memo: _Memo) -> Design:
    """`laid`, or the contexts drawn as bands if their arrows cross less there.

    Contexts that talk back and forth (each to the next and the one after) make long
    arrows when every context takes a column of its own: those from the first to the
    third run round the second. Drawn instead as bands one above the other, all in
    the column after the actors and each packed wide so its flow reads left to right
    (as Graphviz draws clusters whose ranks overlap), such arrows only cross the gap
    between bands. Compared by routed crossings, so only in designs of up to
    _DRAWN_COUNT_FLOWS flows, and only where every service has a context. `quick`:
    `laid` before it was finished; bands are routed only if their straight lines cross
    less than its own (not than the finished drawing's: its cards traded places to
    uncross straight lines, not routed arrows).
    """
    contexts = {n.boundary for n in design.nodes if n.kind is not NodeKind.ACTOR}
    if len(design.flows) > _DRAWN_COUNT_FLOWS or len(contexts) < 2 or None in contexts:
        return laid
    best, fewest = laid, memo.drawn_of(laid)
    straight = count_crossings(quick, each_arrow=True)
    orders: _Orders = {}
    for wide in _BAND_WIDTHS:
        # Finished (routed) only if its straight lines already cross less: the cheap
        # count ranks the starts as well, and routing is what costs.
        banded = _auto_layout(design, "right", _Shape(wide, bands=True), orders, memo)
        if count_crossings(banded, each_arrow=True) >= straight:
            continue
        bands = _auto_layout(design, "right", _Shape(wide, bands=True), orders, memo, finish=True)
        if ASPECT_RANGE[0] <= _aspect(bands) <= _FITS:
            count = memo.drawn_of(bands)
            if count < fewest:
                best, fewest = bands, count
    return best


# The order of every layer found from each start, by start: it depends on the graph of
# blocks alone, not on the shape, so every shape tried reuses it.
_Orders = dict[int, list[list[str]]]


@dataclass
class _Memo:
    """What one auto-layout works out more than once, kept for that call only (the design
    does not change during it, so nothing here ever goes stale).

    Different starts often end in the same order, and the trading modes or the leaning
    packing often land every card where another candidate had it: such a candidate was
    untangled and routed already. Routing is most of auto-layout's time (at 30 services
    48 candidates were routed, 19 of them distinct), so each distinct drawing is routed
    once, each distinct untangling done once, and the quick drawings of a shape are not
    drawn again when that shape is finished."""

    drawn: dict[tuple[tuple[str, float, float], ...], tuple[int, int]] = field(default_factory=dict)
    untangled: dict[tuple[object, ...], dict[str, tuple[float, float]]] = field(
        default_factory=dict
    )
    # (order, downward, stretch): the packing and the cards' places before trading.
    placed: dict[
        tuple[object, ...], tuple[dict[str, _Block], dict[str, float], dict[str, float]]
    ] = field(default_factory=dict)
    # (direction, shape): the candidates from every start and their straight crossings.
    quick: dict[tuple[str, _Shape], tuple[list[Design], list[int]]] = field(default_factory=dict)

    def drawn_of(self, design: Design) -> tuple[int, int]:
        """`_drawn(design)`, routed once per distinct placement of the cards."""
        key = tuple((k, p.x, p.y) for k, p in design.layout.nodes.items())
        found = self.drawn.get(key)
        if found is None:
            found = self.drawn[key] = _drawn(design)
        return found


def _auto_layout(
    design: Design,
    direction: str,
    shape: _Shape,
    orders: _Orders,
    memo: _Memo,
    finish: bool = False,
) -> Design:
    """The drawing in one direction and shape from the start with the fewest straight
    crossings; `finish`: the few best starts untangled and compared as routed."""
    downward = direction == "down"
    if not design.nodes:
        return design.model_copy(update={"layout": design.layout.with_nodes({})})
    actors = {n.id for n in design.nodes if n.kind is NodeKind.ACTOR}
    ids = {n.id: n.id for n in design.nodes}
    graph = acyclic_graph(ids, _directed_pairs(design, ids), sorted(actors))
    pairs = _arrows(design)
    flows = {(a, b): pairs[(min(a, b), max(a, b))] for a, b in graph.edges}
    block_of = {n.id: f"b\0{n.boundary}" if n.boundary else f"n\0{n.id}" for n in design.nodes}
    boundary_of = {block_of[n.id]: n.boundary or None for n in design.nodes}
    # Arrows between two contexts weigh as many as the pairs of cards they join.
    weights = Counter(
        (block_of[a], block_of[b]) for a, b in graph.edges if block_of[a] != block_of[b]
    )
    actor_blocks = sorted({block_of[a] for a in actors})
    block_graph = acyclic_graph(boundary_of, _directed_pairs(design, block_of), actor_blocks)
    block_layer = layers(block_graph, set(actor_blocks))
    if shape.bands:  # every context in the column after the actors (see _or_bands)
        block_layer = {b: 0 if b in actor_blocks else int(bool(actor_blocks)) for b in block_layer}
    members: dict[str, list[str]] = defaultdict(list)
    for node in sorted(block_of):
        members[block_of[node]].append(node)

    def packed(leaning: dict[str, int] | None) -> dict[str, _Block]:
        gap = _inner_gap(design)
        return {
            b: _Block(
                b,
                boundary_of[b],
                *_pack(nodes, graph, flows, block_of, block_layer, actors, shape, gap, leaning),
                gap,
            )
            for b, nodes in members.items()
        }

    blocks = packed(leaning=None)
    block_edges = [
        (a, b) for a, b in block_graph.edges for _ in range(weights[(a, b)] + weights[(b, a)])
    ]
    slots, edges = with_dummies(
        block_edges, block_layer, {b: block.height for b, block in blocks.items()}
    )
    by_id = {slot.id: slot for layer in slots for slot in layer}
    candidates: list[Design] = []
    straight: list[int] = []
    if (direction, shape) in memo.quick:  # drawn quick before, now finished
        drawings, straight = memo.quick[(direction, shape)]
        candidates = list(drawings)
    else:
        # Starts often end in the same order: its drawing is placed and counted once.
        placed: dict[tuple[tuple[str, ...], ...], int] = {}
        for index, start in enumerate(_starts(slots, edges, len(design.flows))):
            if index not in orders:
                orders[index] = [[s.id for s in layer] for layer in order_layers(start, edges)]
            same = placed.setdefault(tuple(map(tuple, orders[index])), index)
            if same != index:
                candidates.append(candidates[same])
                continue
            order = [[by_id[key] for key in layer] for layer in orders[index]]
            candidates.append(_place(design, blocks, order, edges, graph, downward, shape.stretch))
        # Straight lines between cards are cheap to count and follow the routed arrows'
        # crossings closely enough to rank the starts; the few best are then routed.
        counted: dict[int, int] = {}  # by candidate: starts of one order share it
        for candidate in candidates if len(candidates) > 1 else []:
            if id(candidate) not in counted:
                counted[id(candidate)] = count_crossings(candidate, each_arrow=True)
            straight.append(counted[id(candidate)])
        memo.quick[(direction, shape)] = (list(candidates), straight)
    if len(candidates) == 1:
        return candidates[0]
    ranked = sorted(range(len(candidates)), key=lambda i: (straight[i], i))
    if not finish:
        return candidates[ranked[0]]
    finalists = ranked[:_FINALISTS]
    if len(design.flows) > _DRAWN_COUNT_FLOWS:
        # Straight lines rank the starts of a big design less reliably: the best of them
        # is routed against the given order's (each routing costs about 0.4 s at 300).
        finalists = sorted({0, ranked[0]})
    # The finalists' cards then trade places inside their contexts where that uncrosses
    # arrows (too slow to do for every start): those of one step, and in a design small
    # enough to route every finalist more than once, also any two services of a context
    # (1), or a service and an empty cell of its context too (2). Which of them routes
    # best is not foreseeable from straight lines, so each is routed.
    size = len(design.flows)
    ways = (0, 1, 2) if size <= _DRAWN_COUNT_FLOWS else (0, 1) if size <= _FREELY_FLOWS else (0,)
    finals: dict[tuple[int, int], Design] = {}
    first: dict[tuple[tuple[str, ...], ...], int] = {}  # finalists of one order share it
    for i in finalists:
        same = first.setdefault(tuple(map(tuple, orders[i])), i)
        if same != i:
            finals.update({(i, freely): finals[(same, freely)] for freely in ways})
            continue
        order = [[by_id[key] for key in layer] for layer in orders[i]]
        for freely in ways:
            finals[(i, freely)] = _place(
                design, blocks, order, edges, graph, downward, shape.stretch, True, freely, memo
            )
    drawn = (
        {key: memo.drawn_of(drawing) for key, drawing in finals.items()} if len(finals) > 1 else {}
    )
    chosen, freely = min(finals, key=lambda k: (drawn.get(k, (0, 0)), straight[k[0]], k))
    candidates[chosen] = finals[(chosen, freely)]
    # The same order with each context's cards also pulled towards the cards they talk
    # to in other contexts (see _pack): routed, one or the other crosses less, and which one is not
    # foreseeable from straight lines; so both are drawn and the better one kept.
    leaning = packed({n: c for b in blocks.values() for n, (c, _) in b.cells.items()})
    if all(leaning[b].cells == blocks[b].cells for b in blocks):
        return candidates[chosen]
    order = [
        [
            Slot(k, by_id[k].height if by_id[k].dummy else leaning[k].height, by_id[k].dummy)
            for k in layer
        ]
        for layer in orders[chosen]
    ]
    best = candidates[chosen]
    fewest = drawn.get((chosen, freely)) or memo.drawn_of(best)
    # Leaning, the cards trading places either way (which routes better is no more
    # foreseeable here than above).
    for way in ways:
        other = _place(
            design, leaning, order, edges, graph, downward, shape.stretch, True, way, memo
        )
        if _fits_as_well(other, candidates[chosen]):
            count = memo.drawn_of(other)
            if count < fewest:
                best, fewest = other, count
    return best


def _fits_as_well(drawing: Design, than: Design) -> bool:
    """Whether `drawing` is in the aspect range auto-layout aims for, or no further from a
    screen's shape than `than`."""
    ratio = _aspect(drawing)
    if ASPECT_RANGE[0] <= ratio <= _FITS:
        return True
    return abs(math.log(ratio / _SCREEN_ASPECT)) <= abs(math.log(_aspect(than) / _SCREEN_ASPECT))


def _starts(
    slots: list[list[Slot]], edges: list[tuple[str, str]], flows: int
) -> list[list[list[Slot]]]:
    """Starting orders for the barycenter sweeps, which end near where they start: the
    given order, reversed, busiest first, and shuffled ones (seeded, so every machine
    draws the same), as many as the design is small enough to rank cheaply."""
    starts = [slots]
    if flows > _MULTI_START_FLOWS:
        return starts
    degree: Counter[str] = Counter()
    for a, b in edges:
        degree[a] += 1
        degree[b] += 1
    starts += [
        [list(reversed(layer)) for layer in slots],
        [sorted(layer, key=lambda s: (-degree[s.id], s.id)) for layer in slots],
    ]
    for seed in range(min(_MOST_SHUFFLED_STARTS, _SHUFFLE_BUDGET // max(flows, 1))):
        shuffle = random.Random(seed)
        starts.append([shuffle.sample(layer, len(layer)) for layer in slots])
    return starts


def _directed_pairs(design: Design, key: dict[str, str]) -> list[tuple[str, str]]:
    """Linked pairs of `key` values (cards or blocks), the way most of their flows point
    first: a command or query says who asks (weighs 2), an event may be an answer (1).
    Flows into an actor count as leaving it, so answers still read left to right."""
    actors = {n.id for n in design.nodes if n.kind is NodeKind.ACTOR}
    kinds = {m.id: m.kind for m in design.messages}
    weight: Counter[tuple[str, str]] = Counter()
    for flow in design.flows:
        if flow.source not in key or flow.target not in key:
            continue
        source, target = flow.source, flow.target
        if target in actors and source not in actors:
            source, target = target, source
        a, b = key[source], key[target]
        if a != b:
            weight[(a, b)] += 1 if kinds.get(flow.message) is MessageKind.EVENT else 2
    # Sorted by weight, then name: the drawing does not depend on the order of lists.
    return sorted(weight, key=lambda p: (-weight[p], p))


def _pack(
    nodes: list[str],
    graph: nx.DiGraph,
    flows: dict[tuple[str, str], int],
    block_of: dict[str, str],
    block_layer: dict[str, int],
    actors: set[str],
    shape: _Shape,
    gap: float = COLUMN_GAP,
    leaning: dict[str, int] | None = None,
) -> tuple[dict[str, tuple[int, float]], dict[str, int]]:
    """A block's cards in a compact set of columns, about as wide as tall on screen
    (shape.narrow < 1: fewer columns, more rows; shape.stretch: rows further apart):
    actors first, then the services by their step of the flow inside the block (those
    talking to blocks on the left first; `flows` counts the arrows of each edge of
    `graph`). A column per step while that stays compact:
    arrows inside the context then always go to the next column. A longer chain zig-zags
    between two or more columns, each step half a card lower, as people draw it by hand.
    `leaning` (each card's column as packed without it): a card with arrows to cards
    on one side moves towards that side."""
    own = {n for n in nodes if n not in actors}
    inner: dict[str, int] = {}
    for node in nx.lexicographical_topological_sort(graph.subgraph(own)):
        inner[node] = max([0, *(inner[p] + 1 for p in graph.predecessors(node) if p in own)])
    here = block_layer[block_of[nodes[0]]]

    def lean(node: str) -> int:
        others = [*graph.predecessors(node), *graph.successors(node)]
        return sum(
            (block_layer[block_of[o]] > here) - (block_layer[block_of[o]] < here) for o in others
        )

    def pulled(node: str) -> int:
        """Flows to cards on the left less those to cards on the right: by the layer of
        their context, or by their column in `leaning` when that context stands in the
        same layer (contexts drawn as bands one above the other)."""
        assert leaning is not None
        total = 0
        for other in [*graph.predecessors(node), *graph.successors(node)]:
            weight = flows.get((other, node)) or flows[(node, other)]
            side = block_layer[block_of[other]]
            if side == here and block_of[other] != block_of[node]:
                side, mine = leaning[other], leaning[node]
                total += weight * ((side < mine) - (side > mine))
            else:
                total += weight * ((side < here) - (side > here))
        return total

    # Longest path puts a card as early as its predecessors allow; one that feeds more
    # than it is fed then keeps long arrows to its later successors, which run past the
    # columns between (across their arrows). Moved next to them, as dot's ranking would;
    # `leaning`: arrows to other contexts pull too (to the left or right side).
    outside = {n: pulled(n) for n in own} if leaning is not None else None
    tighten(graph.subgraph(own), inner, flows, outside=outside)

    pitch = CARD_HEIGHT + ROW_GAP * shape.stretch
    cells: dict[str, tuple[int, float]] = {}
    step = {n: inner.get(n, -1) for n in nodes}
    for row, actor in enumerate(sorted(n for n in nodes if n in actors)):
        cells[actor] = (0, row * pitch)
    first = 1 if cells else 0
    if not own:
        return cells, step
    square = math.sqrt(len(own) * (CARD_HEIGHT + ROW_GAP) / (CARD_WIDTH + gap))
    wide = max(1, math.ceil(shape.narrow * square))
    rows = math.ceil(len(own) / wide)
    steps = [
        sorted((n for n in own if inner[n] == k), key=lambda n: (lean(n), n))
        for k in range(max(inner.values()) + 1)
    ]
    if sum(math.ceil(len(cards) / rows) for cards in steps) <= wide + 1:
        column = first
        for cards in steps:
            for start in range(0, len(cards), rows):
                for row, node in enumerate(cards[start : start + rows]):
                    cells[node] = (column, row * pitch)
                column += 1
        return cells, step
    count = max(2, wide)
    period = 2 * (count - 1)  # there and back: 0 1 2 1 0 1 2 ...
    free = [0.0] * count
    band = -pitch / 2
    for k, cards in enumerate(steps):
        column = k % period if k % period < count else period - k % period
        band = top = max(free[column], band + pitch / 2)
        for node in cards:
            cells[node] = (first + column, top)
            top += pitch
        free[column] = top
    return cells, step


def _place(
    design: Design,
    blocks: dict[str, _Block],
    order: list[list[Slot]],
    edges: list[tuple[str, str]],
    graph: nx.DiGraph,
    downward: bool = False,
    stretch: float = 1.0,
    untangled: bool = False,
    freely: int = 0,
    memo: _Memo | None = None,
) -> Design:
    """The cards placed: blocks in `order`, cards in their blocks' cells; `untangled`:
    cards of one step of a context then trade places while that uncrosses arrows,
    `freely` 1: any two services of a context may, 2: a service may also move to an
    empty cell of its context (its flow may then read less strictly left to right;
    auto-layout keeps such a drawing only when its routed arrows cross less)."""
    # The places before trading depend on neither `untangled` nor `freely`: the trading
    # modes of one order (and shape) share them (see _Memo).
    prefix = (
        tuple(tuple((slot.id, slot.height, slot.dummy) for slot in layer) for layer in order),
        downward,
        stretch,
    )
    known = memo.placed.get(prefix) if memo is not None else None
    if known is not None and known[0] is not blocks:
        known = None
    corners: dict[str, tuple[float, float]] = {}
    if known is not None:
        pass
    elif downward:
        # Layers become rows: blocks of a layer side by side, spaced by their widths.
        wide = [
            [Slot(s.id, s.height if s.dummy else blocks[s.id].width, s.dummy) for s in layer]
            for layer in order
        ]
        lefts = assign_y(wide, edges, COLUMN_GAP)
        y = 0.0
        for layer in order:
            placed = [blocks[slot.id] for slot in layer if not slot.dummy]
            for block in placed:
                corners[block.id] = (lefts[block.id] + block.pad_x, y + block.pad_top)
            y += max((block.height for block in placed), default=0.0) + COLUMN_GAP
    else:
        tops = assign_y(order, edges, ROW_GAP * stretch)
        gaps = _label_gaps(design, blocks, order)
        x = 0.0
        for index, layer in enumerate(order):
            placed = [blocks[slot.id] for slot in layer if not slot.dummy]
            for block in placed:
                corners[block.id] = (x + block.pad_x, tops[block.id] + block.pad_top)
            x += max((block.width for block in placed), default=0.0) + gaps[index]
    xs: dict[str, float] = {}
    ys: dict[str, float] = {}
    groups: list[list[str]] = []  # cards that may trade places: same column, same step
    steps: list[list[str]] = []  # the same across the columns of one step
    free: list[tuple[str, list[str]]] = []  # `freely`: a block's services
    for block_id, block in sorted(blocks.items()):
        together: dict[tuple[int, int], list[str]] = defaultdict(list)
        for node, (column, offset) in sorted(block.cells.items()):
            if known is None:
                left, top = corners[block_id]
                xs[node] = left + column * (CARD_WIDTH + block.gap)
                ys[node] = top + offset
            together[(column, block.step[node])].append(node)
        groups += [together[key] for key in sorted(together)]
        by_step: dict[int, list[str]] = defaultdict(list)
        for node in sorted(block.cells):
            by_step[block.step[node]].append(node)
        steps += [by_step[key] for key in sorted(by_step) if len(by_step[key]) > 1]
        services = sorted(n for n in block.cells if block.step[n] >= 0)
        if freely and len(services) > 1:
            steps.append(services)  # in the order of the blocks: untangle's work is bounded
            free.append((block_id, services))
    if known is not None:
        xs, ys = dict(known[1]), dict(known[2])
    else:
        # Cards of one column and step follow the height of what they talk to.
        for _ in range(_ROW_PASSES):
            for group in groups:
                _reorder(group, graph, ys)
        if memo is not None:
            memo.placed[prefix] = (blocks, dict(xs), dict(ys))
    if untangled and (steps or free):
        place = {node: (xs[node], ys[node]) for node in xs}
        for block_id, services in free if freely > 1 else []:
            # Empty cells of the block take part as cards without arrows: a card may
            # also move to one.
            services += _empty_cells(block_id, blocks[block_id], place, list(services))
        # The same groups from the same places untangle the same way (see _Memo).
        key = (tuple(tuple(group) for group in steps), tuple(place.items()))
        if memo is not None and key in memo.untangled:
            place = dict(memo.untangled[key])
        else:
            untangle(steps, _arrows(design), place)
            if memo is not None:
                memo.untangled[key] = dict(place)
        xs = {node: place[node][0] for node in xs}
        ys = {node: place[node][1] for node in xs}
    layout = {node: Point(x=round(xs[node]), y=round(ys[node])) for node in xs}
    return design.detached(design.layout.with_nodes(layout))


def _empty_cells(
    block_id: str, block: _Block, place: dict[str, tuple[float, float]], services: list[str]
) -> list[str]:
    """Places in `block` where a card would overlap none (in the columns of its services,
    at the heights its cards stand at), as keys of `place` added for them (a key starts
    with a NUL, no card's id does)."""
    columns = sorted({place[n][0] for n in services})
    heights = sorted({place[n][1] for n in block.cells})
    taken: dict[float, list[float]] = defaultdict(list)
    for node in block.cells:
        taken[place[node][0]].append(place[node][1])
    cells: list[str] = []
    for x in columns:
        for y in heights:
            if all(abs(y - other) >= CARD_HEIGHT for other in taken[x]):
                key = f"\0{block_id}\0{len(cells)}"
                place[key] = (x, y)
                taken[x].append(y)
                cells.append(key)
    return cells


# Kept free either side of a label on an arrow across the gap between two layers.
_LABEL_ROOM = 2 * 14.0


def _label_gaps(design: Design, blocks: dict[str, _Block], order: list[list[Slot]]) -> list[float]:
    """The gap after each layer (left to right): COLUMN_GAP, or in a design of up to
    _ROOMY_FLOWS flows as wide as the widest label of the arrows between that layer and
    the next, and room either side. An arrow between neighbouring layers runs straight
    across the gap, its label on it only if the gap is that wide: at 140 px half of the
    imported social-media system's labels (150-200 px) went off their arrows with leaders.
    Only arrows between cards without a context count: a context's block has runs of
    its own for labels, and widening the marketplace's gaps cost 7 crossings, no label.
    Between two cards with more arrows than run straight across a label's height apart
    (diagram/fans.py) the gap holds two of their widest labels side by side: labels of
    neighbouring arrows, less than a label's height apart (the arches of a fan, or
    straight arrows where the router does not fan), stagger along their runs; with
    room for one only they sat on the other arches' ends (the violations example: 2
    labels off their arrows at one wide, none at two)."""
    gaps = [float(COLUMN_GAP)] * len(order)
    if len(design.flows) > _ROOMY_FLOWS:
        return gaps
    from .diagram.labels import label_size  # the engine lays out with this module

    layer_of = {
        node: index
        for index, layer in enumerate(order)
        for slot in layer
        if not slot.dummy
        for node in blocks[slot.id].cells
    }
    names = {m.id: m.name for m in design.messages}
    lone = {n.id for n in design.nodes if n.boundary is None}
    pairs = _arrows(design)
    for flow in design.flows:
        if flow.source not in lone or flow.target not in lone:
            continue
        a, b = layer_of.get(flow.source), layer_of.get(flow.target)
        if a is None or b is None or abs(a - b) != 1:
            continue
        width, _ = label_size(names.get(flow.message, flow.message), flow.transport)
        pair = (min(flow.source, flow.target), max(flow.source, flow.target))
        side_by_side = 2 if _fan_depth(pairs[pair], (0.0, 0.0), (1e3, 0.0)) != (0.0, 0.0) else 1
        gaps[min(a, b)] = max(gaps[min(a, b)], side_by_side * width + _LABEL_ROOM)
    return gaps


def _arrows(design: Design) -> Counter[tuple[str, str]]:
    """Flows between each linked pair of cards (either way), as the engine draws them."""
    return Counter(
        (min(f.source, f.target), max(f.source, f.target))
        for f in design.flows
        if f.source != f.target
    )


def _drawn(design: Design) -> tuple[int, int]:
    """How the arrows read as drawn (routed round cards by the geometry engine): the
    flaws the engine could not avoid (arrows through cards, labels on labels or cards,
    arrows sharing a line), then the crossings. Fewer flaws win over fewer crossings: a
    drawing the engine can draw cleanly is never traded for a few crossings less."""
    from .diagram import build_diagram  # the engine lays out with this module
    from .diagram.metrics import measure

    q = measure(build_diagram(design))
    return q.through_cards + q.label_overlaps + q.labels_on_cards + q.shared_runs, q.crossings


def _aspect(design: Design) -> float:
    """Width:height of the cards' extent (with their boundary backdrops) and of the fans
    of arrows over and under pairs of cards side by side (diagram/fans.py): two cards
    with 47 arrows between them draw about as high as wide side by side, not 2.6 times
    as wide (as their cards alone measured, so they were stacked, the arrows 4 px apart
    in the gap and 37 of their labels off them)."""
    places = design.layout.nodes
    points = places.values()
    if not points:
        return 1.0
    left = min(p.x for p in points) - BOUNDARY_MARGIN
    right = max(p.x for p in points) + CARD_WIDTH + BOUNDARY_MARGIN
    top = min(p.y for p in points) - BOUNDARY_MARGIN - BOUNDARY_LABEL_HEIGHT
    bottom = max(p.y for p in points) + CARD_HEIGHT + BOUNDARY_MARGIN
    pairs = _arrows(design)
    partners = Counter(card for pair in pairs for card in pair)
    for (one, other), count in pairs.items():
        a, b = places.get(one), places.get(other)
        # The router fans a pair's arrows only where no other arrow shares the sides
        # they take: counted here for two cards talking to each other alone (a pair
        # with other arrows, counted, made social-media's drawing 2.52:1).
        if a is None or b is None or partners[one] > 1 or partners[other] > 1:
            continue
        over, under = _fan_depth(count, (a.x, a.y), (b.x, b.y))
        top = min(top, min(a.y, b.y) - over)
        bottom = max(bottom, max(a.y, b.y) + CARD_HEIGHT + under)
    return (right - left) / max(bottom - top, 1.0)


def _fan_depth(
    arrows: int, one: tuple[float, float], other: tuple[float, float]
) -> tuple[float, float]:
    """How far a fan of `arrows` between two cards at these corners reaches above and
    below them (diagram/fans.py, as the router draws it where the pair's sides are
    theirs alone); (0, 0): no fan (the cards face each other top to bottom, or their
    arrows all run straight across)."""
    from .diagram import router  # the engine lays out with this module
    from .diagram.fans import fan_depth, straight_capacity
    from .diagram.geometry import Rect

    a = Rect(*one, CARD_WIDTH, CARD_HEIGHT)
    b = Rect(*other, CARD_WIDTH, CARD_HEIGHT)
    if router.sides(a, b)[0][1] != 0:
        return 0.0, 0.0
    straight = straight_capacity(a, b, router.PORT_PAD)
    if arrows <= max(straight, 1):
        return 0.0, 0.0
    return fan_depth(arrows, straight, router.MARGIN)


def _reorder(group: list[str], graph: nx.DiGraph, ys: dict[str, float]) -> None:
    if len(group) < 2:
        return
    rows = sorted(ys[node] for node in group)

    def wanted(node: str) -> tuple[float, float]:
        linked = [ys[n] for n in (*graph.predecessors(node), *graph.successors(node))]
        return (sum(linked) / len(linked) if linked else ys[node]), ys[node]

    for node, y in zip(sorted(group, key=wanted), rows, strict=True):
        ys[node] = y


def count_crossings(design: Design, *, each_arrow: bool = False) -> int:
    """How many pairs of arrows cross when drawn straight between card centres.

    One arrow per communicating pair of nodes (as the canvas bundles them), or with
    `each_arrow` every flow its own arrow (as the geometry engine draws them: two pairs
    of 2 and 3 arrows crossing make 6 crossings); arrows that share a card never count
    as crossing.
    """
    centres = {
        node_id: (p.x + CARD_WIDTH / 2, p.y + CARD_HEIGHT / 2)
        for node_id, p in design.layout.nodes.items()
    }
    arrows = Counter(
        tuple(sorted((f.source, f.target)))
        for f in design.flows
        if f.source != f.target and f.source in centres and f.target in centres
    )
    # Sorted by their left ends, an arrow can cross only those starting before its right
    # end: in a layered drawing most arrows join near columns, so few pairs are tested.
    spans = sorted(
        (min(centres[a][0], centres[b][0]), max(centres[a][0], centres[b][0]), (a, b))
        for a, b in arrows
    )
    # Each arrow with its ends and its flows; segments_cross is written out in line (the
    # same arithmetic in the same order): auto-layout counts every candidate it places.
    items = [
        (left, right, a, b, *centres[a], *centres[b], arrows[(a, b)])
        for left, right, (a, b) in spans
    ]
    count = 0
    for i, (_, right, a, b, x1, y1, x2, y2, weight) in enumerate(items):
        top, bottom = min(y1, y2), max(y1, y2)
        ex, ey = x2 - x1, y2 - y1
        for left, _, c, d, x3, y3, x4, y4, other in itertools.islice(items, i + 1, None):
            if left >= right:
                break
            if a in (c, d) or b in (c, d):
                continue
            if (y3 <= top and y4 <= top) or (y3 >= bottom and y4 >= bottom):
                continue
            dx, dy = x4 - x3, y4 - y3
            if (dx * (y1 - y3) - dy * (x1 - x3)) * (dx * (y2 - y3) - dy * (x2 - x3)) >= 0:
                continue
            if (ex * (y3 - y1) - ey * (x3 - x1)) * (ex * (y4 - y1) - ey * (x4 - x1)) < 0:
                count += weight * other if each_arrow else 1
    return count


def overlapping_cards(design: Design) -> list[tuple[str, str]]:
    """Pairs of nodes whose cards overlap in the layout (used by tests and the window)."""
    boxes = sorted(design.layout.nodes.items(), key=lambda kv: (kv[1].x, kv[1].y, kv[0]))
    overlaps: list[tuple[str, str]] = []
    for i, (a, pa) in enumerate(boxes):
        for b, pb in boxes[i + 1 :]:
            if pb.x >= pa.x + CARD_WIDTH:
                break
            if abs(pa.y - pb.y) < CARD_HEIGHT:
                overlaps.append((a, b))
    return overlaps


def boundary_backdrops(design: Design) -> dict[str, tuple[float, float, float, float]]:
    """Each boundary's backdrop as the canvas draws it: (left, top, right, bottom)."""
    corners: dict[str, list[Point]] = defaultdict(list)
    for node in design.nodes:
        if node.boundary and node.id in design.layout.nodes:
            corners[node.boundary].append(design.layout.nodes[node.id])
    return {
        name: (
            min(p.x for p in points) - BOUNDARY_MARGIN,
            min(p.y for p in points) - BOUNDARY_MARGIN - BOUNDARY_LABEL_HEIGHT,
            max(p.x for p in points) + CARD_WIDTH + BOUNDARY_MARGIN,
            max(p.y for p in points) + CARD_HEIGHT + BOUNDARY_MARGIN,
        )
        for name, points in sorted(corners.items())
    }
