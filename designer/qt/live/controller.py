"""Live mode's controller: a tap off the GUI thread, the analysis, a throttled overlay.

The tap runs its own asyncio loop in a worker thread and feeds `Observation` there (the
analysis costs microseconds per message); the GUI thread only asks for a report at
`REFRESH_HZ`, so a busy broker never blocks the window. Pausing stops counting and
freezes the overlay. Nothing here saves or edits the design, except accepting a ghost
arrow, which is one undoable command like any other edit.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPointF, QSettings, QTimer, Signal
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu

from designer.core.commands import AddFlow, AddNode, Command, Macro
from designer.core.document import Document
from designer.core.model import Design, Point
from designer.core.observe import Observation, ObservationReport, Record, TraceError, replay_trace
from designer.core.observe.follow import follow
from designer.core.observe.proposals import Proposal, placeholder, propose
from designer.qt.canvas.node_item import W as CARD_W

from .ghost_gesture import GhostInteraction
from .overlay import GhostArrow, LiveOverlay

if TYPE_CHECKING:
    from designer.qt.main_window import MainWindow

REFRESH_HZ = 4  # the overlay redraws at most this often (the issue asks for <= 10 Hz)
PLACEHOLDER_GAP = 24.0  # between a ghost's `?` and the placeholder card put there


class LiveMode(QObject):
    """Observe a broker (or a recorded trace) and keep the canvas overlay up to date."""

    stateChanged = Signal(str)  # "off" | "live" | "paused" | "replay", for menus and tests
    failed = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.document: Document = window.document
        self.overlay = LiveOverlay(window.canvas.scene, self.ghost_pressed)
        self.observation: Observation | None = None
        self.report: ObservationReport | None = None
        self.proposals: list[Proposal] = []
        self.state = "off"
        self._lock = threading.Lock()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._error: str | None = None
        self.tap_open = threading.Event()  # set once the tap receives (for status and tests)
        self.timer = QTimer(self)
        self.timer.setInterval(int(1000 / REFRESH_HZ))
        self.timer.timeout.connect(self.refresh)
        self._trace: Path | None = None
        self._trace_ended: float | None = None
        self._design_changed = False
        self._unsubscribe = self.document.subscribe(self._on_design_change)

    def _on_design_change(self, _changes: object) -> None:
        self._design_changed = True
        if self.state == "replay" and self._trace is not None:
            # Judge the same recording by the edited design (a ghost just became a flow).
            QTimer.singleShot(0, self._rejudge)

    # -- sources --------------------------------------------------------------------------
    def connect_to(self, url: str) -> None:
        """Start watching `url` in a worker thread (TapError reasons come back via `failed`)."""
        from designer.taps.session import TapError, broker_of, observe

        self.stop()
        try:
            broker = broker_of(url)
        except TapError as problem:
            self.failed.emit(str(problem))
            return
        # A snapshot: the document's Design changes in place, the observation must keep
        # judging by the design it was built for until it follows an edit.
        design = self.document.snapshot()
        self.observation = Observation(design, broker, time.time())
        self._design_changed = False  # an edit before connecting is already in this design

        def sink(record: Record) -> None:
            if self.state == "paused":
                return
            with self._lock:
                if self.observation is not None:
                    self.observation.add(record)

        def work() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            stop = self._stop = asyncio.Event()
            try:
                notes = loop.run_until_complete(
                    observe(
                        design,
                        url,
                        10**7,
                        sink,
                        stop,
                        on_open=lambda _tap: self.tap_open.set(),
                    )
                )
                if not stop.is_set():  # the broker ended it (e.g. it restarted), not Stop
                    self._error = notes[-1] if notes else "the broker ended the observation"
            except TapError as problem:
                self._error = str(problem)
            finally:
                loop.close()

        self._error = None
        self.tap_open.clear()
        self._thread = threading.Thread(target=work, name="msgflow-live", daemon=True)
        self._thread.start()
        self._set_state("live")
        self.timer.start()

    def replay(self, path: str | Path) -> None:
        """Show a recorded trace (no broker): what the overlay would have shown live."""
        self.stop()
        if self._judge(Path(path)):
            self._set_state("replay")
            self.refresh(ended=self._trace_ended)

    def _judge(self, path: Path) -> bool:
        """Judge the recording at `path` by the design as it is now."""
        try:
            self.observation, window = replay_trace(self.document.snapshot(), path)
        except TraceError as problem:
            self.failed.emit(str(problem))
            return False
        self._trace, self._trace_ended = path, window.ended
        self._design_changed = False
        return True

    def _rejudge(self) -> None:
        """The design changed during a replay: the same recording, judged again (the
        state and the status bar stay as they are)."""
        if self.state == "replay" and self._trace is not None and self._judge(self._trace):
            self.refresh(ended=self._trace_ended)

    # -- control --------------------------------------------------------------------------
    def pause(self) -> None:
        if self.state == "live":
            self.timer.stop()
            self._set_state("paused")

    def resume(self) -> None:
        if self.state == "paused":
            self._set_state("live")
            self.timer.start()

    def stop(self) -> None:
        """Disconnect (the tap removes what it created) and take the overlay away."""
        self.timer.stop()
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._thread = self._loop = self._stop = None
        self.overlay.clear()
        self.observation = self.report = None
        self.proposals = []
        self._trace = None
        self._set_state("off")

    def _set_state(self, state: str) -> None:
        self.state = state
        self.stateChanged.emit(state)

    # -- drawing --------------------------------------------------------------------------
    def refresh(self, ended: float | None = None) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            self.stop()
            self.failed.emit(error)
            return
        if self.observation is None:
            return
        with self._lock:
            if self._design_changed and self.state != "replay":
                self._follow_design()
            self.report = self.observation.report(
                ended=ended
                if ended is not None
                else (time.time() if self.state == "live" else None)
            )
        self.proposals = propose(self.document.design, self.report.undeclared)
        self.overlay.show(self.report, self.proposals)

    def _follow_design(self) -> None:
        """The design was edited: judge the traffic by the new one from now on, keeping
        the counts of every flow whose message and address the edit left alone (what the
        old design judged cannot be re-judged without a trace: see core.observe.follow)."""
        assert self.observation is not None
        self._design_changed = False
        old = self.observation
        if _semantics(old.design) == _semantics(self.document.design):
            return  # a card moved: the same nodes, messages and flows, keep counting
        self.observation = follow(old, self.document.snapshot())

    # -- ghosts ---------------------------------------------------------------------------
    def ghost_pressed(self, ghost: GhostArrow, where: QPointF) -> None:
        """A press on a ghost: the gesture decides (click: accept; drag `?` to a card)."""
        scene = self.window.canvas.scene
        scene.start_interaction(GhostInteraction(scene, ghost, where, self.accept_at))

    def accept_at(self, proposal: Proposal, other_end: str | None, where: QPointF) -> None:
        self.accept(proposal, other_end, where)

    def accept(
        self, proposal: Proposal, other_end: str | None = None, where: QPointF | None = None
    ) -> bool:
        """Add the proposed flow (its message when new, a placeholder for an end nobody
        chose, placed at `where`) as one undoable step."""
        design = self.document.design
        steps: list[Command] = []
        stand_in = placeholder(proposal) if other_end is None else None
        if stand_in is not None:
            other_end = stand_in.id
            if design.node(stand_in.id) is None:
                # Just below where the ghost's `?` was (ghosts fan out below their card).
                at = (where or QPointF(0, 0)) + QPointF(-CARD_W / 2, PLACEHOLDER_GAP)
                steps.append(AddNode(stand_in, Point(x=round(at.x()), y=round(at.y()))))
        flow = proposal.flow(
            self.document.new_flow_id(), proposal.source or other_end, proposal.target or other_end
        )
        add = AddFlow(flow, proposal.message if proposal.new_message else None)
        command = Macro(add.text, [*steps, add]) if steps else add
        accepted = self.window.undo.push(command)
        if accepted:
            ends = [design.node(n) for n in (flow.source, flow.target)]
            names = [n.name if n is not None else "?" for n in ends]
            said = f"Added '{proposal.message.name}' from {names[0]} to {names[1]}"
            if stand_in is not None and other_end == stand_in.id:
                said += (
                    f" (the traffic does not say who {'sends' if proposal.source is None else 'receives'}"
                    " it: rename the placeholder, or next time drag a ghost's ? onto a card)"
                )
            self.window.statusBar().showMessage(said, 10_000)
        return accepted


def _semantics(design: Design) -> tuple[object, ...]:
    """What the observation judges by: nodes, messages, flows and records, not the layout."""
    return (design.nodes, design.messages, design.flows, design.schemas)


def _remembered_key(window: MainWindow) -> str:
    path = window.files.path
    return f"live/url/{Path(path).resolve() if path else '(untitled)'}"


def install_live_mode(window: MainWindow) -> LiveMode:
    """The Live menu (connect, replay, pause/resume, stop) and its controller."""
    live = LiveMode(window)
    bar = window.menuBar()
    menu = QMenu("&Live", bar)
    help_menu = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
    if help_menu is not None:  # Help stays last, where people look for it
        bar.insertMenu(help_menu, menu)
    else:
        bar.addMenu(menu)
    connect = menu.addAction("&Connect to broker…")
    replay = menu.addAction("&Replay trace…")
    pause = menu.addAction("&Pause")
    stop = menu.addAction("&Stop")
    settings: QSettings = window.settings

    def ask_url() -> None:
        key = _remembered_key(window)
        url, ok = QInputDialog.getText(
            window,
            "Live mode",
            "Broker URL (amqp://, nats:// or redis://):",
            text=str(settings.value(key, "nats://localhost:4222")),
        )
        if ok and url.strip():
            settings.setValue(key, url.strip())  # remembered per design file
            live.connect_to(url.strip())

    def ask_trace() -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(window, "Replay trace", "", "Traces (*.jsonl)")
        if path:
            live.replay(path)

    def toggle_pause() -> None:
        if live.state == "live":
            live.pause()
        else:
            live.resume()

    def on_state(state: str) -> None:
        pause.setEnabled(state in ("live", "paused"))
        pause.setText("&Resume" if state == "paused" else "&Pause")
        stop.setEnabled(state != "off")
        window.statusBar().showMessage(
            {
                "live": "Live: watching the broker",
                "paused": "Live: paused",
                "replay": "Live: showing a recorded trace",
                "off": "",
            }[state],
            0 if state != "off" else 1,
        )

    connect.triggered.connect(ask_url)
    replay.triggered.connect(ask_trace)
    pause.triggered.connect(toggle_pause)
    stop.triggered.connect(live.stop)
    live.stateChanged.connect(on_state)
    live.failed.connect(lambda text: window.show_error(text))
    on_state("off")
    app = QApplication.instance()
    if app is not None:  # leave no tap behind on the broker when the application quits
        app.aboutToQuit.connect(live.stop)
    window.live_menu = menu  # type: ignore[attr-defined]
    return live
