"""Frames of dragging an arrow's bend or label in the window, against dragging a card.

Opens the real window offscreen on the marketplace example (44 cards, 92 arrows), selects
one arrow and measures, per mouse move, what the gesture does (arrow_interactions.py): the
arrow previewed in its new shape by the geometry engine and the event loop's turn that
repaints what changed (the release then stores it: one command). The baseline in the same
run is a card drag frame (the card moved, its arrows re-routed, the same turn).
The frame budget is 16 ms. Times are CPU time of this process (the machine is shared:
wall time would mostly measure the neighbours); painting runs on this thread too.

    python benchmarks/arrow_drag.py [--frames 40]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=40)
    args = parser.parse_args()

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    folder = Path(tempfile.mkdtemp(prefix="msgflow-arrow-drag-"))
    os.environ["MSGFLOW_RECOVERY_DIR"] = str(folder / "recovery")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))

    from designer.core.arrow_commands import MoveBend, MoveLabel, with_bend_moved
    from designer.core.model import FlowLayout, Point
    from designer.qt.main_window import MainWindow
    from designer.resources import examples_dir

    design = folder / "marketplace.msgflow.json"
    shutil.copy(examples_dir() / "marketplace.msgflow.json", design)
    window = MainWindow(settings=QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
    window.open_path(design)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    scene = window.canvas.scene
    flow = max(window.document.design.flows, key=lambda f: len(scene.arrow_route(f.id))).id
    scene.select_ids([flow])
    app.processEvents()
    shown = [Point(x=x, y=y) for x, y in scene.arrow_bends(flow)]
    card = scene.node_item(window.document.flow(flow).source)
    assert card is not None and shown
    start = card.pos()

    def frames(step: Callable[[int], object]) -> tuple[float, float]:
        times = []
        for i in range(1, args.frames + 1):
            began = time.process_time()
            step(i)
            app.processEvents()  # Qt repaints the regions that changed
            times.append((time.process_time() - began) * 1000)
        return statistics.median(times), max(times)

    def card_step(i: int) -> None:
        scene.begin_move()
        card.setPos(start.x() + 4 * i, start.y() + 2 * i)
        scene.node_moved(card.node_id)

    def bend_at(i: int) -> Point:
        return Point(x=shown[0].x + 5 * i, y=shown[0].y - 3 * i)

    def label_at(i: int) -> Point:
        return Point(x=100 + 5 * i, y=100)

    def bend_step(i: int) -> None:
        scene.preview_arrow(flow, with_bend_moved(FlowLayout(), shown, 0, bend_at(i)))

    def label_step(i: int) -> None:
        stored = window.document.design.layout.flows[flow]
        scene.preview_arrow(flow, stored.model_copy(update={"label": label_at(i)}))

    card_ms = frames(card_step)
    scene.end_move()
    bend_ms = frames(bend_step)
    scene.edits.push(MoveBend(flow, 0, bend_at(args.frames), shown=shown))  # the release
    label_ms = frames(label_step)
    scene.edits.push(MoveLabel(flow, label_at(args.frames)))
    rows = [("card (baseline)", card_ms), ("bend", bend_ms), ("label", label_ms)]
    print(f"marketplace, arrow {flow}, {args.frames} frames in a 1600x1000 window")
    for name, (median, worst) in rows:
        ratio = median / card_ms[0] if card_ms[0] else float("nan")
        print(f"  {name:16} {median:6.1f} ms median  {worst:6.1f} ms worst  {ratio:4.2f}x card")
    print(f"  undo steps after both drags: {window.undo.stack.count()} (one per drag)")
    os._exit(0)  # skip tearing the window down: nothing of it is measured


if __name__ == "__main__":
    main()
