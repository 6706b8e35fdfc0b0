"""Canvas benchmark: our scene against a floor of plain Qt items, measured in the same run.

For 100 / 1,000 / 3,000 services with 3x flows (designer.core.synthetic) it prints scene
build time, a full-scene render into a 1920x1080 image (fit all), the time to move one
card with its arrows following, and peak memory; for the canvas also the time it takes
after the build to route a big design's arrows (between events), the render and the
moves being measured once they are routed. Every configuration runs in its own
subprocess, so peak RSS is honest (Python never returns freed memory to the system).

The floor: a QGraphicsRectItem + QGraphicsSimpleTextItem per service and a
QGraphicsPathItem + QGraphicsSimpleTextItem label per flow, all C++-painted; moving a
card re-sets the paths of its arrows. Target: the canvas within 2x of the floor, and
1,000 services + 3,000 flows built in under 1 s.

All times are CPU time of the measuring process (the machine is shared: wall time would
mostly measure the neighbours). Canvas and floor run in turns, one fresh process each per
repeat, so both see the same load; the build ratio is taken per pair and its median and
range over the repeats are printed (the other columns: ratio of the medians).

    python benchmarks/canvas.py            # the table
    python benchmarks/canvas.py --sizes 100 1000
    python benchmarks/canvas.py --sizes 1000 --build-only --repeats 9   # the build ratio alone
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZES = (100, 1000, 3000)
RENDER_SIZE = (1920, 1080)
MOVES = 200


def _clock() -> float:
    # CPU time of this process: the machine is shared, and wall time would mostly
    # measure the neighbours. Painting and item updates all run on this thread.
    return time.process_time()


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _render_ms(scene: Any, at_100: bool = False) -> float:
    """Paint into a 1920x1080 image: the whole scene fitted, or (at_100) the middle at 100%."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QImage, QPainter

    source = scene.itemsBoundingRect()
    if at_100:
        centre = source.center()
        source = QRectF(
            centre.x() - RENDER_SIZE[0] / 2, centre.y() - RENDER_SIZE[1] / 2, *RENDER_SIZE
        )
    times = []
    for _ in range(3):
        image = QImage(*RENDER_SIZE, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(0xFFFFFFFF)
        start = _clock()
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        scene.render(
            painter, QRectF(0, 0, *RENDER_SIZE), source, Qt.AspectRatioMode.KeepAspectRatio
        )
        painter.end()
        times.append((_clock() - start) * 1000)
    return statistics.median(times)


def _busiest(design: Any) -> str:
    degree: dict[str, int] = {}
    for flow in design.flows:
        degree[flow.source] = degree.get(flow.source, 0) + 1
        degree[flow.target] = degree.get(flow.target, 0) + 1
    return max(sorted(degree), key=lambda n: degree[n])


def _move_us(move: Any, begin: Any = None, end: Any = None) -> float:
    """Time of one step of a card dragged around a small circle: the best of 5 batches
    (on a shared machine the minimum is the figure least disturbed by neighbours)."""
    batches = []
    for _ in range(5):
        start = _clock()
        if begin is not None:
            begin()
        for step in range(MOVES):
            move(step % 20 * 3.0, step % 7 * 4.0)
        if end is not None:
            end()
        batches.append((_clock() - start) / MOVES * 1e6)
    return min(batches)


def measure_canvas(services: int, build_only: bool = False) -> dict[str, Any]:
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication

    from designer.core.document import Document
    from designer.core.synthetic import synthetic_design
    from designer.qt.canvas.scene import DesignScene

    app = QApplication.instance() or QApplication([])
    design = synthetic_design(services, seed=1)
    busiest = _busiest(design)
    start = _clock()
    scene = DesignScene(Document(design), lambda command: None)
    app.processEvents()
    build = (_clock() - start) * 1000
    if build_only:
        return _build_result("canvas", services, design, build)
    # A design of more than ROUTED_FLOWS arrows is routed after its build, a slice at a
    # time between events: the CPU time until every arrow is routed. What follows is
    # measured on the routed scene, the one the user works with.
    start = _clock()
    while scene.routing_pending:
        app.processEvents()
    routing = (_clock() - start) * 1000
    render = _render_ms(scene)
    view = _render_ms(scene, at_100=True)
    card = scene.node_item(busiest)
    origin = card.pos()
    arrows = sum(1 for f in design.flows if busiest in (f.source, f.target))

    def drag(dx: float, dy: float) -> None:
        # What a mouse drag does for each move event (gestures.py): Qt moves the card,
        # then the scene makes its badge, backdrop and arrows follow.
        card.setPos(origin + QPointF(dx, dy))
        scene.node_moved(busiest)

    # As a mouse drag does: rough hit areas while moving, exact ones once at the end
    # (that final step is timed too, spread over the batch).
    move = _move_us(drag, begin=scene.begin_move, end=scene.end_move)
    # Peak memory is taken here, like the floor's: the scene, not the window around it.
    result = _result("canvas", services, design, build, render, view, move, arrows)
    result["routing_ms"] = round(routing, 1)
    card.setPos(origin)
    result["drag_frame_ms"] = round(_drag_frame_ms(app, scene, busiest), 1)
    return result


def _drag_frame_ms(app: Any, scene: Any, node_id: str) -> float:
    """Median time of one frame of a real mouse drag in a 1920x1080 view at 100%: the
    move event, the arrows following, and the repaint of what changed."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtTest import QTest

    from designer.qt.canvas.view import DesignView

    view = DesignView(scene)
    view.resize(*RENDER_SIZE)
    view.show()
    view.zoom_100()
    card = scene.node_item(node_id)
    view.centerOn(card.card_rect().center())
    app.processEvents()
    # Grab the card where no arrow label covers it.
    spot = next(
        card.pos() + QPointF(x, y)
        for y in range(20, 90, 10)
        for x in range(20, 200, 10)
        if scene.itemAt(card.pos() + QPointF(x, y), view.transform()) is card
    )
    start, viewport = view.mapFromScene(spot), view.viewport()
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(viewport, left, none, start)
    frames = []
    for step in range(1, 41):
        begin = _clock()
        QTest.mouseMove(viewport, start + QPoint(step * 3, step))
        app.processEvents()
        frames.append((_clock() - begin) * 1000)
    QTest.mouseRelease(viewport, left, none, start + QPoint(120, 40))
    view.close()
    return statistics.median(frames)


def measure_floor(services: int, build_only: bool = False) -> dict[str, Any]:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen
    from PySide6.QtWidgets import (
        QApplication,
        QGraphicsPathItem,
        QGraphicsRectItem,
        QGraphicsScene,
        QGraphicsSimpleTextItem,
    )

    from designer.core.synthetic import synthetic_design

    app = QApplication.instance() or QApplication([])
    design = synthetic_design(services, seed=1)
    busiest = _busiest(design)
    names = {m.id: m.name for m in design.messages}
    start = _clock()
    scene = QGraphicsScene()
    scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
    brush, pen = QBrush(QColor("#ffffff")), QPen(QColor("#57606a"), 1.2)
    cards: dict[str, QGraphicsRectItem] = {}
    for node in design.nodes:
        rect = QGraphicsRectItem(0, 0, 220, 100)
        rect.setBrush(brush)
        rect.setPen(pen)
        point = design.layout.nodes[node.id]
        rect.setPos(point.x, point.y)
        QGraphicsSimpleTextItem(node.name, rect).setPos(12, 10)
        scene.addItem(rect)
        cards[node.id] = rect
    arrows: dict[str, list[tuple[QGraphicsPathItem, QGraphicsSimpleTextItem, str, str]]] = {}

    def centre(node_id: str) -> QPointF:
        return cards[node_id].pos() + QPointF(110, 50)

    def set_arrow(
        path_item: QGraphicsPathItem, label: QGraphicsSimpleTextItem, a: str, b: str
    ) -> None:
        path = QPainterPath(centre(a))
        path.lineTo(centre(b))
        path_item.setPath(path)
        middle = (centre(a) + centre(b)) / 2
        label.setPos(middle)

    for flow in design.flows:
        path_item = QGraphicsPathItem()
        path_item.setPen(pen)
        label = QGraphicsSimpleTextItem(names[flow.message])
        scene.addItem(path_item)
        scene.addItem(label)
        set_arrow(path_item, label, flow.source, flow.target)
        for end in (flow.source, flow.target):
            arrows.setdefault(end, []).append((path_item, label, flow.source, flow.target))
    app.processEvents()
    build = (_clock() - start) * 1000
    if build_only:
        return _build_result("floor", services, design, build)
    render = _render_ms(scene)
    view = _render_ms(scene, at_100=True)
    card = cards[busiest]
    origin = card.pos()

    def move(dx: float, dy: float) -> None:
        card.setPos(origin + QPointF(dx, dy))
        for path_item, label, a, b in arrows.get(busiest, []):
            set_arrow(path_item, label, a, b)

    move_time = _move_us(move)
    return _result(
        "floor", services, design, build, render, view, move_time, len(arrows.get(busiest, []))
    )


def _build_result(kind: str, services: int, design: Any, build: float) -> dict[str, Any]:
    return {
        "kind": kind,
        "services": services,
        "flows": len(design.flows),
        "build_ms": round(build, 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def _result(
    kind: str,
    services: int,
    design: Any,
    build: float,
    render: float,
    view: float,
    move: float,
    arrows: int,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "services": services,
        "flows": len(design.flows),
        "build_ms": round(build, 1),
        "render_ms": round(render, 1),
        "view_ms": round(view, 1),
        "move_us": round(move, 1),
        "moved_card_arrows": arrows,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


_MEDIANS = (
    "build_ms",
    "render_ms",
    "view_ms",
    "move_us",
    "peak_rss_mb",
    "drag_frame_ms",
    "routing_ms",
)


def _child(kind: str, services: int, build_only: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, str(services)]
    if build_only:
        command.append("--build-only")
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    merged = dict(runs[0])
    for key in _MEDIANS:
        if key in merged:
            merged[key] = statistics.median(run[key] for run in runs)
    return merged


def run_pairs(
    services: int, repeats: int, build_only: bool
) -> tuple[dict[str, Any], dict[str, Any], list[float]]:
    """Canvas and floor in turns, a fresh process each, `repeats` times: the medians of
    each, and the canvas/floor build ratio of each pair (a pair ran under about the same
    load, so its ratio is steadier than the ratio of two medians)."""
    canvas_runs, floor_runs = [], []
    for _ in range(repeats):
        canvas_runs.append(_child("canvas", services, build_only))
        floor_runs.append(_child("floor", services, build_only))
    ratios = [c["build_ms"] / f["build_ms"] for c, f in zip(canvas_runs, floor_runs, strict=True)]
    return _median(canvas_runs), _median(floor_runs), ratios


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--repeats", type=int, default=3, help="process pairs per size")
    parser.add_argument(
        "--build-only", action="store_true", help="only the build (no routing, render, drag)"
    )
    parser.add_argument("--child", nargs=2, metavar=("KIND", "SERVICES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, services = args.child[0], int(args.child[1])
        measure = measure_canvas if kind == "canvas" else measure_floor
        print(json.dumps(measure(services, args.build_only)))
        return 0
    if args.build_only:
        columns: tuple[str, ...] = ("build_ms", "peak_rss_mb")
        titles: tuple[str, ...] = ("build ms", "peak MB")
    else:
        columns = ("build_ms", "render_ms", "view_ms", "move_us", "peak_rss_mb")
        titles = ("build ms", "fit-all ms", "100% ms", "move µs", "peak MB")
    header = f"{'services':>8} {'flows':>6} | {'':6}" + "".join(f" {t:>10}" for t in titles)
    print(
        "Canvas vs floor (plain QGraphicsRectItem/QGraphicsPathItem) in the same run: build"
        + (
            ""
            if args.build_only
            else ", 1920x1080 render of the whole scene (fit-all) and of its middle at 100%, "
            "one card dragged with its arrows"
        )
        + f", peak RSS. CPU time, medians of {args.repeats} process pairs (canvas, floor in turns)."
    )
    print(header)
    print("-" * len(header))
    frames: list[tuple[int, float, float]] = []
    builds: list[tuple[int, list[float]]] = []
    for services in args.sizes:
        canvas, floor, ratios = run_pairs(services, args.repeats, args.build_only)
        builds.append((services, ratios))
        for row in (canvas, floor):
            cells = "".join(f" {row[c]:>10.1f}" for c in columns)
            print(f"{row['services']:>8} {row['flows']:>6} | {row['kind']:6}{cells}")
        cells = "".join(
            f" {canvas[c] / floor[c]:>9.2f}x" if floor[c] else f" {'-':>10}" for c in columns
        )
        arrows = (
            ""
            if args.build_only
            else f"   (the dragged card has {canvas['moved_card_arrows']} arrows)"
        )
        print(f"{'':>8} {'':>6} | {'ratio':6}{cells}{arrows}")
        if not args.build_only:
            frames.append((services, canvas["drag_frame_ms"], canvas["routing_ms"]))
    print()
    print("Build, canvas/floor per pair (target: under 2x):")
    for services, ratios in builds:
        listed = " ".join(f"{r:.2f}" for r in ratios)
        print(
            f"{services:>8} services: median {statistics.median(ratios):.2f}x, "
            f"range {min(ratios):.2f}-{max(ratios):.2f}x   ({listed})"
        )
    if frames:
        print()
        print(
            "Canvas only: one frame of a mouse drag in a 1920x1080 view at 100% (event, "
            "arrows, repaint); CPU time routing the arrows after the build, between events "
            "(0: routed during the build)"
        )
        for services, frame, routing in frames:
            print(
                f"{services:>8} services: {frame:.1f} ms median   "
                f"routing after build {routing:.0f} ms"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
