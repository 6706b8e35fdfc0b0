"""Undoable edits of how an arrow is drawn, and of which cards it joins.

Bends, label place and route style live in `layout.flows` (docs/file-format.md §1):
editing them never touches a line that carries meaning. Each gesture is one command, so
one undo step; a drag of a bend or a label merges its steps like a drag of a card.

Bend commands take `shown`, the bends as the arrow is drawn now: an arrow without
stored bends shows the corners of its automatic route as handles, and the first move of
one stores them all, so the rest of the route stays where the user saw it.

Re-attaching an end (`ReattachFlow`) changes the flow itself and is refused, with the
reason, where it would give a message a second owner: an event has one publisher, a
command one handler, a query one responder (unless it is scatter-gather).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from .commands import Command, _Edit, _message_label, _Shape
from .errors import EditError
from .model import FlowLayout, MessageKind, Point, RouteStyle

End = Literal["source", "target"]


def _shape(edit: _Edit, flow_id: str) -> FlowLayout:
    edit.doc.flow(flow_id)  # raises for an unknown flow before anything changes
    return edit.doc.design.layout.flows.get(flow_id) or FlowLayout()


def _label(edit: _Edit, flow_id: str) -> str:
    return _message_label(edit.doc, edit.doc.flow(flow_id).message)


class _Drag(Command):
    """A step of a drag: consecutive steps with one `drag_id` merge into one undo step."""

    def __init__(self, flow_id: str, drag_id: object) -> None:
        super().__init__()
        self.flow_id = flow_id
        self.merge_key = (type(self).__name__, flow_id, drag_id) if drag_id is not None else None

    def merge_with(self, other: Command) -> bool:
        if self.merge_key is None or other.merge_key != self.merge_key:
            return False
        if self._ops is None or other._ops is None:
            return False
        # One recorded change from the shape before the drag to the shape after it.
        first, last = self._ops[0], other._ops[-1]
        if not (isinstance(first, _Shape) and isinstance(last, _Shape)):
            return False
        self._ops = [_Shape(first.flow_id, first.old, last.new)]
        return True


def with_bend_moved(
    shape: FlowLayout, shown: Sequence[Point], index: int, point: Point
) -> FlowLayout:
    """`shape` with its bend `index` at `point` (its stored bends, or else the `shown`
    ones, which it then stores): what MoveBend stores and what a drag previews."""
    bends = list(shape.bends or shown)
    if not 0 <= index < len(bends):
        raise EditError(f"the arrow has no bend {index + 1}")
    bends[index] = point
    return shape.model_copy(update={"bends": bends})


class MoveBend(_Drag):
    def __init__(
        self,
        flow_id: str,
        index: int,
        point: Point,
        *,
        shown: Sequence[Point] = (),
        drag_id: object = None,
    ) -> None:
        super().__init__(flow_id, drag_id)
        self.index, self.point, self.shown = index, point, list(shown)
        self.text = "Move bend"

    def perform(self, edit: _Edit) -> None:
        shape = _shape(edit, self.flow_id)
        moved = with_bend_moved(shape, self.shown, self.index, self.point)
        edit.flow_layout(self.flow_id, moved)
        self.text = f"Move bend of {_label(edit, self.flow_id)}"


class AddBend(Command):
    """A new bend at `point`, before the bend `index` (len: after the last)."""

    def __init__(
        self, flow_id: str, index: int, point: Point, *, shown: Sequence[Point] = ()
    ) -> None:
        super().__init__()
        self.flow_id, self.index, self.point, self.shown = flow_id, index, point, list(shown)
        self.text = "Add bend"

    def perform(self, edit: _Edit) -> None:
        shape = _shape(edit, self.flow_id)
        bends = list(shape.bends or self.shown)
        if not 0 <= self.index <= len(bends):
            raise EditError(f"no place {self.index + 1} for a bend on this arrow")
        bends.insert(self.index, self.point)
        edit.flow_layout(self.flow_id, shape.model_copy(update={"bends": bends}))
        self.text = f"Add bend to {_label(edit, self.flow_id)}"


class RemoveBend(Command):
    """One bend fewer (the others stay; the last one gone, the arrow is routed again)."""

    def __init__(self, flow_id: str, index: int, *, shown: Sequence[Point] = ()) -> None:
        super().__init__()
        self.flow_id, self.index, self.shown = flow_id, index, list(shown)
        self.text = "Remove bend"

    def perform(self, edit: _Edit) -> None:
        shape = _shape(edit, self.flow_id)
        bends = list(shape.bends or self.shown)
        if not 0 <= self.index < len(bends):
            raise EditError(f"the arrow has no bend {self.index + 1}")
        del bends[self.index]
        edit.flow_layout(self.flow_id, shape.model_copy(update={"bends": bends}))
        self.text = f"Remove bend of {_label(edit, self.flow_id)}"


class Straighten(Command):
    """Drop the user's bends: the arrows are routed automatically again."""

    def __init__(self, flow_ids: Iterable[str]) -> None:
        super().__init__()
        self.flow_ids = list(dict.fromkeys(flow_ids))
        self.text = "Straighten arrows"

    def perform(self, edit: _Edit) -> None:
        shapes = {flow_id: _shape(edit, flow_id) for flow_id in self.flow_ids}
        bent = [flow_id for flow_id, shape in shapes.items() if shape.bends]
        if not bent:
            raise EditError("no bends to remove: the arrow is routed automatically")
        for flow_id in bent:
            edit.flow_layout(flow_id, shapes[flow_id].model_copy(update={"bends": []}))
        if len(bent) == 1:
            self.text = f"Straighten {_label(edit, bent[0])}"


