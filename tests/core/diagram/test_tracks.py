"""Tracks (the router's runs by line and stretch) and congestion.movers (which arrows of
the pairs left on one line go another way): the answers the router acted on when it read
whole lines and recounted every pair, at a cost that no longer grows with the design."""

from __future__ import annotations

import itertools
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core.diagram.congestion import Shared, movers
from designer.core.diagram.geometry import Point
from designer.core.diagram.tracks import Tracks

# Mostly near each other (so runs share lines), some far out (runs over many stretches,
# the long-run list) as a layout's coordinates may be.
coordinate = st.one_of(
    st.integers(-40, 40).map(lambda v: v * 25.0),
    st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False),
)
route = st.lists(st.tuples(coordinate, coordinate), min_size=2, max_size=5).map(
    # Axis-parallel runs: each point shares x or y with the one before.
    lambda points: (
        [points[0]]
        + [
            (p[0], q[1]) if i % 2 else (q[0], p[1])
            for i, (p, q) in enumerate(itertools.pairwise(points))
        ]
    )
)


def _runs(points: list[Point]) -> list[tuple[int, int, float, float]]:
    found = []
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x0 == x1 and y0 != y1:
            found.append((0, round(x0), min(y0, y1), max(y0, y1)))
        elif y0 == y1 and x0 != x1:
            found.append((1, round(y0), min(x0, x1), max(x0, x1)))
    return found


@settings(max_examples=100, deadline=None)
@given(
    st.lists(route, min_size=1, max_size=12),
    st.lists(st.integers(0, 11), max_size=6),
    st.lists(
        st.tuples(st.integers(0, 1), coordinate, st.integers(0, 500), coordinate, coordinate),
        max_size=8,
    ),
)
def test_tracks_answer_as_a_scan_of_every_run_would(routes, dropped, questions):
    tracks = Tracks()
    kept: dict[str, list[Point]] = {}
    for number, points in enumerate(routes):
        tracks.add(f"r{number}", points)
        kept[f"r{number}"] = points
    for number in dropped:
        tracks.drop(f"r{number}")
        kept.pop(f"r{number}", None)
    # The questions the router asks: lines around the routes' own (a free track, the
    # lines next to a run, a channel across) and random places.
    asked = [
        (axis, round(at), round(at) + width, *sorted((a, b))) for axis, at, width, a, b in questions
    ]
    asked += [
        (axis, line - reach, line + reach, lo - 1.0, hi + 1.0)
        for p in kept.values()
        for axis, line, lo, hi in _runs(p)
        for reach in (0, 4, 230)
    ]
    for axis, first, last, lo, hi in asked:
        expected = {
            key
            for key, points in kept.items()
            for run_axis, line, a, b in _runs(points)
            if run_axis == axis and first <= line <= last and a < hi and lo < b
        }
        assert set(tracks.near(axis, first, last, lo, hi)) == expected


def _recounted(
    shared: list[Shared], movable: set[str], routes: dict[str, list[Point]]
) -> list[str]:
    """movers as it was: every pair recounted for every arrow chosen."""
    pairs = {(s.key, s.other) for s in shared}
    inner = {
        key
        for s in shared
        for key, index in ((s.key, s.index), (s.other, s.other_index))
        if 0 < index < len(routes[key]) - 2
    }

    def length(key: str) -> float:
        points = routes[key]
        return sum(abs(b[0] - a[0]) + abs(b[1] - a[1]) for a, b in itertools.pairwise(points))

    chosen: list[str] = []
    while pairs:
        count: dict[str, int] = defaultdict(int)
        for pair in pairs:
            for key in pair:
                if key in movable:
                    count[key] += 1
        if not count:
            break
        best = max(sorted(count), key=lambda k: (count[k], k in inner, length(k)))
        chosen.append(best)
        pairs = {pair for pair in pairs if best not in pair}
    return chosen


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(0, 3).map(float), min_size=4, max_size=6), min_size=2, max_size=14
    ),
    st.lists(
        st.tuples(st.integers(0, 13), st.integers(0, 13), st.integers(0, 3), st.integers(0, 3))
    ),
    st.sets(st.integers(0, 13)),
)
def test_movers_choose_the_arrows_a_full_recount_chose(lengths, pairs, movable):
    routes = {
        f"k{n:02}": [(0.0, 0.0), *((v, v) for v in values)] for n, values in enumerate(lengths)
    }
    keys = sorted(routes)
    shared = []
    for a, b, i, j in pairs:
        if a < len(keys) and b < len(keys) and a != b:
            (first, fi), (second, si) = sorted(((keys[a], i), (keys[b], j)))
            shared.append(Shared(first, fi, second, si, 0, 0.0, 0.0, 1.0))
    chosen = {keys[m] for m in movable if m < len(keys)}
    assert movers(shared, chosen, routes) == _recounted(shared, chosen, routes)
