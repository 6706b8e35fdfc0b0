"""A design of more than ROUTED_FLOWS arrows opens at once with provisional arrows and is
routed between events; in the end every arrow is the route every export draws."""

from __future__ import annotations

import gc
import weakref

from PySide6.QtCore import QObject
from shiboken6 import delete

from designer.core.commands import MoveNodes, RemoveFlows
from designer.core.diagram import build_diagram
from designer.core.document import Document
from designer.core.history import History
from designer.core.io import save
from designer.core.model import Design, Point
from designer.core.synthetic import synthetic_design
from designer.qt.canvas.background_routing import SlicedJob
from designer.qt.canvas.scene import ROUTED_FLOWS, DesignScene
from tests.support.window import open_window

ROUTING_TIMEOUT_MS = 120_000  # a shared CI machine; the wait ends as soon as it is done


def _big() -> Design:
    design = synthetic_design(205, seed=3)
    assert len(design.flows) > ROUTED_FLOWS
    return design


def _differing(scene: DesignScene, design: Design) -> list[str]:
    """Arrows whose drawn route is not the one the exports draw for `design`."""
    diagram = build_diagram(design)
    differing = []
    for flow in design.flows:
        item = scene.flow_item(flow.id)
        assert item is not None and item.route is not None
        if item.route.points != diagram.arrows[flow.id].points:
            differing.append(flow.id)
    return differing


def test_a_big_design_shows_provisional_arrows_then_the_routes_the_exports_draw(qtbot):
    design = _big()
    scene = DesignScene(Document(design), lambda command: None)
    progress: list[int] = []
    scene.routingProgress.connect(progress.append)
    # The build did not route: the arrows are straight or fanned for now.
    assert not scene.routed and scene.routing_pending
    assert all(scene.flow_item(f.id).route.points is None for f in design.flows)
    assert scene.arrow_route(design.flows[0].id) == []

    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=ROUTING_TIMEOUT_MS)

    assert scene.routed
    assert _differing(scene, design) == []
    # ... each with its exact hit outline (provisional curves had rough boxes only).
    assert not any(scene.flow_item(f.id).rough for f in design.flows)
    assert any(0 < p < 100 for p in progress) and progress[-1] == 100
    # The collector held off while routing is on again, from the next event-loop turn
    # (a job that ends by itself releases it there: background_routing._ended).
    qtbot.waitUntil(gc.isenabled, timeout=5000)


def test_an_edit_while_routing_drops_the_stale_routes(qtbot):
    design = _big()
    document = Document(design)
    history = History(document)
    scene = DesignScene(document, history.push)
    progress: list[int] = []
    scene.routingProgress.connect(progress.append)
    qtbot.waitUntil(lambda: bool(progress) and progress[-1] >= 20, timeout=ROUTING_TIMEOUT_MS)
    assert scene.routing_pending
    # A card moved far off and an arrow removed, halfway through the routing.
    history.push(MoveNodes({"s7": Point(x=-900, y=-700)}))
    gone = design.flows[5].id
    history.push(RemoveFlows([gone]))
    assert scene.flow_item(gone) is None

    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=ROUTING_TIMEOUT_MS)

    edited = document.design
    assert edited.layout.nodes["s7"] == Point(x=-900, y=-700)
    assert _differing(scene, edited) == []
    # The moved card's arrows reach it where it is now, not where routing began.
    ends = [
        scene.arrow_route(f.id)[0 if f.source == "s7" else -1]
        for f in edited.flows
        if "s7" in (f.source, f.target)
    ]
    assert ends and all(x < -500 and y < -400 for x, y in ends)


def test_dragging_a_card_holds_the_routing_until_the_drop(qtbot, monkeypatch):
    slices: list[bool] = []
    run_slice = SlicedJob._slice

    def counted(job: SlicedJob) -> None:
        slices.append(True)
        run_slice(job)

    monkeypatch.setattr(SlicedJob, "_slice", counted)
    scene = DesignScene(Document(_big()), lambda command: None)
    scene.begin_move()
    qtbot.wait(300)
    assert scene.routing_pending and slices == []  # the drag's frames came first
    scene.end_move()
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=ROUTING_TIMEOUT_MS)
    assert scene.routed


def test_the_window_shows_routing_progress_and_closes_safely_while_routing(
    qtbot, monkeypatch, tmp_path
):
    path = tmp_path / "big.msgflow.json"
    save(_big(), path)
    window = open_window(qtbot, monkeypatch, tmp_path, file=path)
    scene = window.canvas.scene
    assert scene.routing_pending
    assert window.routing_label.isVisible()
    assert window.routing_label.text().startswith("Routing arrows")
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=ROUTING_TIMEOUT_MS)
    assert not window.routing_label.isVisible()

    assert window.open_path(path)
    assert scene.routing_pending  # opened again: routed again
    window.close()
    assert not scene.routing_pending  # the window's close dropped the routing
    qtbot.wait(200)
    assert gc.isenabled()


def test_a_scene_deleted_while_routing_stops_routing(qtbot):
    owner = QObject()
    scene = DesignScene(Document(_big()), lambda command: None, parent=owner)
    qtbot.wait(50)
    assert scene.routing_pending
    delete(owner)  # a compare view closed: its scene goes without being told
    qtbot.wait(200)  # a slice here would run against a deleted scene
    assert gc.isenabled()


def test_a_scene_nobody_holds_finishes_routing_and_goes_quietly(qtbot):
    """CI: a test's big scene, dropped while routing, ended its job in a later test; the
    collector, on again, deleted the scene from inside its own job's timer call."""

    def dropped() -> weakref.ref[DesignScene]:
        return weakref.ref(DesignScene(Document(_big()), lambda command: None))

    scene = dropped()
    thresholds = gc.get_threshold()
    gc.set_threshold(1, 1, 1)  # every allocation may run a full collection
    try:
        qtbot.waitUntil(gc.isenabled, timeout=ROUTING_TIMEOUT_MS)  # the job ended
        gc.collect()
        qtbot.wait(50)
    finally:
        gc.set_threshold(*thresholds)
    assert scene() is None
