"""Live mode fed by a recorded trace: rates on arrows, silent ones dimmed, a ghost arrow
for undeclared traffic accepted into the design in one undo step; the file never changes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from designer.core.observe import TraceWriter
from designer.qt.live import LiveMode
from designer.qt.live.overlay import DIMMED, GhostArrow, RateBadge
from tests.core.observe.traffic import envelope, loyalty_points, model, new_id, order_created
from tests.support.window import open_window


def record_trace(path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        writer = TraceWriter(handle, "nats", 0.0)
        for i in range(20):
            writer.write(
                envelope(
                    i * 0.5, "nats", "orders.evt.order-created", "OrderCreated", order_created()
                )
            )
        for i in range(5):
            writer.write(model(i, "nats", "loyalty.cmd.add-loyalty-points", loyalty_points()))
        for i in range(3):
            writer.write(
                model(
                    i,
                    "nats",
                    "orders.evt.order-cancelled",
                    {"order_id": new_id(), "reason": "late"},
                    {"message_type": "OrderCancelled"},
                )
            )
        writer.close(10.0)


def test_replayed_trace_overlays_rates_and_ghost_becomes_a_flow(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    path = window.files.path
    before = Path(path).read_bytes()
    design_before = window.document.design
    trace = tmp_path / "trace.jsonl"
    record_trace(trace)

    window.live.replay(trace)
    scene = window.canvas.scene
    badges = {i.flow_id: i.text() for i in scene.items() if isinstance(i, RateBadge)}
    assert badges["f2"] == "2.0/s" and badges["f3"] == "2.0/s"  # 20 in 10 s, on both arrows
    assert badges["f4"] == "0.5/s"
    assert badges["f7"] == "0 msg"
    assert scene.flow_item("f7").opacity() == DIMMED  # silent: dimmed
    assert scene.flow_item("f2").opacity() == 1.0
    assert window.document.design is design_before  # the overlay changed nothing

    ghosts = [i for i in scene.items() if isinstance(i, GhostArrow)]
    assert [g.proposal.key for g in ghosts] == ["orders.evt.order-cancelled"]
    ghost = ghosts[0]
    assert (ghost.proposal.source, ghost.proposal.target) == ("orders", None)
    window.canvas.view.grab().save(str(tmp_path / "live.png"))

    # One gesture: drag the ghost's `?` end onto the card that receives it.
    shipping = window.canvas.scene.node_item("shipping")
    drag(window, ghost.open_point, shipping.sceneBoundingRect().center())
    design = window.document.design
    added = [f for f in design.flows if f.message == "order-cancelled"]
    assert len(added) == 1 and (added[0].source, added[0].target) == ("orders", "shipping")
    assert [f.name for f in design.message("order-cancelled").fields] == ["order_id", "reason"]
    # The same recording, judged by the edited design: no longer a ghost, a counted flow.
    qtbot.waitUntil(lambda: not [i for i in scene.items() if isinstance(i, GhostArrow)])
    badges = {i.flow_id: i.text() for i in scene.items() if isinstance(i, RateBadge)}
    assert badges[added[0].id] == "0.3/s"

    window.undo.stack.undo()  # one step takes flow and message away again
    assert window.document.design.message("order-cancelled") is None
    assert not [f for f in window.document.design.flows if f.message == "order-cancelled"]

    window.live.stop()
    assert not [i for i in scene.items() if isinstance(i, RateBadge | GhostArrow)]
    assert scene.flow_item("f7").opacity() == 1.0
    assert Path(path).read_bytes() == before  # the design file was never written


def test_query_arrows_show_latency_and_bad_payloads_are_counted_red(qtbot, monkeypatch, tmp_path):
    """A request/reply arrow shows its answers' p95 latency; payloads that break the
    contract are counted on their arrow, in red."""
    from designer.qt.live.overlay import BAD

    trace = tmp_path / "trace.jsonl"
    with trace.open("w", encoding="utf-8") as handle:
        writer = TraceWriter(handle, "nats", 0.0)
        for i, delay in enumerate((0.020, 0.040, 0.120)):  # answered after 20, 40, 120 ms
            question, correlation = new_id(), new_id()
            writer.write(
                model(
                    float(i),
                    "nats",
                    "customers.qry.get-customer",
                    {"customer_id": new_id()},
                    {
                        "message_type": "GetCustomer",
                        "message_id": question,
                        "correlation_id": correlation,
                        "reply_to": "orders.replies",
                    },
                )
            )
            writer.write(
                model(
                    i + delay,
                    "nats",
                    "orders.replies",
                    {"customer_id": new_id(), "email": "a@example.org"},
                    {"correlation_id": correlation, "causation_id": question},
                )
            )
        for i in range(4):
            total = "lots" if i == 3 else "12.50"  # the fourth is not a decimal
            writer.write(
                envelope(
                    i, "nats", "orders.evt.order-created", "OrderCreated", order_created(total)
                )
            )
        writer.close(10.0)
    window = open_window(qtbot, monkeypatch, tmp_path)
    window.live.replay(trace)
    badges = {i.flow_id: i for i in window.canvas.scene.items() if isinstance(i, RateBadge)}
    assert badges["f6"].text() == "0.3/s · p95 120 ms"  # 3 questions in 10 s
    assert badges["f2"].text() == "0.4/s · 1 bad"
    assert badges["f2"].brush().color() == BAD
    assert badges["f4"].brush().color() != BAD


def drag(window, start: QPointF, end: QPointF, steps: int = 8) -> None:
    """A real mouse drag on the canvas, between two scene points."""
    view = window.canvas.view
    viewport = view.viewport()
    a, b = view.mapFromScene(start), view.mapFromScene(end)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for i in range(1, steps + 1):
        QTest.mouseMove(viewport, a + (b - a) * (i / steps))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)


def replayed_ghost(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    trace = tmp_path / "trace.jsonl"
    record_trace(trace)
    window.live.replay(trace)
    ghosts = [i for i in window.canvas.scene.items() if isinstance(i, GhostArrow)]
    assert len(ghosts) == 1
    window.canvas.view.centerOn(ghosts[0])
    return window, ghosts[0]


def test_a_click_on_a_ghost_adds_it_with_a_placeholder_in_one_undo_step(
    qtbot, monkeypatch, tmp_path
):
    window, ghost = replayed_ghost(qtbot, monkeypatch, tmp_path)
    view = window.canvas.view
    scene = window.canvas.scene
    scene.select_ids(["loyalty"])  # a selection must not turn the click into a card move
    where = view.mapFromScene((ghost.start + ghost.end) / 2)
    before = {n.id: scene.node_item(n.id).pos() for n in window.document.design.nodes}
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where
    )
    design = window.document.design
    added = [f for f in design.flows if f.message == "order-cancelled"]
    assert [(f.source, f.target) for f in added] == [("orders", "unknown-subscriber")]
    placeholder = design.node("unknown-subscriber")
    assert placeholder is not None and placeholder.name == "Unknown Subscriber"
    assert design.layout.nodes["unknown-subscriber"] is not None  # where the `?` was
    assert all(scene.node_item(n).pos() == p for n, p in before.items())  # nothing moved
    qtbot.waitUntil(lambda: not [i for i in scene.items() if isinstance(i, GhostArrow)])
    said = window.statusBar().currentMessage()  # still there after the replay re-judged
    assert said.startswith("Added 'OrderCancelled' from Order Service to Unknown Subscriber")
    assert "does not say who receives it" in said
    window.undo.stack.undo()  # one step: flow, message and placeholder go together
    design = window.document.design
    assert design.node("unknown-subscriber") is None
    assert design.message("order-cancelled") is None
    assert not [f for f in design.flows if f.message == "order-cancelled"]


def test_a_ghost_dropped_on_empty_canvas_or_escaped_adds_nothing(qtbot, monkeypatch, tmp_path):
    window, ghost = replayed_ghost(qtbot, monkeypatch, tmp_path)
    flows = list(window.document.design.flows)
    open_point = QPointF(ghost.open_point)
    drag(window, open_point, open_point + QPointF(0, 160))  # nowhere near a card
    assert window.document.design.flows == flows
    assert ghost.open_point == open_point and not window.canvas.scene.gesture_in_progress()
    tip = ghost.path().elementAt(1)
    assert QPointF(tip.x, tip.y) == ghost.end  # drawn where it was again

    # Escape in the middle of a drag: the rest of it (and its release) changes nothing.
    view = window.canvas.view
    shipping = window.canvas.scene.node_item("shipping").sceneBoundingRect().center()
    a, b = view.mapFromScene(open_point), view.mapFromScene(shipping)
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for i in range(1, 5):
        QTest.mouseMove(view.viewport(), a + (b - a) * (i / 4))
    assert window.canvas.scene.gesture_in_progress()
    QTest.keyClick(view.viewport(), Qt.Key.Key_Escape)
    QTest.mouseRelease(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b
    )
    assert window.document.design.flows == flows


def test_pause_freezes_and_resume_continues(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    live = window.live
    states: list[str] = []
    live.stateChanged.connect(states.append)
    errors: list[str] = []
    live.failed.connect(errors.append)
    live.connect_to("nats://127.0.0.1:1")  # nothing there: the child reports it, no crash
    live.pause()
    assert live.state == "paused"
    live.resume()
    assert live.state == "live" and live.timer.isActive()
    qtbot.waitUntil(lambda: live.state == "off", timeout=20_000)
    assert states == ["off", "live", "paused", "live", "off"]
    assert errors and "cannot connect to nats://127.0.0.1:1" in errors[0]
    # Paused, the window still reads the child's pipe: a failure then is not swallowed.
    live.connect_to("nats://127.0.0.1:1")
    live.pause()
    qtbot.waitUntil(lambda: live.state == "off", timeout=20_000)
    assert len(errors) == 2 and live.child is None


def test_live_menu_sits_before_help(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, monkeypatch, tmp_path)
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles.index("Live") == titles.index("Help") - 1
    texts = [a.text().replace("&", "") for a in window.live_menu.actions()]
    assert texts == ["Connect to broker…", "Replay trace…", "Pause", "Stop"]


def test_connect_remembers_the_url_per_design(qtbot, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QInputDialog

    window = open_window(qtbot, monkeypatch, tmp_path)
    asked: list[str] = []

    def answer(*_args, **kwargs):
        asked.append(kwargs.get("text", ""))
        return "nats://127.0.0.1:1", True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(answer))
    connect = next(a for a in window.live_menu.actions() if a.text().startswith("&Connect"))
    connect.trigger()
    qtbot.waitUntil(lambda: window.live.state == "off", timeout=20_000)  # nothing listens there
    connect.trigger()
    qtbot.waitUntil(lambda: window.live.state == "off", timeout=20_000)
    assert asked == ["nats://localhost:4222", "nats://127.0.0.1:1"]  # offered again next time


class FakeBroker:
    """Stands in for `designer.taps.session.observe`: live mode's real child code (pipe,
    reports, pause, design edits) hosted in a thread of the test's process, fed with
    records the test hands over instead of a broker's."""

    def __init__(self) -> None:
        import queue

        self.queue: queue.Queue[object] = queue.Queue()

    async def observe(self, design, url, duration, sink, stop, on_open=None):  # type: ignore[no-untyped-def]
        import asyncio
        import queue

        if on_open is not None:
            on_open(None)
        while not stop.is_set():
            try:
                sink(self.queue.get_nowait())
            except queue.Empty:
                await asyncio.sleep(0.01)
        return []


