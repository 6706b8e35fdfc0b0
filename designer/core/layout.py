"""Auto-layout: a layered left-to-right drawing with actors on the left and few crossings.

The classic Sugiyama steps: networkx breaks cycles and gives each node a layer (the
longest path from the actors), long edges get dummy nodes, a barycenter sweep orders
each layer to reduce crossings (keeping the best order seen), and a few median passes
place cards vertically without overlap. Own code rather than grandalf's so actors can be
pinned to the first column and the result is the same on every machine.

Layout points are the top-left corner of a card; cards are CARD_WIDTH x CARD_HEIGHT.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from .model import Design, NodeKind, Point

CARD_WIDTH = 220
CARD_HEIGHT = 100
COLUMN_GAP = 140  # room for arrow labels between columns
ROW_GAP = 60
_DUMMY_HEIGHT = 20  # a long edge passing through a layer needs a lane, not a card
_SWEEPS = 16
# Above this many flows counting drawn crossings (quadratic) costs more than it brings.
_MULTI_START_FLOWS = 600
_TRANSPOSE_EVERY_SWEEP_SLOTS = 3000


@dataclass
class _Slot:
    id: str
    height: float
    dummy: bool


def auto_layout(design: Design) -> Design:
    """A copy of `design` whose `layout` places every node; semantics are untouched."""
    if not design.nodes:
        return design.model_copy(update={"layout": {}})
    graph = _acyclic_graph(design)
    layers = _layers(design, graph)
    slots, edges = _with_dummies(graph, layers)
    degree: dict[str, int] = defaultdict(int)
    for a, b in edges:
        degree[a] += 1
        degree[b] += 1
    # Barycenter sweeps depend on where they start: try a few starting orders and keep
    # the drawing with the fewest crossings as drawn (straight lines between cards).
    starts = [slots]
    if len(design.flows) <= _MULTI_START_FLOWS:
        starts += [
            [list(reversed(layer)) for layer in slots],
            [sorted(layer, key=lambda s: (-degree[s.id], s.id)) for layer in slots],
        ]
    if len(starts) == 1:
        return _place(design, _order_layers(slots, edges), edges)
    best: Design | None = None
    best_count = -1
    for start in starts:
        candidate = _place(design, _order_layers(start, edges), edges)
        count = count_crossings(candidate)
        if best is None or count < best_count:
            best, best_count = candidate, count
    assert best is not None
    return best


def _place(design: Design, order: list[list[_Slot]], edges: list[tuple[str, str]]) -> Design:
    ys = _assign_y(order, edges)
    layout: dict[str, Point] = {}
    for column, layer in enumerate(order):
        for slot in layer:
            if not slot.dummy:
                layout[slot.id] = Point(x=column * (CARD_WIDTH + COLUMN_GAP), y=round(ys[slot.id]))
    return design.model_copy(update={"layout": layout}, deep=True)


def _acyclic_graph(design: Design) -> nx.DiGraph:
    """One edge per communicating pair, pointing away from actors, with cycles broken."""
    actors = {n.id for n in design.nodes if n.kind is NodeKind.ACTOR}
    graph: nx.DiGraph = nx.DiGraph()
    # Sorted so the drawing does not depend on the order of lists in the file.
    graph.add_nodes_from(sorted(n.id for n in design.nodes))
    known = set(graph.nodes)
    for flow in sorted(design.flows, key=lambda f: f.id):
        source, target = flow.source, flow.target
        if source == target or source not in known or target not in known:
            continue
        if target in actors and source not in actors:
            source, target = target, source  # answers to an actor still read left to right
        if not graph.has_edge(target, source):
            graph.add_edge(source, target)
    # Depth-first from the actors: an edge closing a cycle is turned around.
    roots = (
        sorted(actors)
        + sorted(n for n in graph.nodes if graph.in_degree(n) == 0)
        + sorted(graph.nodes)
    )
    state: dict[str, int] = {}
    backward: list[tuple[str, str]] = []
    for root in roots:
        if root in state:
            continue
        stack = [(root, iter(sorted(graph.successors(root))))]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                backward.append((node, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(sorted(graph.successors(child)))))
    for source, target in backward:
        graph.remove_edge(source, target)
        if not graph.has_edge(target, source):
            graph.add_edge(target, source)
    return graph


def _layers(design: Design, graph: nx.DiGraph) -> dict[str, int]:
    actors = {n.id for n in design.nodes if n.kind is NodeKind.ACTOR}
    first_service_layer = 1 if actors else 0
    layer: dict[str, int] = {}
    for node in nx.topological_sort(graph):
        preds = [layer[p] + 1 for p in graph.predecessors(node)]
        floor = 0 if node in actors else first_service_layer
        layer[node] = max([floor, *preds])
    # Sources that only feed later layers move right next to what they feed: shorter edges.
    for node in sorted(graph.nodes, key=lambda n: -layer[n]):
        if node in actors or graph.in_degree(node) or not graph.out_degree(node):
            continue
        layer[node] = max(first_service_layer, min(layer[s] for s in graph.successors(node)) - 1)
    return layer


def _with_dummies(
    graph: nx.DiGraph, layers: dict[str, int]
) -> tuple[list[list[_Slot]], list[tuple[str, str]]]:
    """Slots per layer and edges between adjacent layers only (long edges split)."""
    depth = max(layers.values()) + 1
    slots: list[list[_Slot]] = [[] for _ in range(depth)]
    for node in sorted(graph.nodes):
        slots[layers[node]].append(_Slot(node, CARD_HEIGHT, dummy=False))
    edges: list[tuple[str, str]] = []
    for source, target in sorted(graph.edges):
        previous = source
        for step in range(layers[source] + 1, layers[target]):
            dummy = f"\0{source}\0{target}\0{step}"
            slots[step].append(_Slot(dummy, _DUMMY_HEIGHT, dummy=True))
            edges.append((previous, dummy))
            previous = dummy
        edges.append((previous, target))
    return slots, edges


def _crossings_between(upper: list[_Slot], lower: list[_Slot], edges: list[tuple[str, str]]) -> int:
    """Crossings between two adjacent layers: inversions of the lower ends (Fenwick tree)."""
    up = {s.id: i for i, s in enumerate(upper)}
    down = {s.id: i for i, s in enumerate(lower)}
    pairs = sorted((up[a], down[b]) for a, b in edges if a in up and b in down)
    tree = [0] * (len(lower) + 1)
    count = 0
    for seen, (_, b) in enumerate(pairs):
        # Edges already seen (upper end not after this one) whose lower end is after b.
        index, not_after = b + 1, 0
        while index > 0:
            not_after += tree[index]
            index -= index & -index
        count += seen - not_after
        index = b + 1
        while index <= len(lower):
            tree[index] += 1
            index += index & -index
    return count


def _total_crossings(order: list[list[_Slot]], buckets: list[list[tuple[str, str]]]) -> int:
    """`buckets[i]`: the edges leaving layer i (every edge joins adjacent layers)."""
    return sum(
        _crossings_between(order[i], order[i + 1], buckets[i]) for i in range(len(order) - 1)
    )


def _order_layers(slots: list[list[_Slot]], edges: list[tuple[str, str]]) -> list[list[_Slot]]:
    preds: dict[str, list[str]] = defaultdict(list)
    succs: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        succs[a].append(b)
        preds[b].append(a)
    layer_of = {slot.id: index for index, layer in enumerate(slots) for slot in layer}
    buckets: list[list[tuple[str, str]]] = [[] for _ in slots]
    for a, b in edges:
        buckets[layer_of[a]].append((a, b))
    order = [list(layer) for layer in slots]
    best = [list(layer) for layer in order]
    best_count = _total_crossings(order, buckets)
    # Transposing after every sweep pays on drawings people read; on thousands of slots
    # it would take a minute, so big graphs get one pass at the end instead.
    small = len(layer_of) <= _TRANSPOSE_EVERY_SWEEP_SLOTS
    for sweep in range(_SWEEPS):
        if best_count == 0:
            break
        downward = sweep % 2 == 0
        indices = range(1, len(order)) if downward else range(len(order) - 2, -1, -1)
        for index in indices:
            fixed = order[index - 1] if downward else order[index + 1]
            _sort_by_barycenter(order[index], fixed, preds if downward else succs)
        if small:
            _transpose(order, preds, succs)
        count = _total_crossings(order, buckets)
        if count < best_count:
            best_count, best = count, [list(layer) for layer in order]
    if not small:
        _transpose(best, preds, succs, rounds=1)
    return best


def _sort_by_barycenter(
    layer: list[_Slot], fixed: list[_Slot], neighbours: dict[str, list[str]]
) -> None:
    position = {s.id: i for i, s in enumerate(fixed)}
    current = {s.id: i for i, s in enumerate(layer)}

    def barycenter(slot: _Slot) -> tuple[float, int]:
        linked = [position[n] for n in neighbours[slot.id] if n in position]
        # A slot with no neighbour on that side keeps its place.
        value = sum(linked) / len(linked) if linked else float(current[slot.id])
        return value, current[slot.id]

    layer.sort(key=barycenter)


def _transpose(
    order: list[list[_Slot]],
    preds: dict[str, list[str]],
    succs: dict[str, list[str]],
    rounds: int = 4,
) -> None:
    """Swap neighbours in a layer while that removes crossings (the 'transpose' heuristic)."""
    positions: dict[str, int] = {}
    for layer in order:
        positions.update({s.id: i for i, s in enumerate(layer)})

    def crossings(u: str, v: str) -> int:
        # Crossings among u's and v's edges when u is drawn above v: pairs of neighbours
        # where v's lies before u's (neighbours sit in the adjacent layers, which stay put).
        total = 0
        for side in (preds, succs):
            if side[u] and side[v]:
                theirs = sorted(positions[n] for n in side[v])
                total += sum(bisect_left(theirs, positions[n]) for n in side[u])
        return total

    improved = True
    done = 0
    while improved and done < rounds:
        improved, done = False, done + 1
        for layer in order:
            for i in range(len(layer) - 1):
                u, v = layer[i].id, layer[i + 1].id
                if crossings(v, u) < crossings(u, v):
                    layer[i], layer[i + 1] = layer[i + 1], layer[i]
                    positions[u], positions[v] = i + 1, i
                    improved = True


def _assign_y(order: list[list[_Slot]], edges: list[tuple[str, str]]) -> dict[str, float]:
    """Vertical positions: packed columns, then pulled towards neighbours, never overlapping."""
    neighbours: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    ys: dict[str, float] = {}
    for layer in order:
        y = 0.0
        for slot in layer:
            ys[slot.id] = y
            y += slot.height + ROW_GAP
    for _ in range(4):
        for layer in [*order, *reversed(order)]:
            wanted = []
            for slot in layer:
                linked = [ys[n] + _half_height(n) for n in neighbours[slot.id]]
                centre = sum(linked) / len(linked) if linked else ys[slot.id] + slot.height / 2
                wanted.append(centre - slot.height / 2)
            _place_in_order(layer, wanted, ys)
    top = min(ys.values())
    return {key: value - top for key, value in ys.items()}


def _half_height(slot_id: str) -> float:
    return (_DUMMY_HEIGHT if slot_id.startswith("\0") else CARD_HEIGHT) / 2


def _place_in_order(layer: list[_Slot], wanted: list[float], ys: dict[str, float]) -> None:
    """Closest positions to `wanted` keeping the layer's order and the gaps (a forward
    pass pushing down, a backward pass pulling up, then the average of both)."""
    if not layer:
        return
    down = list(wanted)
    for i in range(1, len(layer)):
        down[i] = max(down[i], down[i - 1] + layer[i - 1].height + ROW_GAP)
    up = list(wanted)
    for i in range(len(layer) - 2, -1, -1):
        up[i] = min(up[i], up[i + 1] - layer[i].height - ROW_GAP)
    merged = [(d + u) / 2 for d, u in zip(down, up, strict=True)]
    # Averaging two valid packings keeps the gaps: both are ordered with >= gap spacing.
    for slot, y in zip(layer, merged, strict=True):
        ys[slot.id] = y


def count_crossings(design: Design) -> int:
    """How many pairs of arrows cross when drawn straight between card centres.

    One arrow per communicating pair of nodes (as the canvas bundles them); arrows that
    share a card never count as crossing.
    """
    centres = {
        node_id: (p.x + CARD_WIDTH / 2, p.y + CARD_HEIGHT / 2)
        for node_id, p in design.layout.items()
    }
    pairs = sorted(
        {
            tuple(sorted((f.source, f.target)))
            for f in design.flows
            if f.source != f.target and f.source in centres and f.target in centres
        }
    )
    count = 0
    for i, (a, b) in enumerate(pairs):
        for c, d in pairs[i + 1 :]:
            if {a, b} & {c, d}:
                continue
            if _segments_cross(centres[a], centres[b], centres[c], centres[d]):
                count += 1
    return count


def _segments_cross(
    p1: tuple[float, float],
    p2: tuple[float, float],
    p3: tuple[float, float],
    p4: tuple[float, float],
) -> bool:
    def side(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = side(p3, p4, p1), side(p3, p4, p2)
    d3, d4 = side(p1, p2, p3), side(p1, p2, p4)
    return d1 * d2 < 0 and d3 * d4 < 0


def overlapping_cards(design: Design) -> list[tuple[str, str]]:
    """Pairs of nodes whose cards overlap in the layout (used by tests and the window)."""
    boxes = sorted(design.layout.items(), key=lambda kv: (kv[1].x, kv[1].y, kv[0]))
    overlaps: list[tuple[str, str]] = []
    for i, (a, pa) in enumerate(boxes):
        for b, pb in boxes[i + 1 :]:
            if pb.x >= pa.x + CARD_WIDTH:
                break
            if abs(pa.y - pb.y) < CARD_HEIGHT:
                overlaps.append((a, b))
    return overlaps
