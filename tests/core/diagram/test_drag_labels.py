"""Labels while a card is dragged (issue #14: placed again incrementally when cards move).

A frame of the drag places only the labels of the dragged card's arrows: a label with no
free spot on its route waits beside it instead of pushing another label away, so no other
label moves. The drop (`settle`) places them in full, and what it makes does not depend on
the way the card took: it is what a single frame straight to the drop and `settle` make.

The cases are synthetic designs where a full placement in every frame did move other
labels (30 services, seed 3: dragging s0 up and right pushed one aside at frame 6) and
left the drop different from a drop after one frame (40 services, seed 1, s39).
"""

from __future__ import annotations

import pytest

from designer.core.diagram import DiagramEngine
from designer.core.synthetic import synthetic_design

FRAMES = 12
CASES = [(30, 3, "s0", (10, -5)), (40, 1, "s39", (10, -5))]


def _drawn(engine: DiagramEngine) -> dict[str, object]:
    return {k: (a.points, a.label, a.leader) for k, a in engine.diagram.arrows.items()}


@pytest.mark.parametrize(("services", "seed", "card", "step"), CASES)
def test_a_drag_frame_moves_no_label_but_those_of_the_dragged_cards_arrows(
    services, seed, card, step
):
    engine = DiagramEngine(synthetic_design(services, seed=seed))
    own = set(engine.arrows_of(card))
    x0, y0 = engine.diagram.cards[card].x, engine.diagram.cards[card].y
    for frame in range(1, FRAMES + 1):
        before = {k: a.label for k, a in engine.diagram.arrows.items() if k not in own}
        engine.move_card(card, x0 + step[0] * frame, y0 + step[1] * frame, dragging=True)
        after = {k: a.label for k, a in engine.diagram.arrows.items() if k not in own}
        assert after == before, f"frame {frame} moved other labels"


@pytest.mark.parametrize(("services", "seed", "card", "step"), CASES)
def test_the_drop_places_labels_as_if_the_card_had_gone_there_in_one_frame(
    services, seed, card, step
):
    design = synthetic_design(services, seed=seed)
    dragged, jumped = DiagramEngine(design), DiagramEngine(design)
    x0, y0 = dragged.diagram.cards[card].x, dragged.diagram.cards[card].y
    for frame in range(1, FRAMES + 1):
        dragged.move_card(card, x0 + step[0] * frame, y0 + step[1] * frame, dragging=True)
    dragged.settle([card])
    jumped.move_card(card, x0 + step[0] * FRAMES, y0 + step[1] * FRAMES, dragging=True)
    jumped.settle([card])
    assert _drawn(dragged) == _drawn(jumped)
