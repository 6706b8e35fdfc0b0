"""Layered (Sugiyama) drawing of a directed graph of boxes of any height.

The steps auto-layout needs, independent of what a box is (a card or a whole bounded
context): cycles broken depth-first from given roots, a layer per box (the longest path
from the roots), long edges split by dummy lanes, a barycenter sweep with transposition
ordering each layer to reduce crossings (keeping the best order seen), and a few median
passes placing boxes vertically without overlap. Own code rather than grandalf's so roots
can be pinned to the first column and the result is the same on every machine.

An edge may be listed several times: it then weighs that much in ordering and placement.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

DUMMY_HEIGHT = 20  # a long edge passing through a layer needs a lane, not a box
_SWEEPS = 16
_TRANSPOSE_EVERY_SWEEP_SLOTS = 3000


@dataclass
class Slot:
    id: str
    height: float
    dummy: bool


def acyclic_graph(
    nodes: Iterable[str], pairs: Iterable[tuple[str, str]], roots: list[str]
) -> nx.DiGraph:
    """One edge per linked pair (the first direction listed wins), cycles broken by turning
    around the edges a depth-first search from `roots` finds closing a cycle."""
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(sorted(nodes))
    for source, target in pairs:
        if source != target and not graph.has_edge(target, source):
            graph.add_edge(source, target)
    order = roots + sorted(n for n in graph.nodes if graph.in_degree(n) == 0) + sorted(graph.nodes)
    state: dict[str, int] = {}
    backward: list[tuple[str, str]] = []
    for root in order:
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


def layers(graph: nx.DiGraph, first: set[str]) -> dict[str, int]:
    """Longest path from the sources; nodes in `first` alone take layer 0 (if any)."""
    floor_rest = 1 if first else 0
    layer: dict[str, int] = {}
    for node in nx.lexicographical_topological_sort(graph):
        preds = [layer[p] + 1 for p in graph.predecessors(node)]
        # Pinned even when another pinned node feeds it (an actor asking an actor).
        layer[node] = 0 if node in first else max([floor_rest, *preds])
    # Sources that only feed later layers move right next to what they feed: shorter edges.
    for node in sorted(graph.nodes, key=lambda n: (-layer[n], n)):
        if node in first or graph.in_degree(node) or not graph.out_degree(node):
            continue
        layer[node] = max(floor_rest, min(layer[s] for s in graph.successors(node)) - 1)
    return layer


def tighten(
    graph: nx.DiGraph,
    layer: dict[str, int],
    weight: Mapping[tuple[str, str], int],
    floor: int = 0,
    outside: Mapping[str, int] | None = None,
) -> None:
    """Move single nodes between the layers their edges allow while that shortens the
    edges, each weighed by its flows (a cheap stand-in for dot's network-simplex ranking).
    A node's weighted length is linear in its layer: its best place is at one end of its
    free range. Every move shortens the total, so it ends. No layer is added.
    `outside`: flows each node has with what lies before (positive) or after (negative)
    all of these layers (arrows leaving the graph), pulling it the same way."""
    nodes = sorted(graph.nodes)
    top = max(layer.values(), default=0)
    preds = {n: list(graph.predecessors(n)) for n in nodes}
    succs = {n: list(graph.successors(n)) for n in nodes}
    # A node fed by more flows than it feeds wants to be early, the other way late.
    pull = {
        n: sum(weight.get((p, n), 1) for p in preds[n])
        - sum(weight.get((n, s), 1) for s in succs[n])
        + (outside or {}).get(n, 0)
        for n in nodes
    }
    movable = [n for n in nodes if pull[n]]
    for _ in range(len(nodes) + 1):
        moved = False
        for node in movable:
            if pull[node] > 0:
                at = max([floor, *(layer[p] + 1 for p in preds[node])])
            else:
                at = min([top, *(layer[s] - 1 for s in succs[node])])
            if at != layer[node]:
                layer[node], moved = at, True
        if not moved:
            return


def with_dummies(
    edges: list[tuple[str, str]], layer: dict[str, int], height: dict[str, float]
) -> tuple[list[list[Slot]], list[tuple[str, str]]]:
    """Slots per layer and edges between adjacent layers only (long edges split).
    `edges` point from lower to higher layers and may repeat (weights)."""
    depth = max(layer.values()) + 1
    slots: list[list[Slot]] = [[] for _ in range(depth)]
    for node in sorted(layer):
        slots[layer[node]].append(Slot(node, height[node], dummy=False))
    out: list[tuple[str, str]] = []
    made: set[str] = set()
    for source, target in sorted(edges):
        previous = source
        for step in range(layer[source] + 1, layer[target]):
            dummy = f"\0{source}\0{target}\0{step}"
            if dummy not in made:
                made.add(dummy)
                slots[step].append(Slot(dummy, DUMMY_HEIGHT, dummy=True))
            out.append((previous, dummy))
            previous = dummy
        out.append((previous, target))
    return slots, out


def _crossings_between(upper: list[Slot], lower: list[Slot], edges: list[tuple[str, str]]) -> int:
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


def _total_crossings(order: list[list[Slot]], buckets: list[list[tuple[str, str]]]) -> int:
    """`buckets[i]`: the edges leaving layer i (every edge joins adjacent layers)."""
    return sum(
        _crossings_between(order[i], order[i + 1], buckets[i]) for i in range(len(order) - 1)
    )


def order_layers(slots: list[list[Slot]], edges: list[tuple[str, str]]) -> list[list[Slot]]:
    """An order of each layer with few crossings (edges join adjacent layers)."""
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
    layer: list[Slot], fixed: list[Slot], neighbours: dict[str, list[str]]
) -> None:
    position = {s.id: i for i, s in enumerate(fixed)}
    current = {s.id: i for i, s in enumerate(layer)}

    def barycenter(slot: Slot) -> tuple[float, int]:
        linked = [position[n] for n in neighbours[slot.id] if n in position]
        # A slot with no neighbour on that side keeps its place.
        value = sum(linked) / len(linked) if linked else float(current[slot.id])
        return value, current[slot.id]

    layer.sort(key=barycenter)


def _transpose(
    order: list[list[Slot]],
    preds: dict[str, list[str]],
    succs: dict[str, list[str]],
    rounds: int = 4,
) -> None:
    """Swap neighbours in a layer while that removes crossings (the 'transpose' heuristic)."""
    positions: dict[str, int] = {}
    for layer in order:
        positions.update({s.id: i for i, s in enumerate(layer)})

    def crossings(u: str, v: str) -> tuple[int, int]:
        """Crossings among u's and v's edges with u drawn above v, and with v above u:
        pairs of neighbours where v's lies before u's, and where u's lies before v's
        (neighbours sit in the adjacent layers, which stay put). Both from one sort."""
        above = below = 0
        for side in (preds, succs):
            if side[u] and side[v]:
                theirs = sorted(positions[n] for n in side[v])
                for n in side[u]:
                    at = positions[n]
                    above += bisect_left(theirs, at)
                    below += len(theirs) - bisect_right(theirs, at)
        return above, below

    improved = True
    done = 0
    while improved and done < rounds:
        improved, done = False, done + 1
        for layer in order:
            for i in range(len(layer) - 1):
                u, v = layer[i].id, layer[i + 1].id
                above, below = crossings(u, v)
                if below < above:
                    layer[i], layer[i + 1] = layer[i + 1], layer[i]
                    positions[u], positions[v] = i + 1, i
                    improved = True


def assign_y(order: list[list[Slot]], edges: list[tuple[str, str]], gap: float) -> dict[str, float]:
    """Top of each slot: packed columns, then pulled towards neighbours, never closer than
    `gap`; the topmost slot is at 0."""
    neighbours: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    half = {slot.id: slot.height / 2 for layer in order for slot in layer}
    ys: dict[str, float] = {}
    for layer in order:
        y = 0.0
        for slot in layer:
            ys[slot.id] = y
            y += slot.height + gap
    for _ in range(4):
        for layer in [*order, *reversed(order)]:
            wanted: list[float] = []
            for i, slot in enumerate(layer):
                linked = [ys[n] + half[n] for n in neighbours[slot.id]]
                if linked:
                    wanted.append(sum(linked) / len(linked) - slot.height / 2)
                elif i:
                    # Nothing pulls it: right below the slot before it. (Wanting where it
                    # was, it was pushed down a little on every pass and never pulled
                    # back: an imported service with no flows ended 220 px below the rest.)
                    wanted.append(wanted[-1] + layer[i - 1].height + gap)
                else:
                    wanted.append(ys[slot.id])
            _place_in_order(layer, wanted, ys, gap)
    top = min(ys.values())
    return {key: value - top for key, value in ys.items()}


def _place_in_order(
    layer: list[Slot], wanted: list[float], ys: dict[str, float], gap: float
) -> None:
    """Closest positions to `wanted` keeping the layer's order and the gaps (a forward
    pass pushing down, a backward pass pulling up, then the average of both)."""
    if not layer:
        return
    down = list(wanted)
    for i in range(1, len(layer)):
        down[i] = max(down[i], down[i - 1] + layer[i - 1].height + gap)
    up = list(wanted)
    for i in range(len(layer) - 2, -1, -1):
        up[i] = min(up[i], up[i + 1] - layer[i].height - gap)
    merged = [(d + u) / 2 for d, u in zip(down, up, strict=True)]
    # Averaging two valid packings keeps the gaps: both are ordered with >= gap spacing.
    for slot, y in zip(layer, merged, strict=True):
        ys[slot.id] = y
