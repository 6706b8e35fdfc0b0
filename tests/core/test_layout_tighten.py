"""Cards of a context moved next to what they feed (layout_layered.tighten), and the
untangling's shortlist of arrows that can cross (layout_untangle._overlapping_spans)."""

from __future__ import annotations

import itertools
from collections import Counter

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core.layout_layered import tighten
from designer.core.layout_untangle import _overlapping_spans, segments_cross
from tests.support.hypothesis_budget import examples


def test_a_card_feeding_more_than_it_is_fed_moves_next_to_what_it_feeds() -> None:
    # Longest path from a: a 0, b 1, c 2, d 3, s 1, and t (fed by nothing) 0. t feeds
    # only d: it moves to step 2, next to d. s feeds c and d and is fed by a: it wants
    # to be late but c, in step 2, keeps it in step 1.
    graph = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("a", "s"), ("s", "c"), ("s", "d")])
    graph.add_edge("t", "d")
    layer = {"a": 0, "b": 1, "c": 2, "d": 3, "s": 1, "t": 0}
    tighten(graph, layer, {})
    assert layer == {"a": 0, "b": 1, "c": 2, "d": 3, "s": 1, "t": 2}


def test_tightening_weighs_each_edge_by_its_flows() -> None:
    # m is fed by a (3 flows) and feeds z (1 flow): it stays early, next to a. With the
    # weights the other way round it moves late, next to z.
    graph = nx.DiGraph([("a", "m"), ("m", "z"), ("a", "b"), ("b", "c"), ("c", "z")])
    heavy_in = {"a": 0, "b": 1, "c": 2, "z": 3, "m": 1}
    tighten(graph, heavy_in, {("a", "m"): 3, ("m", "z"): 1})
    assert heavy_in["m"] == 1
    heavy_out = {"a": 0, "b": 1, "c": 2, "z": 3, "m": 1}
    tighten(graph, heavy_out, {("a", "m"): 1, ("m", "z"): 3})
    assert heavy_out["m"] == 2


def test_arrows_leaving_the_graph_pull_a_node_their_way() -> None:
    # a -> b -> c inside a context; x has no arrow inside it but 2 flows to a context
    # on the right: it moves from the first step to the last. b talks to the left
    # (1 flow out there) but is held by a and c.
    graph = nx.DiGraph([("a", "b"), ("b", "c")])
    graph.add_node("x")
    layer = {"a": 0, "b": 1, "c": 2, "x": 0}
    tighten(graph, layer, {}, outside={"x": -2, "b": 1})
    assert layer == {"a": 0, "b": 1, "c": 2, "x": 2}


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=30))
def test_tightening_keeps_every_edge_forward_and_adds_no_layer(
    pairs: list[tuple[int, int]],
) -> None:
    graph = nx.DiGraph((f"n{a}", f"n{b}") for a, b in pairs if a < b)  # acyclic
    layer: dict[str, int] = {}
    for node in nx.lexicographical_topological_sort(graph):
        layer[node] = max([0, *(layer[p] + 1 for p in graph.predecessors(node))])
    depth = max(layer.values(), default=0)
    before = sum(layer[b] - layer[a] for a, b in graph.edges)
    tighten(graph, layer, {})
    assert all(layer[a] < layer[b] for a, b in graph.edges)
    assert all(0 <= at <= depth for at in layer.values())
    assert sum(layer[b] - layer[a] for a, b in graph.edges) <= before


@settings(max_examples=examples(60), deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=8, max_size=8),
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=14),
    st.lists(st.permutations(range(8)), min_size=1, max_size=4),
)
def test_the_shortlist_holds_every_arrow_that_can_cross_after_any_swaps(
    cells: list[tuple[int, int]],
    links: list[tuple[int, int]],
    shuffles: list[list[int]],
) -> None:
    # Cards on a grid of columns; cards 0-2 and 3-5 are two groups that may trade
    # places. Whatever places the swaps give them, two arrows that cross are on each
    # other's shortlist.
    place = {f"c{i}": (x * 360.0, y * 160.0) for i, (x, y) in enumerate(cells)}
    groups = [["c0", "c1", "c2"], ["c3", "c4", "c5"]]
    arrows = Counter((f"c{min(a, b)}", f"c{max(a, b)}") for a, b in links if a != b)
    near = _overlapping_spans(groups, sorted(arrows), place)
    for shuffle in shuffles:
        moved = dict(place)
        for group in groups:  # the group's cards take its places in another order
            spots = [place[card] for card in group]
            for card, index in zip(group, [i % 3 for i in shuffle if i < 3], strict=False):
                moved[card] = spots[index]
        for p, q in itertools.combinations(sorted(arrows), 2):
            if set(p) & set(q):
                continue
            if segments_cross(moved[p[0]], moved[p[1]], moved[q[0]], moved[q[1]]):
                assert q in near[p] and p in near[q]