class MoveLabel(_Drag):
    """Put an arrow's label (its centre) where the user dropped it; it stays there."""

    def __init__(self, flow_id: str, centre: Point, *, drag_id: object = None) -> None:
        super().__init__(flow_id, drag_id)
        self.centre = centre
        self.text = "Move label"

    def perform(self, edit: _Edit) -> None:
        shape = _shape(edit, self.flow_id)
        edit.flow_layout(self.flow_id, shape.model_copy(update={"label": self.centre}))
        self.text = f"Move label of {_label(edit, self.flow_id)}"


class ResetLabel(Command):
    """The labels are placed automatically again (clear of cards and other labels)."""

    def __init__(self, flow_ids: Iterable[str]) -> None:
        super().__init__()
        self.flow_ids = list(dict.fromkeys(flow_ids))
        self.text = "Reset labels"

    def perform(self, edit: _Edit) -> None:
        shapes = {flow_id: _shape(edit, flow_id) for flow_id in self.flow_ids}
        placed = [flow_id for flow_id, shape in shapes.items() if shape.label is not None]
        if not placed:
            raise EditError("the label is already placed automatically")
        for flow_id in placed:
            edit.flow_layout(flow_id, shapes[flow_id].model_copy(update={"label": None}))
        if len(placed) == 1:
            self.text = f"Reset label of {_label(edit, placed[0])}"


class SetRouteStyle(Command):
    def __init__(self, flow_ids: Iterable[str], style: RouteStyle) -> None:
        super().__init__()
        self.flow_ids, self.style = list(dict.fromkeys(flow_ids)), RouteStyle(style)
        self.text = f"Draw arrows {self.style.value}"

    def perform(self, edit: _Edit) -> None:
        shapes = {flow_id: _shape(edit, flow_id) for flow_id in self.flow_ids}
        changed = [flow_id for flow_id, shape in shapes.items() if shape.route is not self.style]
        if not changed:
            raise EditError(f"already drawn {self.style.value}")
        for flow_id in changed:
            edit.flow_layout(flow_id, shapes[flow_id].model_copy(update={"route": self.style}))
        if len(changed) == 1:
            self.text = f"Draw {_label(edit, changed[0])} {self.style.value}"


