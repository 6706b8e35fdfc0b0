"""Hand-placed designs of close cards: how often a route runs through a card that is not
one of its ends, two arrows share a line, or labels collide.

Auto-layout keeps cards 60 px or more apart; a user dragging cards does not. Each design
here is built the way a user drags one: 3-9 cards, each new one put next to a card
already placed (right, left, above or below it) with a small gap (mostly under a stub's
length, 14 px; some up to 120 px) and shifted along that side at random, never
overlapping another card (gaps of at least `--min-gap` px, default 1); then random flows
between them, several per pair now and then, a few loops. Seeded: design `seed` is the
same on every run.

    .venv/bin/python benchmarks/close_cards.py --seeds 0 400          # tuned on
    .venv/bin/python benchmarks/close_cards.py --seeds 1000 1400      # held out
    .venv/bin/python benchmarks/close_cards.py --seeds 197 198 --show  # one design's faults
    .venv/bin/python benchmarks/close_cards.py --seeds 5000 5150 --cards 10 18  # bigger

Prints the totals (and, with --list, the seeds with an arrow through a card).
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from designer.core.diagram import build_diagram
from designer.core.diagram.geometry import Diagram, Rect
from designer.core.diagram.index import segment_enters
from designer.core.diagram.metrics import measure
from designer.core.layout import CARD_HEIGHT, CARD_WIDTH
from designer.core.model import (
    Design,
    Flow,
    Layout,
    Message,
    MessageKind,
    Node,
    NodeKind,
    Point,
)


def close_places(rng: random.Random, count: int, min_gap: float = 1.0) -> list[tuple[int, int]]:
    """`count` card places (top-left corners, whole pixels), each next to one placed
    before it with a small gap, none closer than `min_gap` to another."""
    places = [(0, 0)]
    tries = 0
    while len(places) < count and tries < 400:
        tries += 1
        ax, ay = rng.choice(places)
        # Mostly closer than a stub's length (the margin routes keep round cards).
        gap = rng.randint(int(min_gap), 14) if rng.random() < 0.7 else rng.randint(15, 120)
        side = rng.randrange(4)
        if side < 2:  # right or left, shifted up or down by up to most of a card
            shift = rng.randint(-CARD_HEIGHT + 10, CARD_HEIGHT - 10)
            x = ax + CARD_WIDTH + gap if side == 0 else ax - CARD_WIDTH - gap
            y = ay + shift
        else:  # below or above, shifted left or right
            shift = rng.randint(-CARD_WIDTH + 10, CARD_WIDTH - 10)
            x = ax + shift
            y = ay + CARD_HEIGHT + gap if side == 2 else ay - CARD_HEIGHT - gap
        new = Rect(x, y, CARD_WIDTH, CARD_HEIGHT)
        if any(
            new.overlaps(Rect(px, py, CARD_WIDTH, CARD_HEIGHT).grown(min_gap)) for px, py in places
        ):
            continue
        places.append((x, y))
    return places


def close_design(seed: int, min_gap: float = 1.0, cards: tuple[int, int] = (3, 9)) -> Design:
    """Design `seed` of the harness: close hand-placed cards (as many as `cards` gives,
    fewer if no spot is found), random flows."""
    rng = random.Random(seed)
    places = close_places(rng, rng.randint(*cards), min_gap)
    n = len(places)
    links = []
    for _ in range(rng.randint(n, 3 * n)):
        a = rng.randrange(n)
        b = a if rng.random() < 0.06 else rng.randrange(n)
        links.extend([(a, b)] * (rng.choice((1, 1, 1, 2, 3))))
    nodes = [Node(id=f"n{i}", name=f"N{i}", kind=NodeKind.SERVICE) for i in range(n)]
    messages = [Message(id="m1", name="Ping", kind=MessageKind.COMMAND, owner="n0")]
    flows = [
        Flow.model_validate(
            {"id": f"f{k}", "message": "m1", "from": f"n{a}", "to": f"n{b}", "transport": "queue"}
        )
        for k, (a, b) in enumerate(links)
    ]
    layout = Layout(nodes={f"n{i}": Point(x=x, y=y) for i, (x, y) in enumerate(places)})
    return Design(name="Close", nodes=nodes, messages=messages, flows=flows, layout=layout)


def entered(diagram: Diagram) -> list[tuple[str, str]]:
    """(arrow, card) pairs where an arrow runs through a card that is not one of its ends."""
    found = []
    for arrow in diagram.arrows.values():
        for key, card in diagram.cards.items():
            if key in (arrow.source, arrow.target):
                continue
            inner = card.grown(-0.5)
            if any(segment_enters(*a, *b, inner) for a, b in itertools.pairwise(arrow.points)):
                found.append((arrow.flow_id, key))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs=2, default=(0, 400), metavar=("FIRST", "END"))
    parser.add_argument("--min-gap", type=float, default=1.0)
    parser.add_argument("--cards", type=int, nargs=2, default=(3, 9), metavar=("LEAST", "MOST"))
    parser.add_argument("--list", action="store_true", help="seeds with arrows through cards")
    parser.add_argument("--show", action="store_true", help="print each fault")
    args = parser.parse_args()
    totals = dict.fromkeys(
        ("through", "designs_through", "shared", "label_overlaps", "labels_on_cards", "off"), 0
    )
    bad: list[int] = []
    arrows = 0
    start = time.process_time()
    for seed in range(*args.seeds):
        diagram = build_diagram(close_design(seed, args.min_gap, tuple(args.cards)))
        arrows += len(diagram.arrows)
        quality = measure(diagram)
        faults = entered(diagram)
        totals["through"] += len(faults)
        totals["designs_through"] += bool(faults)
        totals["shared"] += quality.shared_runs
        totals["label_overlaps"] += quality.label_overlaps
        totals["labels_on_cards"] += quality.labels_on_cards
        totals["off"] += quality.labels_off_route
        if faults:
            bad.append(seed)
            if args.show:
                print(f"seed {seed}: through {faults}")
    cpu = time.process_time() - start
    first, end = args.seeds
    print(
        f"seeds {first}-{end - 1} ({end - first} designs, {arrows} arrows, min gap "
        f"{args.min_gap:g}): through cards {totals['through']} (in "
        f"{totals['designs_through']} designs), shared lines {totals['shared']}, label "
        f"overlaps {totals['label_overlaps']}, labels on cards {totals['labels_on_cards']}, "
        f"labels off route {totals['off']}; {cpu:.1f} s CPU"
    )
    if args.list:
        print("through-card seeds:", bad)


if __name__ == "__main__":
    main()
