"""Auto-layout crosses no more arrows than Graphviz `dot` draws on the same design
(issue #14), and the untangling step behind it."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core.diagram import build_diagram
from designer.core.diagram.metrics import measure
from designer.core.io import load
from designer.core.layout import (
    ASPECT_RANGE,
    CARD_HEIGHT,
    CARD_WIDTH,
    auto_layout,
    boundary_backdrops,
    count_crossings,
)
from designer.core.layout_untangle import segments_cross, untangle
from designer.core.model import Point
from designer.core.synthetic import synthetic_design
from designer.resources import examples_dir
from tests.support.hypothesis_budget import examples

# Crossings of Graphviz dot's better drawing of each bundled example (the fewer of
# rankdir=LR and TB), as `benchmarks/diagram.py` measures it: `dot -Tjson` 2.43 with the
# contexts as clusters and our card and label sizes, splines flattened, counted by
# designer.core.diagram.metrics on 2026-12-07. The tests run without Graphviz, so the
# figures are recorded; `make bench-diagram` prints them again where dot is installed.
DOT_CROSSINGS = {
    "booking": 0,  # LR 0, TB 0
    "marketplace": 202,  # LR 430, TB 202
    "shop": 0,  # LR 0, TB 0
    "violations": 9,  # LR 9 (at 4.40:1, outside the aspect range), TB 21
}


@pytest.mark.parametrize("name", ["booking", "marketplace", "shop", "violations"])
def test_example_auto_layout_crosses_no_more_than_dot(name: str) -> None:
    design = load(examples_dir() / f"{name}.msgflow.json")
    quality = measure(build_diagram(auto_layout(design)))
    assert ASPECT_RANGE[0] <= quality.aspect <= ASPECT_RANGE[1]
    assert quality.crossings <= DOT_CROSSINGS[name]


# Graphviz dot's fewest crossings on synthetic 30-service designs (the fewer of LR and TB,
# whatever its width:height: LR draws seeds 2 and 4 at 5.2:1 and 5.1:1), measured like
# DOT_CROSSINGS by benchmarks/diagram.py on 2026-12-07. Seeds 1-6 tuned auto-layout.
# Seeds 7 and 11 were held out and lost to dot's strips (LR at 5.6:1 and 4.0:1; 353 and
# 298 routed crossings) until untangling tried more trades (its shortlist of arrows that
# can cross became boxes, not spans of columns, and its work budget doubled).
# The other held-out and fresh seeds are figures in the benchmark (docs, not tests).
DOT_CROSSINGS_SYNTHETIC_30 = {1: 642, 2: 224, 3: 440, 4: 315, 5: 366, 6: 596, 7: 341, 11: 252}


@pytest.mark.parametrize("seed", sorted(DOT_CROSSINGS_SYNTHETIC_30))
def test_synthetic_30_services_cross_no_more_than_dot_and_draw_cleanly(seed: int) -> None:
    design = synthetic_design(30, seed=seed)
    quality = measure(build_diagram(auto_layout(design)))
    assert quality.crossings <= DOT_CROSSINGS_SYNTHETIC_30[seed]
    assert ASPECT_RANGE[0] <= quality.aspect <= ASPECT_RANGE[1]
    assert (quality.through_cards, quality.label_overlaps, quality.labels_on_cards) == (0, 0, 0)
    assert quality.shared_runs == 0


def test_synthetic_100_services_seed_21_crosses_no_more_than_dot_and_draws_cleanly() -> None:
    # Held out until 100 services lost to dot on it (dot TB 2,289 at 1.02:1, inside the
    # aspect range): untangling's work budget ran out long before its trades at this size
    # (2,469 with a flat budget; one in step with the arrows draws 2,040).
    design = synthetic_design(100, seed=21)
    quality = measure(build_diagram(auto_layout(design)))
    assert quality.crossings <= 2_289
    assert ASPECT_RANGE[0] <= quality.aspect <= ASPECT_RANGE[1]
    assert (quality.through_cards, quality.label_overlaps, quality.labels_on_cards) == (0, 0, 0)
    assert quality.shared_runs == 0


def test_synthetic_300_services_seed_59_is_not_narrowed_for_crossings_it_need_not_pay() -> None:
    # Fresh seed that lost to dot (10,336 routed crossings; dot TB 9,540 at 1.02:1, inside
    # the aspect range): the quick drawing's cards came a little over _FITS (2.25), so the
    # contexts were packed narrower, which cost crossings; the plain shape finished draws
    # 8,744 at 2.32:1 measured, inside the range.
    design = synthetic_design(300, seed=59)
    quality = measure(build_diagram(auto_layout(design)))
    assert quality.crossings <= 9_540
    assert ASPECT_RANGE[0] <= quality.aspect <= ASPECT_RANGE[1]
    assert (quality.through_cards, quality.label_overlaps, quality.labels_on_cards) == (0, 0, 0)
    assert quality.shared_runs == 0


def test_cards_of_one_step_trade_places_when_their_arrows_cross() -> None:
    # a and b may trade places (one step of one context); x and y stay. a talks to y
    # (below) and b to x (above): the two lines cross until a and b swap.
    place = {"a": (0.0, 0.0), "b": (0.0, 100.0), "x": (300.0, 0.0), "y": (300.0, 100.0)}
    arrows = Counter({("a", "y"): 1, ("b", "x"): 1})
    untangle([["a", "b"]], arrows, place)
    assert place["a"] == (0.0, 100.0) and place["b"] == (0.0, 0.0)
    assert not segments_cross(place["a"], place["y"], place["b"], place["x"])


def test_an_arrow_to_a_card_without_a_place_is_left_out_of_untangling() -> None:
    # An import's design can hold a flow to a node not laid out (yet): found by the fuzz
    # campaign as a KeyError that stopped `msgflow import asyncapi` with a traceback.
    place = {"a": (0.0, 0.0), "b": (0.0, 100.0), "x": (300.0, 0.0), "y": (300.0, 100.0)}
    arrows = Counter({("a", "y"): 1, ("b", "x"): 1, ("a", "ghost"): 2})
    untangle([["a", "b"]], arrows, place)
    assert place["a"] == (0.0, 100.0) and place["b"] == (0.0, 0.0)
    assert "ghost" not in place


def test_untangling_counts_every_flow_of_a_pair() -> None:
    # Swapping a and b uncrosses their arrows to the right and crosses those to the
    # left: it pays only if the flows it uncrosses make more crossings than it adds.
    place = {
        "a": (0.0, 0.0),
        "b": (0.0, 100.0),
        "x": (300.0, 0.0),
        "y": (300.0, 100.0),
        "w": (-300.0, 0.0),
        "z": (-300.0, 100.0),
    }
    # As placed: a-y (3 flows) crosses b-x (2): 6 crossings; a-w and b-z do not cross.
    # Swapped: a-y and b-x no longer cross, a-w (1) crosses b-z (1): 1 crossing.
    arrows = Counter({("a", "y"): 3, ("b", "x"): 2, ("a", "w"): 1, ("b", "z"): 1})
    untangle([["a", "b"]], arrows, place)
    assert place["a"] == (0.0, 100.0)
    # Make the far side heavier: swapping would cross 4 x 4 flows to uncross 6; it stays.
    place["a"], place["b"] = (0.0, 0.0), (0.0, 100.0)
    heavier = Counter({("a", "y"): 3, ("b", "x"): 2, ("a", "w"): 4, ("b", "z"): 4})
    untangle([["a", "b"]], heavier, place)
    assert place["a"] == (0.0, 0.0)


@pytest.mark.parametrize("seed", [1, 2, 4])
def test_contexts_that_talk_across_are_drawn_as_bands_when_that_crosses_less(
    seed: int,
) -> None:
    # 30 services in 3 contexts of 10, each talking to the next and the one after:
    # in a column each, arrows from the first to the third run round the second.
    # (Seed 3 is drawn in columns: with any two services of a context free to trade
    # places its columns cross less than its bands.)
    design = synthetic_design(30, seed=seed)
    columns = measure(build_diagram(auto_layout(design, "right"))).crossings
    laid = auto_layout(design)
    quality = measure(build_diagram(laid))
    assert quality.crossings < columns
    assert ASPECT_RANGE[0] <= quality.aspect <= ASPECT_RANGE[1]
    # Bands: the contexts' backdrops one above the other, sharing the same columns.
    frames = sorted(boundary_backdrops(laid).values(), key=lambda f: f[1])
    for upper, lower in itertools.pairwise(frames):
        assert upper[3] <= lower[1]
        assert upper[0] < lower[2] and lower[0] < upper[2]


@settings(max_examples=examples(40), deadline=None)
@given(st.integers(0, 10_000))
def test_straight_crossings_are_counted_as_testing_every_pair_would(seed: int) -> None:
    # count_crossings tests only arrows whose extents across overlap: on cards placed
    # at random on a coarse grid (same columns, same rows, vertical arrows) it must
    # count what testing every pair of arrows counts.
    rng = random.Random(seed)
    design = synthetic_design(12, seed=seed % 7)
    spots = {n.id: Point(x=rng.randrange(5) * 300, y=rng.randrange(6) * 150) for n in design.nodes}
    laid = design.model_copy(update={"layout": design.layout.with_nodes(spots)})
    centres = {k: (p.x + CARD_WIDTH / 2, p.y + CARD_HEIGHT / 2) for k, p in spots.items()}
    arrows = Counter(
        tuple(sorted((f.source, f.target))) for f in design.flows if f.source != f.target
    )
    each = plain = 0
    for (a, b), (c, d) in itertools.combinations(sorted(arrows), 2):
        if not {a, b} & {c, d} and segments_cross(centres[a], centres[b], centres[c], centres[d]):
            each += arrows[(a, b)] * arrows[(c, d)]
            plain += 1
    assert count_crossings(laid, each_arrow=True) == each
    assert count_crossings(laid) == plain


def _weighted_crossings(
    arrows: Counter[tuple[str, str]], place: dict[str, tuple[float, float]]
) -> int:
    return sum(
        arrows[p] * arrows[q]
        for p, q in itertools.combinations(sorted(arrows), 2)
        if not set(p) & set(q)
        and segments_cross(place[p[0]], place[p[1]], place[q[0]], place[q[1]])
    )


@settings(max_examples=examples(40), deadline=None)
@given(st.integers(0, 10_000))
def test_untangling_ends_where_no_trade_uncrosses_more(seed: int) -> None:
    # untangle counts only the crossings after a trade and keeps the others' up to date
    # as trades are made: if that bookkeeping went stale it would stop short or trade for
    # the worse. Given the work and rounds to finish, it never adds crossings and ends
    # where no trade of two cards of a group lowers them (counted here pair by pair).
    rng = random.Random(seed)
    cards = [f"c{i}" for i in range(rng.randint(4, 14))]
    place = {c: (rng.randrange(4) * 360.0, rng.randrange(6) * 160.0) for c in cards}
    shuffled = rng.sample(cards, len(cards))
    groups = [shuffled[i : i + 3] for i in range(0, len(cards) - 1, 3)]
    groups = [g for g in groups if len(g) > 1] + [rng.sample(cards, 4)]  # overlapping groups
    arrows: Counter[tuple[str, str]] = Counter()
    for _ in range(rng.randint(1, 3 * len(cards))):
        a, b = rng.sample(cards, 2)
        arrows[(min(a, b), max(a, b))] += rng.randint(1, 3)
    before = _weighted_crossings(arrows, place)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("designer.core.layout_untangle._WORK", 10**9)
        patch.setattr("designer.core.layout_untangle._ROUNDS", 1000)
        untangle(groups, arrows, place)
    after = _weighted_crossings(arrows, place)
    assert after <= before
    for group in groups:
        for u, v in itertools.combinations(group, 2):
            place[u], place[v] = place[v], place[u]
            assert _weighted_crossings(arrows, place) >= after
            place[u], place[v] = place[v], place[u]
