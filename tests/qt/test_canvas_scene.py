"""The scene follows the document: items are created, updated and removed by Change events."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF

from designer.core.commands import (
    AddFlow,
    EditFlow,
    EditMessage,
    EditNode,
    MoveNodes,
    RemoveNodes,
)
from designer.core.diagnostics import Diagnostic
from designer.core.document import Document
from designer.core.history import History
from designer.core.io import load
from designer.core.model import Flow, MessageKind, Point, Severity, Transport
from designer.qt.canvas.node_item import ActorItem, ServiceItem
from designer.qt.canvas.scene import DesignScene
from designer.resources import examples_dir


@pytest.fixture
def scene(qapp, document: Document, history: History) -> DesignScene:
    scene = DesignScene(document, history.push)
    yield scene
    scene.detach()


def test_one_item_per_node_and_flow_with_the_right_card_kind(scene, document):
    assert isinstance(scene.node_item("web"), ActorItem)
    assert isinstance(scene.node_item("orders"), ServiceItem)
    assert all(scene.flow_item(f.id) is not None for f in document.design.flows)
    orders = scene.node_item("orders")
    assert (orders.messages_in, orders.messages_out) == (2, 3)  # distinct messages
    assert scene.flow_item("f1").badge == "http" and scene.flow_item("f2").badge == "topic"


def test_arrows_end_on_card_borders_never_inside_cards(scene, document):
    for flow in document.design.flows:
        item = scene.flow_item(flow.id)
        source = scene.node_item(flow.source).card_rect()
        target = scene.node_item(flow.target).card_rect()
        for point, card in ((item.route.start, source), (item.route.end, target)):
            assert card.adjusted(-3, -3, 3, 3).contains(point)
            assert not card.adjusted(3, 3, -3, -3).contains(point)


def test_parallel_flows_fan_out_with_separate_labels(scene, document, history):
    # web -> orders already carries SubmitOrder and GetOrderHistory; add a third.
    history.push(
        AddFlow(
            Flow.model_validate(
                {
                    "id": "f9",
                    "message": "get-customer",
                    "from": "web",
                    "to": "orders",
                    "transport": "http",
                }
            )
        )
    )
    items = [scene.flow_item(f) for f in ("f1", "f5", "f9")]
    middles = [item.label.pos() for item in items]
    ys = sorted(m.y() for m in middles)
    assert ys[1] - ys[0] >= 20 and ys[2] - ys[1] >= 20  # at least a label's height apart
    labels = [item.label.sceneBoundingRect() for item in items]
    assert not labels[0].intersects(labels[1]) and not labels[1].intersects(labels[2])


def test_flows_both_ways_between_two_cards_do_not_overlap(scene, history):
    history.push(
        AddFlow(
            Flow.model_validate(
                {
                    "id": "f9",
                    "message": "order-created",
                    "from": "loyalty",
                    "to": "orders",
                    "transport": "topic",
                }
            )
        )
    )
    there, back = scene.flow_item("f4"), scene.flow_item("f9")
    assert (there.label.pos() - back.label.pos()).manhattanLength() >= 20
    assert not there.label.sceneBoundingRect().intersects(back.label.sceneBoundingRect())


def test_parallel_flows_between_stacked_cards_keep_labels_apart_and_heads_visible(
    scene, document, history
):
    # Loyalty sits right above Customer Service: fanned arrows run 30 apart there,
    # closer than a label is wide.
    for number, message in enumerate(("add-loyalty-points", "order-created", "get-customer")):
        flow = {"id": f"v{number}", "message": message, "from": "loyalty", "to": "customers"}
        history.push(AddFlow(Flow.model_validate({**flow, "transport": "queue"})))
    items = [scene.flow_item(f"v{n}") for n in range(3)]
    # The pills as drawn (the item's rect has 2 px to spare around them).
    labels = [item.label.sceneBoundingRect().adjusted(2, 2, -2, -2) for item in items]
    for i, label in enumerate(labels):
        assert not any(label.intersects(other) for other in labels[i + 1 :])
        for item in items:  # every arrowhead stays visible
            tip = item.route.end
            assert not label.intersects(QRectF(tip.x() - 6, tip.y() - 6, 12, 12))


def test_moving_a_card_reroutes_only_its_arrows(scene, document, history):
    untouched = scene.flow_item("f7").route
    start = scene.node_item("shipping").pos()
    history.push(MoveNodes({"shipping": Point(x=640, y=-300)}))
    assert scene.node_item("shipping").pos() == QPointF(640, -300)
    assert (
        scene.node_item("shipping")
        .card_rect()
        .adjusted(-3, -3, 3, 3)
        .contains(scene.flow_item("f2").route.end)
    )
    assert scene.flow_item("f7").route is untouched
    history.undo()
    assert scene.node_item("shipping").pos() == start


def test_renames_and_kind_changes_update_items_in_place(scene, document, history):
    history.push(EditNode("orders", name="Orders"))
    assert scene.node_item("orders").name == "Orders"
    history.push(EditMessage("submit-order", name="PlaceOrder"))
    assert scene.flow_item("f1").text == "PlaceOrder"
    history.push(EditMessage("submit-order", kind=MessageKind.EVENT))
    assert scene.flow_item("f1").kind is MessageKind.EVENT
    history.push(EditFlow("f1", transport=Transport.QUEUE))
    assert scene.flow_item("f1").badge == "queue"
    history.push(EditNode("web", kind="service"))
    assert isinstance(scene.node_item("web"), ServiceItem)
    assert scene.flow_item("f1").route is not None
    for _ in range(5):
        history.undo()
    assert isinstance(scene.node_item("web"), ActorItem)
    assert scene.flow_item("f1").text == "SubmitOrder" and scene.flow_item("f1").badge == "http"


def test_boundaries_are_backdrops_around_their_members(scene, document, history):
    backdrop = scene._boundaries["Customers"]
    for member in ("loyalty", "customers"):
        assert backdrop.sceneBoundingRect().contains(scene.node_item(member).card_rect())
    assert backdrop.zValue() < scene.node_item("loyalty").zValue()
    history.push(MoveNodes({"customers": Point(x=1400, y=800)}))
    assert backdrop.sceneBoundingRect().contains(scene.node_item("customers").card_rect())
    history.push(EditNode("customers", boundary=None))
    history.push(EditNode("loyalty", boundary=None))
    assert "Customers" not in scene._boundaries


def test_diagnostics_badge_cards_with_message_and_hint(scene):
    found = Diagnostic(
        rule="internal-sync-call",
        severity=Severity.WARNING,
        message="Order Service calls Customer Service synchronously",
        hint="use a queue",
        subjects=("orders", "f6"),
        path="$.flows[5]",
    )
    scene.set_diagnostics([found])
    card = scene.node_item("orders")
    assert card.severity is Severity.WARNING
    tooltip = card._badge.toolTip()
    assert "synchronously" in tooltip and "use a queue" in tooltip
    assert "use a queue" in scene.flow_item("f6").label.toolTip()
    scene.set_diagnostics([])
    assert card.severity is None and card._badge is None


def test_highlight_message_and_select_ids(scene):
    seen = []
    scene.selectionChangedIds.connect(lambda nodes, flows: seen.append((nodes, flows)))
    scene.select_ids(["orders", "order-created"])  # a message id selects its flows
    assert scene.selected_ids() == (["orders"], ["f2", "f3"])
    assert seen[-1] == (["orders"], ["f2", "f3"])
    assert len(seen) == 1  # one signal for one selection change
    scene.highlight_message("order-created")
    assert scene.flow_item("f2").emphasis() == (True, False)
    assert scene.flow_item("f1").emphasis() == (False, True)
    scene.highlight_message(None)
    assert scene.flow_item("f1").emphasis() == (False, False)


def test_removing_and_resetting_keeps_the_table_in_step(scene, document, history):
    history.push(RemoveNodes(["orders"]))
    assert scene.node_item("orders") is None and scene.flow_item("f1") is None
    assert all(item.scene() is scene for item in scene.items())
    other = load(examples_dir() / "shop.msgflow.json")
    other.nodes = [n for n in other.nodes if n.id != "web"]
    other.flows = [f for f in other.flows if "web" not in (f.source, f.target)]
    document.reset(other)
    assert scene.node_item("web") is None and scene.node_item("orders") is not None
    labels = [i for i in scene.items() if type(i).__name__ == "FlowLabel"]
    assert len(labels) == len(other.flows)


def test_long_dashed_arrows_are_cut_to_what_can_be_seen():
    from designer.qt.canvas.routing import visible_pieces

    line = [(0.0, 0.0), (1000.0, 0.0), (1000.0, 1000.0)]
    pieces = visible_pieces(line, (400.0, -10.0, 200.0, 20.0))
    assert len(pieces) == 1
    travelled, points = pieces[0]
    assert travelled == pytest.approx(400.0)
    assert points[0] == pytest.approx((400.0, 0.0)) and points[-1] == pytest.approx((600.0, 0.0))
    # A piece crossing a corner keeps its two segments joined, with the right offset.
    corner = visible_pieces(line, (900.0, -10.0, 200.0, 200.0))
    assert len(corner) == 1 and corner[0][0] == pytest.approx(900.0)
    assert corner[0][1][-1] == pytest.approx((1000.0, 190.0))
    assert visible_pieces(line, (2000.0, 2000.0, 10.0, 10.0)) == []


def test_a_long_dashed_arrow_paints_the_same_from_its_kept_pieces(qapp):
    from PySide6.QtGui import QImage, QPainter

    from designer.qt.canvas.arrow_paint import paint_arrow
    from designer.qt.canvas.routing import orthogonal
    from designer.qt.canvas.theme import LIGHT

    def picture(route, memo):
        image = QImage(400, 120, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(0xFFFFFFFF)
        painter = QPainter(image)
        painter.translate(-1300, 10)  # the view shows a part of the long arrow
        paint_arrow(painter, LIGHT, MessageKind.QUERY, route, 1.6, memo)
        painter.end()
        return image

    route = orthogonal([(0.0, 30.0), (1500.0, 30.0), (1500.0, 300.0)])
    moved = orthogonal([(0.0, 60.0), (1500.0, 60.0), (1500.0, 300.0)])
    memo: dict[str, object] = {}
    first = picture(route, memo)
    assert "dashes" in memo  # the visible pieces were kept
    assert picture(route, memo) == first == picture(route, None)
    assert first != picture(moved, None)
    assert picture(moved, memo) == picture(moved, None)  # a new route: pieces made again


def test_a_finding_on_a_message_shows_on_its_arrows_and_survives_new_items(scene, history):
    found = Diagnostic(
        rule="consumer-safety",
        severity=Severity.INFO,
        message="OrderCreated consumers are not idempotent",
        hint="mark the flows idempotent",
        subjects=("order-created",),
        path="$.messages[4]",
    )
    scene.set_diagnostics([found])
    assert "idempotent" in scene.flow_item("f2").label.toolTip()
    assert "idempotent" in scene.flow_item("f3").label.toolTip()
    assert "idempotent" not in scene.flow_item("f1").label.toolTip()
    history.push(
        AddFlow(
            Flow.model_validate(
                {
                    "id": "f9",
                    "message": "order-created",
                    "from": "orders",
                    "to": "customers",
                    "transport": "topic",
                }
            )
        )
    )
    assert "idempotent" in scene.flow_item("f9").label.toolTip()


def test_hovering_a_card_brings_out_its_arrows(scene):
    card = scene.node_item("loyalty")
    card.hoverEnterEvent(None)
    assert scene.flow_item("f4").emphasis() == (True, False)  # orders -> loyalty
    assert scene.flow_item("f1").emphasis() == (False, False)  # not dimmed either
    card.hoverLeaveEvent(None)
    assert scene.flow_item("f4").emphasis() == (False, False)


def _off_route_point(route) -> QPointF | None:
    """A point inside the route's bounding box but 25 px from every run (None if the
    route is too tight to have one)."""
    left, top, right, bottom = route.bounds
    for i in range(1, 20):
        for j in range(1, 20):
            x, y = left + (right - left) * i / 20, top + (bottom - top) * j / 20
            if all(
                _distance(x, y, a, b) > 25
                for a, b in zip(route.points, route.points[1:], strict=False)
            ):
                return QPointF(x, y)
    return None


def _distance(x, y, a, b) -> float:
    (x0, y0), (x1, y1) = a, b
    cx, cy = min(max(x, min(x0, x1)), max(x0, x1)), min(max(y, min(y0, y1)), max(y0, y1))
    return abs(x - cx) + abs(y - cy)


def test_bent_arrows_get_exact_outlines_once_the_event_loop_runs(qapp, scene):
    bent = next(
        item
        for item in (scene.flow_item(f.id) for f in scene.document.design.flows)
        if len(item.route.points) > 3 and _off_route_point(item.route) is not None
    )
    qapp.processEvents()
    # An outline along the route (two points per corner), not its bounding box.
    assert bent.polygon().size() == 2 * len(bent.route.points)
    (x0, y0), (x1, y1) = bent.route.points[1], bent.route.points[2]
    assert bent.contains(QPointF((x0 + x1) / 2, (y0 + y1) / 2))
    assert not bent.contains(_off_route_point(bent.route))


def test_nodes_without_positions_get_a_grid_below_the_placed_ones(qapp):
    design = load(examples_dir() / "shop.msgflow.json")
    design.layout.nodes = {k: v for k, v in design.layout.nodes.items() if k in ("web", "orders")}
    scene = DesignScene(Document(design), lambda command: None)
    rects = [scene.node_item(n.id).card_rect() for n in design.nodes]
    assert all(not a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :])
    lowest_placed = max(scene.node_item(n).pos().y() for n in ("web", "orders"))
    others = [scene.node_item(n.id) for n in design.nodes if n.id not in ("web", "orders")]
    assert all(item.pos().y() > lowest_placed for item in others)
    scene.detach()


def test_an_edit_rebadges_only_the_items_it_rebuilt(scene, document, history):
    from types import SimpleNamespace

    from designer.core.commands import EditNode

    findings = [
        SimpleNamespace(
            rule="orphan-node", severity="warning", message="m1", hint="", subjects=["shipping"]
        ),
        SimpleNamespace(
            rule="payload-empty", severity="warning", message="m2", hint="", subjects=["loyalty"]
        ),
    ]
    scene.set_diagnostics(findings)
    touched = []
    original = type(scene.node_item("loyalty")).set_problems

    def spy(item, *args):
        touched.append(item)
        return original(item, *args)

    type(scene.node_item("loyalty")).set_problems = spy
    try:
        history.push(EditNode("shipping", name="Dispatch"))
    finally:
        type(scene.node_item("loyalty")).set_problems = original
    assert scene.node_item("loyalty") not in touched  # untouched card left alone
    assert scene.node_item("shipping").severity is not None  # the edited card keeps its badge
    assert scene.node_item("loyalty").severity is not None  # and still badged


def test_small_designs_draw_names_at_every_zoom_big_ones_skip_them_far_out():
    from designer.core.document import Document
    from designer.core.synthetic import synthetic_design
    from designer.qt.canvas.context import LOD_TEXT
    from designer.qt.canvas.scene import SMALL_DESIGN_NODES, DesignScene

    small = DesignScene(Document(synthetic_design(10)), lambda command: None)
    big = DesignScene(Document(synthetic_design(SMALL_DESIGN_NODES + 50)), lambda command: None)
    assert small.ctx.lod_text == 0.0
    assert big.ctx.lod_text == LOD_TEXT
    big.detach()  # its arrows are being routed: no work left for the tests after this one


@pytest.mark.parametrize(
    "case",
    [
        "spec-2.6/streetlights-kafka",
        "spec-3.0/kraken-websocket-request-reply-multiple-channels-asyncapi",
    ],
)
def test_labels_of_arrows_straight_across_sit_each_on_its_own_arrow_as_in_the_exports(qapp, case):
    """Two cards side by side with three arrows straight across, a pill's height and a gap
    apart: the canvas sized its labels with their selection outline (4 px taller) and
    found no room for three centred on their arrows, so one went beside its arrow and
    the next onto a leader line (the PNG export draws the canvas), where the SVG/HTML
    export, sized by the pill, had each on its own arrow. Now both place them alike."""
    from designer.core import io
    from designer.core.diagram import build_diagram
    from designer.core.diagram.metrics import labels_on_other_arrows, measure
    from designer.core.importers.asyncapi import import_asyncapi
    from designer.core.importers.spec_loading import Spec
    from tests.core.importers.test_asyncapi_corpus import CASES

    design = io.loads(io.dumps(import_asyncapi([Spec.from_file(f) for f in CASES[case]]).design))
    document = Document(design)
    scene = DesignScene(document, History(document).push)
    try:
        drawn = scene._engine.diagram
        quality = measure(drawn)
        assert quality.labels_off_route == 0
        assert labels_on_other_arrows(drawn) == 0
        assert (quality.label_overlaps, quality.labels_on_cards) == (0, 0)
        exported = build_diagram(design)
        for key, arrow in drawn.arrows.items():
            assert arrow.label is not None and exported.arrows[key].label is not None
            assert arrow.label.y == exported.arrows[key].label.y  # same rows as the exports
    finally:
        scene.detach()
