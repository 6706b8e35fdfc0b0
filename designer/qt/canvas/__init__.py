"""The design canvas: scene (id -> item table following the Document), items, view, gestures.

Import from here: `DesignScene`, `DesignView`, `NODE_KIND_MIME` (the palette's drag type).
Modules: scene.py (the table), gestures.py (mouse and drops -> commands), interactions.py
(commands of gestures, the new-flow state machine), node_item.py / flow_item.py (items),
arrow_paint.py (the arrow language), routing.py (geometry), view.py (zoom, pan, keys,
rename, popup), flow_popup.py, minimap.py, legend.py, clipboard.py, theme.py.
"""

from .interactions import NODE_KIND_MIME
from .scene import DesignScene

__all__ = ["NODE_KIND_MIME", "DesignScene", "DesignView"]


def __getattr__(name: str) -> object:
    # The view pulls in widgets (popup, minimap); headless renders only need the scene.
    if name == "DesignView":
        from .view import DesignView

        return DesignView
    raise AttributeError(name)
