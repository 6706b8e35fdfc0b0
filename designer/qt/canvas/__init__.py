"""The design canvas: scene (id -> item table following the Document), items, view, gestures.

Import from here: `DesignScene`, `DesignView`, `NODE_KIND_MIME` (the palette's drag type).
Modules: scene.py (the table; routes events), interactions.py (gestures as interaction
objects: idle, moving cards, new arrow), edits.py (what gestures and shortcuts change, one
command each), gesture_commands.py (building those commands), palette_drop.py,
context.py (what items read while painting), node_item.py / flow_item.py (items),
arrow_paint.py (the arrow language), routing.py (geometry), title_grid.py, view.py (zoom,
pan, keys, rename, popup), flow_popup.py, minimap.py, legend.py, clipboard.py, theme.py.
"""

from .gesture_commands import NODE_KIND_MIME
from .scene import DesignScene

__all__ = ["NODE_KIND_MIME", "DesignScene", "DesignView"]


def __getattr__(name: str) -> object:
    # The view pulls in widgets (popup, minimap); headless renders only need the scene.
    if name == "DesignView":
        from .view import DesignView

        return DesignView
    raise AttributeError(name)
