"""Light and dark palettes that follow the system colour scheme.

Fusion with our own palette looks the same on every platform (and offscreen in tests);
the scheme comes from `QStyleHints.colorScheme()` and is re-applied when it changes, so
a desktop switching to dark at sunset switches the window too.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

_LIGHT = {
    QPalette.ColorRole.Window: "#f3f4f6",
    QPalette.ColorRole.WindowText: "#1f2328",
    QPalette.ColorRole.Base: "#ffffff",
    QPalette.ColorRole.AlternateBase: "#f6f8fa",
    QPalette.ColorRole.Text: "#1f2328",
    QPalette.ColorRole.Button: "#f6f7f9",
    QPalette.ColorRole.ButtonText: "#1f2328",
    QPalette.ColorRole.Highlight: "#2f6fdb",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#fffbe6",
    QPalette.ColorRole.ToolTipText: "#1f2328",
    QPalette.ColorRole.PlaceholderText: "#8c959f",
    QPalette.ColorRole.Mid: "#d0d7de",
    QPalette.ColorRole.Midlight: "#e6e9ed",
    QPalette.ColorRole.Dark: "#afb8c1",
    QPalette.ColorRole.Light: "#ffffff",
    QPalette.ColorRole.Link: "#0969da",
}

_DARK = {
    QPalette.ColorRole.Window: "#25272b",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#1c1d20",
    QPalette.ColorRole.AlternateBase: "#2a2c31",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#2f3136",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.Highlight: "#3b78e7",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#3a3d42",
    QPalette.ColorRole.ToolTipText: "#f0f0f0",
    QPalette.ColorRole.PlaceholderText: "#80868f",
    QPalette.ColorRole.Mid: "#45484e",
    QPalette.ColorRole.Midlight: "#3a3d42",
    QPalette.ColorRole.Dark: "#17181a",
    QPalette.ColorRole.Light: "#4a4d53",
    QPalette.ColorRole.Link: "#6ea8fe",
}


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def build_palette(dark: bool) -> QPalette:
    palette = QPalette()
    for role, color in (_DARK if dark else _LIGHT).items():
        palette.setColor(role, QColor(color))
    disabled = QColor("#6b7078") if dark else QColor("#9aa1a9")
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


# Fusion outlines text fields in a shade of the window colour; on a dark window that
# shade is as dark as the field itself and the border vanishes. In dark mode the fields
# get a border in the palette's Mid colour instead.
DARK_FIELDS = (
    "QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox {"
    " border: 1px solid palette(mid); border-radius: 3px; padding: 2px; }"
    " QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QAbstractSpinBox:focus {"
    " border-color: palette(highlight); }"
)


def _set_palette(app: QApplication, dark: bool) -> None:
    app.setPalette(build_palette(dark))
    app.setStyleSheet(DARK_FIELDS if dark else "")


def apply_theme(app: QApplication, dark: bool | None = None) -> None:
    """Fusion + our palette; `dark=None` follows the system (and keeps following it)."""
    app.setStyle("Fusion")
    _set_palette(app, system_is_dark() if dark is None else dark)
    if dark is None and not app.property("msgflowFollowsScheme"):
        app.setProperty("msgflowFollowsScheme", True)
        app.styleHints().colorSchemeChanged.connect(
            lambda scheme: _set_palette(app, scheme == Qt.ColorScheme.Dark)
        )
