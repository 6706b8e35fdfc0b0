"""What every canvas item reads while painting, shared by the scene instead of copied.

Its own module so the items, the scene and the gestures all depend on it, and none of
them on each other for it.
"""

from __future__ import annotations

from collections.abc import Callable

from .theme import Theme

# Below this zoom card text is skipped, which keeps fit-all renders of big designs fast.
LOD_TEXT = 0.4


class CanvasContext:
    """State every item reads while painting, shared instead of copied into each item."""

    def __init__(self, theme: Theme) -> None:
        self.theme = theme
        self.snap = False
        self.grid = 20.0
        self.highlight: str | None = None
        self.hovered: str | None = None  # the card under the mouse: its arrows stand out
        self.node_hovered: Callable[[str, bool], None] = lambda node_id, on: None
        # Exported pictures set it to 0 so a small-scale PNG still carries every name.
        self.lod_text = LOD_TEXT