class ShapeArrow(Command):
    """Give an arrow a whole shape at once (a pasted copy of a shaped arrow)."""

    def __init__(self, flow_id: str, shape: FlowLayout) -> None:
        super().__init__()
        self.flow_id, self.shape = flow_id, shape
        self.text = "Shape arrow"

    def perform(self, edit: _Edit) -> None:
        _shape(edit, self.flow_id)
        edit.flow_layout(self.flow_id, self.shape)


class DropPlaces(Command):
    """Forget the bends and label places of these arrows (their cards were arranged anew,
    so the places no longer fit); route styles stay. Nothing to forget is no error: this
    runs inside an arrangement's one undo step."""

    def __init__(self, flow_ids: Iterable[str]) -> None:
        super().__init__()
        self.flow_ids = list(dict.fromkeys(flow_ids))
        self.text = "Drop bends and label places"

    def perform(self, edit: _Edit) -> None:
        shapes = edit.doc.design.layout.flows
        for flow_id in self.flow_ids:
            shape = shapes.get(flow_id)
            if shape is not None and (shape.bends or shape.label is not None):
                edit.flow_layout(flow_id, FlowLayout(route=shape.route))


class ReattachFlow(Command):
    """Move one end of an arrow to another card. Bends and label place go (they were
    chosen for the old ends); the route style stays."""

    def __init__(self, flow_id: str, end: End, node_id: str) -> None:
        super().__init__()
        self.flow_id, self.end, self.node_id = flow_id, end, node_id
        self.text = "Re-attach arrow"

    def perform(self, edit: _Edit) -> None:
        doc = edit.doc
        flow = doc.flow(self.flow_id)
        if not doc.has("nodes", self.node_id):
            raise EditError(f"no card '{self.node_id}' to attach the arrow to")
        card = doc.node(self.node_id)
        current = flow.source if self.end == "source" else flow.target
        if current == self.node_id:
            raise EditError(f"the arrow already {_verb(self.end)} {card.name}")
        if reason := reattach_refusal(edit, self.flow_id, self.end, self.node_id):
            raise EditError(reason)
        new = flow.model_copy(update={self.end: self.node_id})
        edit.replace("flows", new)
        shape = doc.design.layout.flows.get(self.flow_id)
        if shape is not None and (shape.bends or shape.label is not None):
            edit.flow_layout(self.flow_id, FlowLayout(route=shape.route))
        self.text = f"Re-attach {_label(edit, self.flow_id)} to {card.name}"


def _verb(end: End) -> str:
    return "starts at" if end == "source" else "ends at"


def reattach_refusal(edit: _Edit, flow_id: str, end: End, node_id: str) -> str | None:
    """Why moving `end` of the flow to `node_id` would break the message's one owner
    (None when it would not)."""
    doc = edit.doc
    flow = doc.flow(flow_id)
    message = doc.message(flow.message)
    kind = message.kind
    # The end that names the owner: an event's sender, a command's or query's receiver.
    owner_end: End = "source" if kind is MessageKind.EVENT else "target"
    if end != owner_end or (kind is MessageKind.QUERY and message.scatter_gather):
        return None
    role = {
        MessageKind.EVENT: "publisher",
        MessageKind.COMMAND: "handler",
        MessageKind.QUERY: "responder",
    }[kind]
    new_name = doc.node(node_id).name
    if message.owner is not None and message.owner != node_id:
        owner = doc.node(message.owner).name
        return (
            f"{message.name} is a {kind.value}; its {role} is {owner} (its owner), so the "
            f"arrow cannot {'start' if end == 'source' else 'end'} at {new_name}: change the "
            f"message's owner first"
        )
    others = {
        getattr(other, end)
        for other in doc.design.flows
        if other.message == message.id and other.id != flow_id
    }
    others.discard(node_id)
    if others:
        names = ", ".join(sorted(doc.node(n).name for n in others))
        return (
            f"{message.name} is a {kind.value} with one {role}: its other arrows make {names} "
            f"the {role}, so this arrow cannot {'start' if end == 'source' else 'end'} at "
            f"{new_name}"
        )
    return None
