"""Headless export: PNG, SVG and PDF drawn by the canvas's own items."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QGraphicsSimpleTextItem

from designer.core.model import Design, Layout, Node
from designer.qt.render import MARGIN, build_picture, render_design
from designer.resources import examples_dir


def _ink(image: QImage, background: QColor) -> int:
    """How many sampled pixels differ from the background (something was drawn)."""
    different = 0
    for x in range(0, image.width(), 7):
        for y in range(0, image.height(), 7):
            if image.pixelColor(x, y) != background:
                different += 1
    return different


def test_png_has_the_size_of_the_content_times_scale(qapp, tmp_path, shop):
    scene, rect = build_picture(shop)
    path = render_design(shop, tmp_path / "shop.png", "png", scale=2.0)
    image = QImage(str(path))
    assert (image.width(), image.height()) == (round(rect.width() * 2), round(rect.height() * 2))
    # Content plus margins plus title and legend: bigger than the cards alone.
    assert rect.width() > 1000 + 2 * MARGIN and rect.height() > 500
    assert _ink(image, scene.theme.background) > 2000


def test_png_shows_every_card_in_its_theme_colour(qapp, tmp_path, shop):
    scene, rect = build_picture(shop, theme="dark")
    path = render_design(shop, tmp_path / "shop-dark.png", theme="dark")
    image = QImage(str(path))
    card = scene.node_item("orders").card_rect()
    # A point inside the Order Service card, away from text, has the dark card colour.
    x = round(card.x() + card.width() - 12 - rect.x())
    y = round(card.y() + card.height() / 2 - rect.y())
    assert image.pixelColor(x, y).name() == scene.theme.card.name()
    assert image.pixelColor(2, 2).name() == scene.theme.background.name()


def test_svg_is_a_vector_picture_with_the_message_names(qapp, tmp_path, shop):
    path = render_design(shop, tmp_path / "shop.svg")
    text = path.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    for name in ("Order Service", "SubmitOrder", "OrderCreated", "Legend"):
        assert name in text


def test_pdf_is_written(qapp, tmp_path, shop):
    path = render_design(shop, tmp_path / "shop.pdf")
    assert path.read_bytes().startswith(b"%PDF")


def test_a_design_without_layout_is_laid_out_and_an_empty_one_still_renders(qapp, tmp_path, shop):
    no_layout = shop.model_copy(update={"layout": Layout()})
    scene, _ = build_picture(no_layout)
    rects = [scene.node_item(n.id).card_rect() for n in shop.nodes]
    assert all(not a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :])
    empty = Design(name="Empty", nodes=[Node(id="a", name="Alone")])
    assert QImage(str(render_design(empty, tmp_path / "empty.png"))).width() > 100


def test_unknown_format_and_bad_scale_are_refused(qapp, tmp_path, shop):
    with pytest.raises(ValueError, match="unknown image format"):
        render_design(shop, tmp_path / "shop.gif")
    with pytest.raises(ValueError, match="scale"):
        render_design(shop, tmp_path / "shop.png", scale=0)


def _dark_density(path) -> float:
    from PySide6.QtGui import QColor, QImage

    image = QImage(str(path))
    dark = sum(
        1
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
        if QColor(image.pixel(x, y)).lightness() < 110
    )
    return dark / ((image.width() // 2) * (image.height() // 2))


def test_a_small_scale_png_still_carries_the_names(tmp_path):
    # The window skips text when zoomed far out; a picture for slides must not.
    from designer.core import io
    from designer.qt.render import render_design

    design = io.load(examples_dir() / "shop.msgflow.json")
    small = render_design(design, tmp_path / "small.png", "png", 0.3)
    full = render_design(design, tmp_path / "full.png", "png", 1.0)
    # Text is most of the dark ink: without it the small picture has a tenth of it.
    assert _dark_density(small) > 0.2 * _dark_density(full)


def test_a_long_description_is_one_line_cut_to_the_drawing(qapp, shop):
    """An imported AsyncAPI description (Kraken's: a dozen long Markdown paragraphs) was
    drawn whole beside the title: it ran down over the cards and made the picture five
    times as wide as the diagram. The subtitle is its first line, cut to the width."""
    paragraph = "WebSockets API offers real-time market data updates. " * 8
    plain = shop.model_copy(update={"description": ""})
    long = shop.model_copy(update={"description": "\n\n".join([paragraph] * 12)})
    _, plain_rect = build_picture(plain)
    scene, long_rect = build_picture(long)
    assert (long_rect.width(), long_rect.height()) == (plain_rect.width(), plain_rect.height())
    texts = [i.text() for i in scene.items() if isinstance(i, QGraphicsSimpleTextItem)]
    subtitles = [t for t in texts if "WebSockets" in t]
    assert len(subtitles) == 1 and "\n" not in subtitles[0] and subtitles[0].endswith("…")