def test_live_counts_survive_an_edit_that_keeps_the_traffic(qtbot, monkeypatch, tmp_path):
    import time

    from designer.core.commands import EditFlow
    from designer.taps import session

    broker = FakeBroker()
    monkeypatch.setattr(session, "observe", broker.observe)
    monkeypatch.setattr(LiveMode, "host", "thread")  # the stand-in lives in this process
    window = open_window(qtbot, monkeypatch, tmp_path)
    live = window.live
    live.connect_to("nats://127.0.0.1:4222")
    qtbot.waitUntil(live.tap_open.is_set)

    def send(created: int, points: int) -> None:
        now = time.time()
        for _ in range(created):
            broker.queue.put(
                envelope(now, "nats", "orders.evt.order-created", "OrderCreated", order_created())
            )
        for _ in range(points):
            broker.queue.put(model(now, "nats", "loyalty.cmd.add-loyalty-points", loyalty_points()))

    def counts() -> dict[str, int]:
        report = live.report
        return {f.flow_id: f.messages for f in report.flows} if report else {}

    send(6, 4)
    qtbot.waitUntil(lambda: counts().get("f2") == 6 and counts().get("f4") == 4)
    # Retarget the OrderCreated subscription and change the command's transport label:
    # neither changes what travels where on NATS.
    assert window.undo.push(EditFlow("f3", to="loyalty"))
    assert window.undo.push(EditFlow("f4", timeout_ms=2000))
    send(2, 1)
    qtbot.waitUntil(lambda: counts().get("f2") == 8)
    assert counts()["f3"] == 8 and counts()["f4"] == 5  # kept, not restarted at the edit
    badges = {i.flow_id: i for i in window.canvas.scene.items() if isinstance(i, RateBadge)}

    assert "f3" in badges and live.report.flow("f3").target == "loyalty"

    # An edit that changes the traffic: f4 now carries another message, from zero.
    assert window.undo.push(EditFlow("f4", message="loyalty-points-added", transport="topic"))
    send(1, 0)
    qtbot.waitUntil(lambda: counts().get("f2") == 9)
    assert counts()["f4"] == 0
    live.stop()


def test_a_broker_that_ends_the_observation_turns_live_mode_off_with_its_reason(
    qtbot, monkeypatch, tmp_path
):
    from designer.taps import session

    async def dropped(design, url, duration, sink, stop, on_open=None):  # type: ignore[no-untyped-def]
        if on_open is not None:
            on_open(None)
        return ["the broker ended the observation early: the broker closed the connection"]

    monkeypatch.setattr(session, "observe", dropped)
    monkeypatch.setattr(LiveMode, "host", "thread")
    window = open_window(qtbot, monkeypatch, tmp_path)
    live = window.live
    reasons: list[str] = []
    live.failed.connect(reasons.append)
    live.connect_to("amqp://guest:guest@127.0.0.1:5672/")
    qtbot.waitUntil(lambda: live.state == "off")  # not still "watching" a closed connection
    assert reasons == ["the broker ended the observation early: the broker closed the connection"]
