"""Canvas colours for light and dark, and the shared pens and fonts of the visual language.

Arrows are told apart by line style and head shape first and by colour second, so a
black-and-white print still reads: command = solid + filled head, query = dashed + open
head + return marker, event = dotted + open head with a lightning mark. Pens and fonts
are built once per theme (building a QPen per paint call costs more than drawing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPalette, QPen

from designer.core.diagram_style import (
    KIND_COLOURS,
    KIND_COLOURS_DARK,
    KIND_DASHES,
    SEVERITY_COLOURS,
    SEVERITY_COLOURS_DARK,
    TRANSPORT_BADGES,
)
from designer.core.model import MessageKind, Severity

TRANSPORT_LABEL = TRANSPORT_BADGES  # the canvas's name for it


@dataclass
class Theme:
    name: str
    background: QColor
    grid: QColor
    card: QColor
    card_border: QColor
    card_header: QColor
    actor_card: QColor
    actor_border: QColor
    text: QColor
    muted: QColor
    selection: QColor
    boundary_fill: QColor
    boundary_border: QColor
    boundary_text: QColor
    label_fill: QColor
    badge_fill: QColor
    badge_text: QColor
    kinds: dict[MessageKind, QColor]
    severities: dict[Severity, QColor]
    minimap_fill: QColor
    _pens: dict[object, QPen] = field(default_factory=dict, repr=False)

    def flow_pen(self, kind: MessageKind, width: float = 1.6) -> QPen:
        key = ("flow", kind, width)
        pen = self._pens.get(key)
        if pen is None:
            pen = QPen(self.kinds[kind], width)
            if KIND_DASHES[kind]:
                # Short flat dashes read as dots and paint three times faster than
                # round-capped ones (each dot is a separate antialiased shape).
                pen.setDashPattern(list(KIND_DASHES[kind]))
            # Flat caps: Qt has a fast path for them; a round-capped long line paints
            # twenty times slower, and the ends sit under a card border or a head anyway.
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            self._pens[key] = pen
        return pen

    def dot_pen(self, kind: MessageKind, width: float = 1.6) -> QPen:
        """Square points for dotted event lines drawn dot by dot (see arrow_paint._draw_dots)."""
        key = ("dot", kind, width)
        pen = self._pens.get(key)
        if pen is None:
            pen = QPen(self.kinds[kind], width * 1.2)
            pen.setCapStyle(Qt.PenCapStyle.SquareCap)
            self._pens[key] = pen
        return pen

    def head_pen(self, kind: MessageKind) -> QPen:
        key = ("head", kind)
        pen = self._pens.get(key)
        if pen is None:
            pen = QPen(self.kinds[kind], 1.6)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            self._pens[key] = pen
        return pen

    def pen(self, color: QColor, width: float = 1.0) -> QPen:
        key = ("plain", color.rgba(), width)
        pen = self._pens.get(key)
        if pen is None:
            pen = QPen(color, width)
            self._pens[key] = pen
        return pen


def _c(text: str, alpha: int = 255) -> QColor:
    color = QColor(text)
    color.setAlpha(alpha)
    return color


LIGHT = Theme(
    name="light",
    background=_c("#f7f8fa"),
    grid=_c("#e3e6ea"),
    card=_c("#ffffff"),
    card_border=_c("#c5ccd4"),
    card_header=_c("#eef2f7"),
    actor_card=_c("#fbf7ef"),
    actor_border=_c("#b9a986"),
    text=_c("#1f2328"),
    muted=_c("#646d77"),
    selection=_c("#2f6fdb"),
    boundary_fill=_c("#5b7fa6", 18),
    boundary_border=_c("#b4c2d2"),
    boundary_text=_c("#4d627a"),
    label_fill=_c("#ffffff", 235),
    badge_fill=_c("#eef1f4"),
    badge_text=_c("#48515b"),
    kinds={kind: _c(colour) for kind, colour in KIND_COLOURS.items()},
    severities={severity: _c(colour) for severity, colour in SEVERITY_COLOURS.items()},
    minimap_fill=_c("#ffffff", 220),
)

DARK = Theme(
    name="dark",
    background=_c("#1c1d20"),
    grid=_c("#2a2c30"),
    card=_c("#2b2e33"),
    card_border=_c("#4a4f57"),
    card_header=_c("#343840"),
    actor_card=_c("#332f27"),
    actor_border=_c("#7d6f52"),
    text=_c("#e8e9eb"),
    muted=_c("#9aa1aa"),
    selection=_c("#5b9bff"),
    boundary_fill=_c("#7ea4d0", 20),
    boundary_border=_c("#3f5166"),
    boundary_text=_c("#9fb6d0"),
    label_fill=_c("#25272b", 235),
    badge_fill=_c("#3a3e45"),
    badge_text=_c("#c9ced5"),
    kinds={kind: _c(colour) for kind, colour in KIND_COLOURS_DARK.items()},
    severities={severity: _c(colour) for severity, colour in SEVERITY_COLOURS_DARK.items()},
    minimap_fill=_c("#25272b", 220),
)


def theme_named(name: str) -> Theme:
    return DARK if name == "dark" else LIGHT


def theme_for_palette(palette: QPalette) -> Theme:
    return DARK if palette.color(QPalette.ColorRole.Window).lightness() < 128 else LIGHT


def ui_font(pixel_size: int, bold: bool = False) -> QFont:
    """Fonts sized in scene pixels, so a render looks the same at any output DPI."""
    font = QFont()
    font.setFamilies(["Inter", "Segoe UI", "Helvetica Neue", "DejaVu Sans", "Liberation Sans"])
    font.setPixelSize(pixel_size)
    font.setBold(bold)
    return font


@dataclass(frozen=True)
class Fonts:
    title: QFont
    small: QFont
    badge: QFont
    boundary: QFont
    label: QFont
    title_metrics: QFontMetricsF
    small_metrics: QFontMetricsF
    label_metrics: QFontMetricsF
    badge_metrics: QFontMetricsF
    boundary_metrics: QFontMetricsF


@cache
def fonts() -> Fonts:
    """The canvas fonts; built on first use because font metrics need a running QApplication."""
    title, small, badge = ui_font(14, bold=True), ui_font(11), ui_font(10, bold=True)
    label, boundary = ui_font(11), ui_font(12, bold=True)
    return Fonts(
        title=title,
        small=small,
        badge=badge,
        boundary=boundary,
        label=label,
        title_metrics=QFontMetricsF(title),
        small_metrics=QFontMetricsF(small),
        label_metrics=QFontMetricsF(label),
        badge_metrics=QFontMetricsF(badge),
        boundary_metrics=QFontMetricsF(boundary),
    )
