"""Is there a screen to open a window on? Asked before Qt is imported.

Without a display Qt's xcb plugin aborts the process (exit 134, sometimes a core dump)
with a hint about a missing libxcb-cursor0 that is usually wrong. Checking the
environment first lets `msgflow` say what is really missing and what works instead.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

ALTERNATIVES = (
    "use `msgflow gui FILE --screenshot out.png` for a picture, set QT_QPA_PLATFORM=offscreen "
    "to run the window without a screen, or the headless commands "
    "(msgflow validate/generate/export/diff; see msgflow --help)"
)


def missing_display(env: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """Why no window can open here, or None when one can (or the user chose a platform)."""
    if env.get("QT_QPA_PLATFORM"):  # offscreen, vnc, wayland...: the user knows best
        return None
    if platform in ("win32", "darwin"):  # these always have their own window system
        return None
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return f"msgflow: no display (neither DISPLAY nor WAYLAND_DISPLAY is set): {ALTERNATIVES}"
