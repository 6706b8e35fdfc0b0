"""Status bar widgets: error / warning / info count badges and the zoom level."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from designer.core.diagnostics import count_by_severity
from designer.core.model import Severity
from designer.qt.icons import icon
from designer.qt.live_validation import LiveValidation

_NOUNS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info note"}


class SeverityBadges(QWidget):
    """Three buttons with counts; clicking one opens the problems panel."""

    clicked = Signal(str)  # the severity value

    def __init__(self, validation: LiveValidation) -> None:
        super().__init__()
        self.validation = validation
        self.buttons: dict[Severity, QToolButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(0)
        for severity in Severity:
            button = QToolButton()
            button.setObjectName(f"badge-{severity.value}")
            button.setIcon(icon(severity.value))
            button.setAutoRaise(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.clicked.connect(lambda _c=False, s=severity: self.clicked.emit(s.value))
            self.buttons[severity] = button
            layout.addWidget(button)
        validation.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        counts = count_by_severity(self.validation.diagnostics)
        for severity, button in self.buttons.items():
            count = counts[severity]
            button.setText(str(count))
            noun = _NOUNS[severity] + ("s" if count != 1 else "")
            button.setToolTip(f"{count} {noun} — click to show the problems panel (Ctrl+Shift+M)")

    def counts(self) -> dict[str, int]:
        return {s.value: int(b.text()) for s, b in self.buttons.items()}


class ZoomLabel(QLabel):
    def __init__(self) -> None:
        super().__init__("100%")
        self.setToolTip(
            "Zoom — Ctrl+wheel, pinch or Ctrl+± to zoom, Ctrl+0 to fit, Ctrl+1 for 100%"
        )
        self.setMinimumWidth(48)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def set_percent(self, percent: int) -> None:
        self.setText(f"{percent}%")


class RoutingLabel(QLabel):
    """ "Routing arrows… 42%" while a big design's arrows are routed after it opened
    (until then they are drawn straight); hidden otherwise."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("routing-progress")
        self.setToolTip(
            "A big design shows at once with straight arrows; their routes arrive while "
            "you work. Edits meanwhile start the routing again."
        )
        self.hide()

    def set_percent(self, percent: int) -> None:
        self.setVisible(percent < 100)
        self.setText(f"Routing arrows… {percent}%")
