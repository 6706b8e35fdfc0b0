"""Auto-layout keeps bounded contexts apart as the canvas really draws them."""

from __future__ import annotations

from designer.core.document import Document
from designer.core.io import load
from designer.core.layout import BOUNDARY_LABEL_HEIGHT, BOUNDARY_MARGIN, auto_layout
from designer.qt.canvas.node_item import BoundaryItem
from designer.qt.canvas.scene import DesignScene
from designer.resources import examples_dir


def test_layout_reserves_the_padding_the_canvas_draws() -> None:
    assert (BoundaryItem.MARGIN, BoundaryItem.LABEL_HEIGHT) == (
        BOUNDARY_MARGIN,
        BOUNDARY_LABEL_HEIGHT,
    )


def test_auto_laid_out_marketplace_shows_eight_separate_backdrops(qapp) -> None:
    design = auto_layout(load(examples_dir() / "marketplace.msgflow.json"))
    scene = DesignScene(Document(design), lambda command: None)
    try:
        backdrops = sorted(scene._boundaries.items())
        assert len(backdrops) == 8
        for i, (name, item) in enumerate(backdrops):
            for other, other_item in backdrops[i + 1 :]:
                # rect(): the painted backdrop (the item's bounds add a pixel for the pen)
                assert not item.rect().intersects(other_item.rect()), (name, other)
            for node in design.nodes:
                card = scene.node_item(node.id).card_rect()
                if node.boundary == name:
                    assert item.rect().contains(card)
                else:
                    assert not item.rect().intersects(card), (name, node.id)
    finally:
        scene.detach()
