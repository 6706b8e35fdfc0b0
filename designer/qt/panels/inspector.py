"""The inspector dock: edits whatever is selected, one undo step per finished edit.

It shows the page for the selection (a node, a flow, a message chosen in the messages
panel) or the design itself when nothing is selected, and follows the document: when
the shown item changes (undo, an edit on the canvas) the page reloads; when it is
removed, the inspector falls back to the design page.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from designer.core.document import Change, Collection, Document
from designer.qt.icons import icon
from designer.qt.panels.inspector_pages import DesignPage, FlowPage, InspectorPage, NodePage, Push
from designer.qt.panels.message_page import MessagePage

_COLLECTION_SHOWN_BY_PAGE: dict[str, Collection] = {
    "node": "nodes",
    "flow": "flows",
    "message": "messages",
}


class InspectorPanel(QWidget):
    def __init__(self, document: Document, push: Push) -> None:
        super().__init__()
        self.document = document
        self.header = QLabel()
        self.header.setObjectName("inspector-header")
        self.header.setContentsMargins(8, 6, 8, 2)
        font = self.header.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.header.setFont(font)
        self.pages: dict[str, InspectorPage] = {
            "design": DesignPage(document, push),
            "node": NodePage(document, push),
            "flow": FlowPage(document, push),
            "message": MessagePage(document, push),
        }
        flow_page = self.pages["flow"]
        assert isinstance(flow_page, FlowPage)
        flow_page.messageRequested.connect(self.show_message)
        self.stack = QStackedWidget()
        for page in self.pages.values():
            self.stack.addWidget(page)
        self.multi = QLabel()
        self.multi.setContentsMargins(8, 8, 8, 8)
        self.stack.addWidget(self.multi)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.stack)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(scroll)
        self.current = "design"
        self._unsubscribe = document.subscribe(self._on_changes)
        self.show_design()

    def _collection(self) -> Collection | None:
        """The design collection the current page shows an item of (the design page and
        the multi-selection show none)."""
        return _COLLECTION_SHOWN_BY_PAGE.get(self.current)

    # ------------------------------------------------------------------ what is shown
    def show_selection(self, ids: Sequence[str]) -> None:
        if not ids:
            self.show_design()
        elif len(ids) > 1:
            self.current = "multi"
            self.header.setText(f"{len(ids)} items selected")
            self.multi.setText("Select a single card or arrow to edit it.")
            self.stack.setCurrentWidget(self.multi)
        elif self.document.has("nodes", ids[0]):
            self._show("node", ids[0])
        elif self.document.has("flows", ids[0]):
            self._show("flow", ids[0])
        elif self.document.has("messages", ids[0]):
            self._show("message", ids[0])
        else:
            self.show_design()

    def show_message(self, message_id: str) -> None:
        self._show("message", message_id)

    def show_design(self) -> None:
        self._show("design", None)

    def _show(self, page_name: str, key: str | None) -> None:
        self.current = page_name
        page = self.pages[page_name]
        page.show_item(key)
        self.stack.setCurrentWidget(page)
        self._set_header()

    def _set_header(self) -> None:
        page = self.pages.get(self.current)
        if page is None:
            return
        collection = self._collection()
        item = self.document.get(collection, page.key) if page.key and collection else None
        if item is None:
            self.header.setText(f"Design: {self.document.design.name}")
            return
        kind = getattr(item, "kind", None)
        label = kind.value.capitalize() if kind is not None else "Flow"
        name = getattr(item, "name", None) or self._flow_title(item)
        self.header.setText(f"{label}: {name}")
        icon_name = kind.value if kind is not None else "command"
        self.setWindowIcon(icon(icon_name))

    def _flow_title(self, flow: object) -> str:
        message = self.document.get("messages", getattr(flow, "message", ""))
        return getattr(message, "name", "?")

    def note_refusal(self, text: str) -> None:
        """An edit was refused (the undo stack's `editFailed`): the page that pushed it
        says why at the spot."""
        page = self.current_page()
        if page is not None:
            page.note_refusal(text)

    def current_page(self) -> InspectorPage | None:
        return self.pages.get(self.current)

    # ------------------------------------------------------------------ following edits
    def _on_changes(self, changes: tuple[Change, ...]) -> None:
        if all(c.collection == "arrows" for c in changes):
            return  # an arrow's bends, label place or style: nothing the inspector shows
        page = self.current_page()
        if page is None:
            return
        if page.key is not None:
            collection = self._collection()
            if collection is None or not self.document.has(collection, page.key):
                self.show_design()
                return
        page.refresh()
        self._set_header()
