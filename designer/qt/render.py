"""Headless export of a design to PNG, SVG or PDF with the canvas's own items.

`render_design` builds the same `DesignScene` the window shows (so an exported image is
what users see, and the window's look is testable), adds a title and the legend, fits
the picture to the content and paints it. Works without a display: when no Qt
application exists, it starts an offscreen one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QApplication, QGraphicsSimpleTextItem

from designer.core.commands import Command
from designer.core.document import Document
from designer.core.errors import EditError
from designer.core.io import write_atomic
from designer.core.layout import auto_layout
from designer.core.model import Design, Layout

FORMATS = ("png", "svg", "pdf")
MARGIN = 36.0
MAX_PIXELS = 16384  # a side longer than this fails in QImage; larger designs scale down
_app: QApplication | None = None


def ensure_app() -> QApplication:
    """The running QApplication, or a new offscreen one for headless use."""
    global _app
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    if existing is not None:
        raise RuntimeError("rendering needs a QApplication, not a plain core application")
    # A picture written to a file never needs a screen; a DISPLAY that is set but not
    # usable (ssh, CI) would otherwise abort the process.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QApplication([])
    return _app


def _refuse(command: Command) -> None:
    raise EditError("a rendered picture is read-only")


def only_nodes(design: Design, node_ids: set[str]) -> Design:
    """The part of `design` with these cards and the arrows between them (an export of
    the selection)."""
    flows = [f for f in design.flows if f.source in node_ids and f.target in node_ids]
    kept = {f.id for f in flows}
    layout = Layout(
        nodes={k: v for k, v in design.layout.nodes.items() if k in node_ids},
        flows={k: v for k, v in design.layout.flows.items() if k in kept},
    )
    return design.model_copy(
        update={
            "nodes": [n for n in design.nodes if n.id in node_ids],
            "flows": flows,
            "layout": layout,
        }
    )


def build_picture(
    design: Design, theme: str = "light", legend: bool = True, margin: float = MARGIN
) -> tuple[Any, QRectF]:
    """A scene with the design, its title and the legend; and the rectangle to paint."""
    ensure_app()
    from designer.qt.canvas.legend import LegendItem
    from designer.qt.canvas.scene import DesignScene
    from designer.qt.canvas.theme import fonts, theme_named

    if design.nodes and not design.layout.nodes:
        design = auto_layout(design)
    palette = theme_named(theme)
    scene = DesignScene(Document(design.model_copy(deep=True)), _refuse, palette)
    scene.finish_routing()  # a big design's arrows are routed after the build: now
    scene.ctx.lod_text = 0.0  # a picture is read at any scale: always draw the names
    content = scene.content_rect()
    if content.isNull():
        content = QRectF(0, 0, 200, 80)
    title = QGraphicsSimpleTextItem(design.name)
    title.setFont(fonts().title)
    title.setBrush(palette.text)
    title.setPos(content.left(), content.top() - 40)
    scene.addItem(title)
    if design.description:
        subtitle = QGraphicsSimpleTextItem(
            _subtitle(
                design.description,
                fonts().small,
                content.width() - title.boundingRect().width() - 14,
            )
        )
        subtitle.setFont(fonts().small)
        subtitle.setBrush(palette.muted)
        subtitle.setPos(content.left() + title.boundingRect().width() + 14, content.top() - 36)
        scene.addItem(subtitle)
    if legend:
        item = LegendItem(palette)
        item.setPos(QPointF(content.right() - item.boundingRect().width(), content.bottom() + 28))
        scene.addItem(item)
    rect = scene.itemsBoundingRect().adjusted(-margin, -margin, margin, margin)
    return scene, rect


# A subtitle this narrow still says something (a drawing of one card is narrower).
_LEAST_SUBTITLE = 360.0


def _subtitle(description: str, font: QFont, room: float) -> str:
    """The description's first line, cut to the drawing's width with an ellipsis: the
    title row is one line. A whole imported description (Kraken's AsyncAPI: a dozen
    paragraphs of Markdown) ran down over the cards and made the picture 5x too wide."""
    lines = [line.strip() for line in description.splitlines() if line.strip()]
    first = lines[0] if lines else ""
    if len(lines) > 1:
        first += " …"
    return QFontMetricsF(font).elidedText(
        first, Qt.TextElideMode.ElideRight, max(room, _LEAST_SUBTITLE)
    )


def render_design(
    design: Design,
    path: str | Path,
    fmt: str | None = None,
    scale: float = 1.0,
    theme: str = "light",
    legend: bool = True,
    *,
    transparent: bool = False,
    margin: float = MARGIN,
) -> Path:
    """Write `design` as a picture; `fmt` is png, svg or pdf (default: from the suffix).

    `transparent` leaves the background unpainted (PNG and SVG; a PDF page is white);
    `margin` is the space in points around the drawing.

    Painted in memory and then written atomically: a failed export leaves a previous
    picture at `path` as it was, never half-written.
    """
    target = Path(path)
    fmt = (fmt or target.suffix.lstrip(".") or "png").lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format '{fmt}' (use one of: {', '.join(FORMATS)})")
    if scale <= 0:
        raise ValueError("scale must be positive")
    if margin < 0:
        raise ValueError("margin cannot be negative")
    scene, rect = build_picture(design, theme, legend, margin)
    background = None if transparent and fmt != "pdf" else scene.theme.background
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    try:
        if fmt == "png":
            scale = min(scale, MAX_PIXELS / max(rect.width(), rect.height()))
            image = QImage(
                max(1, round(rect.width() * scale)),
                max(1, round(rect.height() * scale)),
                QImage.Format.Format_ARGB32_Premultiplied,
            )
            image.fill(background if background is not None else Qt.GlobalColor.transparent)
            _paint(scene, image, rect)
            if not image.save(buffer, "PNG"):  # type: ignore[call-overload]  # stub says bytes
                raise OSError(f"could not encode {target} as PNG")
        elif fmt == "svg":
            from PySide6.QtSvg import QSvgGenerator

            generator = QSvgGenerator()
            generator.setOutputDevice(buffer)
            generator.setSize(QSizeF(rect.width() * scale, rect.height() * scale).toSize())
            generator.setViewBox(QRectF(0, 0, rect.width() * scale, rect.height() * scale))
            generator.setTitle(design.name)
            generator.setDescription(design.description or "msgflow design")
            _paint(scene, generator, rect, background)
        else:
            writer = QPdfWriter(buffer)
            writer.setTitle(design.name)
            writer.setResolution(72)
            writer.setPageLayout(
                QPageLayout(
                    QPageSize(QSizeF(rect.width(), rect.height()), QPageSize.Unit.Point),
                    QPageLayout.Orientation.Portrait,
                    QMarginsF(0, 0, 0, 0),
                )
            )
            _paint(scene, writer, rect, background)
    finally:
        scene.detach()
        scene.clear()
    data = bytes(buffer.data().data())
    buffer.close()
    if not data:
        raise OSError(f"could not render {target}")
    write_atomic(target, data, keep_backup=False)
    return target


def _paint(scene: Any, device: Any, source: QRectF, background: Any = None) -> None:
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("could not start painting (is the output path writable?)")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        target = QRectF(0, 0, device.width(), device.height())
        if background is not None:
            painter.fillRect(target, background)
        scene.render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)
    finally:
        painter.end()
