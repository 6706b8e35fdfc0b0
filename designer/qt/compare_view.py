"""Design → Compare with…: two designs side by side, the semantic diff coloured and listed.

Left is the base (the other file), right the design being edited. Both canvases are the
window's own scene in read-only form; added items are green (right), removed red (left),
changed amber (both); the other side shows a dashed outline where a card is missing.
The list on the left is `designer.core.diff.diff_designs`, breaking changes marked as
the `breaking-change` rule marks them; selecting a change centres both canvases on it.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from designer.core.diff import DesignDiff, ItemChange, diff_designs
from designer.core.model import Design
from designer.qt.canvas.flow_item import FlowItem
from designer.qt.canvas.theme import theme_for_palette
from designer.qt.compare_marks import COLOURS, CardMark, FlowMark, SideMarks, ids_for, marks_for
from designer.qt.readonly_canvas import ReadOnlyScene, ReadOnlyView, aligned

GROUPS = (
    ("nodes", "Services and actors"),
    ("messages", "Messages"),
    ("flows", "Flows"),
    ("schemas", "Record types"),
    ("settings", "Settings"),
    ("design", "Design"),
)
_SIGN = {"added": "+", "removed": "−", "changed": "~"}
CHANGE_ROLE = Qt.ItemDataRole.UserRole
DIMMED = 0.35


def _dot(colour: QColor) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawEllipse(2, 2, 10, 10)
    painter.end()
    return QIcon(pixmap)


def _chip(colour: str, text: str) -> str:
    return f"<span style='color:{colour}; font-size:15px'>●</span>&nbsp;{text}"


class CompareSide(QFrame):
    """One read-only canvas with its caption."""

    def __init__(self, caption: str, design: Design, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.design = design  # laid out by the dialog (see readonly_canvas.aligned)
        self.scene = ReadOnlyScene(self.design, theme_for_palette(self.palette()), parent=self)
        self.view = ReadOnlyView(self.scene)
        self.caption = QLabel(caption)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setContentsMargins(8, 5, 8, 5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.caption)
        layout.addWidget(self.view, 1)
        self.marks: SideMarks = SideMarks()

    def item_rect(self, ids: list[str]) -> QRectF:
        rect = QRectF()
        for item_id in ids:
            item = self.scene.node_item(item_id) or self.scene.flow_item(item_id)
            if item is not None:
                rect = rect.united(item.sceneBoundingRect())
        return rect

    def paint_marks(self, marks: SideMarks, ghosts: dict[str, tuple[QRectF, str, str]]) -> None:
        self.marks = marks
        for item_id, action in marks.items.items():
            node = self.scene.node_item(item_id)
            if node is not None:
                self.scene.addItem(CardMark(item_id, node.card_rect(), action))
                continue
            flow = self.scene.flow_item(item_id)
            if flow is not None and flow.route is not None:
                path = flow.sceneTransform().map(flow.route.path)
                self.scene.addItem(FlowMark(item_id, path, action, flow.label_rect()))
        for item_id, (rect, action, name) in ghosts.items():
            self.scene.addItem(CardMark(item_id, rect, action, ghost_name=name))

    def dim_unchanged(self, on: bool) -> None:
        marked = self.marks.items
        for node in self.scene.node_items():
            node.setOpacity(DIMMED if on and node.node_id not in marked else 1.0)
        for item in self.scene.items():
            if isinstance(item, FlowItem):
                opacity = DIMMED if on and item.flow_id not in marked else 1.0
                item.setOpacity(opacity)
                item.label.setOpacity(opacity)

    def centre_on(self, rect: QRectF) -> None:
        visible = self.view.visible_scene_rect()
        if rect.width() > visible.width() * 0.9 or rect.height() > visible.height() * 0.9:
            self.view.fit_rect(rect.adjusted(-80, -80, 80, 80), max_zoom=1.0)
        else:
            self.view.centerOn(rect.center())


class CompareDialog(QDialog):
    def __init__(
        self,
        old: Design,
        new: Design,
        old_label: str,
        new_label: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("compare-view")
        self.setWindowTitle(f"Compare {old_label} → {new_label}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._syncing = False
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.swap_button = QPushButton("Swap Sides")
        self.swap_button.setToolTip("Compare the other way round")
        self.swap_button.clicked.connect(self.swap)
        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.header)
        titles.addWidget(self.summary)
        top.addLayout(titles, 1)
        top.addWidget(self.swap_button, 0, Qt.AlignmentFlag.AlignTop)
        self.tree = QTreeWidget()
        self.tree.setObjectName("compare-changes")
        self.tree.setHeaderLabels(["Change", "What changed"])
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 460)
        self.tree.setRootIsDecorated(False)
        self.tree.setMinimumHeight(120)
        self.tree.currentItemChanged.connect(lambda current, _prev: self._show(current))
        self.canvases = QSplitter(Qt.Orientation.Horizontal)
        # Designs are wider than tall: the canvases get the full width, the list below.
        self.body = QSplitter(Qt.Orientation.Vertical)
        self.body.addWidget(self.canvases)
        self.body.addWidget(self.tree)
        self.body.setStretchFactor(0, 1)
        self.body.setSizes([600, 220])
        self.link = QCheckBox("Link views")
        self.link.setToolTip("Pan and zoom both canvases together")
        self.link.setChecked(True)
        self.dim = QCheckBox("Dim unchanged")
        self.dim.setChecked(True)
        self.dim.toggled.connect(self._dim)
        legend = QLabel(
            "&nbsp;&nbsp;".join(
                _chip(COLOURS[a].name(), a) for a in ("added", "removed", "changed")
            )
        )
        bottom = QHBoxLayout()
        bottom.addWidget(self.link)
        bottom.addWidget(self.dim)
        bottom.addSpacing(16)
        bottom.addWidget(legend)
        bottom.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.body, 1)
        layout.addLayout(bottom)
        self.resize(1480, 860)
        self.sides: tuple[CompareSide, CompareSide] | None = None
        self.compare(old, new, old_label, new_label)

    # ------------------------------------------------------------------ building
    def compare(self, old: Design, new: Design, old_label: str, new_label: str) -> None:
        self.old, self.new, self.labels = old, new, (old_label, new_label)
        self.diff: DesignDiff = diff_designs(old, new)
        for index in reversed(range(self.canvases.count())):
            widget = self.canvases.widget(index)
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        old_drawn, new_drawn = aligned(old, new)
        left = CompareSide(f"<b>Base</b> — {old_label}", old_drawn)
        right = CompareSide(f"<b>Current</b> — {new_label}", new_drawn)
        self.sides = (left, right)
        for side in self.sides:
            self.canvases.addWidget(side)
            view = side.view
            view.zoomChanged.connect(lambda _p, s=side: self._sync(s))
            view.horizontalScrollBar().valueChanged.connect(lambda _v, s=side: self._sync(s))
            view.verticalScrollBar().valueChanged.connect(lambda _v, s=side: self._sync(s))
        left_marks, right_marks = marks_for(self.diff, left.design, right.design)
        left.paint_marks(left_marks, self._ghosts(right, "added"))
        right.paint_marks(right_marks, self._ghosts(left, "removed"))
        self._dim(self.dim.isChecked())
        self.header.setText(
            f"<span style='font-size:15px'><b>{old_label}</b> → <b>{new_label}</b></span>"
        )
        self.summary.setText(self._summary_text())
        self._fill_tree()
        if self.isVisible():
            QTimer.singleShot(0, self._fit)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Fit once the splitters have given the canvases their real size.
        QTimer.singleShot(0, self._fit)

    def _ghosts(self, other: CompareSide, action: str) -> dict[str, tuple[QRectF, str, str]]:
        """Outlines, on this side, of the cards only the other side has."""
        ghosts: dict[str, tuple[QRectF, str, str]] = {}
        for change in self.diff.changes:
            if change.collection == "nodes" and change.action == action:
                node = other.scene.node_item(change.id)
                if node is not None:
                    ghosts[change.id] = (node.card_rect(), action, change.name)
        return ghosts

    def moved(self) -> list[str]:
        """Cards on both sides at different places (added or removed ones are listed above)."""
        both = {n.id for n in self.old.nodes} & {n.id for n in self.new.nodes}
        return [n for n in self.diff.moved if n in both]

    def _summary_text(self) -> str:
        if self.diff.same:
            return "No semantic differences."
        counts = self.diff.summary_counts()
        parts = [
            _chip(COLOURS[a].name(), f"{counts[a]} {a}") for a in ("added", "removed", "changed")
        ]
        if counts["breaking"]:
            parts.append(
                f"<b style='color:{COLOURS['removed'].name()}'>⚠ {counts['breaking']} breaking</b>"
            )
        if self.moved():
            parts.append(f"{len(self.moved())} moved")
        return "&nbsp;&nbsp;&nbsp;".join(parts)

    def _fill_tree(self) -> None:
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for collection, title in GROUPS:
            changes = [c for c in self.diff.changes if c.collection == collection]
            if not changes:
                continue
            group = QTreeWidgetItem([f"{title} ({len(changes)})"])
            group.setFont(0, bold)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(group)
            for change in changes:
                group.addChild(self._change_row(change, bold))
            group.setExpanded(True)
        moved = self.moved()
        if moved:
            group = QTreeWidgetItem([f"Layout: {len(moved)} card(s) moved"])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setToolTip(0, ", ".join(moved))
            self.tree.addTopLevelItem(group)

    def _change_row(self, change: ItemChange, bold: QFont) -> QTreeWidgetItem:
        """One change: sign and name, then what changed; BREAKING first and in red."""
        label = change.name if change.collection not in ("settings", "design") else change.id
        details = [f"{a.key}: {_short(a.old)} → {_short(a.new)}" for a in change.attributes]
        breaking = [f.describe() for f in change.fields if f in change.breaking]
        details += [f.describe() for f in change.fields if f not in change.breaking]
        summary = "; ".join(details)
        if breaking:
            summary = "BREAKING: " + "; ".join(breaking) + (f"; {summary}" if summary else "")
        row = QTreeWidgetItem([f"{_SIGN[change.action]} {label}", summary or change.action])
        row.setIcon(0, _dot(COLOURS[change.action]))
        row.setData(0, CHANGE_ROLE, self.diff.changes.index(change))
        row.setToolTip(0, f"{label} ({change.id}): {change.action}")
        row.setToolTip(1, "\n".join(breaking + details))
        if change.is_breaking:
            row.setForeground(1, COLOURS["removed"])
            row.setFont(1, bold)
            row.setFont(0, bold)
        else:
            row.setForeground(1, self.palette().placeholderText())
        return row

    # ------------------------------------------------------------------ following the list
    def change_rows(self) -> list[QTreeWidgetItem]:
        rows: list[QTreeWidgetItem] = []
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            if group is not None:
                rows += [c for i in range(group.childCount()) if (c := group.child(i)) is not None]
        return rows

    def _show(self, row: QTreeWidgetItem | None) -> None:
        if row is None or row.data(0, CHANGE_ROLE) is None or self.sides is None:
            return
        self.show_change(self.diff.changes[int(row.data(0, CHANGE_ROLE))])

    def show_change(self, change: ItemChange) -> None:
        """Select the change's items on both sides and centre both canvases on them."""
        assert self.sides is not None
        left, right = self.sides
        ids = (ids_for(change, left.design), ids_for(change, right.design))
        rects = (left.item_rect(ids[0]), right.item_rect(ids[1]))
        self._syncing = True
        try:
            for side, side_ids, rect, other in zip(
                self.sides, ids, rects, reversed(rects), strict=True
            ):
                side.scene.select_ids(side_ids)
                target = rect if not rect.isNull() else other  # missing here: same place
                if not target.isNull():
                    side.centre_on(target)
        finally:
            self._syncing = False

    # ------------------------------------------------------------------ view options
    def _fit(self) -> None:
        if self.sides is None:
            return
        left, right = self.sides
        rect = left.scene.content_rect().united(right.scene.content_rect())
        self._syncing = True
        try:
            for side in self.sides:
                side.view.fit_rect(rect.adjusted(-40, -40, 40, 40), max_zoom=1.0)
        finally:
            self._syncing = False

    def _sync(self, source: CompareSide) -> None:
        if self._syncing or self.sides is None or not all(map(isValid, self.sides)):
            return  # re-entered, or the dialog is being torn down
        if not self.link.isChecked():
            return
        self._syncing = True
        try:
            for side in self.sides:
                if side is not source:
                    side.view.setTransform(source.view.transform())
                    side.view.centerOn(source.view.visible_scene_rect().center())
        finally:
            self._syncing = False

    def _dim(self, on: bool) -> None:
        for side in self.sides or ():
            side.dim_unchanged(on)

    def swap(self) -> None:
        self.compare(self.new, self.old, self.labels[1], self.labels[0])


def _short(value: object, limit: int = 40) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
