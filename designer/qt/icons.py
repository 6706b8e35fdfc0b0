"""SVG icons from `assets/icons/`, tinted for the current palette and sharp at any DPI.

Icons draw their neutral strokes in `currentColor`; we substitute the palette's text
colour before rendering, so the same file reads well on light and dark themes. Colours
that carry meaning (command blue, query green, event orange, severities) are fixed in
the files. QIcon gets a QSvgRenderer-backed engine through the svg icon plugin, so
pixmaps are rendered at the device pixel ratio asked for, never scaled bitmaps.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from designer.resources import assets_dir


@cache
def _svg_text(name: str) -> str:
    return (assets_dir() / "icons" / f"{name}.svg").read_text(encoding="utf-8")


class _TintedSvgEngine(QIconEngine):
    """Renders the SVG at the exact size asked, with `currentColor` resolved per mode."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = name

    def _renderer(self, mode: QIcon.Mode) -> QSvgRenderer:
        palette = QApplication.palette()
        group = (
            QPalette.ColorGroup.Disabled
            if mode == QIcon.Mode.Disabled
            else QPalette.ColorGroup.Normal
        )
        role = (
            QPalette.ColorRole.HighlightedText
            if mode == QIcon.Mode.Selected
            else QPalette.ColorRole.WindowText
        )
        color = palette.color(group, role).name()
        data = _svg_text(self._name).replace("currentColor", color)
        if mode == QIcon.Mode.Disabled:
            data = data.replace("<svg ", '<svg opacity="0.45" ', 1)
        return QSvgRenderer(QByteArray(data.encode("utf-8")))

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        self._renderer(mode).render(painter, QRectF(rect))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter, pixmap.rect(), mode, state)
        painter.end()
        return pixmap

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        pixmap = self.pixmap(size * scale, mode, state)
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def clone(self) -> QIconEngine:
        return _TintedSvgEngine(self._name)

    def key(self) -> str:
        return "msgflow-tinted-svg"


@cache
def icon(name: str) -> QIcon:
    """The icon `assets/icons/<name>.svg` (an empty icon if the file is missing).

    Cached: panels set thousands of row icons. The engine reads the palette when it
    paints, so a cached icon still follows a theme switch.
    """
    if not (assets_dir() / "icons" / f"{name}.svg").is_file():
        return QIcon()
    return QIcon(_TintedSvgEngine(name))


def available_icons() -> list[str]:
    return sorted(p.stem for p in (assets_dir() / "icons").glob("*.svg"))
