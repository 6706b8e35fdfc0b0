"""Work on the canvas's thread between its events: a slice at a time on a zero timer.

Routing the arrows of a big design takes seconds of pure Python (designer.core.diagram).
The scene shows the design at once with provisional arrows and hands the routing to a
`SlicedJob`: the job's steps (designer.core.diagram.steps) run for a few milliseconds,
then Qt handles input and repaints, then the next slice runs. Not a worker thread: the
router is pure Python, so a thread would hold the interpreter lock against every paint
and mouse event of the window, and the engine would have to be handed across threads.

The job is a child of the scene: when the scene goes (the window closes) its timer goes
with it and no slice runs against a deleted scene.

While a job runs, Python's cyclic garbage collector is off (as during the scene's build):
routing allocates a million small containers that all live on, and each full collection
in the middle only rescans them — measured on 1,000 services, seven pauses of about
100 ms and a sixth of the job's time. It is on again when the last job ends, is dropped
or is deleted with its scene.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal
from shiboken6 import isValid

from designer.core.diagram.steps import Steps, finish

SLICE_SECONDS = 0.008  # half a 60 Hz frame: the other half stays for input and painting

_holding: set[int] = set()  # the jobs running (by id) while the collector is held off
_collector_was_on = False


def _hold_collector(job: int) -> None:
    global _collector_was_on
    if not _holding:
        _collector_was_on = gc.isenabled()
        gc.disable()
    _holding.add(job)


def _release_collector(job: int, *_destroyed: object) -> None:
    if job not in _holding:
        return
    _holding.discard(job)
    if not _holding and _collector_was_on:
        gc.enable()


class SlicedJob(QObject):
    """Runs one job of steps at a time in slices; `start` drops the job running before."""

    progress = Signal(int)  # percent done; 100 when the job ends (or is dropped)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._steps: Steps[None] | None = None
        self._paused = False
        self._percent = -1
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._slice)
        # A plain function, not a method: it runs while the job itself is being deleted.
        self.destroyed.connect(partial(_release_collector, id(self)))

    @property
    def busy(self) -> bool:
        return self._steps is not None

    def start(self, steps: Steps[None]) -> None:
        """Run `steps` from the next idle moment on, instead of any job before (stale)."""
        self._steps = steps
        self._percent = -1
        _hold_collector(id(self))
        self._report(0)
        if not self._paused:
            self._timer.start(0)

    def cancel(self) -> None:
        """Drop the job: its remaining steps never run."""
        if self._steps is None:
            return
        self._ended()

    def pause(self, paused: bool) -> None:
        """Hold the job between slices (a card is being dragged: frames come first)."""
        self._paused = paused
        if paused:
            self._timer.stop()
        elif self._steps is not None:
            self._timer.start(0)

    def finish_now(self) -> None:
        """Run the rest of the job at once (a picture exported, a test waiting)."""
        steps = self._steps
        if steps is not None:
            try:
                finish(steps)
            finally:
                self._ended()

    def _slice(self, clock: Callable[[], float] = time.perf_counter) -> None:
        steps = self._steps
        if steps is None:
            return
        deadline = clock() + SLICE_SECONDS
        fraction = self._percent / 100
        try:
            while clock() < deadline:
                fraction = next(steps)
        except StopIteration:
            self._ended(from_slice=True)
            return
        except BaseException:
            self._ended(from_slice=True)  # a broken job is dropped, not retried every tick
            raise
        self._report(int(fraction * 100))
        if not self._paused and isValid(self):
            self._timer.start(0)

    def _ended(self, from_slice: bool = False) -> None:
        self._steps = None
        if isValid(self):
            self._timer.stop()
            self._report(100)
        if from_slice:
            # The collector, on again, may delete a scene nobody holds any more and this
            # job with it: not while this job's own timer is still calling it (a crash),
            # on the next turn of the event loop. Elsewhere the caller holds the scene.
            QTimer.singleShot(0, partial(_release_collector, id(self)))
        else:
            _release_collector(id(self))

    def _report(self, percent: int) -> None:
        if not isValid(self):
            return  # deleted with its scene: nobody to tell
        if percent != self._percent:
            self._percent = percent
            self.progress.emit(percent)
