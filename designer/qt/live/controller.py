"""Live mode's controller: a tap in a child process, the analysis there, a throttled overlay.

The tap and `Observation` run in a process of their own (designer.taps.live_process): as a
thread of this process the tap shared the interpreter lock with the GUI thread, and a
busy broker made the window 40-70 ms late at p99 on a loaded machine. The child sends a
report every 250 ms; the GUI thread reads the pipe without waiting at `REFRESH_HZ` and
draws the latest one. Pausing stops counting (in the child) and freezes the overlay.
A recorded trace is still judged here: it is read once, there is no broker to wait on. Nothing here saves or edits the design, except accepting a ghost
arrow, which is one undoable command like any other edit.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPointF, QSettings, QTimer, Signal
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu

from designer.core.commands import AddFlow, AddNode, Command, Macro
from designer.core.document import Document
from designer.core.model import Design, Point
from designer.core.observe import Observation, ObservationReport, TraceError, replay_trace
from designer.core.observe.proposals import Proposal, placeholder, propose
from designer.qt.canvas.node_item import W as CARD_W
from designer.taps.live_process import LiveChild

from .ghost_gesture import GhostInteraction
from .overlay import GhostArrow, LiveOverlay

if TYPE_CHECKING:
    from designer.qt.main_window import MainWindow

REFRESH_HZ = 4  # the overlay redraws at most this often (the issue asks for <= 10 Hz)
PLACEHOLDER_GAP = 24.0  # between a ghost's `?` and the placeholder card put there


class LiveMode(QObject):
    """Observe a broker (or a recorded trace) and keep the canvas overlay up to date."""

    # Where the tap runs: "process" (a child process, the default) or "thread" (the same
    # code in a thread of this process: for tests that replace `session.observe`).
    host = "process"

    stateChanged = Signal(str)  # "off" | "live" | "paused" | "replay", for menus and tests
    failed = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.document: Document = window.document
        self.overlay = LiveOverlay(window.canvas.scene, self.ghost_pressed)
        self.observation: Observation | None = None  # a replayed trace's (live: in the child)
        self.report: ObservationReport | None = None
        self.proposals: list[Proposal] = []
        self.state = "off"
        self.child: LiveChild | None = None
        self.child_paused = False  # the child's last report says it is not counting
        self._judged_by: Design | None = None  # the design the child judges by
        self._generation = 0  # how many edited designs the child was sent
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
        """Start watching `url` in a child process (TapError reasons come back via `failed`)."""
        from designer.taps.session import TapError, broker_of

        self.stop()
        try:
            broker_of(url)
        except TapError as problem:
            self.failed.emit(str(problem))
            return
        # A snapshot: the document's Design changes in place, the child must keep judging
        # by the design it was given until it is sent an edited one.
        self._judged_by = self.document.snapshot()
        self._design_changed = False  # an edit before connecting is already in this design
        self.tap_open.clear()
        self.child_paused = False
        self._generation = 0
        self.child = LiveChild(self._judged_by, url, host=self.host)
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
        """Stop counting; the overlay stays as it is (the timer keeps reading the pipe, so
        a broker that fails while paused is still reported)."""
        if self.state == "live" and self.child is not None:
            self.child.send("pause")
            self._set_state("paused")

    def resume(self) -> None:
        if self.state == "paused" and self.child is not None:
            self.child.send("resume")
            self._set_state("live")

    def stop(self) -> None:
        """Disconnect (the child's tap removes what it created, then the child exits) and
        take the overlay away."""
        self.timer.stop()
        if self.child is not None:
            self.child.stop()
        self.child = self._judged_by = None
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
        """Live: read what the child sent (never waiting) and draw its latest report.
        Replay: draw the replayed observation's report."""
        if self.child is not None:
            if self._design_changed:
                self._follow_design()  # first: what the child sent before is now stale
            report = None
            for message in self.child.received():
                if message[0] == "open":
                    self.tap_open.set()
                elif message[0] == "report":
                    self.child_paused = message[2]
                    if message[3] == self._generation:  # judged by the design as it is now
                        report = message[1]
                elif message[0] == "error":
                    self.stop()
                    self.failed.emit(message[1])
                    return
            if report is None or self.state == "paused":
                return  # nothing new, or paused: the overlay stays as it was
            self.report = report
        elif self.observation is not None:
            self.report = self.observation.report(ended=ended)
        else:
            return
        self.proposals = propose(self.document.design, self.report.undeclared)
        self.overlay.show(self.report, self.proposals)

    def _follow_design(self) -> None:
        """The design was edited: the child judges the traffic by the new one from now on,
        keeping the counts of every flow whose message and address the edit left alone
        (what the old design judged cannot be re-judged without a trace: see
        core.observe.follow)."""
        self._design_changed = False
        if self.child is None or self._judged_by is None:
            return
        if _semantics(self._judged_by) == _semantics(self.document.design):
            return  # a card moved: the same nodes, messages and flows, keep counting
        self._judged_by = self.document.snapshot()
        self._generation += 1
        self.child.send("design", self._judged_by, self._generation)

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
    # Kept on the window (not declared by MainWindow: live mode is optional) for tests and menus.
    window.live_menu = menu  # type: ignore[attr-defined]
    return live
