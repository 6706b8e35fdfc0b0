"""Live mode: the design's canvas overlaid with what a running system's broker carries.

`LiveMode` (controller.py) runs a tap and the Qt-free analysis (`designer.core.observe`)
in a child process (`designer.taps.live_process`) and draws the reports it sends;
`LiveOverlay` (overlay.py) draws rates on arrows, dims silent
ones and draws undeclared traffic as ghost arrows. The overlay never edits the design:
only accepting a ghost arrow does, as one undoable step.
"""

from .controller import LiveMode, install_live_mode

__all__ = ["LiveMode", "install_live_mode"]
