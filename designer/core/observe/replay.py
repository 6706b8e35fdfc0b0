"""A recorded trace judged by a design: what `msgflow observe --replay` and the window's
replay both do."""

from __future__ import annotations

from pathlib import Path

from ..model import Design
from .analysis import Observation
from .trace import TraceWindow, read_trace


def replay_trace(design: Design, path: str | Path) -> tuple[Observation, TraceWindow]:
    """Every record of the trace at `path` fed to an Observation of `design`, and the window
    the trace's first and last lines gave. Raises TraceError for an unreadable trace."""
    window = TraceWindow()
    observation: Observation | None = None
    for record in read_trace(path, window):
        if observation is None:  # the header line, read by now, names broker and start
            observation = Observation(design, window.broker, window.started)
        observation.add(record)
    if observation is None:
        observation = Observation(design, window.broker, window.started)
    return observation, window
