"""The design canvas: scene (id -> item table following the Document), items, view, gestures.

Import from here: `DesignScene`, `DesignView`, `NODE_KIND_MIME` (the palette's drag type).
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
