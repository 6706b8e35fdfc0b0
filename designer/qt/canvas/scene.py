"""The canvas scene: an id -> item table that follows the Document.

Public API (what the window and the panels use):

- ``DesignScene(document, push, theme=LIGHT)`` -- ``push(command)`` applies a core command
  (the window passes ``UndoBridge.push``; tests can pass ``History.push``).
- signals ``selectionChangedIds(list node_ids, list flow_ids)``, ``newFlowRequested(source,
  target, scene_pos)`` (the view answers with the flow popup), ``renameRequested(node_id)``,
  ``editFailed(str)`` (a gesture's command was refused).
- ``selected_ids() -> (node_ids, flow_ids)``, ``select_ids(ids)`` (a message id selects
  its flows), ``node_item(id)``, ``flow_item(id)``, ``node_items()``,
  ``set_diagnostics(list)`` (objects with rule, severity, message, hint, subjects; a
  finding on a message shows on its arrows), ``highlight_message(message_id | None)``,
  ``set_theme(theme)``, ``set_snap(bool)``, ``content_rect()``, ``cards_rect()``.
- ``edits`` (edits.py): what gestures, shortcuts and menus change, one command each --
  ``add_node(kind, scene_pos)``, ``delete_selection()``, ``copy_selection() -> payload``,
  ``paste(payload)``, ``duplicate_selection()``, ``rename_node(id, name)``,
  ``add_flow(source, target, kind, name, transport)``, ``nudge_selection(dx, dy)``.
- ``begin_move()`` / ``end_move()`` bracket a drag (cheap hit areas meanwhile);
  ``detach()`` stops following the document.
- a design of more than ROUTED_FLOWS arrows is routed after its build, between events
  (background_routing.py): signal ``routingProgress(percent)``, ``routing_pending``,
  ``finish_routing()`` (route the rest at once: exports, tests).

The scene draws and routes events; it decides no gesture itself. Mouse and key events go
to the current interaction (interactions.py: idle, moving cards, drawing a new arrow),
palette drops to `palette_drop`. Items never own model state: the document changes, the scene hears the
Change tuple and calls setters on the items involved. Only the arrows of a moved card are re-routed.
The scene uses no BSP index: long arrows make the default index explode in time and
memory (docs/architecture.md, the canvas and big designs).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSceneDragDropEvent,
    QGraphicsSceneMouseEvent,
)
from shiboken6 import isValid

from designer.core.commands import Command
from designer.core.diagnostics import SEVERITY_RANK, Diagnostic
from designer.core.diagram import DiagramEngine
from designer.core.diagram.steps import Steps, scaled
from designer.core.document import Change, Document
from designer.core.gc_pause import collector_paused
from designer.core.model import (
    Flow,
    FlowLayout,
    MessageKind,
    Node,
    NodeKind,
    RouteStyle,
    Severity,
)

from .arrow_handles import ArrowHandles
from .arrow_paint import LABEL_HEIGHT
from .background_routing import SlicedJob
from .context import LOD_TEXT, CanvasContext
from .edits import SceneEdits
from .flow_item import FlowItem, FlowLabel, head_box
from .idle import IdleInteraction
from .interactions import Interaction
from .node_item import (
    Z_NODE,
    Z_SELECTED,
    ActorItem,
    BoundaryItem,
    NodeItem,
    ServiceItem,
)
from .node_item import H as CARD_H
from .node_item import W as CARD_W
from .palette_drop import PaletteDrop
from .routing import fan_offsets, route_between, shaped
from .theme import LIGHT, TRANSPORT_LABEL, Theme
from .title_grid import TitleGrid

SCENE_MARGIN = 1500.0  # room to pan past the outermost cards
FREE_STRIP = 44.0  # right edge of a card where text rarely reaches
# Up to this many flows the arrows are routed during the build; a bigger design is shown
# at once with provisional arrows and routed between events (see `routed`).
ROUTED_FLOWS = 600
_SWITCH_BATCH = 64  # arrows switched from provisional to routed per step
# What the routes and label places depend on: cards, arrows, message names, positions, shapes.
_GEOMETRY = frozenset({"nodes", "flows", "messages", "layout", "arrows"})


# Up to this many cards, names are drawn at every zoom (see rebuild).
SMALL_DESIGN_NODES = 150


class DesignScene(QGraphicsScene):
    selectionChangedIds = Signal(list, list)
    newFlowRequested = Signal(str, str, QPointF)
    newTargetRequested = Signal(str, QPointF)  # a new arrow released on empty canvas
    renameRequested = Signal(str)
    editFailed = Signal(str)
    routingProgress = Signal(int)  # percent of a big design's routing; 100 when done

    def __init__(
        self,
        document: Document,
        push: Callable[[Command], object],  # its answer False means refused (see SceneEdits.push)
        theme: Theme = LIGHT,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.document = document
        self.ctx = CanvasContext(theme)
        self.edits = SceneEdits(document, push, self.ctx, self, self.editFailed.emit)
        self.ctx.node_hovered = self._node_hovered
        self._nodes: dict[str, NodeItem] = {}
        self._flows: dict[str, FlowItem] = {}
        self._boundaries: dict[str, BoundaryItem] = {}
        self._members: dict[str, set[str]] = defaultdict(set)
        self._titles = TitleGrid()
        self._pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._node_flows: dict[str, set[str]] = defaultdict(set)
        self._pairs_cache: dict[str, set[tuple[str, str]]] = {}
        self._problem_items: list[NodeItem | FlowItem] = []
        self._selected_flows: set[FlowItem] = set()
        self._selected_cards: set[NodeItem] = set()
        # The findings shown: the validation's own list, read, never copied or changed.
        self._diagnostics: Sequence[Diagnostic] = ()
        self._building = False
        self._unplaced = 0  # nodes given a spot by _free_spot since the last rebuild
        self._spot_origin = QPointF(0, 0)
        self._moving = False  # arrows get rough hit areas (a build or a drag)
        self._dragging = False  # ... roomy ones, kept while the arrow stays inside
        self._rough_pairs: set[tuple[str, str]] = set()
        # A child timer, not QTimer.singleShot(0, bound method): it dies with the scene,
        # so a scene deleted by its owner (a closed compare view) is never called back.
        self._outline_timer = QTimer(self)
        self._outline_timer.setSingleShot(True)
        self._outline_timer.timeout.connect(self._refine_outlines)
        self._quiet_selection = False
        # The gesture the mouse and keys go to (see interactions.py), and the drops'.
        self._idle = IdleInteraction(self)
        self._interaction: Interaction = self._idle
        self.palette_drop = PaletteDrop(self)
        self._pending_line: QGraphicsPathItem | None = None
        self._design = document.design
        self._engine = DiagramEngine.of({}, {}, self._label_size)
        self._routed = True
        self._dragged: set[str] = set()  # cards moved since begin_move
        self._preview: tuple[str, FlowLayout] | None = None  # an arrow being dragged
        self.arrow_handles = ArrowHandles(self.ctx)
        self.addItem(self.arrow_handles)
        # A big design's routing, a slice at a time between events (a child: it stops
        # when the scene goes).
        self._routing = SlicedJob(self)
        self._routing.progress.connect(self.routingProgress)
        self._unsubscribe = document.subscribe(self._on_changes)
        self.selectionChanged.connect(self._emit_selection)
        self.rebuild()

    # ------------------------------------------------------------------ reading
    def node_item(self, node_id: str) -> NodeItem | None:
        return self._nodes.get(node_id)

    def flow_item(self, flow_id: str) -> FlowItem | None:
        return self._flows.get(flow_id)

    def thing_exists(self, item_id: str) -> bool:
        """Whether a card or an arrow has this id."""
        return self.document.get("nodes", item_id) is not None or (
            self.document.get("flows", item_id) is not None
        )

    def thing_at(self, scene_pos: QPointF) -> tuple[str, list[str]]:
        """What a click at `scene_pos` is on: ("node"|"flow"|"boundary"|"canvas", ids).

        A boundary is named by its title (boundaries have no id of their own).
        """
        node = self.node_at(scene_pos)
        if node is not None:
            return "node", [node.node_id]
        for item in self.items(scene_pos):
            flow_id = getattr(item, "flow_id", None) or getattr(
                getattr(item, "flow", None), "flow_id", None
            )
            if isinstance(flow_id, str):
                return "flow", [flow_id]
            if isinstance(item, BoundaryItem):
                return "boundary", [item.name]
        return "canvas", []

    def node_at(self, scene_pos: QPointF) -> NodeItem | None:
        for item in self.items(scene_pos):
            while item is not None and not isinstance(item, NodeItem):
                item = item.parentItem()
            if item is not None:
                return item
        return None

    def flow_label_at(self, scene_pos: QPointF) -> str | None:
        """The arrow whose label a press at `scene_pos` takes (as FlowLabel decides: over
        a card, only the label's text takes it)."""
        items = self.items(scene_pos)
        for item in items:
            if isinstance(item, FlowLabel):
                on_text = item.on_text(item.mapFromScene(scene_pos))
                if on_text or not any(isinstance(i, NodeItem) for i in items):
                    return item.flow.flow_id
                return None
        return None

    # ------------------------------------------------------------------ arrow shapes
    def arrow_route(self, flow_id: str) -> list[tuple[float, float]]:
        """The arrow's route as the engine made it (its corners; [] if not routed)."""
        arrow = self._engine.diagram.arrows.get(flow_id) if self._routed else None
        return list(arrow.points) if arrow is not None else []

    def preview_arrow(self, flow_id: str, shape: FlowLayout | None) -> None:
        """Draw the arrow in `shape` while a gesture drags it (the file is changed once,
        on release); None draws every arrow as the file says again."""
        self._preview = (flow_id, shape) if shape is not None else None
        if self._routed:
            shapes = dict(self.document.design.layout.flows)
            if shape is not None:
                shapes[flow_id] = shape
            self._apply(self._engine.set_shapes(shapes))

    def _shape_of(self, flow_id: str) -> FlowLayout | None:
        if self._preview is not None and self._preview[0] == flow_id:
            return self._preview[1]
        return self.document.design.layout.flows.get(flow_id)

    def arrow_bends(self, flow_id: str) -> list[tuple[float, float]]:
        """The bends the arrow shows as handles: the stored (or previewed) ones, or else
        the corners of its automatic route (a straight arrow has none)."""
        shape = self._shape_of(flow_id)
        if shape is not None and shape.bends:
            return [(p.x, p.y) for p in shape.bends]
        if shape is not None and shape.route is RouteStyle.STRAIGHT:
            return []
        return self.arrow_route(flow_id)[1:-1]

    def _refresh_handles(self) -> None:
        """Handles on the selected arrow when it is the only thing selected."""
        chosen = self.selectedItems()
        flow = chosen[0] if len(chosen) == 1 and isinstance(chosen[0], FlowItem) else None
        route = self.arrow_route(flow.flow_id) if flow is not None else []
        if flow is None or len(route) < 2 or flow.source_id == flow.target_id:
            self.arrow_handles.show_for(None, [], ((0, 0), (0, 0)))
            return
        bends = self.arrow_bends(flow.flow_id)
        self.arrow_handles.show_for(flow.flow_id, bends, (route[0], route[-1]))

    def is_bare_canvas(self, scene_pos: QPointF) -> bool:
        """Nothing but boundary backdrops under `scene_pos`."""
        return all(isinstance(i, BoundaryItem) for i in self.items(scene_pos))

    def selected_cards(self) -> list[NodeItem]:
        return [item for item in self.selectedItems() if isinstance(item, NodeItem)]

    def node_items(self) -> Iterable[NodeItem]:
        return self._nodes.values()

    def selected_ids(self) -> tuple[list[str], list[str]]:
        nodes, flows = [], []
        for item in self.selectedItems():
            if isinstance(item, NodeItem):
                nodes.append(item.node_id)
            elif isinstance(item, FlowItem):
                flows.append(item.flow_id)
        return sorted(nodes), sorted(flows)

    def content_rect(self) -> QRectF:
        """Everything drawn (cards, arrows, backdrops), without the scene's extra margin."""
        return self.itemsBoundingRect()

    def cards_rect(self) -> QRectF:
        """The cards' extent, from their positions: cheap enough for every repaint."""
        if not self._nodes:
            return QRectF()
        xs, ys = [], []
        for item in self._nodes.values():
            pos = item.pos()
            xs.append(pos.x())
            ys.append(pos.y())
        return QRectF(min(xs), min(ys), max(xs) - min(xs) + CARD_W, max(ys) - min(ys) + CARD_H)

    def _fit_scene_rect(self) -> None:
        """Room to pan around the cards. A fixed rect also spares Qt from re-measuring
        every item to grow the scene after each change."""
        cards = self.cards_rect()
        if cards.isNull():
            cards = QRectF(0, 0, CARD_W, CARD_H)
        self.setSceneRect(cards.adjusted(-SCENE_MARGIN, -SCENE_MARGIN, SCENE_MARGIN, SCENE_MARGIN))

    # ------------------------------------------------------------------ gestures
    @property
    def interaction(self) -> Interaction:
        """The gesture in progress, `IdleInteraction` between gestures."""
        return self._interaction

    def start_interaction(self, interaction: Interaction) -> None:
        if self._interaction is not interaction:
            self._interaction.cancel()
        self._interaction = interaction

    def end_interaction(self) -> None:
        self._interaction = self._idle

    def gesture_in_progress(self) -> bool:
        return self._interaction is not self._idle

    def default_mouse(self, event: QGraphicsSceneMouseEvent) -> None:
        """Qt's own handling of a mouse event: clicks select, the rubber band, hover, and
        dragging the selected cards."""
        handler = _QT_MOUSE.get(event.type())
        if handler is not None:
            handler(self, event)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self._interaction.mouse_press(event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self._interaction.mouse_move(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self._interaction.mouse_release(event)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self._interaction.mouse_double_click(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._interaction.key_press(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def dragEnterEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        self.palette_drop.drag_move(event)

    def dragMoveEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        self.palette_drop.drag_move(event)

    def dragLeaveEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        self.palette_drop.drag_leave(event)

    def dropEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        self.palette_drop.drop(event)

    def keep_pending_line(self, line: QGraphicsPathItem) -> None:
        """Keep a new flow's rubber arrow on screen until its popup is answered."""
        self.clear_pending_line()
        self._pending_line = line

    def clear_pending_line(self) -> None:
        if self._pending_line is not None and self._pending_line.scene() is self:
            self.removeItem(self._pending_line)
        self._pending_line = None

    # ------------------------------------------------------------------ view state
    @property
    def theme(self) -> Theme:
        return self.ctx.theme

    def set_theme(self, theme: Theme) -> None:
        self.ctx.theme = theme
        self.update()

    def set_snap(self, on: bool) -> None:
        self.ctx.snap = on

    @property
    def snap(self) -> bool:
        return self.ctx.snap

    def highlight_message(self, message_id: str | None) -> None:
        self.ctx.highlight = message_id
        self.update()

    def select_ids(self, ids: Iterable[str]) -> None:
        """Select the nodes and flows with these ids (message ids select their flows)."""
        wanted = set(ids)
        self._quiet_selection = True
        try:
            self.clearSelection()
            for node_id in wanted & self._nodes.keys():
                self._nodes[node_id].setSelected(True)
            for flow_id, item in self._flows.items():
                if flow_id in wanted or item.message_id in wanted:
                    item.setSelected(True)
        finally:
            self._quiet_selection = False
        self._emit_selection()

    def _emit_selection(self) -> None:
        # Labels are separate items drawn above the cards: repaint those whose arrow
        # gained or lost the selection.
        chosen = self.selectedItems()
        selected = {item for item in chosen if isinstance(item, FlowItem)}
        for flow in selected ^ self._selected_flows:
            flow.label.update()
        self._selected_flows = selected
        # Selected cards stack above the others (drawn on top while dragged over them).
        cards = {item for item in chosen if isinstance(item, NodeItem)}
        for card in cards ^ self._selected_cards:
            if isValid(card):
                card.setZValue(Z_SELECTED if card in cards else Z_NODE)
        self._selected_cards = cards
        self._refresh_handles()
        if not self._quiet_selection:
            self.selectionChangedIds.emit(*self.selected_ids())

    @property
    def diagnostics(self) -> Sequence[Diagnostic]:
        return self._diagnostics

    def set_diagnostics(
        self, diagnostics: Sequence[Diagnostic], only: set[str] | None = None
    ) -> None:
        """Badge the cards and arrows a rule fires on; hovering shows message and hint.

        `only` limits the work to those item ids (items an edit just rebuilt), so one edit
        of a big design does not re-badge thousands of untouched items.
        """
        self._diagnostics = diagnostics
        if not diagnostics and not self._problem_items:
            return  # nothing shown, nothing to show (a design opened without findings)
        if only is None:
            stale, self._problem_items = self._problem_items, []
        else:
            stale = [i for i in (*map(self._nodes.get, only), *map(self._flows.get, only)) if i]
        for item in stale:
            item.set_problems(None, "") if isinstance(item, NodeItem) else item.set_problems("")
        by_subject: dict[str, list[Diagnostic]] = defaultdict(list)
        carrying: dict[str, list[str]] = defaultdict(list)  # message id -> its flows
        for flow_id, item in self._flows.items():
            carrying[item.message_id].append(flow_id)
        for diagnostic in self._diagnostics:
            # A finding about a message (no arrow named) shows on the arrows that carry
            # it; one that names its arrows shows on those only, not on every arrow of a
            # message it merely mentions (the message that caused it, say).
            names_arrows = any(subject in self._flows for subject in diagnostic.subjects)
            for subject in diagnostic.subjects:
                by_subject[subject].append(diagnostic)
                if names_arrows:
                    continue
                for flow_id in carrying.get(subject, ()):
                    by_subject[flow_id].append(diagnostic)
        for subject, found in by_subject.items():
            if only is not None and subject not in only:
                continue
            found.sort(key=lambda d: SEVERITY_RANK[d.severity])
            text = "<br>".join(
                f"<b>{Severity(d.severity).value.title()}</b> ({d.rule}): {d.message}"
                + (f"<br><i>{d.hint}</i>" if d.hint else "")
                for d in found
            )
            node = self._nodes.get(subject)
            if node is not None:
                node.set_problems(Severity(found[0].severity), text)
                self._problem_items.append(node)
            flow = self._flows.get(subject)
            if flow is not None:
                flow.set_problems(text, Severity(found[0].severity))
                self._problem_items.append(flow)

    # ------------------------------------------------------------------ following the document
    def rebuild(self) -> None:
        """Recreate every item from the document (open, revert, or a new Document)."""
        # Skipping text when zoomed out keeps big designs fast; a small design fitted to a
        # wide window would only show blank cards, and painting its text costs nothing.
        small = len(self.document.design.nodes) <= SMALL_DESIGN_NODES
        self.ctx.lod_text = 0.0 if small else LOD_TEXT
        self._routing.cancel()  # routes for the design as it was
        # Thousands of small wrappers are allocated here and none are garbage: cyclic
        # collections in the middle of the build would only rescan them.
        with collector_paused():
            self._build_items()
        self._fit_scene_rect()
        self.set_diagnostics(self._diagnostics)
        if not self._routed:
            # The provisional arrows keep their rough hit boxes: routing replaces every
            # one of them, with its exact outline, within seconds (exact outlines for
            # them first were 6% of a 1,000-service build, and delayed the routing).
            self._rough_pairs.clear()
            self._route_later()
        elif self._rough_pairs:
            self._outline_timer.start(0)

    def _build_items(self) -> None:
        """Every item made anew from the document (the body of rebuild)."""
        self._building = True
        try:
            for flow_item in self._flows.values():
                self._remove_flow_item(flow_item)
            for node_item in self._nodes.values():
                node_item.drop_badge()
            for table in (self._nodes, self._flows, self._boundaries):
                for item in table.values():
                    if item.scene() is self:
                        self.removeItem(item)
                table.clear()
            for mapping in (self._members, self._pairs, self._node_flows, self._pairs_cache):
                mapping.clear()
            self._titles = TitleGrid()
            self._problem_items = []
            self._unplaced = 0
            self._design = self.document.design
            layout = self._design.layout.nodes
            # Placed nodes first, so the unplaced ones go below all of them.
            for node in sorted(self._design.nodes, key=lambda n: n.id not in layout):
                self._add_node_item(node)
            # Arrows join the scene once routed: a position or outline set on an item in
            # a scene costs Qt's change bookkeeping, one set before costs almost nothing.
            for flow in self._design.flows:
                self._add_flow_item(flow.id, join=False)
            for name in list(self._members):  # first: arrow labels keep off the titles
                self._refit_boundary(name)
            # Curved arrows get their exact hit outlines just after, when the event loop
            # is idle: the scene shows sooner, and nobody clicks in between.
            self._moving = True
            self._routed = len(self._flows) <= ROUTED_FLOWS
            if self._routed:
                self._engine = DiagramEngine.of(
                    *self._engine_input(), self._label_size, dict(self._design.layout.flows)
                )
                self._apply(list(self._flows))
            else:
                # Provisional arrows now; routed ones between events (`_route_later`).
                self._engine = DiagramEngine.of({}, {}, self._label_size)
                for pair in list(self._pairs):
                    self._reroute_pair(pair)
            self._moving = False
            for item in self._flows.values():
                self.addItem(item)
                self.addItem(item.label)
            for node_id in self._nodes:
                self._update_counts(node_id)
        finally:
            self._building = False

    # ------------------------------------------------------------------ routing a big design
    @property
    def routing_pending(self) -> bool:
        """Whether a big design's arrows are still being routed or switched over."""
        return self._routing.busy

    def finish_routing(self) -> None:
        """Route (and switch over) what is left at once: a picture about to be exported."""
        self._routing.finish_now()

    def _route_later(self) -> None:
        """Route every arrow between events, from the design as it is now (any routing
        already under way is for an older state: it is dropped)."""
        cards, links = self._engine_input()
        shapes = dict(self.document.design.layout.flows)
        self._routing.start(self._routing_steps(cards, links, shapes))

    def _routing_steps(
        self,
        cards: dict[str, tuple[float, float, str | None]],
        links: dict[str, tuple[str, str]],
        shapes: dict[str, FlowLayout],
    ) -> Steps[None]:
        """The engine built in steps (the same engine a build of a small design makes,
        so every arrow ends as the exports draw it), then the arrows switched over from
        their provisional shapes, those in view first."""
        building = DiagramEngine.building(cards, links, self._label_size, shapes)
        engine = yield from scaled(building, 0.0, 0.9)
        # From here on the engine follows edits, as on a small design; arrows not yet
        # switched over take their routes from it when their turn comes.
        self._engine, self._routed = engine, True
        waiting = self._in_view_first(list(engine.diagram.arrows))
        for done in range(0, len(waiting), _SWITCH_BATCH):
            self._apply(waiting[done : done + _SWITCH_BATCH])
            yield 0.9 + 0.1 * min(1.0, (done + _SWITCH_BATCH) / len(waiting))
        self._refresh_handles()

    def _in_view_first(self, flow_ids: list[str]) -> list[str]:
        """These arrows, those crossing a view's visible area first."""
        areas = []
        for view in self.views():
            if view.isVisible():
                area = view.mapToScene(view.viewport().rect()).boundingRect()
                areas.append((area.left(), area.top(), area.right(), area.bottom()))
        if not areas:
            return flow_ids
        arrows = self._engine.diagram.arrows

        def hidden(flow_id: str) -> bool:
            points = arrows[flow_id].points
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            left, top, right, bottom = min(xs), min(ys), max(xs), max(ys)
            return not any(
                left <= x1 and x0 <= right and top <= y1 and y0 <= bottom
                for x0, y0, x1, y1 in areas
            )

        return sorted(flow_ids, key=hidden)  # stable: in view (False) first

    def _refine_outlines(self) -> None:
        """Exact hit outlines for arrows routed roughly, a slice per event-loop turn."""
        for _ in range(min(400, len(self._rough_pairs))):
            pair = self._rough_pairs.pop()
            for flow_id in self._pairs.get(pair, ()):
                item = self._flows[flow_id]
                if isValid(item):  # a scene cleared by its owner keeps no items
                    item.make_exact()
        if self._rough_pairs and not self._moving:
            self._outline_timer.start(0)

    def _on_changes(self, changes: tuple[Change, ...]) -> None:
        if self.document.design is not self._design:
            self.rebuild()
            return
        pairs: set[tuple[str, str]] = set()
        relabel: set[str] = set()  # arrows whose label changed size
        reshaped = False  # the user bent, restyled or moved the label of an arrow
        counted: set[str] = set()
        boundaries: set[str] = set()
        for change in changes:
            key = change.id
            if key is None:
                continue
            if change.collection == "nodes":
                # One step may change a node and then remove it (a changed id: the node
                # moves to its new id): what counts is whether it is there at the end.
                gone = self.document.get("nodes", key) is None
                self._node_changed("removed" if gone else change.action, key, boundaries, pairs)
            elif change.collection == "flows":
                self._flow_changed(change.action, key, pairs, counted)
                if change.action != "removed":
                    relabel.add(key)  # a new item (or a new badge): geometry again
            elif change.collection == "messages" and change.action == "changed":
                for flow_id in [f.id for f in self.document.flows_of_message(key)]:
                    self._update_flow_item(flow_id)
                    relabel.add(flow_id)
            elif change.collection == "arrows":
                reshaped = True
            elif change.collection == "layout":
                point = self.document.design.layout.nodes.get(key)
                item = self._nodes.get(key)
                if (
                    item is not None
                    and point is not None
                    and item.pos() != QPointF(point.x, point.y)
                ):
                    # Re-route once after all moves: an auto-layout moves every card, and
                    # rerouting per card would route each arrow twice.
                    self._building = True
                    try:
                        item.setPos(point.x, point.y)
                        item.follow_badge()
                    finally:
                        self._building = False
                    pairs.update(self._pairs_of(key))
                    if item.boundary:
                        boundaries.add(item.boundary)
        for name in boundaries:  # first: arrow labels keep off the titles
            self._refit_boundary(name)
        if not self._routed:
            for pair in pairs:
                self._reroute_pair(pair)
            if any(c.collection in _GEOMETRY for c in changes):
                # The routing under way is for the design before this change: start again.
                self._route_later()
        elif pairs or boundaries:
            self._apply(self._engine.sync(*self._engine_input()))
        if relabel and self._routed:
            self._apply(self._engine.relabel(sorted(relabel)))
        if reshaped and self._routed:
            self._preview = None  # the file now holds what was dragged
            self._apply(self._engine.set_shapes(dict(self.document.design.layout.flows)))
        for node_id in counted & self._nodes.keys():
            self._update_counts(node_id)
        if any(c.collection in ("nodes", "layout") for c in changes):
            self._fit_scene_rect()
        rebuilt = {
            c.id
            for c in changes
            if c.collection in ("nodes", "flows") and c.action != "removed" and c.id
        }
        # A card rebuilt may rebuild its arrows too: they get their badges back with it.
        for node_id in [i for i in rebuilt if i in self._nodes]:
            rebuilt.update(f.id for f in self.document.flows_of_node(node_id))
        if self._diagnostics and rebuilt:
            # New or replaced items get their badges back: validation (derived state)
            # has already been told of this change, before the views.
            self.set_diagnostics(self._diagnostics, only=rebuilt)

    def _node_changed(
        self, action: str, key: str, boundaries: set[str], pairs: set[tuple[str, str]]
    ) -> None:
        old = self._nodes.get(key)
        if old is not None:
            if old.boundary:
                boundaries.add(old.boundary)
                self._members[old.boundary].discard(key)
            if action != "removed" and isinstance(old, ActorItem) == (
                self.document.node(key).kind is NodeKind.ACTOR
            ):
                self._set_node_text(old, self.document.node(key))
                self._join_boundary(old, boundaries)
                return
            was_selected = old.isSelected()
            old.drop_badge()
            self.removeItem(old)
            del self._nodes[key]
            if action != "removed":  # the kind changed: a different card class
                item = self._add_node_item(self.document.node(key), old.pos())
                item.setSelected(was_selected)
                self._join_boundary(item, boundaries)
                self._update_counts(key)
                pairs.update(self._pairs_of(key))
            return
        if action != "removed":
            item = self._add_node_item(self.document.node(key))
            self._join_boundary(item, boundaries)

    def _flow_changed(
        self, action: str, key: str, pairs: set[tuple[str, str]], counted: set[str]
    ) -> None:
        self._pairs_cache.clear()
        item = self._flows.get(key)
        if item is not None:
            pair = _pair(item.source_id, item.target_id)
            pairs.add(pair)
            counted.update(pair)
            self._pairs[pair].remove(key)
            if not self._pairs[pair]:
                del self._pairs[pair]
                pairs.discard(pair)
            self._node_flows[item.source_id].discard(key)
            self._node_flows[item.target_id].discard(key)
            del self._flows[key]
            self._remove_flow_item(item)
            if action == "removed":
                return
        if action != "removed":
            new = self._add_flow_item(key)
            pair = _pair(new.source_id, new.target_id)
            pairs.add(pair)
            counted.update(pair)

    # ------------------------------------------------------------------ item bookkeeping
    def _add_node_item(self, node: Node, at: QPointF | None = None) -> NodeItem:
        item: NodeItem = (
            ActorItem(node.id, self.ctx)
            if node.kind is NodeKind.ACTOR
            else ServiceItem(node.id, self.ctx)
        )
        self._set_node_text(item, node)
        point = self.document.design.layout.nodes.get(node.id)
        if at is not None:
            item.setPos(at)
        elif point is not None:
            item.setPos(point.x, point.y)
        else:
            item.setPos(self._free_spot())
        self._nodes[node.id] = item
        self.addItem(item)
        if node.boundary:
            self._members[node.boundary].add(node.id)
        return item

    def _set_node_text(self, item: NodeItem, node: Node) -> None:
        subtitle = node.description or ("actor" if node.kind is NodeKind.ACTOR else "service")
        tooltip = f"<b>{node.name}</b> ({node.kind.value})" + (
            f"<br>{node.description}" if node.description else ""
        )
        item.set_text(node.name, subtitle, node.boundary, tooltip)

    def _join_boundary(self, item: NodeItem, boundaries: set[str]) -> None:
        if item.boundary:
            self._members[item.boundary].add(item.node_id)
            boundaries.add(item.boundary)

    def _free_spot(self) -> QPointF:
        """Where a node without a layout position goes: in a grid below everything placed
        (the window offers auto-layout for a design drawn without positions)."""
        if self._unplaced == 0:
            placed = [item.pos() for item in self._nodes.values()]
            self._spot_origin = (
                QPointF(min(p.x() for p in placed), max(p.y() for p in placed) + 160)
                if placed
                else QPointF(0, 0)
            )
        column, row = self._unplaced % 6, self._unplaced // 6
        self._unplaced += 1
        return self._spot_origin + QPointF(column * 320, row * 160)

    def _add_flow_item(self, flow_id: str, join: bool = True) -> FlowItem:
        """A new arrow item (and its label), added to the scene unless `join` is False."""
        item = FlowItem(flow_id, self.ctx)
        self._flows[flow_id] = item
        flow = self.document.flow(flow_id)
        self._set_flow_text(item, flow)
        pair = _pair(flow.source, flow.target)
        ids = self._pairs[pair]
        ids.append(flow_id)
        ids.sort()
        self._node_flows[flow.source].add(flow_id)
        self._node_flows[flow.target].add(flow_id)
        if join:
            self.addItem(item)
            self.addItem(item.label)
        return item

    def _remove_flow_item(self, item: FlowItem) -> None:
        self.removeItem(item.label)
        self.removeItem(item)
        self._selected_flows.discard(item)

    def _update_flow_item(self, flow_id: str) -> None:
        item = self._flows.get(flow_id)
        if item is not None:
            self._set_flow_text(item, self.document.flow(flow_id))

    def _set_flow_text(self, item: FlowItem, flow: Flow) -> None:
        message = self.document.get("messages", flow.message)
        kind = getattr(message, "kind", MessageKind.COMMAND)
        name = getattr(message, "name", flow.message)
        item.set_flow(flow.message, flow.source, flow.target, kind, name, flow.transport)
        if not self._building:  # after a big build, DesignView asks when first hovered
            item.set_description(self.flow_tooltip(flow.id))

    def flow_tooltip(self, flow_id: str) -> str:
        flow = self.document.flow(flow_id)
        message = self.document.get("messages", flow.message)
        kind = getattr(message, "kind", MessageKind.COMMAND).value
        name = getattr(message, "name", flow.message)
        ends = [self.document.get("nodes", n) for n in (flow.source, flow.target)]
        source, target = (getattr(n, "name", "?") for n in ends)
        return (
            f"<b>{name}</b> ({kind})<br>{source} \u2192 {target} over "
            f"{TRANSPORT_LABEL[flow.transport]}"
        )

    def _pairs_of(self, node_id: str) -> set[tuple[str, str]]:
        """The card pairs a node's arrows join (kept until a flow changes: asked on
        every mouse move of a drag)."""
        found = self._pairs_cache.get(node_id)
        if found is None:
            found = self._pairs_cache[node_id] = {
                _pair(self._flows[f].source_id, self._flows[f].target_id)
                for f in self._node_flows.get(node_id, ())
            }
        return found

    def begin_move(self) -> None:
        """Cards are about to be dragged: arrows get rough hit areas until end_move."""
        self._moving = self._dragging = True
        self._routing.pause(True)  # the drag's frames first

    def end_move(self) -> None:
        self._moving = self._dragging = False
        self._routing.pause(False)
        if self._dragged and self._routed:
            # The arrows' far ends kept their ports during the drag: spread them now.
            self._apply(self._engine.settle(sorted(self._dragged & self._nodes.keys())))
        self._dragged.clear()
        for pair in self._rough_pairs:
            for flow_id in self._pairs.get(pair, ()):
                self._flows[flow_id].make_exact()
        self._rough_pairs.clear()

    # ------------------------------------------------------------------ geometry
    @property
    def routed(self) -> bool:
        """Whether arrows come from the geometry engine (orthogonal, around cards). A
        design with more flows than ROUTED_FLOWS is built with straight/fanned arrows in
        a fraction of the time (the engine is pure Python) and routed after, between
        events: False until then."""
        return self._routed

    def _reroute_pair(self, pair: tuple[str, str]) -> None:
        ids = self._pairs.get(pair)
        if not ids:
            return
        first, second = self._nodes.get(pair[0]), self._nodes.get(pair[1])
        if first is None or second is None:
            return
        p, q = first.pos(), second.pos()
        px, py, qx, qy = p.x(), p.y(), q.x(), q.y()
        rects = ((px, py, CARD_W, CARD_H), (qx, qy, CARD_W, CARD_H))
        flipped = (rects[1], rects[0])
        # Card text is left-aligned: a label may cover a card's empty right strip.
        avoid = (
            (px, py, px + CARD_W - FREE_STRIP, py + CARD_H),
            (qx, qy, qx + CARD_W - FREE_STRIP, qy + CARD_H),
            *self._titles.near(rects[0], rects[1]),
        )
        exact, dragged = not self._moving, self._dragging
        if len(ids) == 1:
            item = self._flows[ids[0]]
            ends = rects if item.source_id == pair[0] else flipped
            item.set_route(
                route_between(ends[0], ends[1], 0.0, ends is flipped), avoid, exact, dragged
            )
            if item.rough:  # a straight arrow gets its exact outline at once
                self._rough_pairs.add(pair)
            return
        if not exact:
            self._rough_pairs.add(pair)
        routes = []
        for flow_id, offset in zip(ids, fan_offsets(len(ids)), strict=True):
            item = self._flows[flow_id]
            # Offsets are measured on the pair's own side, whichever way the arrow runs.
            ends = rects if item.source_id == pair[0] else flipped
            routes.append((item, route_between(ends[0], ends[1], offset, ends is flipped)))
        # Parallel arrows: each label also keeps off the other arrows' heads and the
        # labels placed before it (between cards one above the other, fanned arrows run
        # closer than a label is wide).
        heads = [head_box(route) for _, route in routes]
        placed: list[tuple[float, float, float, float]] = []
        for index, (item, route) in enumerate(routes):
            others = heads[:index] + heads[index + 1 :]
            placed.append(item.set_route(route, (*avoid, *others, *placed), exact, dragged))

    def _engine_input(
        self,
    ) -> tuple[dict[str, tuple[float, float, str | None]], dict[str, tuple[str, str]]]:
        """Cards where they stand on screen (a node without a layout place has one here
        too) and the arrows' ends: what the geometry engine routes."""
        cards = {}
        for node_id, item in self._nodes.items():
            pos = item.pos()
            cards[node_id] = (pos.x(), pos.y(), item.boundary or None)
        links = {key: (item.source_id, item.target_id) for key, item in self._flows.items()}
        return cards, links

    def _label_size(self, flow_id: str) -> tuple[float, float]:
        # The label item's width with its selection outline and padding (labels side by
        # side never touch on screen), and the pill's own height (LABEL_HEIGHT, as the
        # exports size it): arrows straight across between two cards run a pill's height
        # and a gap apart (diagram/fans.py STRAIGHT_ROW). With the outline's 4 px too, the
        # canvas (and PNG/PDF, which draw it) found no room for three labels centred on
        # three such arrows: the imported streetlights and kraken systems drew a label
        # beside its arrow and the next on a leader line, where SVG/HTML had each on its own.
        box = self._flows[flow_id].label.boundingRect()
        return box.width(), LABEL_HEIGHT

    def _apply(self, flow_ids: Iterable[str]) -> None:
        """Give the items of these arrows the engine's routes and label places."""
        arrows = self._engine.diagram.arrows
        exact, dragged = not self._moving, self._dragging
        flow_ids = list(flow_ids)
        if self.arrow_handles.flow_id in flow_ids:
            self._refresh_handles()
        for flow_id in flow_ids:
            item = self._flows.get(flow_id)
            arrow = arrows.get(flow_id)
            if item is None or arrow is None or len(arrow.points) < 2:
                continue
            label = arrow.label.centre if arrow.label is not None else arrow.points[0]
            item.set_geometry(shaped(arrow.points, arrow.style), label, exact, dragged)
            item.set_leader(arrow.leader)
            if not exact:
                self._rough_pairs.add(_pair(item.source_id, item.target_id))

    def node_moved(self, node_id: str) -> None:
        """A card was moved on screen (by a drag): its badge, backdrop and arrows follow."""
        if self._building:
            return
        item = self._nodes.get(node_id)
        if item is None:
            return
        item.follow_badge()
        if item.boundary:
            self._refit_boundary(item.boundary)  # first: labels keep off its moved title
        if self._routed:
            pos = item.pos()
            dragging = self._dragging
            if dragging:
                self._dragged.add(node_id)
            self._apply(self._engine.move_card(node_id, pos.x(), pos.y(), dragging))
        else:
            for pair in self._pairs_of(node_id):
                self._reroute_pair(pair)
        card = item.card_rect()
        if not self.sceneRect().contains(card.adjusted(-400, -400, 400, 400)):
            self.setSceneRect(
                self.sceneRect().united(
                    card.adjusted(-SCENE_MARGIN, -SCENE_MARGIN, SCENE_MARGIN, SCENE_MARGIN)
                )
            )

    def _node_hovered(self, node_id: str, on: bool) -> None:
        previous = self.ctx.hovered
        if on:
            self.ctx.hovered = node_id
        elif previous == node_id:
            self.ctx.hovered = None
        else:
            return  # the mouse already entered another card
        for card in {c for c in (previous, node_id) if c is not None}:
            for flow_id in self._node_flows.get(card, ()):
                flow = self._flows[flow_id]
                flow.update()
                flow.label.update()

    def _update_counts(self, node_id: str) -> None:
        incoming, outgoing = set(), set()
        for flow_id in self._node_flows.get(node_id, ()):
            flow = self._flows[flow_id]
            if flow.target_id == node_id:
                incoming.add(flow.message_id)
            if flow.source_id == node_id:
                outgoing.add(flow.message_id)
        self._nodes[node_id].set_counts(len(incoming), len(outgoing))

    def _refit_boundary(self, name: str) -> None:
        members = [self._nodes[n] for n in self._members.get(name, ()) if n in self._nodes]
        item = self._boundaries.get(name)
        if not members:
            if item is not None:
                self.removeItem(item)
                del self._boundaries[name]
            self._members.pop(name, None)
            self._titles.place(name, None)
            return
        if item is None:
            item = self._boundaries[name] = BoundaryItem(name, self.ctx)
            self.addItem(item)
        if item.fit([(p.x(), p.y()) for p in (m.pos() for m in members)]):
            self._titles.place(name, item.title_box())

    def detach(self) -> None:
        """Stop following the document (before the scene is thrown away)."""
        self._unsubscribe()
        self._routing.cancel()
        self._rough_pairs.clear()


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


_QT_MOUSE: dict[QEvent.Type, Callable[[QGraphicsScene, QGraphicsSceneMouseEvent], None]] = {
    QEvent.Type.GraphicsSceneMousePress: QGraphicsScene.mousePressEvent,
    QEvent.Type.GraphicsSceneMouseMove: QGraphicsScene.mouseMoveEvent,
    QEvent.Type.GraphicsSceneMouseRelease: QGraphicsScene.mouseReleaseEvent,
    QEvent.Type.GraphicsSceneMouseDoubleClick: QGraphicsScene.mouseDoubleClickEvent,
}


__all__ = ["CanvasContext", "DesignScene"]
