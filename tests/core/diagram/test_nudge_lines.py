"""The nudging's last pass (nudge._unshare_axis) finds the runs left on another arrow's
line and the runs level with one across its room through bins and stretches, not by
reading every run of the design: the same runs a full scan finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core.diagram.nudge import MIN_GAP, TRACK, _Lines, _on_one_line, _on_other_lines, _Run

# Channels a few pixels wide (runs on one line and next to each other), some runs far
# out or over a huge stretch (coordinates go to 1e9).
across = st.one_of(st.integers(0, 12).map(lambda v: 100.0 + v * 1.5), st.floats(-1e9, 1e9))
along = st.one_of(st.integers(0, 60).map(lambda v: v * 50.0), st.floats(-1e9, 1e9))
run = st.tuples(across, along, along, st.sampled_from("abcd")).filter(lambda r: r[1] != r[2])


def _lines(
    found: list[tuple[float, float, float, str]],
) -> list[tuple[float, float, float, str, int]]:
    return [(x, min(a, b), max(a, b), key, i) for i, (x, a, b, key) in enumerate(found)]


@settings(max_examples=150, deadline=None)
@given(st.lists(run, max_size=30))
def test_runs_on_another_arrows_line_are_those_a_full_scan_finds(found):
    lines = _lines(found)
    expected = set()
    for p in lines:
        for q in lines:
            if (
                p[3] != q[3]
                and abs(p[0] - q[0]) < MIN_GAP
                and p[1] < q[2] + 1.0
                and q[1] < p[2] + 1.0
            ):
                expected.add((p[3], p[4]))
    assert _on_other_lines(lines) == expected


@settings(max_examples=150, deadline=None)
@given(st.lists(run, max_size=30), across, across, along, along, st.integers(0, 29), across)
def test_runs_near_a_place_are_those_a_full_scan_finds(found, x0, x1, top, bottom, moved, to):
    lines = _lines(found)
    index = _Lines(lines)
    if lines:
        line = lines[moved % len(lines)]
        index.move(line, to)
        lines[moved % len(lines)] = (to, *line[1:])
    x0, x1 = sorted((x0, x1))
    top, bottom = sorted((top, bottom))
    near = set(index.near(x0, x1, top, bottom))
    wanted = {
        line for line in lines if x0 <= line[0] <= x1 and line[1] <= bottom and top <= line[2]
    }
    # `near` may list more (runs in the stretches touched), never fewer, never outside x.
    assert wanted <= near
    assert all(x0 <= line[0] <= x1 for line in near)
    assert near <= set(lines)  # a moved run is listed where it lies now, not where it was


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 12).map(lambda v: 100.0 + v * 1.5), along, along, st.booleans()
        ).filter(lambda r: r[1] != r[2]),
        max_size=30,
    )
)
def test_runs_left_on_one_line_in_a_group_are_those_a_full_scan_finds(found):
    ordered = [
        _Run(f"k{i}", i, x, min(a, b), max(a, b), x - 20, x + 20, x, (), movable)
        for i, (x, a, b, movable) in enumerate(found)
    ]
    at = [run.at for run in ordered]
    expected = {
        k
        for i, run in enumerate(ordered)
        for j, other in enumerate(ordered)
        if i != j
        and abs(at[i] - at[j]) < MIN_GAP - 1e-6
        and run.lo < other.hi + TRACK
        and other.lo < run.hi + TRACK
        for k in (i, j)
        if ordered[k].movable
    }
    assert _on_one_line(ordered, at) == expected
