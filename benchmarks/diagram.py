"""Diagram quality: arrows through cards, label collisions, crossings, shape, and speed.

For the bundled examples and synthetic designs of 30 / 100 / 300 / 1,000 services (3x as
many flows) this prints, for the layout as shipped and after auto-layout, the counts of
designer.core.diagram.metrics measured on what is drawn, plus the time of layout and of
routing. With Graphviz installed (`make bench-diagram` installs it where apt is at hand),
`dot` draws the same design in the same run (contexts as clusters, the same card and
label sizes) and is measured the same way.

`--corpus` measures the 79 public AsyncAPI systems of tests/data/asyncapi instead (material
nobody tuned the layout to): each imported as `msgflow import asyncapi` does (the
multi-document systems together, as the corpus tests import them), drawn with the layout
the import writes and after `msgflow fmt --layout`, one row per system and totals; with
two more readings of the labels there: labels another arrow runs through, and the
longest leader line (how far the label furthest from its arrow lies from it).

Besides the counts of `measure`, each row gives the labels another arrow's route runs
through (metrics.labels_on_other_arrows: such a label reads as that arrow's too).

`--svg` measures the picture of the HTML export (parsed back from its SVG) instead of the
geometry engine's diagram: both must give the same counts. Figures only; nothing asserts.
Times are CPU seconds (of this process; of the dot child for dot): the machine is shared,
and wall time would mostly measure the neighbours.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

from designer.core.diagram.geometry import Arrow, Diagram, Point, Rect
from designer.core.diagram.metrics import Quality, measure
from designer.core.io import load as load_design
from designer.core.layout import CARD_HEIGHT, CARD_WIDTH, auto_layout
from designer.core.model import Design
from designer.core.synthetic import synthetic_design

EXAMPLES = Path(__file__).resolve().parent.parent / "assets" / "examples"
SIZES = (30, 100, 300, 1_000)
DOT_TIMEOUT = 300.0
_SVG = "{http://www.w3.org/2000/svg}"


def designs(
    sizes: tuple[int, ...], seeds: tuple[int, ...] = (1,), examples: bool = True
) -> list[tuple[str, Design]]:
    found = [(p.name.split(".")[0], load_design(p)) for p in sorted(EXAMPLES.glob("*.json"))]
    made = [
        (f"synthetic {n}" + (f" seed {seed}" if seed != 1 else ""), synthetic_design(n, seed=seed))
        for seed in seeds
        for n in sizes
    ]
    return (found if examples else []) + made


def engine_diagram(design: Design) -> tuple[Diagram, float]:
    from designer.core.diagram import build_diagram

    start = time.process_time()
    diagram = build_diagram(design)
    return diagram, time.process_time() - start


# ------------------------------------------------------------------ the HTML export's SVG
def _numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def _path_points(d: str) -> list[Point]:
    """M/L/Q/C path data as a polyline (curves flattened to 8 chords)."""
    points: list[Point] = []
    for command, args in re.findall(r"([MLQC])([^MLQC]*)", d):
        values = _numbers(args)
        if command in "ML":
            points += [(values[i], values[i + 1]) for i in range(0, len(values), 2)]
        else:
            step = 4 if command == "Q" else 6
            for i in range(0, len(values), step):
                controls = [points[-1]] + [
                    (values[k], values[k + 1]) for k in range(i, i + step, 2)
                ]
                points += [_bezier(controls, t / 8) for t in range(1, 9)]
    return points


def _bezier(controls: list[Point], t: float) -> Point:
    while len(controls) > 1:
        controls = [
            (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
            for a, b in itertools.pairwise(controls)
        ]
    return controls[0]


def svg_diagram(design: Design) -> tuple[Diagram, float]:
    from designer.core.exporters.svg import render_svg

    start = time.process_time()
    text = render_svg(design, legend=False)
    elapsed = time.process_time() - start
    root = ElementTree.fromstring(text)
    flows = {f.id: f for f in design.flows}
    diagram = Diagram()
    for group in root.iter(f"{_SVG}g"):
        cls, key = group.get("class", ""), group.get("data-id", "")
        rects = [
            Rect(*(float(r.get(a, "0")) for a in ("x", "y", "width", "height")))
            for r in group.iter(f"{_SVG}rect")
        ]
        if cls == "node":
            diagram.cards[key] = rects[0]
        elif cls == "flow":
            line = next(p for p in group.iter(f"{_SVG}path") if p.get("class") == "flow-line")
            flow = flows[key]
            diagram.arrows[key] = Arrow(
                key, flow.source, flow.target, _path_points(line.get("d", ""))
            )
        elif cls == "flow-label" and key in diagram.arrows and rects:
            left, top = min(r.x for r in rects), min(r.y for r in rects)
            right, bottom = max(r.right for r in rects), max(r.bottom for r in rects)
            diagram.arrows[key].label = Rect(left, top, right - left, bottom - top)
    return diagram, elapsed


# ------------------------------------------------------------------ Graphviz dot
def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot_source(
    design: Design, label_sizes: dict[str, tuple[float, float]], rankdir: str = "LR"
) -> str:
    """The design for dot: cards of our size, contexts as clusters, each flow labelled
    with a box of our label's size (so dot leaves it the same room)."""
    lines = [
        "digraph G {",
        f"rankdir={rankdir}; compound=true; newrank=true;",
        f'node [shape=box fixedsize=true width={CARD_WIDTH / 72:.3f} height={CARD_HEIGHT / 72:.3f} label=""];',
    ]
    by_boundary: dict[str, list[str]] = {}
    for node in design.nodes:
        by_boundary.setdefault(node.boundary or "", []).append(node.id)
    for index, (name, ids) in enumerate(sorted(by_boundary.items())):
        body = " ".join(f"{_quote(i)};" for i in ids)
        lines.append(f"subgraph cluster_{index} {{ {body} }}" if name else body)
    for flow in design.flows:
        w, h = label_sizes[flow.id]
        # An HTML-like label of a fixed-size table cell: dot reserves exactly w x h.
        cell = f'<<TABLE BORDER="0" CELLPADDING="0"><TR><TD FIXEDSIZE="TRUE" WIDTH="{w:.0f}" HEIGHT="{h:.0f}"> </TD></TR></TABLE>>'
        lines.append(
            f"{_quote(flow.source)} -> {_quote(flow.target)} [id={_quote(flow.id)} label={cell}];"
        )
    lines.append("}")
    return "\n".join(lines)


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


