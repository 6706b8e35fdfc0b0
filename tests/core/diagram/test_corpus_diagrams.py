"""The public AsyncAPI systems (tests/data/asyncapi, material nobody tuned the layout to)
read cleanly after `msgflow import asyncapi` and `msgflow fmt --layout`: no arrow through a
card that is not its end, no label on another label or on a card, no two arrows on one
line. `benchmarks/diagram.py --corpus` prints the same counts (and crossings, labels off
their route, width:height) per system.
"""

from __future__ import annotations

import itertools

import pytest

from designer.core import io
from designer.core.diagram import build_diagram
from designer.core.diagram.metrics import labels_on_other_arrows, measure
from designer.core.importers.asyncapi import import_asyncapi
from designer.core.importers.spec_loading import Spec
from designer.core.layout import ASPECT_RANGE, auto_layout
from tests.core.importers.test_asyncapi_corpus import CASES


@pytest.mark.slow  # 79 systems imported and laid out: ~10 s CPU in all
@pytest.mark.parametrize("case", sorted(CASES))
def test_an_imported_system_reads_cleanly_after_auto_layout(case: str) -> None:
    imported = import_asyncapi([Spec.from_file(f) for f in CASES[case]]).design
    # What `fmt --layout` does to the file the import wrote.
    laid = auto_layout(io.loads(io.dumps(imported)))
    quality = measure(build_diagram(laid))
    counts = {
        "through cards": quality.through_cards,
        "label overlaps": quality.label_overlaps,
        "labels on cards": quality.labels_on_cards,
        "arrows sharing a line": quality.shared_runs,
    }
    assert counts == dict.fromkeys(counts, 0)


def test_labels_of_nested_loops_sit_above_and_below_their_card() -> None:
    """public/generator/asyncapi-websocket-query: one card with six loops, which nest a
    track (9 px) apart at its corners. A label beside the outer loop's top run, 3 px
    off it, touched the label centred on the inner loop's run, so the outer loops'
    labels went out left and right of the card: a drawing 3.9 times as wide as high.
    They fit above and below it, 5.5 px off their runs (still no leader). Loops on one
    side of a card (two corners) then still ran a track apart: the second one's label
    had no row of its own and slid out sideways past the card, 2.65:1. They run a
    label's row apart where nothing is in the way: within the width:height band."""
    imported = import_asyncapi(
        [Spec.from_file(f) for f in CASES["public/generator/asyncapi-websocket-query"]]
    ).design
    diagram = build_diagram(imported)
    (card,) = diagram.cards.values()
    for arrow in diagram.arrows.values():
        assert arrow.label is not None
        assert arrow.label.x < card.right and card.x < arrow.label.right, arrow.flow_id
    quality = measure(diagram)
    assert (quality.label_overlaps, quality.labels_on_cards, quality.labels_off_route) == (0, 0, 0)
    assert ASPECT_RANGE[0] <= quality.aspect <= ASPECT_RANGE[1]


@pytest.mark.parametrize("version", ["spec-2.6", "spec-3.0"])
def test_labels_of_the_social_media_system_sit_on_their_arrows(version: str) -> None:
    """spec-*/social-media (five services, no contexts): the gap between two layers was
    140 px, narrower than the labels (150-200 px) of the arrows straight across it, so
    half of them went off their arrows with leaders. The gap is as wide as they are."""
    imported = import_asyncapi([Spec.from_file(f) for f in CASES[f"{version}/social-media"]])
    quality = measure(build_diagram(auto_layout(imported.design)))
    assert quality.labels_off_route == 0
    assert (quality.label_overlaps, quality.labels_on_cards, quality.shared_runs) == (0, 0, 0)


@pytest.mark.parametrize("case", ["spec-2.6/slack-rtm", "spec-3.0/slack-rtm-asyncapi"])
def test_labels_of_the_slack_rtm_api_sit_on_their_own_arrows(case: str) -> None:
    """Slack's real-time API: the outside world and one service, 47 arrows between them.
    Stacked (their cards alone measured too wide side by side), the arrows ran 4 px
    apart in the gap and 37 of the 47 labels went off them on leader lines up to 580 px
    long. Side by side, most arrows fan out over and under the cards a row apart, the
    gap as wide as two labels: every label on its own arrow, no other arrow through it,
    and the drawing about as wide as high."""
    imported = import_asyncapi([Spec.from_file(f) for f in CASES[case]]).design
    diagram = build_diagram(auto_layout(io.loads(io.dumps(imported))))
    quality = measure(diagram)
    assert quality.labels_off_route == 0
    assert labels_on_other_arrows(diagram) <= 2
    assert (quality.label_overlaps, quality.labels_on_cards, quality.shared_runs) == (0, 0, 0)
    assert (quality.through_cards, quality.crossings) == (0, 0)
    assert 0.8 <= quality.aspect <= 1.5
    (one, other) = diagram.cards.values()
    assert one.y == other.y  # side by side


@pytest.mark.parametrize(
    "case",
    [
        "spec-2.6/streetlights-kafka",
        "spec-2.6/oneof",
        "spec-3.0/kraken-websocket-request-reply-multiple-channels-asyncapi",
        "public/bundler/spec",
    ],
)
def test_two_cards_with_several_arrows_stand_side_by_side(case: str) -> None:
    """Two cards with 3-5 arrows between them: stacked (chosen for width:height, side by
    side measured 5-6:1), the arrows ran straight down 50 px apart and the labels (150-250
    px wide) lay across their neighbours, 2-3 per system (30 in the corpus): which label
    is whose could not be read. The whole drawing side by side fits a screen at full size,
    where width:height does not decide whether it fits: each label on its own arrow."""
    imported = import_asyncapi([Spec.from_file(f) for f in CASES[case]]).design
    diagram = build_diagram(auto_layout(io.loads(io.dumps(imported))))
    quality = measure(diagram)
    assert labels_on_other_arrows(diagram) == 0
    assert (quality.through_cards, quality.label_overlaps, quality.labels_on_cards) == (0, 0, 0)
    assert (quality.shared_runs, quality.crossings) == (0, 0)
    (one, other) = diagram.cards.values()
    assert one.y == other.y  # side by side
    bounds = diagram.bounds()
    assert bounds.w <= 1600 and bounds.h <= 1000


def test_a_service_without_flows_is_packed_with_its_column() -> None:
    """public/bundler/example-with-nested-dirs: four services in one column, one of them
    with no flow at all. Nothing pulled it, and each pass of the row placement pushed it
    down a little: it ended 220 px below the others (a band of nothing), not 60."""
    files = CASES["public/bundler/example-with-nested-dirs"]
    laid = auto_layout(import_asyncapi([Spec.from_file(f) for f in files]).design)
    places = laid.layout.nodes
    flowing = {end for f in laid.flows for end in (f.source, f.target)}
    (alone,) = [n.id for n in laid.nodes if n.id not in flowing]
    column = sorted(p.y for p in places.values() if p.x == places[alone].x)
    steps = {b - a for a, b in itertools.pairwise(column)}
    assert len(column) == 4 and len(steps) == 1, column
