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
    if env.get("WAYLAND_DISPLAY"):
        return None
    display = env.get("DISPLAY", "")
    if not display:
        return f"msgflow: no display (neither DISPLAY nor WAYLAND_DISPLAY is set): {ALTERNATIVES}"
    number = _local_display_number(display)
    if number is not None and not _x_server_listens(number):
        return f"msgflow: no X server answers on DISPLAY={display}: {ALTERNATIVES}"
    return None


def _local_display_number(display: str) -> str | None:
    """`:1` or `:1.0` (a display on this machine) -> "1"; remote or odd forms -> None."""
    if not display.startswith(":"):
        return None  # host:N (ssh forwarding, remote X): not checked, Qt will try
    number = display[1:].split(".", 1)[0]
    return number if number.isdigit() else None


def _x_server_listens(number: str) -> bool:
    """Whether an X server accepts connections for display `number` on this machine
    (its socket in /tmp/.X11-unix, or the same name in Linux's abstract namespace)."""
    import socket

    path = f"/tmp/.X11-unix/X{number}"
    for address in (path, "\0" + path):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(1.0)
            try:
                probe.connect(address)
            except OSError:
                continue
            return True
    return False