def dot_diagram(design: Design, rankdir: str = "LR") -> tuple[Diagram | None, float]:
    from designer.core.diagram.labels import label_size

    messages = {m.id: m for m in design.messages}
    sizes = {
        f.id: label_size(
            messages[f.message].name if f.message in messages else f.message, f.transport
        )
        for f in design.flows
    }
    start = _children_cpu()
    try:
        done = subprocess.run(
            ["dot", "-Tjson"],
            input=dot_source(design, sizes, rankdir),
            capture_output=True,
            text=True,
            timeout=DOT_TIMEOUT,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return None, DOT_TIMEOUT
    elapsed = _children_cpu() - start
    data = json.loads(done.stdout)
    height = _numbers(data["bb"])[3]
    diagram = Diagram()
    names = {}
    for obj in data.get("objects", []):
        if "pos" not in obj or obj["name"].startswith("cluster"):
            continue
        x, y = _numbers(obj["pos"])
        names[obj["_gvid"]] = obj["name"]
        diagram.cards[obj["name"]] = Rect(
            x - CARD_WIDTH / 2, height - y - CARD_HEIGHT / 2, CARD_WIDTH, CARD_HEIGHT
        )
    flows = {f.id: f for f in design.flows}
    for edge in data.get("edges", []):
        flow = flows[edge["id"]]
        spline = edge["pos"].split()
        end = next((p for p in spline if p.startswith("e,")), None)
        controls = [tuple(_numbers(p)) for p in spline if p[0] not in "se"]
        points: list[Point] = [(x, height - y) for x, y in controls[:1]]
        for i in range(1, len(controls) - 2, 3):
            quad = [(x, height - y) for x, y in controls[i - 1 : i + 3]]
            points += [_bezier(quad, t / 8) for t in range(1, 9)]
        if end is not None:
            x, y = _numbers(end[2:])
            points.append((x, height - y))
        arrow = Arrow(flow.id, flow.source, flow.target, points)
        if "lp" in edge:
            x, y = _numbers(edge["lp"])
            w, h = sizes[flow.id]
            arrow.label = Rect(x - w / 2, height - y - h / 2, w, h)
        diagram.arrows[flow.id] = arrow
    return diagram, elapsed


# ------------------------------------------------------------------ table
def _row(name: str, how: str, diagram: Diagram, q: Quality, seconds: str) -> str:
    from designer.core.diagram.metrics import labels_on_other_arrows

    return (
        f"| {name} | {how} | {q.through_cards} | {q.label_overlaps} | {q.labels_on_cards} | "
        f"{q.crossings} | {q.shared_runs} | {q.labels_off_route} | "
        f"{labels_on_other_arrows(diagram)} | {q.aspect:.2f} | {q.area / 1e6:.1f} | {seconds} |"
    )


def drag_frames(design: Design, frames: int = 40) -> tuple[str, int, float, float]:
    """Drag the card with the most arrows 8 px per frame: (card, its arrows, median and
    worst ms per frame of re-routing and re-labelling, geometry engine only)."""
    from designer.core.diagram import DiagramEngine

    engine = DiagramEngine(design)
    card = max(sorted(engine.diagram.cards), key=lambda c: len(engine.arrows_of(c)))
    start = engine.diagram.cards[card]
    times = []
    for frame in range(1, frames + 1):
        began = time.process_time()
        engine.move_card(card, start.x + 8 * frame, start.y + 3 * frame, dragging=True)
        times.append((time.process_time() - began) * 1000)
    times.sort()
    return card, len(engine.arrows_of(card)), times[len(times) // 2], times[-1]


def shaped_drag_frames(design: Design, frames: int = 40) -> list[str]:
    """The same drag with the user's shapes in the file (issue #14 part 5): every arrow of
    the dragged card bent once (half of them curved, one label placed by hand), then a
    drag of one bend. Figures as drag_frames: ms per frame, geometry engine only."""
    from designer.core.diagram import DiagramEngine
    from designer.core.model import FlowLayout, Point, RouteStyle

    engine = DiagramEngine(design)
    card = max(sorted(engine.diagram.cards), key=lambda c: len(engine.arrows_of(c)))
    keys = engine.arrows_of(card)
    shaped = design.model_copy(deep=True)
    for i, key in enumerate(keys):
        points = engine.diagram.arrows[key].points
        (x0, y0), (x1, y1) = points[len(points) // 2 - 1], points[len(points) // 2]
        shaped.layout.flows[key] = FlowLayout(
            route=RouteStyle.CURVED if i % 2 else RouteStyle.ORTHOGONAL,
            bends=[Point(x=round((x0 + x1) / 2), y=round((y0 + y1) / 2) - 40)],
            label=Point(x=round(x0), y=round(y0) - 30) if i == 0 else None,
        )
    engine = DiagramEngine(shaped)
    start = engine.diagram.cards[card]
    times = []
    for frame in range(1, frames + 1):
        began = time.perf_counter()
        engine.move_card(card, start.x + 8 * frame, start.y + 3 * frame, dragging=True)
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    lines = [
        f"dragging {card} with its {len(keys)} arrows bent by the user: "
        f"{times[len(times) // 2]:.1f} ms median, {times[-1]:.1f} ms worst per frame"
    ]
    shapes = dict(shaped.layout.flows)
    bend = shapes[keys[0]].bends[0]
    times = []
    for frame in range(1, frames + 1):
        shapes[keys[0]] = shapes[keys[0]].model_copy(
            update={"bends": [Point(x=bend.x + 6 * frame, y=bend.y - 4 * frame)]}
        )
        began = time.perf_counter()
        engine.set_shapes(dict(shapes))
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    lines.append(
        f"dragging a bend of {keys[0]}: {times[len(times) // 2]:.2f} ms median, "
        f"{times[-1]:.2f} ms worst per frame"
    )
    return lines


def routing_times(design: Design) -> str:
    """CPU seconds of routing alone (the router on the laid-out cards: no labels), with
    the relief of crowded channels and without it (router.RELIEF_ROUNDS = 0), in the
    same run so the ratio holds on a loaded machine; and the arrows sharing a line
    each way."""
    from designer.core.diagram import router
    from designer.core.diagram.metrics import count_shared_runs
    from designer.core.gc_pause import collector_paused

    cards = {
        n.id: Rect(p.x, p.y, CARD_WIDTH, CARD_HEIGHT)
        for n in design.nodes
        if (p := design.layout.nodes.get(n.id)) is not None
    }
    links = [router.Link(f.id, f.source, f.target) for f in design.flows]
    figures = []
    rounds = router.RELIEF_ROUNDS
    try:
        for relief in (0, rounds):
            router.RELIEF_ROUNDS = relief
            start = time.process_time()
            with collector_paused():  # as the engine routes
                routes = router.Router(dict(cards)).route_all(links)
            took = time.process_time() - start
            diagram = Diagram(
                cards=cards,
                arrows={f.id: Arrow(f.id, f.source, f.target, routes[f.id]) for f in design.flows},
            )
            figures.append((took, count_shared_runs(diagram)))
    finally:
        router.RELIEF_ROUNDS = rounds
    (plain, plain_shared), (relieved, shared) = figures
    return (
        f"routing alone {relieved:.2f} s CPU ({shared} arrows sharing a line); without the "
        f"relief of crowded channels {plain:.2f} s ({plain_shared}): x{relieved / plain:.2f}"
    )


# ------------------------------------------------------------------ the AsyncAPI corpus
def corpus_designs() -> list[tuple[str, Design]]:
    """Every system of the AsyncAPI corpus as `msgflow import asyncapi` writes it (the
    file's round trip included: what `fmt --layout` then reads)."""
    from designer.core import io
    from designer.core.importers.asyncapi import import_asyncapi
    from designer.core.importers.spec_loading import Spec
    from tests.core.importers.test_asyncapi_corpus import CASES

    found = []
    for case in sorted(CASES):
        design = import_asyncapi([Spec.from_file(f) for f in CASES[case]]).design
        found.append((case, io.loads(io.dumps(design))))
    return found


_CORPUS_COUNTS = (
    "through_cards",
    "label_overlaps",
    "labels_on_cards",
    "shared_runs",
    "labels_off_route",
    "crossings",
)


def _corpus_cells(q: Quality, other: int, longest: float) -> list[str]:
    counts = [str(getattr(q, name)) for name in _CORPUS_COUNTS]
    return [*counts, str(other), f"{longest:.0f}", f"{q.aspect:.2f}"]


def corpus_table() -> None:
    """One row per corpus system: as imported | after `fmt --layout`, then totals and the
    systems outside the targets (any of the first four counts, or aspect outside
    layout.ASPECT_RANGE, after auto-layout)."""
    from designer.core.diagram.metrics import labels_on_other_arrows, longest_leader
    from designer.core.layout import ASPECT_RANGE

    print(
        "| system | cards | arrows | drawing | through cards | label overlaps | labels on cards "
        "| arrows sharing a line | labels off route (leaders) | crossings "
        "| labels on other arrows | longest leader px | width:height | time s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    totals: dict[str, list[int]] = {"as imported": [0] * 7, "auto-layout": [0] * 7}
    longest_of: dict[str, float] = {"as imported": 0.0, "auto-layout": 0.0}
    off: list[str] = []
    cpu = 0.0
    for name, design in corpus_designs():
        size = f"{len(design.nodes)} | {len(design.flows)}"
        for how in ("as imported", "auto-layout"):
            start = time.process_time()
            laid = design if how == "as imported" else auto_layout(design)
            diagram, _ = engine_diagram(laid)
            took = time.process_time() - start
            cpu += took
            q = measure(diagram)
            other, longest = labels_on_other_arrows(diagram), longest_leader(diagram)
            longest_of[how] = max(longest_of[how], longest)
            counts = [*(getattr(q, c) for c in _CORPUS_COUNTS), other]
            totals[how] = [t + c for t, c in zip(totals[how], counts, strict=True)]
            cells = _corpus_cells(q, other, longest)
            print(f"| {name} | {size} | {how} | {' | '.join(cells)} | {took:.2f} |")
            if how == "auto-layout" and (
                any(counts[:4]) or not ASPECT_RANGE[0] <= q.aspect <= ASPECT_RANGE[1]
            ):
                off.append(f"{name}: {', '.join(cells)}")
    for how, counts in totals.items():
        cells = " | ".join(map(str, counts))
        print(f"| **total** | | | {how} | {cells} | {longest_of[how]:.0f} (most) | | |")
    print(f"\n{cpu:.1f} s CPU in all (layout + drawing)")
    print(
        f"systems outside the targets after auto-layout ({', '.join(_CORPUS_COUNTS)}, "
        f"labels on other arrows, longest leader, width:height): {len(off)}"
    )
    print("\n".join(off))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--svg", action="store_true", help="measure the HTML export's SVG")
    parser.add_argument("--no-dot", action="store_true")
    parser.add_argument(
        "--dot-max",
        type=int,
        default=400,
        help="no dot rows for designs of more cards (dot found nothing in 300 s at 1,000)",
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument(
        "--seed",
        type=int,
        nargs="*",
        default=[1],
        help="seeds of the synthetic designs (1 is the one the figures in docs are of); "
        "other seeds show whether a change holds on designs it was not tuned to",
    )
    parser.add_argument("--no-examples", action="store_true", help="only the synthetic designs")
    parser.add_argument(
        "--drag-only", action="store_true", help="only the drag figures of the marketplace"
    )
    parser.add_argument(
        "--corpus",
        action="store_true",
        help="the public AsyncAPI systems of tests/data/asyncapi instead (as imported and "
        "after auto-layout)",
    )
    args = parser.parse_args()
    if args.corpus:
        corpus_table()
        return
    if args.drag_only:
        marketplace = dict(designs(()))["marketplace"]
        laid = auto_layout(marketplace)
        card, count, median, worst = drag_frames(laid)
        print(f"marketplace: dragging {card} ({count} arrows): {median:.1f} ms median, ", end="")
        print(f"{worst:.1f} ms worst per frame")
        print("\n".join(f"marketplace: {line}" for line in shaped_drag_frames(laid)))
        return
    draw = svg_diagram if args.svg else engine_diagram
    has_dot = not args.no_dot and shutil.which("dot") is not None
    if not has_dot and not args.no_dot:
        print(
            "Graphviz dot not found: no dot rows (make bench-diagram installs it)", file=sys.stderr
        )
    print(
        "| design | drawing | through cards | label overlaps | labels on cards | crossings "
        "| arrows sharing a line | labels off route | labels on other arrows | width:height "
        "| area Mpx² | time s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    drags: list[str] = []
    against: list[str] = []
    for name, design in designs(tuple(args.sizes), tuple(args.seed), not args.no_examples):
        if all(n.id in design.layout.nodes for n in design.nodes):
            diagram, took = draw(design)
            shipped = measure(diagram)
            print(_row(name, "as shipped", diagram, shipped, f"draw {took:.2f}"), flush=True)
        start = time.process_time()
        laid = auto_layout(design)
        layout_s = time.process_time() - start
        diagram, took = draw(laid)
        ours = measure(diagram)
        print(
            _row(name, "auto-layout", diagram, ours, f"layout {layout_s:.2f} + draw {took:.2f}"),
            flush=True,
        )
        dots: dict[str, Quality] = {}
        if len(design.nodes) >= 1_000:
            drags.append(f"{name}: {routing_times(laid)}")
        if name == "marketplace":
            card, count, median, worst = drag_frames(laid)
            drags.append(
                f"{name}: dragging {card} ({count} arrows): {median:.1f} ms median, {worst:.1f} ms worst per frame"
            )
            drags += [f"{name}: {line}" for line in shaped_drag_frames(laid)]
        # dot both ways: our layout picks the direction that fits, so it is compared
        # with dot's better drawing, whichever way that runs.
        for rankdir in ("LR", "TB") if has_dot and len(design.nodes) <= args.dot_max else ():
            dotted, took = dot_diagram(design, rankdir)
            if dotted is None:
                print(f"| {name} | dot {rankdir} | timed out after {DOT_TIMEOUT:.0f} s |")
            else:
                dots[rankdir] = measure(dotted)
                row = _row(name, f"dot {rankdir}", dotted, dots[rankdir], f"dot {took:.2f}")
                print(row, flush=True)
        if dots:
            against.append(_against_dot(name, ours, dots))
    if against:
        print("\ncrossings against dot's better drawing (LR or TB), and against its better")
        print("drawing within the aspect range auto-layout keeps to:")
        print("\n".join(against))
    print()
    print("\n".join(drags))


def _against_dot(name: str, ours: Quality, dots: dict[str, Quality]) -> str:
    """One line: our crossings against dot's fewest whatever its shape (what issue #14's
    target compares with), and against its fewest among drawings inside ASPECT_RANGE."""
    from designer.core.layout import ASPECT_RANGE

    def best(among: dict[str, Quality]) -> str:
        if not among:
            return "none"
        way = min(among, key=lambda k: (among[k].crossings, k))
        q = among[way]
        verdict = "ours fewer or equal" if ours.crossings <= q.crossings else "dot fewer"
        return f"{q.crossings} ({way} at {q.aspect:.2f}:1; {verdict})"

    fits = {k: q for k, q in dots.items() if ASPECT_RANGE[0] <= q.aspect <= ASPECT_RANGE[1]}
    return (
        f"{name}: ours {ours.crossings} at {ours.aspect:.2f}:1 | dot's best {best(dots)} | "
        f"dot's best in range {best(fits)}"
    )


if __name__ == "__main__":
    main()
