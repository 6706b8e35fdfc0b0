"""Fixtures the canvas tests share: the shop example as a document with its history,
and a view of it at 100 % in a shown window (mouse events need a mapped widget)."""

from __future__ import annotations

import pytest

from designer.core.document import Document
from designer.core.history import History
from designer.core.io import load
from designer.qt.canvas.scene import DesignScene
from designer.qt.canvas.view import DesignView
from designer.resources import examples_dir


@pytest.fixture
def document() -> Document:
    return Document(load(examples_dir() / "shop.msgflow.json"))


@pytest.fixture
def history(document: Document) -> History:
    return History(document)


@pytest.fixture
def view(qtbot, document: Document, history: History) -> DesignView:
    scene = DesignScene(document, history.push)
    view = DesignView(scene)
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.show()
    qtbot.waitExposed(view)
    view.zoom_100()
    view.centerOn(scene.content_rect().center())
    return view
